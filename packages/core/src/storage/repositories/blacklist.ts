import type { Knex } from 'knex';
import { z } from 'zod';
import { ConflictError, IllegalStateError } from '../../errors/errors.js';
import { parseOrThrow } from '../../errors/zod.js';
import { TenantScopedRepository } from '../repository.js';
import { RowCodec, type Row } from '../row-codec.js';
import { escapeLike } from './agents.js';

export type BlacklistStatus = 'enabled' | 'disabled' | 'pending' | 'rejected';

export interface BlacklistEntry {
  id: string;
  tenantId: string;
  /** Normalised (E.164 where the numbering plan knows it): see routing/phone-number. */
  number: string;
  status: BlacklistStatus;
  reason: string;
  /** tenant: added by a tenant user, in force at once; agent: submitted for review. */
  source: 'tenant' | 'agent';
  createdBy: string;
  reviewedBy: string | null;
  reviewedAt: number | null;
  createdAt: number;
  updatedAt: number;
}

export interface BlacklistRecord {
  id: string;
  tenantId: string;
  number: string;
  action: 'added' | 'submitted' | 'approved' | 'rejected' | 'enabled' | 'disabled' | 'removed';
  status: BlacklistStatus | 'removed';
  reason: string;
  by: string;
  at: number;
}

const listSchema = z.object({
  status: z.enum(['enabled', 'disabled', 'pending', 'rejected']).optional(),
  search: z.string().trim().max(40).optional(),
  limit: z.number().int().min(1).max(1000).default(100),
  offset: z.number().int().min(0).default(0),
});

/**
 * The blacklist (manual §3.7.5): numbers a tenant refuses calls from. Tenant users' entries
 * are in force at once; agents' submissions wait for review. Every addition and change is
 * also appended to `blacklist_records`, in the same transaction.
 */
export class BlacklistRepository extends TenantScopedRepository<BlacklistEntry> {
  protected readonly table = 'blacklist_entries';
  protected readonly entityName = 'Blacklist entry';
  protected readonly codec = new RowCodec<BlacklistEntry>({
    id: 'text',
    tenantId: 'text',
    number: 'text',
    status: 'text',
    reason: 'text',
    source: 'text',
    createdBy: 'text',
    reviewedBy: 'text',
    reviewedAt: 'number',
    createdAt: 'number',
    updatedAt: 'number',
  });
  private readonly recordCodec = new RowCodec<BlacklistRecord>({ id: 'text', tenantId: 'text', number: 'text', action: 'text', status: 'text', reason: 'text', by: 'text', at: 'number' });

  /** Adds normalised numbers in one transaction; numbers already listed are skipped and returned. */
  async add(
    tenantId: string,
    input: { numbers: string[]; status: 'enabled' | 'disabled'; reason: string; by: string },
  ): Promise<{ added: BlacklistEntry[]; skipped: Array<{ number: string; reason: string }> }> {
    return this.transaction(async (trx) => {
      const unique = [...new Set(input.numbers)];
      const existing = new Set(((await this.scoped(tenantId, trx).whereIn('number', unique).select('number')) as Array<{ number: string }>).map((r) => r.number));
      const now = this.ctx.clock.now();
      const added = unique
        .filter((number) => !existing.has(number))
        .map((number): BlacklistEntry => ({ id: this.ctx.newId(), tenantId, number, status: input.status, reason: input.reason, source: 'tenant', createdBy: input.by, reviewedBy: null, reviewedAt: null, createdAt: now, updatedAt: now }));
      for (let i = 0; i < added.length; i += 200) await trx(this.table).insert(added.slice(i, i + 200).map((e) => this.codec.toRow(e)));
      await this.record(trx, added.map((e) => ({ tenantId, number: e.number, action: 'added' as const, status: e.status, reason: e.reason, by: input.by, at: now })));
      return { added, skipped: unique.filter((number) => existing.has(number)).map((number) => ({ number, reason: 'already on the blacklist' })) };
    });
  }

  /** An agent asks for a number to be blacklisted: it waits for review. */
  async submit(tenantId: string, input: { number: string; reason: string; by: string }): Promise<BlacklistEntry> {
    return this.transaction(async (trx) => {
      const existing = (await this.scoped(tenantId, trx).where('number', input.number).first()) as Row | undefined;
      if (existing) throw new ConflictError(`${input.number} is already on the blacklist (${String(existing.status)})`, { details: { field: 'number' } });
      const now = this.ctx.clock.now();
      const entry: BlacklistEntry = { id: this.ctx.newId(), tenantId, number: input.number, status: 'pending', reason: input.reason, source: 'agent', createdBy: input.by, reviewedBy: null, reviewedAt: null, createdAt: now, updatedAt: now };
      await trx(this.table).insert(this.codec.toRow(entry));
      await this.record(trx, [{ tenantId, number: entry.number, action: 'submitted', status: 'pending', reason: entry.reason, by: input.by, at: now }]);
      return entry;
    });
  }

  /** Approves (in force from now) or rejects a pending submission. */
  async review(tenantId: string, id: string, input: { approve: boolean; by: string }): Promise<BlacklistEntry> {
    return this.transaction(async (trx) => {
      const entry = await this.onTrx(trx).getById(tenantId, id);
      if (entry.status !== 'pending') throw new IllegalStateError(`Blacklist entry ${entry.number} is ${entry.status}, not waiting for review`);
      const now = this.ctx.clock.now();
      const status = input.approve ? 'enabled' : 'rejected';
      await this.scoped(tenantId, trx).where('id', id).update({ status, reviewed_by: input.by, reviewed_at: now, updated_at: now });
      await this.record(trx, [{ tenantId, number: entry.number, action: input.approve ? 'approved' : 'rejected', status, reason: entry.reason, by: input.by, at: now }]);
      return { ...entry, status, reviewedBy: input.by, reviewedAt: now, updatedAt: now };
    });
  }

  async setEnabled(tenantId: string, id: string, enabled: boolean, by: string): Promise<BlacklistEntry> {
    return this.transaction(async (trx) => {
      const entry = await this.onTrx(trx).getById(tenantId, id);
      if (entry.status === 'pending' || entry.status === 'rejected') throw new IllegalStateError(`Blacklist entry ${entry.number} is ${entry.status}: review it first`);
      const now = this.ctx.clock.now();
      const status = enabled ? 'enabled' : 'disabled';
      await this.scoped(tenantId, trx).where('id', id).update({ status, updated_at: now });
      await this.record(trx, [{ tenantId, number: entry.number, action: status, status, reason: entry.reason, by, at: now }]);
      return { ...entry, status, updatedAt: now };
    });
  }

  async remove(tenantId: string, id: string, by: string): Promise<void> {
    await this.transaction(async (trx) => {
      const entry = await this.onTrx(trx).getById(tenantId, id);
      await this.scoped(tenantId, trx).where('id', id).delete();
      await this.record(trx, [{ tenantId, number: entry.number, action: 'removed', status: 'removed', reason: entry.reason, by, at: this.ctx.clock.now() }]);
    });
  }

  /** Whether calls from the number are refused now: only enabled entries count. One indexed read. */
  async isBlocked(tenantId: string, number: string): Promise<boolean> {
    const row = (await this.run(() => this.scoped(tenantId).where({ number, status: 'enabled' }).first('id'))) as Row | undefined;
    return row !== undefined;
  }

  async list(tenantId: string, options: z.input<typeof listSchema> = {}): Promise<BlacklistEntry[]> {
    const query = parseOrThrow(listSchema, options, 'blacklist query');
    const rows = (await this.run(() => {
      const q = this.scoped(tenantId).orderBy([{ column: 'created_at', order: 'desc' }, { column: 'id' }]).limit(query.limit).offset(query.offset);
      if (query.status) q.where('status', query.status);
      if (query.search) q.whereRaw("number like ? escape '\\'", [`%${escapeLike(query.search)}%`]);
      return q;
    })) as Row[];
    return rows.map((row) => this.codec.fromRow(row));
  }

  /** The record of all additions and changes, newest first. */
  async records(tenantId: string, options: { limit?: number; offset?: number } = {}): Promise<BlacklistRecord[]> {
    const rows = (await this.run(() =>
      this.ctx.db('blacklist_records').where('tenant_id', tenantId).orderBy([{ column: 'at', order: 'desc' }, { column: 'id' }]).limit(options.limit ?? 100).offset(options.offset ?? 0),
    )) as Row[];
    return rows.map((row) => this.recordCodec.fromRow(row));
  }

  private async record(trx: Knex, records: Array<Omit<BlacklistRecord, 'id'>>): Promise<void> {
    const rows = records.map((r) => this.recordCodec.toRow({ ...r, id: this.ctx.newId() }));
    for (let i = 0; i < rows.length; i += 200) await trx('blacklist_records').insert(rows.slice(i, i + 200));
  }

  private transaction<T>(fn: (trx: Knex) => Promise<T>): Promise<T> {
    return this.run(() => this.ctx.db.transaction(fn));
  }

  private onTrx(trx: Knex): BlacklistRepository {
    return new BlacklistRepository({ ...this.ctx, db: trx });
  }
}
