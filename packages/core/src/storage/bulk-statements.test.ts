import { statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { relaxCheckpoints } from './bulk-statements.js';
import type { Storage } from './storage.js';
import { storageTargets } from './test-support.js';
import { WalCheckpointer } from './wal-checkpointer.js';

const sqlite = () => storageTargets().find((t) => t.name === 'sqlite')!;
const setting = async (storage: Storage, name: string) => Number(((await storage.knex.raw(`pragma ${name}`)) as Array<Record<string, number>>)[0]![name]);

describe('relaxCheckpoints', () => {
  it('on SQLite, checkpoints rarely and widens the page cache while bulk paths run, to the largest asked for, then puts both back', async () => {
    const storage = await sqlite().create();
    try {
      expect(await setting(storage, 'wal_autocheckpoint')).toBe(1000);
      // better-sqlite3 builds SQLite with a 16 MiB cache.
      expect(await setting(storage, 'cache_size')).toBe(-16_000);
      const first = await relaxCheckpoints(storage.knex, 'sqlite', { cacheKiB: 20_000 });
      // In memory: no file, so no checkpoint thread; the connection checkpoints every 25,000 pages itself.
      expect(await setting(storage, 'wal_autocheckpoint')).toBe(25_000);
      expect(await setting(storage, 'cache_size')).toBe(-20_000);
      // A second import at the same time: the larger cache wins, capped at 64 MiB; a smaller one changes nothing.
      const second = await relaxCheckpoints(storage.knex, 'sqlite', { cacheKiB: 10_000_000 });
      expect(await setting(storage, 'cache_size')).toBe(-65_536);
      const third = await relaxCheckpoints(storage.knex, 'sqlite', { cacheKiB: 30_000 });
      expect(await setting(storage, 'cache_size')).toBe(-65_536);

      await second.end();
      await third.end();
      await second.end(); // twice is once
      expect(await setting(storage, 'cache_size')).toBe(-65_536);
      await first.end();
      expect(await setting(storage, 'wal_autocheckpoint')).toBe(1000);
      expect(await setting(storage, 'cache_size')).toBe(-16_000);

      // A path asking no more cache than there is leaves it alone.
      const plain = await relaxCheckpoints(storage.knex, 'sqlite', { cacheKiB: 4_700 });
      expect(await setting(storage, 'cache_size')).toBe(-16_000);
      await plain.end();
    } finally {
      await storage.close();
    }
  });

  it('on a database file, checkpoints on a thread of its own: the log stays near its bound while the file grows, and nothing is lost', async () => {
    const durable = await sqlite().durable!();
    const storage = await durable.open();
    try {
      await storage.knex.raw('create table bulk (id integer primary key, payload text not null)');
      // The log file keeps its largest size: start from an empty one (the migrations wrote ~200 pages).
      await storage.knex.raw('pragma wal_checkpoint(TRUNCATE)');
      const file = (storage.knex.client as { config: { connection: { filename: string } } }).config.connection.filename;
      const pages = 64;
      const bulk = await relaxCheckpoints(storage.knex, 'sqlite', { pages });
      // The writing connection's own checkpoint is only a safety net, far beyond the bound.
      expect(await setting(storage, 'wal_autocheckpoint')).toBe(pages * 4);
      let largestLog = 0;
      const payload = 'x'.repeat(4000);
      for (let commit = 0; commit < 40; commit++) {
        // ~25 pages a commit: 1,000 pages in all, four times what the connection would let the log hold before checkpointing itself.
        await storage.knex.transaction(async (trx) => {
          await trx('bulk').insert(Array.from({ length: 25 }, () => ({ payload })));
        });
        await bulk.committed();
        largestLog = Math.max(largestLog, statSync(`${file}-wal`).size);
      }
      await bulk.end();
      // A frame is a page and its 24-byte header: the log never held more than the bound and one commit (~27 pages).
      expect(largestLog).toBeLessThanOrEqual((pages + 30) * (4096 + 24));
      // So the thread, not the connection, copied the pages: the file holds them.
      expect(statSync(file).size).toBeGreaterThan(1000 * 4096);
      expect(await setting(storage, 'wal_autocheckpoint')).toBe(1000);
      expect(((await storage.knex('bulk').count({ n: '*' })) as Array<{ n: number }>)[0]!.n).toBe(1000);
      expect(await storage.knex.raw('pragma integrity_check')).toEqual([{ integrity_check: 'ok' }]);
    } finally {
      await storage.close();
      await durable.dispose();
    }
  });

  it('is a no-op on PostgreSQL', async () => {
    const bulk = await relaxCheckpoints(undefined as never, 'pg', { cacheKiB: 50_000 });
    await expect(bulk.committed()).resolves.toBeUndefined();
    await expect(bulk.end()).resolves.toBeUndefined();
  });
});

describe('WalCheckpointer', () => {
  it('stops and says why when it cannot open the database; waiting on it then returns at once', async () => {
    const reasons: string[] = [];
    const checkpointer = new WalCheckpointer('/nonexistent/switchboard/missing.db', 10, (reason) => reasons.push(reason));
    await checkpointer.catchUp();
    await checkpointer.committed();
    expect(checkpointer.failed).toMatch(/unable to open|no such file|directory does not exist/i);
    expect(reasons).toEqual([checkpointer.failed]);
    await checkpointer.close();
  });
});
