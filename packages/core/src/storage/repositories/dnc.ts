import type { Knex } from 'knex';
import { z } from 'zod';
import {
  customerPackageIdSchema,
  dncAddSchema,
  dncFilterSchema,
  dncListSchema,
  dncPatchSchema,
  dncSubmitSchema,
  type DncAddInput,
  type DncEntry,
  type DncFilter,
  type DncImportRow,
  type DncListedNumbers,
  type DncListQuery,
  type DncPatch,
  type DncSubmitInput,
} from '../../compliance/model.js';
import { ConflictError, IllegalStateError, ValidationError } from '../../errors/errors.js';
import { parseOrThrow } from '../../errors/zod.js';
import { TenantScopedRepository } from '../repository.js';
import { RowCodec, type Row } from '../row-codec.js';
import { escapeLike } from './agents.js';

/** The default package is stored as '' (see migration 0010); entities say null. */
const packageKeyOf = (customerPackageId: string | null): string => customerPackageId ?? '';
const packageIdOf = (key: unknown): string | null => (key === '' || key === null || key === undefined ? null : String(key));

/** Rows per INSERT: within SQLite's 500 compound terms, and 13 columns stay far below either dialect's parameter limit. */
const INSERT_ROWS = 500;
/** Numbers per `IN (…)` list when looking for ones already listed. */
const LOOKUP_NUMBERS = 900;

/** Maps `package_key` ('' = default package) to `customerPackageId` (null); the other fields are plain columns. */
class DncEntryCodec extends RowCodec<DncEntry> {
  constructor() {
    super({
      id: 'text',
      tenantId: 'text',
      customerPackageId: 'text',
      number: 'text',
      reason: 'text',
      status: 'text',
      source: 'text',
      createdBy: 'text',
      reviewedBy: 'text',
      reviewedAt: 'number',
      createdAt: 'number',
      updatedAt: 'number',
    });
  }

  override fromRow(row: Row): DncEntry {
    return { ...super.fromRow(row), customerPackageId: packageIdOf(row['package_key']) };
  }

  override toRow(values: Partial<DncEntry>): Row {
    const row = super.toRow(values);
    delete row['customer_package_id'];
    if (values.customerPackageId !== undefined) row['package_key'] = packageKeyOf(values.customerPackageId);
    return row;
  }
}

const importOptionsSchema = z.object({
  customerPackageId: customerPackageIdSchema.default(null),
  status: z.enum(['enabled', 'disabled']).default('enabled'),
  by: z.string().min(1).max(100),
  /** Lines per transaction: each chunk commits on its own, so a long import never holds the database. */
  chunkSize: z.number().int().min(1).max(50_000).default(5_000),
});

export interface DncImportOptions extends z.input<typeof importOptionsSchema> {
  /** Called after each chunk commits with the numbers it added (the screen's hook). */
  onCommitted?: (numbers: readonly string[]) => void;
}

export interface DncImportResult {
  imported: number;
  /** Lines whose number was already in the package (or earlier in the same import). */
  skipped: number;
  /** The first 100 of them. */
  firstSkipped: Array<{ line: number; number: string }>;
}

const MAX_REPORTED = 100;
const NUMBER_PATTERN = /^\+?[0-9]{1,20}$/;

/**
 * Do-not-call lists (manual §3.7.6, §3.3 3.3–3.4): one entry per number and customer
 * package. Tenant users' entries are in force at once (or disabled); agents' submissions
 * wait for review. Numbers must arrive normalised (`normalizeNumber` with the tenant's
 * country): the compliance engine's `DncLists` does that and keeps the screen current, so
 * write through it; direct writes here are seen by the screen after its `reload`.
 */
export class DncRepository extends TenantScopedRepository<DncEntry> {
  protected readonly table = 'dnc_entries';
  protected readonly entityName = 'DNC entry';
  protected readonly codec = new DncEntryCodec();

  /** Adds numbers to one package in one transaction; numbers already there are skipped and returned. */
  async add(tenantId: string, input: DncAddInput): Promise<{ added: DncEntry[]; skipped: Array<{ number: string; reason: string }> }> {
    const { customerPackageId, numbers, status, reason, by } = parseOrThrow(dncAddSchema, input, 'DNC numbers');
    return this.transaction(async (trx) => {
      const unique = [...new Set(numbers)];
      const existing = await this.existing(trx, tenantId, customerPackageId, unique);
      const now = this.ctx.clock.now();
      const added = unique.filter((number) => !existing.has(number)).map((number) => this.entry(tenantId, { customerPackageId, number, reason, status, source: 'tenant', createdBy: by }, now));
      await this.insertRows(trx, added);
      return { added, skipped: unique.filter((number) => existing.has(number)).map((number) => ({ number, reason: 'already on the list' })) };
    });
  }

  /** An agent asks for a number not to be called (from a customer's page): it waits for review. */
  async submit(tenantId: string, input: DncSubmitInput): Promise<DncEntry> {
    const { customerPackageId, number, reason, by } = parseOrThrow(dncSubmitSchema, input, 'DNC submission');
    return this.transaction(async (trx) => {
      const existing = (await this.scoped(tenantId, trx).where({ package_key: packageKeyOf(customerPackageId), number }).first('status')) as Row | undefined;
      if (existing) throw new ConflictError(`${number} is already on the list of this package (${String(existing['status'])})`, { details: { field: 'number' } });
      const entry = this.entry(tenantId, { customerPackageId, number, reason, status: 'pending', source: 'agent', createdBy: by }, this.ctx.clock.now());
      await this.insertRows(trx, [entry]);
      return entry;
    });
  }

  /** Approves (in force from now) or rejects a pending submission. */
  async review(tenantId: string, id: string, input: { approve: boolean; by: string }): Promise<DncEntry> {
    return this.transaction(async (trx) => {
      const entry = await this.onTrx(trx).getById(tenantId, id);
      if (entry.status !== 'pending') throw new IllegalStateError(`DNC entry ${entry.number} is ${entry.status}, not waiting for review`);
      const now = this.ctx.clock.now();
      const status = input.approve ? 'enabled' : 'rejected';
      await this.scoped(tenantId, trx).where('id', id).update({ status, reviewed_by: input.by, reviewed_at: now, updated_at: now });
      return { ...entry, status, reviewedBy: input.by, reviewedAt: now, updatedAt: now };
    });
  }

  /** Enables or disables a reviewed entry and/or changes its reason. */
  async update(tenantId: string, id: string, patch: DncPatch): Promise<DncEntry> {
    const { enabled, reason } = parseOrThrow(dncPatchSchema, patch, 'DNC entry change');
    return this.transaction(async (trx) => {
      const entry = await this.onTrx(trx).getById(tenantId, id);
      if (enabled !== undefined && (entry.status === 'pending' || entry.status === 'rejected')) {
        throw new IllegalStateError(`DNC entry ${entry.number} is ${entry.status}: review it first`);
      }
      const status = enabled === undefined ? entry.status : enabled ? 'enabled' : 'disabled';
      const now = this.ctx.clock.now();
      const next: DncEntry = { ...entry, status, reason: reason ?? entry.reason, updatedAt: now };
      await this.scoped(tenantId, trx).where('id', id).update({ status: next.status, reason: next.reason, updated_at: now });
      return next;
    });
  }

  /** Removes one entry and returns it (3.4 "Remove DNC"). */
  async remove(tenantId: string, id: string): Promise<DncEntry> {
    return this.transaction(async (trx) => {
      const entry = await this.onTrx(trx).getById(tenantId, id);
      await this.scoped(tenantId, trx).where('id', id).delete();
      return entry;
    });
  }

  /** Deletes every entry the filter covers ("delete according to the conditions"); returns how many. An empty filter covers the tenant's whole list. */
  async removeWhere(tenantId: string, filter: DncFilter): Promise<number> {
    const parsed = parseOrThrow(dncFilterSchema, filter, 'DNC filter');
    return this.run(() => this.filtered(tenantId, parsed).delete());
  }

  async findByNumber(tenantId: string, customerPackageId: string | null, number: string): Promise<DncEntry | undefined> {
    const row = (await this.run(() => this.scoped(tenantId).where({ package_key: packageKeyOf(customerPackageId), number }).first())) as Row | undefined;
    return row === undefined ? undefined : this.codec.fromRow(row);
  }

  /** Newest first; `status: 'pending'` is the review list (manual "No Call Review"). */
  async list(tenantId: string, query: DncListQuery = {}): Promise<DncEntry[]> {
    const parsed = parseOrThrow(dncListSchema, query, 'DNC query');
    const rows = (await this.run(() =>
      this.filtered(tenantId, parsed)
        .orderBy([{ column: 'created_at', order: 'desc' }, { column: 'id' }])
        .limit(parsed.limit)
        .offset(parsed.offset),
    )) as Row[];
    return rows.map((row) => this.codec.fromRow(row));
  }

  async count(tenantId: string, filter: DncFilter = {}): Promise<number> {
    const parsed = parseOrThrow(dncFilterSchema, filter, 'DNC filter');
    const row = (await this.run(() => this.filtered(tenantId, parsed).count({ count: '*' }).first())) as { count: number | string } | undefined;
    return Number(row?.count ?? 0);
  }

  /**
   * Bulk import into one package: rows (already normalised; a streaming parser can feed
   * them) are written in chunks, each in its own transaction, so good lines land even when
   * the source fails later, and other work gets the database between chunks. Numbers already
   * in the package, or repeated in the import, are skipped and counted.
   */
  async import(tenantId: string, rows: Iterable<DncImportRow> | AsyncIterable<DncImportRow>, options: DncImportOptions): Promise<DncImportResult> {
    const { customerPackageId, status, by, chunkSize } = parseOrThrow(importOptionsSchema, options, 'DNC import options');
    const result: DncImportResult = { imported: 0, skipped: 0, firstSkipped: [] };
    let chunk: DncImportRow[] = [];
    const flush = async (): Promise<void> => {
      if (chunk.length === 0) return;
      const lines = chunk;
      chunk = [];
      const added = await this.transaction(async (trx) => {
        const existing = await this.existing(trx, tenantId, customerPackageId, lines.map((row) => row.number));
        const now = this.ctx.clock.now();
        const fresh: DncEntry[] = [];
        for (const row of lines) {
          if (existing.has(row.number)) {
            result.skipped++;
            if (result.firstSkipped.length < MAX_REPORTED) result.firstSkipped.push({ line: row.line, number: row.number });
            continue;
          }
          existing.add(row.number);
          fresh.push(this.entry(tenantId, { customerPackageId, number: row.number, reason: row.reason, status, source: 'tenant', createdBy: by }, now));
        }
        await this.insertRows(trx, fresh);
        return fresh;
      });
      result.imported += added.length;
      options.onCommitted?.(added.map((entry) => entry.number));
    };
    for await (const row of rows) {
      if (!NUMBER_PATTERN.test(row.number) || row.reason.length > 500) {
        throw new ValidationError(`Line ${row.line}: the number must be normalised and the reason at most 500 characters`, [{ path: `line ${row.line}`, message: 'not importable' }]);
      }
      chunk.push(row);
      if (chunk.length >= chunkSize) await flush();
    }
    await flush();
    return result;
  }

  /**
   * Every enabled number of the tenant, in pages of `pageSize` numbers ordered by (package,
   * number), read by keyset from the covering index: what the screen loads. The database
   * joins each page's numbers into one string per package (`group_concat` / `string_agg`),
   * so a page crosses into JavaScript as a row or two rather than one row per number — twice
   * as fast on SQLite, where stepping rows is most of the cost.
   */
  async *streamEnabled(tenantId: string, pageSize = 50_000): AsyncIterable<DncListedNumbers[]> {
    const db = this.ctx.db;
    const joined = this.ctx.dialect === 'pg' ? "string_agg(number, ',')" : "group_concat(number, ',')";
    let after: [string, string] | undefined;
    for (;;) {
      const groups = (await this.run(() => {
        const page = this.scoped(tenantId).where('status', 'enabled').select('package_key', 'number').orderBy([{ column: 'package_key' }, { column: 'number' }]).limit(pageSize);
        if (after) page.whereRaw('(package_key, number) > (?, ?)', after);
        return db
          .select('package_key', db.raw(`${joined} as numbers`), db.raw('count(*) as count'), db.raw('max(number) as last'))
          .from(page.as('page'))
          .groupBy('package_key')
          .orderBy('package_key');
      })) as Array<{ package_key: string; numbers: string; count: number | string; last: string }>;
      if (groups.length === 0) return;
      yield groups.map((group) => ({ customerPackageId: packageIdOf(group.package_key), numbers: group.numbers.split(',') }));
      const last = groups.at(-1)!;
      if (groups.reduce((total, group) => total + Number(group.count), 0) < pageSize) return;
      after = [last.package_key, last.last];
    }
  }

  private filtered(tenantId: string, filter: z.output<typeof dncFilterSchema>, db?: Knex): Knex.QueryBuilder {
    const query = this.scoped(tenantId, db);
    if (filter.customerPackageId !== undefined) query.where('package_key', packageKeyOf(filter.customerPackageId));
    if (filter.status !== undefined) query.where('status', filter.status);
    const search = filter.search;
    if (search !== undefined && search !== '') {
      const digits = search.replace(/[^0-9]/g, '');
      // Written nationally (0 6…) or with an international prefix (00 33…): the stored E.164 number holds the digits after the zeros.
      const significant = digits.replace(/^0+/, '');
      query.where((q) => {
        if (digits !== '') q.orWhereRaw("number like ? escape '\\'", [`%${digits}%`]);
        if (significant !== digits && significant.length >= 4) q.orWhereRaw("number like ? escape '\\'", [`%${significant}%`]);
        q.orWhereRaw("lower(reason) like ? escape '\\'", [`%${escapeLike(search.toLowerCase())}%`]);
      });
    }
    return query;
  }

  /** Which of `numbers` the package already has, in any status. */
  private async existing(trx: Knex, tenantId: string, customerPackageId: string | null, numbers: readonly string[]): Promise<Set<string>> {
    const found = new Set<string>();
    for (let i = 0; i < numbers.length; i += LOOKUP_NUMBERS) {
      const rows = (await this.scoped(tenantId, trx)
        .where('package_key', packageKeyOf(customerPackageId))
        .whereIn('number', numbers.slice(i, i + LOOKUP_NUMBERS))
        .select('number')) as Array<{ number: string }>;
      for (const row of rows) found.add(row.number);
    }
    return found;
  }

  private async insertRows(trx: Knex, entries: readonly DncEntry[]): Promise<void> {
    for (let i = 0; i < entries.length; i += INSERT_ROWS) await trx(this.table).insert(entries.slice(i, i + INSERT_ROWS).map((entry) => this.codec.toRow(entry)));
  }

  private entry(tenantId: string, values: Pick<DncEntry, 'customerPackageId' | 'number' | 'reason' | 'status' | 'source' | 'createdBy'>, now: number): DncEntry {
    return { id: this.ctx.newId(), tenantId, ...values, reviewedBy: null, reviewedAt: null, createdAt: now, updatedAt: now };
  }

  private transaction<T>(fn: (trx: Knex) => Promise<T>): Promise<T> {
    return this.run(() => this.ctx.db.transaction(fn), { conflict: (cause) => new ConflictError('The number is already on the list of this package', { cause, details: { field: 'number' } }) });
  }

  private onTrx(trx: Knex): DncRepository {
    return new DncRepository({ ...this.ctx, db: trx });
  }
}
