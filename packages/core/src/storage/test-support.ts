import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
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

/** What `useStorage` gives a describe block: its fields are filled afresh before each test. */
export interface StorageFixture<Slug extends string = never> {
  /** A new, migrated, empty database of the test's own (plus the tenants asked for), closed after the test. */
  readonly storage: Storage;
  /** The storage's clock: a VirtualClock at its default start. */
  readonly clock: VirtualClock;
  /** The id of each tenant created before the test, by slug. */
  readonly tenants: Readonly<Record<Slug, string>>;
}

export interface UseStorageOptions<Slug extends string> {
  /** Tenants to create before each test, in this order; each is named after its slug in capitals ('a' → 'A'). */
  tenants?: readonly Slug[];
}

/**
 * The usual setup of a storage test, inside `describe.each(storageTargets())`: registers a beforeEach that
 * opens a fresh `target.create({ clock })` on a new VirtualClock and creates the named tenants, and an
 * afterEach that closes it. Read the fields inside tests and hooks only (they throw outside one); a file
 * that needs more rows adds its own beforeEach after this call, which runs after this one.
 *
 *   const db = useStorage(target, { tenants: ['a', 'b'] });
 *   it('…', async () => { await db.storage.users.create(db.tenants.a, …); });
 */
export function useStorage<const Slug extends string = never>(target: StorageTarget, options: UseStorageOptions<Slug> = {}): StorageFixture<Slug> {
  let current: { storage: Storage; clock: VirtualClock; tenants: Record<Slug, string> } | undefined;
  beforeEach(async () => {
    const clock = new VirtualClock();
    const storage = await target.create({ clock });
    current = { storage, clock, tenants: {} as Record<Slug, string> };
    for (const slug of options.tenants ?? []) {
      current.tenants[slug] = (await storage.tenants.create({ slug, name: slug.toUpperCase() })).id;
    }
  });
  afterEach(async () => {
    const storage = current?.storage;
    current = undefined;
    await storage?.close();
  });
  const now = () => {
    if (!current) throw new Error(`useStorage(${target.name}): the storage exists only while a test runs (from beforeEach to afterEach)`);
    return current;
  };
  return {
    get storage() {
      return now().storage;
    },
    get clock() {
      return now().clock;
    },
    get tenants() {
      return now().tenants;
    },
  };
}
