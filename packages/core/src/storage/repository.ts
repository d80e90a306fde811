import type { Knex } from 'knex';
import type { Clock } from '../clock/clock.js';
import type { Logger } from '../logging/logger.js';
import { NotFoundError } from '../errors/errors.js';
import type { StorageDialect } from './config.js';
import { withStorageErrors, type ConstraintMessages } from './db-errors.js';
import type { Row, RowCodec } from './row-codec.js';
import { bulkStatements } from './bulk-statements.js';

/** What every repository is built from. `db` may be a transaction: a repository built on one runs inside it. */
export interface RepositoryContext {
  readonly db: Knex;
  readonly dialect: StorageDialect;
  readonly clock: Clock;
  readonly newId: () => string;
  /** Where a repository reports what it let pass but an operator should know (the storage's logger). */
  readonly logger?: Logger;
}

/**
 * Whose rows a query sees: a tenant's id, or `null` for the platform's own rows (platform
 * users, their API keys, platform-level audit entries). Tables that only tenants own use
 * `string` and never see `null`.
 */
export type TenantScope = string | null;

/** The fields a caller supplies; the repository fills id, tenant and timestamps. */
export type NewEntity<T> = Omit<T, 'id' | 'tenantId' | 'createdAt' | 'updatedAt'>;

/** Most bound parameters one statement may carry. SQLite's limit since 3.32 is 32766; pg's wire protocol counts in 16 bits. */
const MAX_PARAMETERS: Record<StorageDialect, number> = { sqlite: 32_766, pg: 65_535 };
/** knex writes a multi-row SQLite insert as `select … union all select …`, and SQLite allows 500 terms in a compound select. */
const MAX_ROWS: Record<StorageDialect, number> = { sqlite: 500, pg: 10_000 };

/**
 * Inserts rows in as few statements as the dialect allows, all in one transaction: either
 * every row lands or none does. Accepts any (async) iterable, so a streaming parser can
 * feed it without holding the whole file in memory. Returns the number of rows inserted.
 * Give every row the same columns: a missing one becomes NULL on SQLite but DEFAULT on pg.
 */
export async function insertInBatches(
  db: Knex,
  dialect: StorageDialect,
  table: string,
  rows: Iterable<Row> | AsyncIterable<Row>,
): Promise<number> {
  if (dialect === 'sqlite') return insertPrepared(db, table, rows);
  const maxParameters = MAX_PARAMETERS[dialect];
  const maxRows = MAX_ROWS[dialect];
  return db.transaction(async (trx) => {
    let inserted = 0;
    let chunk: Row[] = [];
    let columns = new Set<string>();
    const flush = async (): Promise<void> => {
      if (chunk.length === 0) return;
      await trx(table).insert(chunk);
      inserted += chunk.length;
      chunk = [];
      columns = new Set();
    };
    for await (const row of rows) {
      const keys = Object.keys(row);
      const widened = columns.size + keys.filter((key) => !columns.has(key)).length;
      if (chunk.length >= maxRows || (chunk.length + 1) * widened > maxParameters) await flush();
      for (const key of keys) columns.add(key);
      chunk.push(row);
    }
    await flush();
    return inserted;
  });
}

/**
 * SQLite: one prepared single-row INSERT per column set, run row by row inside the
 * transaction — better-sqlite3 executes a prepared statement in microseconds, while a
 * multi-row INSERT of hundreds of rows is compiled anew for each batch (the engine
 * benchmark spent a third of its time there).
 */
async function insertPrepared(db: Knex, table: string, rows: Iterable<Row> | AsyncIterable<Row>): Promise<number> {
  return db.transaction(async (trx) => {
    const bulk = await bulkStatements(trx, 'sqlite');
    let inserted = 0;
    // Rows of one repository have the same columns: they go to one prepared statement in runs, not one call per row.
    let columns: readonly string[] = [];
    let run: BulkValue[][] = [];
    const flush = async (): Promise<void> => {
      if (run.length === 0) return;
      await bulk.insert(table, columns, run);
      inserted += run.length;
      run = [];
    };
    const needsFlush = (keys: readonly string[]) => run.length > 0 && (run.length >= PREPARED_RUN || !sameColumns(keys, columns));
    const push = (row: Row, keys: readonly string[]): void => {
      if (run.length === 0) columns = keys;
      const values = new Array<BulkValue>(keys.length);
      for (let i = 0; i < keys.length; i++) values[i] = (row[keys[i]!] ?? null) as BulkValue;
      run.push(values);
    };
    // A plain iterable is walked without an await per row.
    if (Symbol.iterator in rows) {
      for (const row of rows) {
        const keys = Object.keys(row);
        if (needsFlush(keys)) await flush();
        push(row, keys);
      }
    } else {
      for await (const row of rows) {
        const keys = Object.keys(row);
        if (needsFlush(keys)) await flush();
        push(row, keys);
      }
    }
    await flush();
    return inserted;
  });
}

type BulkValue = string | number | boolean | null;
/** Rows handed to one prepared-statement loop at a time: bounds the values held for a streamed input. */
const PREPARED_RUN = 1_000;

function sameColumns(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * The base of every repository over a tenant-owned table. Every query starts from
 * `scoped(tenantId)`, so a row of another tenant is invisible: reading, updating or
 * deleting it fails exactly like a missing row (NotFoundError), which also avoids telling
 * one tenant that another tenant's id exists.
 */
export abstract class TenantScopedRepository<
  TEntity extends { id: string; tenantId: TScope },
  TScope extends TenantScope = string,
> {
  /** The table's name. */
  protected abstract readonly table: string;
  /** The domain's word for one row, for error messages: "User", "API key". */
  protected abstract readonly entityName: string;
  protected abstract readonly codec: RowCodec<TEntity>;

  constructor(protected readonly ctx: RepositoryContext) {}

  /** A query over this tenant's rows only. Start every query here. */
  protected scoped(tenantId: TScope, db: Knex = this.ctx.db): Knex.QueryBuilder {
    const query = db(this.table);
    return tenantId === null ? query.whereNull('tenant_id') : query.where('tenant_id', tenantId);
  }

  async findById(tenantId: TScope, id: string): Promise<TEntity | undefined> {
    const row = (await this.run(() => this.scoped(tenantId).where('id', id).first())) as Row | undefined;
    return row === undefined ? undefined : this.codec.fromRow(row);
  }

  async getById(tenantId: TScope, id: string): Promise<TEntity> {
    const entity = await this.findById(tenantId, id);
    if (entity === undefined) throw new NotFoundError(this.entityName, id);
    return entity;
  }

  /** Protected: not every table may lose rows (the audit log is append-only); a subclass exposes it where it may. */
  protected async deleteOne(tenantId: TScope, id: string): Promise<void> {
    const deleted = await this.run(() => this.scoped(tenantId).where('id', id).delete());
    if (deleted === 0) throw new NotFoundError(this.entityName, id);
  }

  /** Builds the full entity (new id, the tenant, timestamps from the clock) and inserts it. */
  protected async insertOne(tenantId: TScope, values: NewEntity<TEntity>, messages?: ConstraintMessages): Promise<TEntity> {
    const entity = this.complete(tenantId, values, this.ctx.clock.now());
    await this.run(() => this.ctx.db(this.table).insert(this.codec.toRow(entity)), messages);
    return entity;
  }

  /** Batched insert of many entities of one tenant (see insertInBatches); returns how many landed. */
  protected async insertMany(
    tenantId: TScope,
    values: Iterable<NewEntity<TEntity>> | AsyncIterable<NewEntity<TEntity>>,
    messages?: ConstraintMessages,
  ): Promise<number> {
    const now = this.ctx.clock.now();
    const rows = mapIterable(values, (value) => this.codec.toRow(this.complete(tenantId, value, now)));
    return this.run(() => insertInBatches(this.ctx.db, this.ctx.dialect, this.table, rows), messages);
  }

  /** Updates the named fields of one row in scope (and `updatedAt` if the entity has it); returns the row as stored. */
  protected async updateOne(
    tenantId: TScope,
    id: string,
    patch: Partial<NewEntity<TEntity>>,
    messages?: ConstraintMessages,
  ): Promise<TEntity> {
    const values: Record<string, unknown> = { ...patch };
    for (const key of ['id', 'tenantId', 'createdAt']) delete values[key];
    if (this.codec.has('updatedAt')) values.updatedAt = this.ctx.clock.now();
    const row = this.codec.toRow(values as Partial<TEntity>);
    if (Object.keys(row).length === 0) return this.getById(tenantId, id);
    const updated = (await this.run(() => this.scoped(tenantId).where('id', id).update(row).returning('*'), messages)) as Row[];
    const first = updated[0];
    if (first === undefined) throw new NotFoundError(this.entityName, id);
    return this.codec.fromRow(first);
  }

  /** Runs a statement and reports driver errors as SwitchboardErrors (conflicts, missing references, outages). */
  protected run<T>(statement: () => PromiseLike<T>, messages?: ConstraintMessages): Promise<T> {
    return withStorageErrors(statement, messages);
  }

  private complete(tenantId: TScope, values: NewEntity<TEntity>, now: number): TEntity {
    const stamps: Record<string, number> = {};
    if (this.codec.has('createdAt')) stamps.createdAt = now;
    if (this.codec.has('updatedAt')) stamps.updatedAt = now;
    return { ...values, id: this.ctx.newId(), tenantId, ...stamps } as unknown as TEntity;
  }
}

/** Maps lazily; a plain iterable stays plain, so its rows are inserted without an await each. */
function mapIterable<A, B>(source: Iterable<A> | AsyncIterable<A>, map: (value: A) => B): Iterable<B> | AsyncIterable<B> {
  if (Symbol.iterator in source) {
    return (function* () {
      for (const value of source) yield map(value);
    })();
  }
  return (async function* () {
    for await (const value of source) yield map(value);
  })();
}
