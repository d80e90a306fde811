import { z } from 'zod';
import type { Agent } from '../../acd/model.js';
import { ConflictError, NotFoundError } from '../../errors/errors.js';
import { parseOrThrow } from '../../errors/zod.js';
import { insertInBatches, TenantScopedRepository, type NewEntity } from '../repository.js';
import { RowCodec, type Row } from '../row-codec.js';

/**
 * An agent as stored: validated, passwords already hashed (the AgentDirectory does both).
 * The repository only keeps rows; it never sees a password or a PIN.
 */
export type NewAgentRecord = NewEntity<Agent>;

/** What may change: everything but the number, which is the agent's SIP user name. */
export type AgentChanges = Partial<Omit<NewAgentRecord, 'number'>>;

export interface AgentListOptions {
  /** Agent number prefix: the agents page searches by number only (manual §3.1.2). */
  search?: string;
  /** 1-1000, default 100. */
  limit?: number;
  /** Default 0. */
  offset?: number;
}

const listSchema = z.object({
  search: z.string().trim().max(16).optional(),
  limit: z.number().int().min(1).max(1000).default(100),
  offset: z.number().int().min(0).default(0),
});

/** Bound parameters per `where … in (…)`, far below both dialects' limits. */
const IN_CHUNK = 1000;

export function chunked<T>(values: readonly T[], size = IN_CHUNK): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < values.length; i += size) chunks.push(values.slice(i, i + size));
  return chunks;
}

/** `%` and `_` typed by a user are literal characters, not LIKE wildcards. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

const numberTaken = (number: string, cause?: unknown) =>
  new ConflictError(`Agent number ${number} is already taken`, { cause, details: { field: 'number', number } });

export class AgentRepository extends TenantScopedRepository<Agent> {
  protected readonly table = 'agents';
  protected readonly entityName = 'Agent';
  protected readonly codec = new RowCodec<Agent>({
    id: 'text',
    tenantId: 'text',
    number: 'text',
    firstName: 'text',
    lastName: 'text',
    role: 'text',
    department: 'text',
    userId: 'text',
    phonePinHash: 'text',
    clickToCallOnly: 'boolean',
    enabled: 'boolean',
    displayNumbers: 'json',
    workWithBrowser: 'boolean',
    defaultOutboundCallFile: 'text',
    phoneTemplate: 'text',
    phoneMac: 'text',
    lastLoginAt: 'number',
    createdAt: 'number',
    updatedAt: 'number',
  });

  /** A taken number is a ConflictError naming the field `number`. */
  async create(tenantId: string, values: NewAgentRecord): Promise<Agent> {
    return this.insertOne(tenantId, values, { conflict: (cause) => numberTaken(values.number, cause) });
  }

  /**
   * Batch add (manual §3.1.2 ④): numbers that already exist are skipped and reported, the
   * rest are inserted in as few statements as the dialect allows, all or none.
   */
  async createMany(tenantId: string, values: readonly NewAgentRecord[]): Promise<{ created: Agent[]; skipped: string[] }> {
    const existing = new Set((await this.listByNumbers(tenantId, values.map((v) => v.number))).map((agent) => agent.number));
    const now = this.ctx.clock.now();
    const created: Agent[] = [];
    const skipped: string[] = [];
    for (const value of values) {
      if (existing.has(value.number)) {
        skipped.push(value.number);
        continue;
      }
      // A number twice in the input: the first wins, like a number already stored.
      existing.add(value.number);
      created.push({ ...value, id: this.ctx.newId(), tenantId, createdAt: now, updatedAt: now });
    }
    const rows = created.map((agent) => this.codec.toRow(agent));
    // The check above and the insert are not atomic: a concurrent add of the same number fails here as a conflict.
    await this.run(() => insertInBatches(this.ctx.db, this.ctx.dialect, this.table, rows), {
      conflict: (cause) => new ConflictError('An agent number of the batch was taken meanwhile', { cause, details: { field: 'number' } }),
    });
    return { created, skipped };
  }

  async findByNumber(tenantId: string, number: string): Promise<Agent | undefined> {
    const row = (await this.run(() => this.scoped(tenantId).where('number', number).first())) as Row | undefined;
    return row === undefined ? undefined : this.codec.fromRow(row);
  }

  async getByNumber(tenantId: string, number: string): Promise<Agent> {
    const agent = await this.findByNumber(tenantId, number);
    if (agent === undefined) throw new NotFoundError('Agent', number);
    return agent;
  }

  /** The agents of these numbers that exist, by number; numbers that do not exist are simply absent. */
  async listByNumbers(tenantId: string, numbers: readonly string[]): Promise<Agent[]> {
    const agents: Agent[] = [];
    for (const chunk of chunked([...new Set(numbers)])) {
      const rows = (await this.run(() => this.scoped(tenantId).whereIn('number', chunk))) as Row[];
      agents.push(...rows.map((row) => this.codec.fromRow(row)));
    }
    return agents.sort((a, b) => compareNumbers(a.number, b.number));
  }

  /** One page of the tenant's agents by number. */
  async list(tenantId: string, options: AgentListOptions = {}): Promise<Agent[]> {
    const { search, limit, offset } = parseOrThrow(listSchema, options, 'agent list options');
    const rows = (await this.run(() => this.searched(tenantId, search).orderBy('number').limit(limit).offset(offset))) as Row[];
    return rows.map((row) => this.codec.fromRow(row));
  }

  /** How many agents `list` pages through with the same search. */
  async count(tenantId: string, options: Pick<AgentListOptions, 'search'> = {}): Promise<number> {
    const { search } = parseOrThrow(listSchema, options, 'agent list options');
    const row = (await this.run(() => this.searched(tenantId, search).count({ n: '*' }).first())) as { n: number | string } | undefined;
    return Number(row?.n ?? 0);
  }

  async update(tenantId: string, id: string, changes: AgentChanges): Promise<Agent> {
    // The type already excludes the number; an untyped caller must not renumber a SIP user either.
    const { number: _number, ...rest } = changes as Partial<NewAgentRecord>;
    return this.updateOne(tenantId, id, rest);
  }

  /** Batch edit: one statement for every agent given; NotFoundError (and nothing changed) when one is missing. */
  async updateMany(tenantId: string, ids: readonly string[], changes: AgentChanges): Promise<Agent[]> {
    const values: Partial<Agent> = { ...changes, updatedAt: this.ctx.clock.now() };
    for (const key of ['id', 'tenantId', 'number', 'createdAt'] as const) delete values[key];
    const row = this.codec.toRow(values);
    const unique = [...new Set(ids)];
    // Its own transaction (a savepoint inside a caller's): a missing agent in a later chunk undoes the earlier ones.
    const updated = await this.run(() =>
      this.ctx.db.transaction(async (trx) => {
        const agents: Agent[] = [];
        for (const chunk of chunked(unique)) {
          const rows = (await this.scoped(tenantId, trx).whereIn('id', chunk).update(row).returning('*')) as Row[];
          agents.push(...rows.map((r) => this.codec.fromRow(r)));
        }
        if (agents.length !== unique.length) {
          const found = new Set(agents.map((agent) => agent.id));
          throw new NotFoundError('Agents', unique.filter((id) => !found.has(id)).join(', '));
        }
        return agents;
      }),
    );
    return updated.sort((a, b) => compareNumbers(a.number, b.number));
  }

  async recordLogin(tenantId: string, id: string): Promise<Agent> {
    return this.updateOne(tenantId, id, { lastLoginAt: this.ctx.clock.now() });
  }

  /** Deletes the agent and, by cascade, its group memberships and leaderships. */
  async delete(tenantId: string, id: string): Promise<void> {
    await this.deleteOne(tenantId, id);
  }

  private searched(tenantId: string, search: string | undefined) {
    const query = this.scoped(tenantId);
    if (search !== undefined && search !== '') query.whereRaw("number like ? escape '\\'", [`${escapeLike(search)}%`]);
    return query;
  }
}

/** The order of the agents page and of the database's `order by number` (plain code-unit order). */
function compareNumbers(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
