import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../errors/errors.js';
import { ringStrategies, type RingStrategy } from '../model.js';
import type { MemberStats } from './agent-pool.js';
import { idle, testPool, type TestPool } from './test-pools.js';

function pool(strategy: RingStrategy, seed = 1): TestPool {
  return testPool(strategy, seed);
}

/** Adds members given as [agentId, position, priority, stats?]. */
function withMembers(strategy: RingStrategy, members: Array<[string, number, number, Partial<MemberStats>?]>): TestPool {
  const p = pool(strategy);
  for (const [agentId, position, priority, stats] of members) p.add({ agentId, position, priority }, { ...idle, ...stats });
  return p;
}

describe('createAgentPool', () => {
  it('builds an empty pool for every strategy', () => {
    for (const strategy of ringStrategies) {
      const p = pool(strategy);
      expect(p.strategy).toBe(strategy);
      expect(p.size).toBe(0);
      expect(p.pick()).toEqual([]);
    }
  });

  it('replaces an entry added twice, ignores removing an absent one, and refuses numbers that would break the order', () => {
    for (const strategy of ringStrategies) {
      const p = pool(strategy);
      p.add({ agentId: 'a', position: 0, priority: 1 }, idle);
      p.add({ agentId: 'a', position: 5, priority: 2 }, idle);
      expect(p.size).toBe(1);
      expect(p.has('a')).toBe(true);
      expect(p.pick()).toEqual(['a']);
      p.remove('nobody');
      p.remove('a');
      p.remove('a');
      expect(p.size).toBe(0);
      expect(p.has('a')).toBe(false);
      expect(p.pick()).toEqual([]);
      expect(() => p.add({ agentId: 'b', position: Number.NaN, priority: 1 }, idle)).toThrow(ValidationError);
      expect(() => p.add({ agentId: 'b', position: 0, priority: 0 }, idle)).toThrow(/priority/);
      expect(() => p.add({ agentId: 'b', position: 0, priority: 1 }, { ...idle, availableSince: Number.POSITIVE_INFINITY })).toThrow(/availableSince/);
      expect(p.size).toBe(0);
    }
  });

  it('keeps its own copy of the stats, so changing the caller\'s object does not reorder it', () => {
    const p = pool('fewest-calls');
    const stats = { ...idle, callsToday: 5 };
    p.add({ agentId: 'a', position: 0, priority: 1 }, stats);
    p.add({ agentId: 'b', position: 1, priority: 1 }, { ...idle, callsToday: 3 });
    stats.callsToday = 0;
    expect(p.pick()).toEqual(['b']);
  });
});

describe('tiers', () => {
  const deterministic = ringStrategies.filter((s) => s !== 'random' && s !== 'weighted-random' && s !== 'ring-all');

  it('ring the lowest priority number first, whatever the rank inside the tier', () => {
    for (const strategy of deterministic) {
      const p = withMembers(strategy, [
        ['tier2-best', 0, 2, { availableSince: 0, callsToday: 0, talkTimeTodayMs: 0 }],
        ['tier1', 5, 1, { availableSince: 1_000, callsToday: 9, talkTimeTodayMs: 9_000 }],
      ]);
      expect(p.pick(), strategy).toEqual(['tier1']);
    }
  });

  it('fall to the next tier when the whole first tier is excluded', () => {
    for (const strategy of [...deterministic, 'random', 'ring-all'] as const) {
      const p = withMembers(strategy, [
        ['a', 0, 1],
        ['b', 1, 1],
        ['c', 2, 3],
      ]);
      expect(p.pick({ exclude: new Set(['a', 'b']) }), strategy).toEqual(['c']);
      expect(p.pick({ exclude: new Set(['a', 'b', 'c']) }), strategy).toEqual([]);
    }
  });

  it('use the tier number only: a gap between tiers changes nothing', () => {
    const p = withMembers('sequential', [
      ['far', 0, 100],
      ['near', 9, 7],
    ]);
    expect(p.pick()).toEqual(['near']);
    p.remove('near');
    expect(p.pick()).toEqual(['far']);
  });
});

describe('longest-idle, fewest-calls, least-talk-time', () => {
  it('longest-idle rings who became available first, ties to the smaller position', () => {
    const p = withMembers('longest-idle', [
      ['late', 0, 1, { availableSince: 3_000 }],
      ['tie-second', 2, 1, { availableSince: 1_000 }],
      ['tie-first', 1, 1, { availableSince: 1_000 }],
    ]);
    expect(p.pick()).toEqual(['tie-first']);
    expect(p.pick({ exclude: new Set(['tie-first']) })).toEqual(['tie-second']);
    // Re-adding after a call moves the agent to the back: idle counts from availability.
    p.add({ agentId: 'tie-first', position: 1, priority: 1 }, { ...idle, availableSince: 9_000 });
    expect(p.pick()).toEqual(['tie-second']);
  });

  it('fewest-calls rings who answered fewest calls today, ties to the smaller position', () => {
    const p = withMembers('fewest-calls', [
      ['busy', 0, 1, { callsToday: 7, availableSince: -1_000 }],
      ['tie-second', 4, 1, { callsToday: 2 }],
      ['tie-first', 3, 1, { callsToday: 2, availableSince: 5_000 }],
    ]);
    expect(p.pick()).toEqual(['tie-first']);
    p.remove('tie-first');
    expect(p.pick()).toEqual(['tie-second']);
  });

  it('least-talk-time rings who talked least today, ties to the smaller position', () => {
    const p = withMembers('least-talk-time', [
      ['talker', 0, 1, { talkTimeTodayMs: 60_000, callsToday: 1 }],
      ['tie-second', 2, 1, { talkTimeTodayMs: 5_000, callsToday: 9 }],
      ['tie-first', 1, 1, { talkTimeTodayMs: 5_000, callsToday: 9 }],
    ]);
    expect(p.pick()).toEqual(['tie-first']);
    expect(p.pick({ exclude: new Set(['tie-first', 'tie-second']) })).toEqual(['talker']);
  });

  it('resetDaily sets every count to zero, so the order falls back to positions', () => {
    for (const strategy of ['fewest-calls', 'least-talk-time'] as const) {
      const p = withMembers(strategy, [
        ['top', 0, 1, { callsToday: 10, talkTimeTodayMs: 100_000 }],
        ['fresh', 1, 1, { callsToday: 0, talkTimeTodayMs: 0 }],
        ['other-tier', 0, 2, { callsToday: 0, talkTimeTodayMs: 0 }],
      ]);
      expect(p.pick(), strategy).toEqual(['fresh']);
      p.resetDaily();
      expect(p.pick(), strategy).toEqual(['top']);
      expect(p.size).toBe(3);
      p.remove('top');
      p.remove('fresh');
      expect(p.pick(), strategy).toEqual(['other-tier']);
    }
  });

  it('resetDaily keeps other strategies in their order', () => {
    const p = withMembers('longest-idle', [
      ['second', 0, 1, { availableSince: 2 }],
      ['first', 1, 1, { availableSince: 1 }],
    ]);
    p.resetDaily();
    expect(p.pick()).toEqual(['first']);
  });
});

describe('sequential and ring-progressively', () => {
  it('start every call from the top of the page', () => {
    for (const strategy of ['sequential', 'ring-progressively'] as const) {
      const p = withMembers(strategy, [
        ['c', 2, 1],
        ['a', 0, 1, { availableSince: 99 }],
        ['b', 1, 1],
      ]);
      expect(p.pick()).toEqual(['a']);
      expect(p.pick()).toEqual(['a']);
    }
  });

  it('ring-progressively adds the next agent each time the engine excludes the ones already ringing', () => {
    const p = withMembers('ring-progressively', [
      ['c', 2, 1],
      ['a', 0, 1],
      ['b', 1, 1],
      ['d', 0, 2],
    ]);
    const ringing = new Set<string>();
    for (;;) {
      const [next] = p.pick({ exclude: ringing });
      if (next === undefined) break;
      ringing.add(next);
    }
    expect([...ringing]).toEqual(['a', 'b', 'c', 'd']);
  });

  it('decide a shared position (a data error) by agent id, repeatably', () => {
    const p = withMembers('sequential', [
      ['zed', 0, 1],
      ['amy', 0, 1],
    ]);
    expect(p.pick()).toEqual(['amy']);
  });
});

describe('round-robin', () => {
  it('goes on after the position it returned last and wraps to the top', () => {
    const p = withMembers('round-robin', [
      ['a', 0, 1],
      ['b', 1, 1],
      ['c', 2, 1],
    ]);
    expect([p.pick(), p.pick(), p.pick(), p.pick()]).toEqual([['a'], ['b'], ['c'], ['a']]);
  });

  it('remembers the position, not the agent: removing the last picked agent does not restart the circle', () => {
    const p = withMembers('round-robin', [
      ['a', 0, 1],
      ['b', 1, 1],
      ['c', 2, 1],
    ]);
    p.pick();
    expect(p.pick()).toEqual(['b']);
    p.remove('b');
    expect(p.pick()).toEqual(['c']);
    p.add({ agentId: 'b', position: 1, priority: 1 }, idle);
    expect(p.pick()).toEqual(['a']);
    expect(p.pick()).toEqual(['b']);
  });

  it('skips excluded members and wraps past them; nothing picked leaves the memory alone', () => {
    const p = withMembers('round-robin', [
      ['a', 0, 1],
      ['b', 1, 1],
      ['c', 2, 1],
    ]);
    expect(p.pick()).toEqual(['a']);
    expect(p.pick({ exclude: new Set(['b', 'c']) })).toEqual(['a']);
    expect(p.pick({ exclude: new Set(['a', 'b', 'c']) })).toEqual([]);
    expect(p.pick({ exclude: new Set(['b']) })).toEqual(['c']);
    expect(p.pick({ exclude: new Set(['a']) })).toEqual(['b']);
  });

  it('walks inside the best tier only, and carries the position into another tier', () => {
    const p = withMembers('round-robin', [
      ['a', 0, 1],
      ['b', 5, 1],
      ['x', 3, 2],
      ['y', 9, 2],
    ]);
    expect(p.pick()).toEqual(['a']);
    expect(p.pick()).toEqual(['b']);
    expect(p.pick()).toEqual(['a']);
    p.remove('a');
    p.remove('b');
    expect(p.pick()).toEqual(['x']);
    expect(p.pick()).toEqual(['y']);
  });

  it('ignores a caller\'s afterPosition: the memory is the pool\'s', () => {
    const p = withMembers('round-robin', [
      ['a', 0, 1],
      ['b', 1, 1],
    ]);
    expect(p.pick({ afterPosition: 0 })).toEqual(['a']);
  });
});

describe('linear', () => {
  it('goes on after the caller\'s afterPosition, wrapping, and starts from the top without one', () => {
    const p = withMembers('linear', [
      ['a', 0, 1],
      ['b', 2, 1],
      ['c', 4, 1],
    ]);
    expect(p.pick()).toEqual(['a']);
    expect(p.pick({ afterPosition: 0 })).toEqual(['b']);
    expect(p.pick({ afterPosition: 1 })).toEqual(['b']);
    expect(p.pick({ afterPosition: 2 })).toEqual(['c']);
    expect(p.pick({ afterPosition: 4 })).toEqual(['a']);
    expect(p.pick({ afterPosition: 99 })).toEqual(['a']);
    expect(p.pick({ afterPosition: -5 })).toEqual(['a']);
  });

  it('keeps no memory: two callers at different places each get their own next agent', () => {
    const p = withMembers('linear', [
      ['a', 0, 1],
      ['b', 1, 1],
      ['c', 2, 1],
    ]);
    expect(p.pick({ afterPosition: 1 })).toEqual(['c']);
    expect(p.pick({ afterPosition: 1 })).toEqual(['c']);
    expect(p.pick({ afterPosition: 0 })).toEqual(['b']);
    expect(p.pick()).toEqual(['a']);
  });

  it('skips excluded members and wraps past them', () => {
    const p = withMembers('linear', [
      ['a', 0, 1],
      ['b', 1, 1],
      ['c', 2, 1],
    ]);
    expect(p.pick({ afterPosition: 0, exclude: new Set(['b', 'c']) })).toEqual(['a']);
    expect(p.pick({ afterPosition: 1, exclude: new Set(['c']) })).toEqual(['a']);
    expect(p.pick({ afterPosition: 1, exclude: new Set(['a', 'c']) })).toEqual(['b']);
  });
});

describe('ring-all', () => {
  it('rings every member of the best tier in position order, without the excluded', () => {
    const p = withMembers('ring-all', [
      ['c', 2, 1, { availableSince: -5 }],
      ['a', 0, 1],
      ['b', 1, 1],
      ['z', 0, 2],
    ]);
    expect(p.pick()).toEqual(['a', 'b', 'c']);
    expect(p.pick({ exclude: new Set(['b']) })).toEqual(['a', 'c']);
    expect(p.pick({ exclude: new Set(['a']) })).toEqual(['b', 'c']);
    expect(p.pick({ exclude: new Set(['a', 'b', 'c']) })).toEqual(['z']);
  });
});
