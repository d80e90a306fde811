import { describe, expect, it } from 'vitest';
import { formatQueueLogLine, type QueueLogEntry } from '../../acd/records.js';
import { ValidationError } from '../../errors/errors.js';
import { storageTargets, useStorage } from '../test-support.js';
import type { NewQueueLogEntry } from './queue-log.js';

const T0 = Date.UTC(2026, 0, 5, 9);
const entry = (at: number, event: NewQueueLogEntry['event'], extra: Partial<NewQueueLogEntry> = {}): NewQueueLogEntry => ({
  at,
  callId: 'call-1',
  queue: '10',
  agent: 'NONE',
  event,
  data: [],
  ...extra,
});

const collect = async (source: AsyncIterable<QueueLogEntry>): Promise<QueueLogEntry[]> => {
  const all: QueueLogEntry[] = [];
  for await (const item of source) all.push(item);
  return all;
};

describe.each(storageTargets())('QueueLogRepository on $name', (target) => {
  const db = useStorage(target, { tenants: ['a', 'b'] });

  it('keeps every field, data fields as written (empty ones too), and numbers entries in insert order', async () => {
    await db.storage.queueLog.insertMany(db.tenants.a, [
      entry(T0, 'ENTERQUEUE', { data: ['', '+15551230000', '1'] }),
      entry(T0 + 4000, 'CONNECT', { agent: '1001', data: ['4', 'call-1-agent', '3'] }),
      entry(T0 + 64_000, 'COMPLETECALLER', { agent: '1001', data: ['4', '60', '1'] }),
    ]);
    const [complete, connect, enter] = (await db.storage.queueLog.query(db.tenants.a)).items;
    expect(enter).toEqual({ id: expect.any(String), tenantId: db.tenants.a, at: T0, callId: 'call-1', queue: '10', agent: 'NONE', event: 'ENTERQUEUE', data: ['', '+15551230000', '1'] });
    expect(Number(connect?.id)).toBeGreaterThan(Number(enter?.id));
    expect(formatQueueLogLine(complete as QueueLogEntry)).toBe(`${T0 / 1000 + 64}|call-1|10|1001|COMPLETECALLER|4|60|1`);
  });

  it('filters a query by queue and time, newest first, and pages with a cursor', async () => {
    await db.storage.queueLog.insertMany(db.tenants.a, [
      entry(T0, 'ENTERQUEUE'),
      entry(T0 + 1000, 'ENTERQUEUE', { queue: '20', callId: 'call-2' }),
      entry(T0 + 2000, 'ABANDON', { data: ['1', '1', '2'] }),
      entry(T0 + 3000, 'ABANDON', { queue: '20', callId: 'call-2', data: ['1', '1', '2'] }),
    ]);
    await db.storage.queueLog.insertMany(db.tenants.b, [entry(T0, 'ENTERQUEUE')]);
    const events = async (options: Parameters<typeof db.storage.queueLog.query>[1]) => (await db.storage.queueLog.query(db.tenants.a, options)).items.map((e) => `${e.queue} ${e.event}`);
    expect(await events({ queue: '20' })).toEqual(['20 ABANDON', '20 ENTERQUEUE']);
    expect(await events({ from: T0 + 1000, to: T0 + 3000 })).toEqual(['10 ABANDON', '20 ENTERQUEUE']);
    const first = await db.storage.queueLog.query(db.tenants.a, { limit: 3 });
    expect(first.items).toHaveLength(3);
    const second = await db.storage.queueLog.query(db.tenants.a, { limit: 3, cursor: first.nextCursor ?? '' });
    expect(second.items.map((e) => e.at)).toEqual([T0]);
    expect(second.nextCursor).toBeNull();
    expect((await db.storage.queueLog.query(db.tenants.b)).items).toHaveLength(1);
    // A cursor of another list is refused before it reaches the database.
    const written = await db.storage.agentEvents.insertMany(db.tenants.a, [1, 2].map((at) => ({ at, agentNumber: '1001', groupNumber: null, event: 'idle' as const, initiator: 'system', cause: null })));
    expect(written).toBe(2);
    const foreign = (await db.storage.agentEvents.query(db.tenants.a, { limit: 1 })).nextCursor ?? '';
    await expect(db.storage.queueLog.query(db.tenants.a, { cursor: foreign })).rejects.toBeInstanceOf(ValidationError);
    await expect(db.storage.agentEvents.query(db.tenants.a, { cursor: first.nextCursor ?? '' })).rejects.toBeInstanceOf(ValidationError);
  });

  it('streams in time order, page after page, keeping the written order of entries of the same millisecond', async () => {
    // 2500 entries over 3 pages; the writer gives them out of time order across batches but in order within a millisecond.
    const later = Array.from({ length: 1500 }, (_, i) => entry(T0 + 10_000 + Math.floor(i / 100), 'RINGNOANSWER', { data: [String(i)] }));
    const earlier = Array.from({ length: 1000 }, (_, i) => entry(T0 + Math.floor(i / 300), 'RINGNOANSWER', { data: [String(i)] }));
    await db.storage.queueLog.insertMany(db.tenants.a, later);
    await db.storage.queueLog.insertMany(db.tenants.a, earlier);
    await db.storage.queueLog.insertMany(db.tenants.b, [entry(T0, 'ENTERQUEUE')]);
    let selects = 0;
    const count = (query: { sql: string }) => (selects += /^select .*queue_log/i.test(query.sql) ? 1 : 0);
    db.storage.knex.on('query', count);
    const streamed = await collect(db.storage.queueLog.stream(db.tenants.a));
    db.storage.knex.off('query', count);
    // Pages of 1000 rows, never the whole table at once.
    expect(selects).toBe(3);
    expect(streamed.map((e) => e.data[0])).toEqual([...earlier, ...later].map((e) => e.data[0]));
    expect(streamed.every((e) => e.tenantId === db.tenants.a)).toBe(true);

    const window = await collect(db.storage.queueLog.stream(db.tenants.a, { from: T0 + 1, to: T0 + 10_001 }));
    expect(window).toHaveLength(1000 - 300 + 100);
    expect(window[0]?.data).toEqual(['300']);
    expect(await collect(db.storage.queueLog.stream(db.tenants.a, { from: T0 + 99_000 }))).toEqual([]);
  });

  it('refuses a bad entry, naming it, and stores none of the batch', async () => {
    const error = await db.storage.queueLog
      .insertMany(db.tenants.a, [entry(T0, 'ENTERQUEUE'), entry(T0, 'CONNECT', { data: ['1', '2', '3', '4', '5', '6'] })])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues[0]?.path).toBe('entries.1.data');
    expect((await db.storage.queueLog.query(db.tenants.a)).items).toEqual([]);
  });
});
