import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Clock } from '../clock/clock.js';
import { VirtualClock } from '../clock/virtual-clock.js';
import type { StorageConfig } from './config.js';
import { createStorage, type Storage } from './storage.js';

/**
 * The databases every storage test runs against: SQLite always, and PostgreSQL when
 * SWITCHBOARD_TEST_PG holds a connection string (`export SWITCHBOARD_TEST_PG=$(bash .ci/postgres.sh)`).
 * Use with `describe.each(storageTargets())`.
 */
export const PG_ENV = 'SWITCHBOARD_TEST_PG';

export interface TargetOptions {
  clock?: Clock;
  newId?: () => string;
  /** Apply the migrations before returning. Default true. */
  migrate?: boolean;
}

/** A database that outlives `close()`: open it again and again, then dispose of it. */
export interface DurableDatabase {
  open(options?: TargetOptions): Promise<Storage>;
  dispose(): Promise<void>;
}

export interface StorageTarget {
  readonly name: 'sqlite' | 'pg';
  /** A new, empty database of its own; closing the storage deletes it. */
  create(options?: TargetOptions): Promise<Storage>;
  durable(): Promise<DurableDatabase>;
}

async function open(config: StorageConfig, options: TargetOptions): Promise<Storage> {
  const storage = await createStorage(config, { clock: options.clock ?? new VirtualClock(), ...(options.newId ? { newId: options.newId } : {}) });
  if (options.migrate ?? true) await storage.migrate();
  return storage;
}

const sqliteTarget: StorageTarget = {
  name: 'sqlite',
  create: (options = {}) => open({ client: 'sqlite', filename: ':memory:' }, options),
  async durable() {
    const dir = await mkdtemp(join(tmpdir(), 'switchboard-storage-'));
    // A folder that does not exist yet: createStorage must make it.
    const filename = join(dir, 'data', 'switchboard.db');
    return {
      open: (options = {}) => open({ client: 'sqlite', filename }, options),
      dispose: () => rm(dir, { recursive: true, force: true }),
    };
  },
};

/** Unique per storage, so parallel test files never share tables. */
const freshSchema = (): string => `sbt_${process.pid}_${randomBytes(6).toString('hex')}`;

function pgTarget(connection: string): StorageTarget {
  const config = (schema: string): StorageConfig => ({ client: 'pg', connection, schema, pool: { min: 0, max: 4 } });
  const dropSchema = async (storage: Storage, schema: string): Promise<void> => {
    await storage.knex.raw('drop schema if exists ?? cascade', [schema]);
  };
  return {
    name: 'pg',
    async create(options = {}) {
      const schema = freshSchema();
      const storage = await open(config(schema), options);
      let dropped: Promise<void> | undefined;
      return {
        ...storage,
        close: async () => {
          dropped ??= dropSchema(storage, schema).finally(() => storage.close());
          return dropped;
        },
      };
    },
    async durable() {
      const schema = freshSchema();
      return {
        open: (options = {}) => open(config(schema), options),
        async dispose() {
          const storage = await open(config(schema), { migrate: false });
          try {
            await dropSchema(storage, schema);
          } finally {
            await storage.close();
          }
        },
      };
    },
  };
}

export function storageTargets(): StorageTarget[] {
  const pg = process.env[PG_ENV]?.trim();
  return pg ? [sqliteTarget, pgTarget(pg)] : [sqliteTarget];
}
