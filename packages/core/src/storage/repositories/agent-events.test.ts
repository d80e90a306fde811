import { describe, expect, it } from 'vitest';
import type { AgentEvent } from '../../acd/records.js';
import { ValidationError } from '../../errors/errors.js';
import { storageTargets, useStorage } from '../test-support.js';
import type { NewAgentEvent } from './agent-events.js';

const T0 = Date.UTC(2026, 0, 5, 9);
const event = (at: number, agentNumber: string, kind: NewAgentEvent['event'], extra: Partial<NewAgentEvent> = {}): NewAgentEvent => ({
  at,
  agentNumber,
  groupNumber: null,
  event: kind,
  initiator: 'system',
  cause: null,
  ...extra,
});

describe.each(storageTargets())('AgentEventRepository on $name', (target) => {
  const db = useStorage(target, { tenants: ['a', 'b'] });

  const seed = async () => {
    await db.storage.agentEvents.insertMany(db.tenants.a, [
      event(T0, '1001', 'logged-in', { initiator: 'agent:web' }),
      event(T0 + 1000, '1001', 'checked-in', { groupNumber: '10', initiator: 'agent:web' }),
      event(T0 + 2000, '1002', 'logged-in', { initiator: 'agent:phone' }),
      event(T0 + 3000, '1001', 'paused', { cause: 'Lunch', initiator: 'supervisor:u1' }),
      event(T0 + 4000, '1002', 'paused', { cause: 'auto-pause' }),
    ]);
    await db.storage.agentEvents.insertMany(db.tenants.b, [event(T0 + 500, '1001', 'logged-in')]);
  };
  const shape = (items: AgentEvent[]) => items.map((e) => `${e.at - T0} ${e.agentNumber} ${e.event}`);

  it('returns the tenant\'s events newest first, every field kept', async () => {
    await seed();
    const page = await db.storage.agentEvents.query(db.tenants.a);
    expect(shape(page.items)).toEqual(['4000 1002 paused', '3000 1001 paused', '2000 1002 logged-in', '1000 1001 checked-in', '0 1001 logged-in']);
    expect(page.items[1]).toEqual({ id: expect.any(String), tenantId: db.tenants.a, at: T0 + 3000, agentNumber: '1001', groupNumber: null, event: 'paused', initiator: 'supervisor:u1', cause: 'Lunch' });
    expect(page.items[3]?.groupNumber).toBe('10');
    expect(page.nextCursor).toBeNull();
    expect(shape((await db.storage.agentEvents.query(db.tenants.b)).items)).toEqual(['500 1001 logged-in']);
  });

  it('filters by agent, by event (one or several) and by time (from inclusive, to exclusive)', async () => {
    await seed();
    const q = async (options: Parameters<typeof db.storage.agentEvents.query>[1]) => shape((await db.storage.agentEvents.query(db.tenants.a, options)).items);
    expect(await q({ agentNumber: '1001' })).toEqual(['3000 1001 paused', '1000 1001 checked-in', '0 1001 logged-in']);
    expect(await q({ event: 'paused' })).toEqual(['4000 1002 paused', '3000 1001 paused']);
    expect(await q({ event: ['logged-in', 'checked-in'], agentNumber: '1001' })).toEqual(['1000 1001 checked-in', '0 1001 logged-in']);
    expect(await q({ from: T0 + 1000, to: T0 + 3000 })).toEqual(['2000 1002 logged-in', '1000 1001 checked-in']);
    expect(await q({ agentNumber: '1002', from: T0 + 2500 })).toEqual(['4000 1002 paused']);
  });

  it('pages with a cursor through events of the same millisecond without losing or repeating one', async () => {
    const events = Array.from({ length: 25 }, (_, i) => event(T0 + Math.floor(i / 10) * 1000, '1001', 'idle', { cause: String(i) }));
    expect(await db.storage.agentEvents.insertMany(db.tenants.a, events)).toBe(25);
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let pages = 1; ; pages += 1) {
      const page = await db.storage.agentEvents.query(db.tenants.a, { limit: 7, ...(cursor ? { cursor } : {}) });
      seen.push(...page.items.map((e) => e.cause ?? ''));
      if (page.nextCursor === null) {
        expect(pages).toBe(4);
        break;
      }
      cursor = page.nextCursor;
    }
    expect(seen).toHaveLength(25);
    expect(new Set(seen).size).toBe(25);
    await expect(db.storage.agentEvents.query(db.tenants.a, { cursor: 'garbage' })).rejects.toBeInstanceOf(ValidationError);
  });

  it('refuses a bad event in a batch, naming it, and stores none of the batch', async () => {
    const error = await db.storage.agentEvents
      .insertMany(db.tenants.a, [event(T0, '1001', 'idle'), event(T0, '1001', 'dancing' as never)])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues[0]?.path).toBe('events.1.event');
    expect((await db.storage.agentEvents.query(db.tenants.a)).items).toEqual([]);
  });
});
