import type { Knex } from 'knex';
import type { GroupMember, GroupMemberInput } from '../../acd/model.js';
import { ValidationError, type FieldIssue } from '../../errors/errors.js';
import type { StorageDialect } from '../config.js';
import { insertInBatches } from '../repository.js';
import type { Row } from '../row-codec.js';
import { chunked } from './agents.js';

/**
 * The rows behind a group's members and leaders (tables agent_group_members and
 * agent_group_leaders). The AgentGroupRepository calls these inside its transactions, so
 * every function takes the connection (or transaction) to use.
 */

const MEMBERS = 'agent_group_members';
const LEADERS = 'agent_group_leaders';

export type ParsedMember = Required<GroupMemberInput>;

/** A member or leader whose agent number is resolved to the agent's id. */
export interface Resolved<T> {
  agentId: string;
  value: T;
}

/**
 * Looks the agent numbers up in the tenant: unknown or repeated numbers are a ValidationError
 * naming each one under `field` (e.g. `members.3.agentNumber`), so nothing is half-saved.
 */
export async function resolveAgentNumbers<T>(
  db: Knex,
  tenantId: string,
  items: readonly T[],
  numberOf: (item: T) => string,
  field: (index: number) => string,
): Promise<Resolved<T>[]> {
  const ids = new Map<string, string>();
  for (const chunk of chunked([...new Set(items.map(numberOf))])) {
    const rows = (await db('agents').where('tenant_id', tenantId).whereIn('number', chunk).select('id', 'number')) as { id: string; number: string }[];
    for (const row of rows) ids.set(row.number, row.id);
  }
  const issues: FieldIssue[] = [];
  const seen = new Set<string>();
  const resolved: Resolved<T>[] = [];
  items.forEach((item, index) => {
    const number = numberOf(item);
    const agentId = ids.get(number);
    if (agentId === undefined) issues.push({ path: field(index), message: `no agent ${number}` });
    else if (seen.has(number)) issues.push({ path: field(index), message: `agent ${number} is listed twice` });
    else resolved.push({ agentId, value: item });
    seen.add(number);
  });
  if (issues.length > 0) {
    const unknown = items.map(numberOf).filter((number) => !ids.has(number));
    const message = unknown.length > 0 ? `Unknown agents: ${[...new Set(unknown)].join(', ')}` : `Agents listed twice: ${issues.map((i) => i.message).join('; ')}`;
    throw new ValidationError(message, issues, { details: { unknownAgents: [...new Set(unknown)] } });
  }
  return resolved;
}

/** Writes members after `firstPosition` in the order given: that order is the group page's. */
export async function insertMembers(
  db: Knex,
  dialect: StorageDialect,
  tenantId: string,
  groupId: string,
  members: readonly Resolved<ParsedMember>[],
  firstPosition = 0,
): Promise<GroupMember[]> {
  const rows = members.map(({ agentId, value }, i) => ({
    tenant_id: tenantId,
    group_id: groupId,
    agent_id: agentId,
    kind: value.kind,
    priority: value.priority,
    position: firstPosition + i,
  }));
  await insertInBatches(db, dialect, MEMBERS, rows);
  return members.map(({ agentId, value }, i) => ({ agentId, agentNumber: value.agentNumber, kind: value.kind, priority: value.priority, position: firstPosition + i }));
}

export async function insertLeaders(db: Knex, dialect: StorageDialect, tenantId: string, groupId: string, leaders: readonly Resolved<string>[]): Promise<void> {
  const rows = leaders.map(({ agentId }, position) => ({ tenant_id: tenantId, group_id: groupId, agent_id: agentId, position }));
  await insertInBatches(db, dialect, LEADERS, rows);
}

export async function deleteMembers(db: Knex, tenantId: string, groupId: string): Promise<void> {
  await db(MEMBERS).where({ tenant_id: tenantId, group_id: groupId }).delete();
}

export async function deleteLeaders(db: Knex, tenantId: string, groupId: string): Promise<void> {
  await db(LEADERS).where({ tenant_id: tenantId, group_id: groupId }).delete();
}

/** Where a member appended now goes: after the last one (positions may have gaps after removals). */
export async function nextPosition(db: Knex, tenantId: string, groupId: string): Promise<number> {
  const row = (await db(MEMBERS).where({ tenant_id: tenantId, group_id: groupId }).max({ last: 'position' }).first()) as { last: number | null } | undefined;
  return row?.last === null || row?.last === undefined ? 0 : Number(row.last) + 1;
}

/** Which groups to load: some by id, or every group of the tenant (one query, no `in` list). */
export type GroupSelection = readonly string[] | 'all';

/** Members of the selected groups, each group's in page order: one query per 1000 groups, never one per group. */
export async function loadMembers(db: Knex, tenantId: string, groups: GroupSelection): Promise<Map<string, GroupMember[]>> {
  const rows = await selectByGroup(groups, (ids) => {
    const query = db(`${MEMBERS} as m`)
      .join('agents as a', 'a.id', 'm.agent_id')
      .where('m.tenant_id', tenantId)
      .select('m.group_id', 'm.agent_id', 'a.number', 'm.kind', 'm.priority', 'm.position')
      .orderBy([{ column: 'm.group_id' }, { column: 'm.position' }]);
    return ids === undefined ? query : query.whereIn('m.group_id', ids);
  });
  return bucket(rows, (row) => ({
    agentId: String(row.agent_id),
    agentNumber: String(row.number),
    kind: row.kind as GroupMember['kind'],
    priority: Number(row.priority),
    position: Number(row.position),
  }));
}

/** Leaders' agent numbers of the selected groups, in the order they were given. */
export async function loadLeaders(db: Knex, tenantId: string, groups: GroupSelection): Promise<Map<string, string[]>> {
  const rows = await selectByGroup(groups, (ids) => {
    const query = db(`${LEADERS} as l`)
      .join('agents as a', 'a.id', 'l.agent_id')
      .where('l.tenant_id', tenantId)
      .select('l.group_id', 'a.number')
      .orderBy([{ column: 'l.group_id' }, { column: 'l.position' }]);
    return ids === undefined ? query : query.whereIn('l.group_id', ids);
  });
  return bucket(rows, (row) => String(row.number));
}

async function selectByGroup(groups: GroupSelection, select: (ids: string[] | undefined) => Knex.QueryBuilder): Promise<Row[]> {
  if (groups === 'all') return (await select(undefined)) as Row[];
  const rows: Row[] = [];
  for (const chunk of chunked([...groups])) rows.push(...((await select(chunk)) as Row[]));
  return rows;
}

function bucket<T>(rows: readonly Row[], map: (row: Row) => T): Map<string, T[]> {
  const byGroup = new Map<string, T[]>();
  for (const row of rows) {
    const groupId = String(row.group_id);
    const list = byGroup.get(groupId) ?? [];
    list.push(map(row));
    byGroup.set(groupId, list);
  }
  return byGroup;
}
