import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../errors/errors.js';
import { SeededRandom } from '../../random/random.js';
import { ringStrategies } from '../model.js';
import { AgentRoster } from './pool-agent.js';
import type { PoolBase } from './pool-base.js';
import { createAgentPool } from './pools.js';
import { idle, TestAgents } from './test-pools.js';

/** Pools that share agents, as a tenant's groups do: the handle, lazy removal, the idle queues. */
describe('reserving through the agent handle', () => {
  it('takes the agent out of every pool at once: no pick returns it, sizes and has() are exact at once', () => {
    for (const strategy of ringStrategies) {
      const agents = new TestAgents();
      const sales = agents.pool(strategy);
      const support = agents.pool(strategy);
      for (const [i, id] of ['a', 'b', 'c'].entries()) {
        sales.add({ agentId: id, position: i, priority: 1 }, { ...idle, availableSince: i });
        support.add({ agentId: id, position: 2 - i, priority: 1 }, { ...idle, availableSince: i });
      }
      agents.reserve('a');
      agents.reserve('c');
      for (const pool of [sales, support]) {
        expect(pool.size, strategy).toBe(1);
        expect(pool.has('a')).toBe(false);
        expect(pool.has('b')).toBe(true);
        for (let i = 0; i < 20; i++) expect(pool.pick(), strategy).toEqual(['b']);
        expect(pool.pick({ exclude: new Set(['b']) }), strategy).toEqual([]);
      }
      agents.reserve('b');
      expect([sales.size, support.size, sales.pick(), support.pick()]).toEqual([0, 0, [], []]);
    }
  });

  it('lets a reserved agent come back with new figures, once, and reserving twice changes nothing', () => {
    const agents = new TestAgents();
    const sales = agents.pool('longest-idle');
    sales.add({ agentId: 'a', position: 0, priority: 1 }, { ...idle, availableSince: 1 });
    sales.add({ agentId: 'b', position: 1, priority: 1 }, { ...idle, availableSince: 2 });
    agents.reserve('a');
    agents.reserve('a');
    expect(sales.size).toBe(1);
    sales.add({ agentId: 'a', position: 0, priority: 1 }, { ...idle, availableSince: 3 });
    expect(sales.size).toBe(2);
    expect(sales.pick()).toEqual(['b']);
    expect(sales.pick({ exclude: new Set(['b']) })).toEqual(['a']);
  });

  it('remove() takes the agent out of one pool only; its other pools keep its place', () => {
    for (const strategy of ['longest-idle', 'fewest-calls', 'sequential', 'round-robin', 'ring-all', 'random'] as const) {
      const agents = new TestAgents();
      const sales = agents.pool(strategy);
      const support = agents.pool('longest-idle');
      sales.add({ agentId: 'a', position: 0, priority: 1 }, { ...idle, availableSince: 1 });
      sales.add({ agentId: 'b', position: 1, priority: 1 }, { ...idle, availableSince: 2, callsToday: 1 });
      support.add({ agentId: 'a', position: 5, priority: 1 }, { ...idle, availableSince: 1 });
      support.add({ agentId: 'b', position: 0, priority: 1 }, { ...idle, availableSince: 2 });
      support.remove('a');
      expect([support.size, support.has('a'), support.pick()]).toEqual([1, false, ['b']]);
      // In sales, a is still first: available since 1, no calls, position 0.
      expect([sales.size, sales.has('a')], strategy).toEqual([2, true]);
      if (strategy !== 'random') expect(sales.pick()[0], strategy).toBe('a');
      agents.reserve('a');
      expect(sales.pick(), strategy).toEqual(['b']);
    }
  });

  it('keeps an agent in more groups than its first block of places', () => {
    const agents = new TestAgents();
    const pools = Array.from({ length: 10 }, () => agents.pool('longest-idle'));
    pools.forEach((pool, i) => pool.add({ agentId: 'a', position: i, priority: 1 }, { ...idle, availableSince: i }));
    pools.forEach((pool, i) => pool.add({ agentId: 'b', position: i, priority: 1 }, { ...idle, availableSince: 100 + i }));
    pools.slice(0, 5).forEach((pool) => pool.remove('a'));
    expect(pools.map((pool) => pool.pick()[0])).toEqual([...Array(5).fill('b'), ...Array(5).fill('a')]);
    agents.reserve('a');
    expect(pools.map((pool) => pool.size)).toEqual(Array(10).fill(1));
  });

  it('keeps the pools of an agent in twelve groups, eager and lazy, through removals and a reservation by index', () => {
    const agents = new TestAgents();
    const strategies = ['longest-idle', 'random', 'fewest-calls', 'weighted-random'] as const;
    const pools = Array.from({ length: 12 }, (_, i) => agents.pool(strategies[i % 4]!, i + 1));
    for (const id of ['a', 'b']) pools.forEach((pool, i) => pool.add({ agentId: id, position: id === 'a' ? 0 : 1, priority: 1 }, { ...idle, availableSince: id === 'a' ? i : 100 + i }));
    // Out of a group among its first six places and out of one beyond them: the last place moves into each gap.
    pools[2]!.remove('a');
    pools[8]!.remove('a');
    expect(pools.map((pool) => pool.has('a'))).toEqual(pools.map((_, i) => i !== 2 && i !== 8));
    expect(pools.map((pool) => pool.size)).toEqual(pools.map((_, i) => (i === 2 || i === 8 ? 1 : 2)));
    agents.reserveByIndex('a');
    expect(pools.map((pool) => [pool.size, pool.has('a'), pool.pickIndex()])).toEqual(pools.map(() => [1, false, 'b']));
    // Back in every group but one: each pool holds it once.
    pools.forEach((pool, i) => i !== 5 && pool.add({ agentId: 'a', position: 0, priority: 1 }, { ...idle, availableSince: 200 }));
    expect(pools.map((pool) => pool.size)).toEqual(pools.map((_, i) => (i === 5 ? 1 : 2)));
    expect(pools.map((pool) => pool.has('a'))).toEqual(pools.map((_, i) => i !== 5));
    // A pool of another roster may carry the same id: it does not hold this roster's agents.
    const stranger = new TestAgents().pool('longest-idle');
    stranger.add({ agentId: 'z', position: 0, priority: 1 });
    expect(stranger.pool.has(agents.agent('a'))).toBe(false);
  });

  it('refuses agents of another roster (a pool serves one tenant) and agents without an id', () => {
    const pool = createAgentPool('longest-idle', new SeededRandom(1));
    pool.add(new AgentRoster().enrol('a'), { position: 0, priority: 1 }, idle);
    expect(() => pool.add(new AgentRoster().enrol('b'), { position: 1, priority: 1 }, idle)).toThrow(ValidationError);
    expect(() => new AgentRoster().enrol('')).toThrow(ValidationError);
    // By index, only an agent the roster enrolled: a stray index would corrupt the epoch table.
    const roster = new AgentRoster();
    roster.enrol('a');
    expect(() => roster.leaveAllPools(0)).not.toThrow();
    for (const index of [-1, 1, 0.5, Number.NaN]) expect(() => roster.leaveAllPools(index)).toThrow(/No agent/);
    expect(pool.size).toBe(1);
  });

  it('sweeps stale entries, so a pool nobody picks from stays the size of its live members', () => {
    for (const strategy of ringStrategies) {
      const agents = new TestAgents();
      const quiet = agents.pool(strategy);
      const busy = agents.pool('longest-idle');
      for (let round = 0; round < 2_000; round++) {
        const id = `agent-${round % 50}`;
        agents.reserve(id);
        quiet.add({ agentId: id, position: round % 50, priority: 1 + (round % 3) }, { ...idle, availableSince: round });
        busy.add({ agentId: id, position: round % 50, priority: 1 }, { ...idle, availableSince: round });
      }
      expect(quiet.size, strategy).toBe(50);
      expect((quiet.pool as PoolBase).heldEntries, strategy).toBeLessThanOrEqual(2 * 50 + 32 + 1);
    }
  });
});

describe('longest idle: the queue and its late entries', () => {
  it('rings an agent added late with an earlier availableSince (a ring that ended unanswered, a check-in while idle) first', () => {
    const pool = new TestAgents().pool('longest-idle');
    pool.add({ agentId: 'b', position: 0, priority: 1 }, { ...idle, availableSince: 10 });
    pool.add({ agentId: 'd', position: 1, priority: 1 }, { ...idle, availableSince: 20 });
    pool.add({ agentId: 'a', position: 2, priority: 1 }, { ...idle, availableSince: 5 });
    pool.add({ agentId: 'c', position: 3, priority: 1 }, { ...idle, availableSince: 15 });
    const order: string[] = [];
    for (const exclude = new Set<string>(); ; ) {
      const [next] = pool.pick({ exclude });
      if (next === undefined) break;
      order.push(next);
      exclude.add(next);
    }
    expect(order).toEqual(['a', 'b', 'c', 'd']);
    expect(pool.pick()).toEqual(['a']);
  });

  it('gives the same millisecond to the smaller position, whatever the order of the adds', () => {
    const pool = new TestAgents().pool('longest-idle');
    pool.add({ agentId: 'x', position: 3, priority: 1 }, { ...idle, availableSince: 5 });
    pool.add({ agentId: 'y', position: 1, priority: 1 }, { ...idle, availableSince: 5 });
    pool.add({ agentId: 'z', position: 2, priority: 1 }, { ...idle, availableSince: 5 });
    expect(pool.pick()).toEqual(['y']);
    expect(pool.pick({ exclude: new Set(['y']) })).toEqual(['z']);
    expect(pool.pick({ exclude: new Set(['y', 'z']) })).toEqual(['x']);
  });

  it('drops a reserved agent from the front and from the late entries alike', () => {
    const agents = new TestAgents();
    const pool = agents.pool('longest-idle');
    pool.add({ agentId: 'queued', position: 0, priority: 1 }, { ...idle, availableSince: 10 });
    pool.add({ agentId: 'late', position: 1, priority: 1 }, { ...idle, availableSince: 1 });
    pool.add({ agentId: 'last', position: 2, priority: 1 }, { ...idle, availableSince: 20 });
    agents.reserve('late');
    expect(pool.pick()).toEqual(['queued']);
    agents.reserve('queued');
    expect(pool.pick()).toEqual(['last']);
    expect(pool.size).toBe(1);
  });
});

describe('midnight', () => {
  it('resets the counts of the members present, with reserved agents still in the index as stale entries', () => {
    for (const strategy of ['fewest-calls', 'least-talk-time'] as const) {
      const agents = new TestAgents();
      const pool = agents.pool(strategy);
      pool.add({ agentId: 'top', position: 0, priority: 1 }, { ...idle, callsToday: 9, talkTimeTodayMs: 90_000 });
      pool.add({ agentId: 'gone', position: 1, priority: 1 }, { ...idle, callsToday: 0, talkTimeTodayMs: 0 });
      pool.add({ agentId: 'mid', position: 2, priority: 1 }, { ...idle, callsToday: 3, talkTimeTodayMs: 30_000 });
      agents.reserve('gone');
      expect(pool.pick(), strategy).toEqual(['mid']);
      pool.resetDaily();
      expect(pool.pick(), strategy).toEqual(['top']);
      expect(pool.size).toBe(2);
      // A member re-filed after the reset (its place changed in another pool) keeps today's zero.
      const other = agents.pool('longest-idle');
      other.add({ agentId: 'top', position: 0, priority: 1 }, idle);
      other.remove('top');
      expect(pool.pick(), strategy).toEqual(['top']);
    }
  });
});
