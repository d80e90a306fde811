import type { Knex } from 'knex';
import type { StorageDialect } from './config.js';
import { withStorageErrors } from './db-errors.js';
import { WalCheckpointer } from './wal-checkpointer.js';
import type { Logger } from '../logging/logger.js';

type Value = string | number | boolean | null;

/**
 * The statements a bulk path (an import) runs inside one transaction, as cheaply as each
 * dialect allows. On SQLite they go straight to better-sqlite3 on the transaction's own
 * connection, as statements prepared once per connection and run row by row (no SQL
 * compiled per call, no query builder: the same cost as a hand-written better-sqlite3
 * loop). On PostgreSQL, where each statement is a round trip, rows travel in multi-row
 * INSERTs of up to 30,000 bound values. Unique and foreign-key violations arrive as
 * ConflictError / ValidationError, like every other storage error.
 */
export interface BulkStatements {
  /** Inserts rows (values in `columns` order; booleans may be turned into 0/1 in place); `onConflictIgnore`: the conflict target whose duplicates are skipped. */
  insert(table: string, columns: readonly string[], rows: readonly Value[][], onConflictIgnore?: readonly string[]): Promise<void>;
  /** Runs a statement with `?` placeholders. */
  run(sql: string, values: readonly Value[]): Promise<void>;
  /** Rows of a query with `?` placeholders. */
  all<T extends Record<string, unknown>>(sql: string, values: readonly Value[]): Promise<T[]>;
}

interface SqliteStatement {
  run(...values: unknown[]): unknown;
  all(...values: unknown[]): unknown[];
}
interface SqliteConnection {
  prepare(sql: string): SqliteStatement;
}

const prepared = new WeakMap<object, Map<string, SqliteStatement>>();
const MAX_PARAMETERS = 30_000;

/** The bulk statements of a transaction (`trx` must be one: on SQLite its connection is used directly). */
export async function bulkStatements(trx: Knex, dialect: StorageDialect): Promise<BulkStatements> {
  if (dialect === 'sqlite') {
    const connection = (await (trx.client as { acquireConnection(): Promise<SqliteConnection> }).acquireConnection()) as SqliteConnection;
    let cache = prepared.get(connection);
    if (!cache) prepared.set(connection, (cache = new Map()));
    const statement = (sql: string): SqliteStatement => {
      let found = cache.get(sql);
      if (!found) {
        found = connection.prepare(sql);
        if (cache.size > 200) cache.clear();
        cache.set(sql, found);
      }
      return found;
    };
    // better-sqlite3 binds no booleans: 0/1, as knex's client does. Rows are converted in place (no copy per row).
    const bind = (values: readonly Value[]): Value[] => {
      const out = values as Value[];
      for (let i = 0; i < out.length; i++) if (typeof out[i] === 'boolean') out[i] = out[i] ? 1 : 0;
      return out;
    };
    return {
      async insert(table, columns, rows, onConflictIgnore) {
        if (rows.length === 0) return;
        const conflict = onConflictIgnore ? ` on conflict (${onConflictIgnore.join(',')}) do nothing` : '';
        const insert = statement(`insert into ${table} (${columns.join(',')}) values (${columns.map(() => '?').join(',')})${conflict}`);
        await withStorageErrors(async () => {
          for (const row of rows) insert.run(bind(row));
        });
      },
      async run(sql, values) {
        await withStorageErrors(async () => statement(sql).run(bind([...values])));
      },
      async all<T extends Record<string, unknown>>(sql: string, values: readonly Value[]) {
        return withStorageErrors(async () => statement(sql).all(bind([...values])) as T[]);
      },
    };
  }
  return {
    async insert(table, columns, rows, onConflictIgnore) {
      if (rows.length === 0) return;
      const perStatement = Math.max(1, Math.floor(MAX_PARAMETERS / columns.length));
      const tuple = `(${columns.map(() => '?').join(',')})`;
      const conflict = onConflictIgnore ? ` on conflict (${onConflictIgnore.join(',')}) do nothing` : '';
      for (let i = 0; i < rows.length; i += perStatement) {
        const chunk = rows.slice(i, i + perStatement);
        const values: Value[] = [];
        for (const row of chunk) for (const value of row) values.push(value);
        const sql = `insert into ${table} (${columns.join(',')}) values ${Array.from({ length: chunk.length }, () => tuple).join(',')}${conflict}`;
        await withStorageErrors(() => trx.raw(sql, values));
      }
    },
    async run(sql, values) {
      await withStorageErrors(() => trx.raw(sql, [...values]));
    },
    async all<T extends Record<string, unknown>>(sql: string, values: readonly Value[]) {
      const result = (await withStorageErrors(() => trx.raw(sql, [...values]))) as { rows: T[] };
      return result.rows;
    },
  };
}

/** What a bulk path holds while it writes (`relaxCheckpoints`). */
export interface BulkWriting {
  /** Call after each commit: the checkpoint thread copies what was committed (and, past its bound, is waited for). */
  committed(): Promise<void>;
  /** Puts the previous settings back once the last bulk path ends. Calling it again is harmless. */
  end(): Promise<void>;
}

interface Relaxed {
  count: number;
  previous: number;
  previousCache: number;
  cacheKiB: number;
  pages: number;
  checkpointer: WalCheckpointer | undefined;
}

const relaxed = new WeakMap<Knex, Relaxed>();

/** The page cache of a connection of better-sqlite3 (its build's default): 16 MiB. */
const DEFAULT_CACHE_KIB = 16_000;
/** The most page cache a bulk path asks for. */
const MAX_CACHE_KIB = 64 * 1024;
/** With a checkpoint thread, the main connection's own automatic checkpoint is only a safety net, this many times further. */
const SAFETY_NET = 4;

/**
 * While a bulk path writes on SQLite, checkpoint the write-ahead log every `pages` pages
 * (default 25,000 ≈ 100 MiB) instead of every 1,000: a checkpoint copies every page changed
 * since the last one back into the database file, so with one every commit a batch of
 * inserts into indexes with random keys (phone numbers) writes most index pages twice per
 * batch. On a database file the checkpoints run on a thread of their own (`WalCheckpointer`,
 * decision 53), kicked by `committed()` after each commit, so that the writer does not stop
 * for them; the log still stays near `pages` pages.
 *
 * `cacheKiB`: the page cache the bulk path wants meanwhile (at most 64 MiB; never less than
 * the connection has). An index with random keys takes each insert to a random leaf page:
 * once the index outgrows the cache (16 MiB, better-sqlite3's default), nearly every insert
 * reads its page back from the file and pushes another one out. The customer import asks for about the size of
 * the number index it writes into (decision 52): a 1M-row import was ~13% faster with it.
 *
 * `end()` puts the previous settings back (and checkpoints what is left). The settings
 * belong to the connection, which on SQLite serves the whole process: other writes meanwhile
 * checkpoint on the same schedule and share the cache. Nested calls share one setting (the
 * largest cache asked for) and one checkpoint thread. No-op on PostgreSQL.
 */
export async function relaxCheckpoints(
  knex: Knex,
  dialect: StorageDialect,
  options: { pages?: number; cacheKiB?: number; logger?: Pick<Logger, 'warn'> } = {},
): Promise<BulkWriting> {
  if (dialect !== 'sqlite') return { committed: async () => {}, end: async () => {} };
  let state = relaxed.get(knex);
  if (!state) {
    const [checkpoint, cache] = (await Promise.all([knex.raw('pragma wal_autocheckpoint'), knex.raw('pragma cache_size')])) as [Array<{ wal_autocheckpoint: number }>, Array<{ cache_size: number }>];
    const pages = Math.max(1, Math.floor(options.pages ?? 25_000));
    const file = databaseFile(knex);
    const created: Relaxed = { count: 0, previous: Number(checkpoint[0]?.wal_autocheckpoint ?? 1000), previousCache: Number(cache[0]?.cache_size ?? -DEFAULT_CACHE_KIB), cacheKiB: 0, pages, checkpointer: undefined };
    if (file !== undefined) {
      created.checkpointer = new WalCheckpointer(file, pages, (reason) => {
        // The main connection checkpoints again, as it would without the thread.
        options.logger?.warn({ reason }, 'the checkpoint thread stopped: checkpoints run on the writing connection');
        if (relaxed.get(knex) === created) void knex.raw(`pragma wal_autocheckpoint = ${pages}`).catch(() => undefined);
      });
    }
    state = created;
    relaxed.set(knex, state);
    await knex.raw(`pragma wal_autocheckpoint = ${state.checkpointer ? pages * SAFETY_NET : pages}`);
  }
  const wanted = Math.min(MAX_CACHE_KIB, Math.floor(options.cacheKiB ?? 0));
  // A positive cache_size counts pages (of 4 KiB by default), a negative one KiB.
  const current = state.previousCache < 0 ? -state.previousCache : state.previousCache * 4;
  if (wanted > Math.max(current, state.cacheKiB)) {
    state.cacheKiB = wanted;
    await knex.raw(`pragma cache_size = -${wanted}`);
  }
  state.count++;
  const held = state;
  let done = false;
  return {
    committed: async () => {
      if (!done) await held.checkpointer?.committed();
    },
    end: async () => {
      if (done) return;
      done = true;
      if (--held.count > 0) return;
      relaxed.delete(knex);
      if (held.checkpointer) {
        await held.checkpointer.catchUp();
        await held.checkpointer.close();
      }
      await knex.raw(`pragma wal_autocheckpoint = ${held.previous}`);
      if (held.cacheKiB > 0) await knex.raw(`pragma cache_size = ${held.previousCache}`);
      await knex.raw('pragma wal_checkpoint(passive)');
    },
  };
}

/** The file of a SQLite database opened by `createStorage`; none for `:memory:` and temporary databases (no write-ahead log to checkpoint). */
function databaseFile(knex: Knex): string | undefined {
  const filename = (knex.client as { config?: { connection?: { filename?: unknown } } }).config?.connection?.filename;
  return typeof filename === 'string' && filename !== '' && filename !== ':memory:' && !filename.startsWith('file:') ? filename : undefined;
}
