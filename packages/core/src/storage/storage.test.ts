import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../clock/virtual-clock.js';
import { UnavailableError } from '../errors/errors.js';
import { ListMigrationSource, MIGRATIONS_TABLE, migrations } from './migrations/index.js';
import { createStorage, type Storage } from './storage.js';
import { storageTargets } from './test-support.js';

const ALL_MIGRATIONS = migrations.map((migration) => migration.name);
const TABLES = ['tenants', 'users', 'api_keys', 'platform_settings', 'audit_log'];

describe.each(storageTargets())('storage on $name', (target) => {
  const opened: Storage[] = [];
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((storage) => storage.close()));
  });
  const create = async (options?: Parameters<typeof target.create>[0]) => {
    const storage = await target.create(options);
    opened.push(storage);
    return storage;
  };

  it('applies every migration once, in order, and then has nothing left to apply', async () => {
    const storage = await create({ migrate: false });
    expect(storage.dialect).toBe(target.name);
    expect(await storage.migrate()).toEqual(ALL_MIGRATIONS);
    expect(await storage.migrate()).toEqual([]);
    for (const table of TABLES) expect(await storage.knex.schema.hasTable(table), table).toBe(true);
    const recorded = await storage.knex(MIGRATIONS_TABLE).orderBy('id').pluck('name');
    expect(recorded).toEqual(ALL_MIGRATIONS);
  });

  it('rolls every migration back and applies them again', async () => {
    const storage = await create();
    await storage.knex.migrate.rollback({ migrationSource: new ListMigrationSource(migrations), tableName: MIGRATIONS_TABLE }, true);
    for (const table of TABLES) expect(await storage.knex.schema.hasTable(table), table).toBe(false);
    expect(await storage.migrate()).toEqual(ALL_MIGRATIONS);
  });

  it('returns bigint timestamps as numbers, beyond 32 bits', async () => {
    const farFuture = Date.UTC(2150, 0, 1); // > 2^32, so a 32-bit parse would be wrong
    const storage = await create({ clock: new VirtualClock({ startAt: farFuture }) });
    const tenant = await storage.tenants.create({ slug: 'acme', name: 'Acme' });
    expect(tenant.createdAt).toBe(farFuture);
    const fetched = await storage.tenants.get(tenant.id);
    expect(fetched.createdAt).toBe(farFuture);
    expect(typeof fetched.updatedAt).toBe('number');
    // Through plain knex too: the int8 parser is on the connection, not in a repository.
    const raw = (await storage.knex('tenants').select('created_at').first()) as { created_at: unknown };
    expect(raw.created_at).toBe(farFuture);
    const [count] = (await storage.knex('tenants').count({ n: '*' })) as { n: unknown }[];
    expect(count?.n).toBe(1);
    // …and pg's global parser registry is left alone for other pg users in the process.
    expect(pg.types.getTypeParser(20, 'text')('9007199254740993')).toBe('9007199254740993');
  });

  it('pings while open; close is idempotent and later use fails', async () => {
    const storage = await target.create();
    await expect(storage.ping()).resolves.toBeUndefined();
    await storage.close();
    await storage.close();
    await expect(storage.ping()).rejects.toBeInstanceOf(UnavailableError);
  });

  it('keeps its data across close and reopen', async () => {
    const database = await target.durable();
    try {
      const first = await database.open();
      const tenant = await first.tenants.create({ slug: 'persisted', name: 'Persisted Co' });
      await first.settings.set('branding', { color: '#123456' });
      await first.close();

      const second = await database.open({ migrate: false });
      expect(await second.migrate()).toEqual([]);
      expect(await second.tenants.get(tenant.id)).toEqual(tenant);
      expect(await second.settings.get('branding')).toEqual({ color: '#123456' });
      await second.close();
    } finally {
      await database.dispose();
    }
  });

  it('uses the injected id generator', async () => {
    let next = 0;
    const storage = await create({ newId: () => `id-${++next}` });
    const tenant = await storage.tenants.create({ slug: 'ids', name: 'Ids' });
    expect(tenant.id).toBe('id-1');
  });
});

describe('SQLite specifics', () => {
  const dirs: string[] = [];
  afterEach(async () => {
    await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
  });
  const tempDir = async () => {
    const dir = await mkdtemp(join(tmpdir(), 'switchboard-sqlite-'));
    dirs.push(dir);
    return dir;
  };

  it('creates missing folders and opens the file in WAL mode with foreign keys on', async () => {
    const dir = await tempDir();
    const storage = await createStorage({ client: 'sqlite', filename: join(dir, 'a', 'b', 'sb.db') }, { clock: new VirtualClock() });
    try {
      const journal = (await storage.knex.raw('pragma journal_mode')) as { journal_mode: string }[];
      expect(journal[0]?.journal_mode).toBe('wal');
      const foreignKeys = (await storage.knex.raw('pragma foreign_keys')) as { foreign_keys: number }[];
      expect(foreignKeys[0]?.foreign_keys).toBe(1);
    } finally {
      await storage.close();
    }
  });

  it('reports a file that cannot be opened as UnavailableError with the cause', async () => {
    const dir = await tempDir();
    const blocker = join(dir, 'not-a-folder');
    await writeFile(blocker, 'x');
    const error = await createStorage({ client: 'sqlite', filename: join(blocker, 'sb.db') }, { clock: new VirtualClock() }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(UnavailableError);
    expect((error as UnavailableError).cause).toBeInstanceOf(Error);
  });

  it('reports a folder given as the database file as UnavailableError', async () => {
    const dir = await tempDir();
    const error = await createStorage({ client: 'sqlite', filename: dir }, { clock: new VirtualClock() }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UnavailableError);
    expect((error as Error).message).toContain(dir);
  });
});

describe('PostgreSQL connection failures', () => {
  it('reports an unreachable server as UnavailableError, without the password', async () => {
    const error = await createStorage(
      { client: 'pg', connection: 'postgres://sb:hunter2@127.0.0.1:1/switchboard' },
      { clock: new VirtualClock() },
    ).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UnavailableError);
    expect((error as UnavailableError).cause).toMatchObject({ code: 'ECONNREFUSED' });
    expect((error as Error).message).toContain('127.0.0.1:1');
    expect((error as Error).message).not.toContain('hunter2');
  });
});
