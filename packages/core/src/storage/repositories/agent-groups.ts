import type { Knex } from 'knex';
import { z } from 'zod';
import {
  agentGroupPatchSchema,
  agentNumberSchema,
  groupMemberSchema,
  newAgentGroupSchema,
  queueSettingsSchema,
  type AgentGroup,
  type AgentGroupPatch,
  type GroupMemberInput,
  type NewAgentGroup,
} from '../../acd/model.js';
import { presentFields } from '../../acd/patch.js';
import { ConflictError, NotFoundError, ValidationError } from '../../errors/errors.js';
import { parseOrThrow } from '../../errors/zod.js';
import { TenantScopedRepository } from '../repository.js';
import { RowCodec, type Row } from '../row-codec.js';
import {
  deleteLeaders,
  deleteMembers,
  insertLeaders,
  insertMembers,
  loadLeaders,
  loadMembers,
  nextPosition,
  resolveAgentNumbers,
  type GroupSelection,
  type ParsedMember,
} from './agent-group-members.js';
import { escapeLike } from './agents.js';

/** The group's own row; members and leaders live in their own tables. */
type GroupRecord = Omit<AgentGroup, 'members' | 'leaders'>;

export interface AgentGroupListOptions {
  /** Part of the group's name, any case: the agent groups page searches by name (manual §3.1.3). */
  search?: string;
  /** 1-1000, default 100. */
  limit?: number;
  /** Default 0. */
  offset?: number;
}

const listSchema = z.object({
  search: z.string().trim().max(100).optional(),
  limit: z.number().int().min(1).max(1000).default(100),
  offset: z.number().int().min(0).default(0),
});
const membersSchema = z.array(groupMemberSchema).max(100_000);

const numberTaken = (number: string, cause: unknown) =>
  new ConflictError(`Agent group number ${number} is already taken`, { cause, details: { field: 'number', number } });

/**
 * Agent groups with their members and leaders (manual §3.1.3). Every change of a group and
 * its member rows is one transaction; reads assemble groups in a constant number of queries
 * (groups, members, leaders), however many groups there are.
 */
export class AgentGroupRepository extends TenantScopedRepository<GroupRecord> {
  protected readonly table = 'agent_groups';
  protected readonly entityName = 'Agent group';
  protected readonly codec = new RowCodec<GroupRecord>({
    id: 'text',
    tenantId: 'text',
    name: 'text',
    number: 'text',
    autoEndTalkSec: 'number',
    wrapUpSec: 'number',
    autoAnswer: 'json',
    queue: 'json',
    createdAt: 'number',
    updatedAt: 'number',
  });

  /** Members are given by agent number and keep the order given; an unknown number is a ValidationError naming it. */
  async create(tenantId: string, input: NewAgentGroup): Promise<AgentGroup> {
    const { members, leaders, ...values } = parseOrThrow(newAgentGroupSchema, input, 'agent group');
    return this.inTransaction(async (repo, db) => {
      const resolvedMembers = await resolveAgentNumbers(db, tenantId, members, (m) => m.agentNumber, (i) => `members.${i}.agentNumber`);
      const resolvedLeaders = await resolveAgentNumbers(db, tenantId, leaders, (n) => n, (i) => `leaders.${i}`);
      const group = await repo.insertOne(tenantId, values, { conflict: (cause) => numberTaken(values.number, cause) });
      const stored = await insertMembers(db, this.ctx.dialect, tenantId, group.id, resolvedMembers);
      await insertLeaders(db, this.ctx.dialect, tenantId, group.id, resolvedLeaders);
      return { ...group, members: stored, leaders: resolvedLeaders.map((l) => l.value) };
    });
  }

  override async findById(tenantId: string, id: string): Promise<AgentGroup | undefined> {
    const row = (await this.run(() => this.scoped(tenantId).where('id', id).first())) as Row | undefined;
    return row === undefined ? undefined : (await this.assemble(tenantId, [row]))[0];
  }

  override async getById(tenantId: string, id: string): Promise<AgentGroup> {
    const group = await this.findById(tenantId, id);
    if (group === undefined) throw new NotFoundError(this.entityName, id);
    return group;
  }

  async findByNumber(tenantId: string, number: string): Promise<AgentGroup | undefined> {
    const row = (await this.run(() => this.scoped(tenantId).where('number', number).first())) as Row | undefined;
    return row === undefined ? undefined : (await this.assemble(tenantId, [row]))[0];
  }

  async getByNumber(tenantId: string, number: string): Promise<AgentGroup> {
    const group = await this.findByNumber(tenantId, number);
    if (group === undefined) throw new NotFoundError(this.entityName, number);
    return group;
  }

  /** One page of groups by number, with their members. */
  async list(tenantId: string, options: AgentGroupListOptions = {}): Promise<AgentGroup[]> {
    const { search, limit, offset } = parseOrThrow(listSchema, options, 'agent group list options');
    const rows = (await this.run(() => {
      const query = this.scoped(tenantId).orderBy('number').limit(limit).offset(offset);
      if (search) query.whereRaw("lower(name) like ? escape '\\'", [`%${escapeLike(search.toLowerCase())}%`]);
      return query;
    })) as Row[];
    return this.assemble(tenantId, rows);
  }

  /** Every group of the tenant with members and leaders, in three queries: what the ACD engine loads on start. */
  async listAll(tenantId: string): Promise<AgentGroup[]> {
    const rows = (await this.run(() => this.scoped(tenantId).orderBy('number'))) as Row[];
    return this.assemble(tenantId, rows, 'all');
  }

  /** The groups the agent is a member of (not those it only leads), by number: the engine reloads them when the agent changes. */
  async listGroupsOfAgent(tenantId: string, agentId: string): Promise<AgentGroup[]> {
    const rows = (await this.run(() =>
      this.scoped(tenantId)
        .whereIn('id', (sub) => {
          sub.select('group_id').from('agent_group_members').where({ tenant_id: tenantId, agent_id: agentId });
        })
        .orderBy('number'),
    )) as Row[];
    return this.assemble(tenantId, rows);
  }

  /**
   * Changes what the patch names. The number never changes (manual §3.1.3); queue settings and
   * auto-answer are merged over the stored ones; members or leaders given replace the lists.
   */
  async update(tenantId: string, id: string, patch: AgentGroupPatch): Promise<AgentGroup> {
    const parsed = parseOrThrow(agentGroupPatchSchema, patch, 'agent group change');
    const given = presentFields(parsed, patch);
    return this.inTransaction(async (repo, db) => {
      const current = await repo.getById(tenantId, id);
      const number = (patch as { number?: unknown }).number;
      if (number !== undefined && number !== current.number) {
        throw new ValidationError('The number of an agent group cannot change', [{ path: 'number', message: 'fixed once set' }]);
      }
      const { members, leaders, queue, autoAnswer, ...fields } = given;
      const changes: Partial<GroupRecord> = { ...fields };
      if (queue !== undefined) {
        const merged = { ...current.queue, ...presentFields(queue, patch.queue) };
        changes.queue = parseOrThrow(queueSettingsSchema, merged, 'queue settings', 'queue');
      }
      if (autoAnswer !== undefined) changes.autoAnswer = { ...current.autoAnswer, ...presentFields(autoAnswer, patch.autoAnswer) };
      if (members !== undefined) await repo.replaceMembers(db, tenantId, id, members);
      if (leaders !== undefined) {
        const resolved = await resolveAgentNumbers(db, tenantId, leaders, (n) => n, (i) => `leaders.${i}`);
        await deleteLeaders(db, tenantId, id);
        await insertLeaders(db, this.ctx.dialect, tenantId, id, resolved);
      }
      await repo.updateOne(tenantId, id, changes);
      return repo.getById(tenantId, id);
    });
  }

  /** Deletes the group with its members and leaders. */
  async delete(tenantId: string, id: string): Promise<void> {
    await this.deleteOne(tenantId, id);
  }

  /** Appends an agent at the end of the group; an agent already in the group is a ConflictError. */
  async addMember(tenantId: string, groupId: string, member: GroupMemberInput): Promise<AgentGroup> {
    const value = parseOrThrow(groupMemberSchema, member, 'group member');
    return this.inTransaction(async (repo, db) => {
      const group = await repo.getById(tenantId, groupId);
      if (group.members.some((m) => m.agentNumber === value.agentNumber)) {
        throw new ConflictError(`Agent ${value.agentNumber} is already in group ${group.number}`, { details: { field: 'agentNumber' } });
      }
      const resolved = await resolveAgentNumbers(db, tenantId, [value], (m) => m.agentNumber, () => 'agentNumber');
      await insertMembers(db, this.ctx.dialect, tenantId, groupId, resolved, await nextPosition(db, tenantId, groupId));
      await repo.updateOne(tenantId, groupId, {});
      return repo.getById(tenantId, groupId);
    });
  }

  async removeMember(tenantId: string, groupId: string, agentNumber: string): Promise<AgentGroup> {
    const number = parseOrThrow(agentNumberSchema, agentNumber, 'agent number', 'agentNumber');
    return this.inTransaction(async (repo, db) => {
      const group = await repo.getById(tenantId, groupId);
      const member = group.members.find((m) => m.agentNumber === number);
      if (member === undefined) throw new NotFoundError(`Member of agent group ${group.number}`, number);
      await db('agent_group_members').where({ tenant_id: tenantId, group_id: groupId, agent_id: member.agentId }).delete();
      await repo.updateOne(tenantId, groupId, {});
      return repo.getById(tenantId, groupId);
    });
  }

  /** Replaces the members with these, in this order. */
  async setMembers(tenantId: string, groupId: string, members: readonly GroupMemberInput[]): Promise<AgentGroup> {
    const values = parseOrThrow(membersSchema, members, 'group members', 'members');
    return this.inTransaction(async (repo, db) => {
      await repo.getById(tenantId, groupId);
      await repo.replaceMembers(db, tenantId, groupId, values);
      await repo.updateOne(tenantId, groupId, {});
      return repo.getById(tenantId, groupId);
    });
  }

  private async replaceMembers(db: Knex, tenantId: string, groupId: string, members: readonly ParsedMember[]): Promise<void> {
    const resolved = await resolveAgentNumbers(db, tenantId, members, (m) => m.agentNumber, (i) => `members.${i}.agentNumber`);
    await deleteMembers(db, tenantId, groupId);
    await insertMembers(db, this.ctx.dialect, tenantId, groupId, resolved);
  }

  /** Runs `fn` on a copy of this repository bound to one transaction (a savepoint inside a caller's transaction). */
  private inTransaction<T>(fn: (repo: AgentGroupRepository, db: Knex) => Promise<T>): Promise<T> {
    return this.run(() => this.ctx.db.transaction((trx) => fn(new AgentGroupRepository({ ...this.ctx, db: trx }), trx)));
  }

  /** Group rows to groups: members and leaders of all of them in one query each. */
  private async assemble(tenantId: string, rows: readonly Row[], selection?: GroupSelection): Promise<AgentGroup[]> {
    if (rows.length === 0) return [];
    const records = rows.map((row) => this.codec.fromRow(row));
    const groups = selection ?? records.map((r) => r.id);
    const [members, leaders] = await this.run(() => Promise.all([loadMembers(this.ctx.db, tenantId, groups), loadLeaders(this.ctx.db, tenantId, groups)]));
    return records.map((record) => ({
      ...record,
      // Parsed on the way out too: settings added to the schema since the row was written get their defaults.
      queue: parseOrThrow(queueSettingsSchema, record.queue, 'stored queue settings', 'queue'),
      members: members.get(record.id) ?? [],
      leaders: leaders.get(record.id) ?? [],
    }));
  }
}
