import { describe, expect, it } from 'vitest';
import { relaxCheckpoints } from './bulk-statements.js';
import { storageTargets } from './test-support.js';

describe('relaxCheckpoints', () => {
  it('on SQLite, checkpoints rarely and widens the page cache while bulk paths run, to the largest asked for, then puts both back', async () => {
    const target = storageTargets().find((t) => t.name === 'sqlite')!;
    const storage = await target.create();
    try {
      const setting = async (name: string) => Number(((await storage.knex.raw(`pragma ${name}`)) as Array<Record<string, number>>)[0]![name]);
      expect(await setting('wal_autocheckpoint')).toBe(1000);
      // better-sqlite3 builds SQLite with a 16 MiB cache.
      expect(await setting('cache_size')).toBe(-16_000);
      const first = await relaxCheckpoints(storage.knex, 'sqlite', { cacheKiB: 20_000 });
      expect(await setting('wal_autocheckpoint')).toBe(25_000);
      expect(await setting('cache_size')).toBe(-20_000);
      // A second import at the same time: the larger cache wins, capped at 64 MiB; a smaller one changes nothing.
      const second = await relaxCheckpoints(storage.knex, 'sqlite', { cacheKiB: 10_000_000 });
      expect(await setting('cache_size')).toBe(-65_536);
      const third = await relaxCheckpoints(storage.knex, 'sqlite', { cacheKiB: 30_000 });
      expect(await setting('cache_size')).toBe(-65_536);

      await second();
      await third();
      await second(); // twice is once
      expect(await setting('cache_size')).toBe(-65_536);
      await first();
      expect(await setting('wal_autocheckpoint')).toBe(1000);
      expect(await setting('cache_size')).toBe(-16_000);

      // A path asking no more cache than there is leaves it alone.
      const plain = await relaxCheckpoints(storage.knex, 'sqlite', { cacheKiB: 4_700 });
      expect(await setting('cache_size')).toBe(-16_000);
      await plain();
    } finally {
      await storage.close();
    }
  });

  it('is a no-op on PostgreSQL', async () => {
    const restore = await relaxCheckpoints(undefined as never, 'pg', { cacheKiB: 50_000 });
    await expect(restore()).resolves.toBeUndefined();
  });
});
