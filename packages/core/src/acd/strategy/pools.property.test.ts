import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ringStrategies, type RingStrategy } from '../model.js';
import type { MemberStats, PickRequest, PoolMember } from './agent-pool.js';
import { TestAgents } from './test-pools.js';

/**
 * Pools that share agents, as the groups of a tenant do, against a reference that scans
 * all members on every pick (as the naive selector of app_queue does), written from the
 * documented rules and nothing else. Reserving an agent takes it out of every pool at
 * once; the pools remove lazily, so this is where a stale entry would show.
 */
type Entry = PoolMember & MemberStats & { agentId: string };

function byIdOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const rankOf: Partial<Record<RingStrategy, (e: Entry) => number>> = {
  'longest-idle': (e) => e.availableSince,
  'fewest-calls': (e) => e.callsToday,
  'least-talk-time': (e) => e.talkTimeTodayMs,
};

/** The members a strategy may choose from: the best tier's allowed members (every allowed one for weighted random). */
function referenceCandidates(strategy: RingStrategy, entries: Entry[], request: PickRequest): Entry[] {
  const allowed = entries.filter((e) => !(request.exclude?.has(e.agentId) ?? false));
  if (strategy === 'weighted-random' || allowed.length === 0) return allowed;
  const tier = Math.min(...allowed.map((e) => e.priority));
  return allowed.filter((e) => e.priority === tier);
}

function referencePick(strategy: RingStrategy, entries: Entry[], request: PickRequest, roundRobinLast: number | undefined): string[] {
  const candidates = referenceCandidates(strategy, entries, request);
  if (candidates.length === 0) return [];
  const rank = rankOf[strategy] ?? (() => 0);
  const ordered = candidates.slice().sort((a, b) => rank(a) - rank(b) || a.position - b.position || byIdOrder(a.agentId, b.agentId));
  const last = strategy === 'round-robin' ? roundRobinLast : strategy === 'linear' ? request.afterPosition : undefined;
  switch (strategy) {
    case 'ring-all':
      return ordered.map((e) => e.agentId);
    case 'round-robin':
    case 'linear': {
      const next = last === undefined ? undefined : ordered.find((e) => e.position > last);
      return [(next ?? (ordered[0] as Entry)).agentId];
    }
    default:
      return [(ordered[0] as Entry).agentId];
  }
}

type Step =
  | { kind: 'add'; pool: number; entry: Entry }
  | { kind: 'remove'; pool: number; agentId: string }
  | { kind: 'reserve'; agentId: string; byIndex: boolean }
  | { kind: 'pick'; pool: number; exclude: string[]; afterPosition: number | undefined; byIndex: boolean }
  | { kind: 'reset-daily'; pool: number };

const POOLS = 3;
// Few ids, positions and stats, so that replacing entries, ties, shared positions and late adds happen often.
const agentId = fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g', 'h');
const poolIndex = fc.integer({ min: 0, max: POOLS - 1 });
const entry: fc.Arbitrary<Entry> = fc.record({
  agentId,
  position: fc.integer({ min: 0, max: 9 }),
  priority: fc.integer({ min: 1, max: 3 }),
  availableSince: fc.integer({ min: 0, max: 4 }),
  callsToday: fc.integer({ min: 0, max: 3 }),
  talkTimeTodayMs: fc.integer({ min: 0, max: 3 }).map((s) => s * 1_000),
});
const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('add' as const), pool: poolIndex, entry }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('remove' as const), pool: poolIndex, agentId }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('reserve' as const), agentId, byIndex: fc.boolean() }) },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('pick' as const),
      pool: poolIndex,
      exclude: fc.uniqueArray(agentId, { maxLength: 4 }),
      afterPosition: fc.option(fc.integer({ min: -1, max: 10 }), { nil: undefined }),
      byIndex: fc.boolean(),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('reset-daily' as const), pool: poolIndex }) },
);

/** The strategies of the three pools: two of the one under test, and one of another kind (lazy beside eager). */
function strategiesWith(strategy: RingStrategy): RingStrategy[] {
  return [strategy, strategy, strategy === 'random' || strategy === 'weighted-random' ? 'longest-idle' : 'random'];
}

function runAgainstReference(strategies: RingStrategy[], steps: Step[], seed: number): void {
  const agents = new TestAgents();
  const pools = strategies.map((strategy, i) => agents.pool(strategy, seed + i));
  const models = strategies.map(() => new Map<string, Entry>());
  const roundRobinLast: Array<number | undefined> = strategies.map(() => undefined);
  for (const s of steps) {
    switch (s.kind) {
      case 'add': {
        const { agentId: id, position, priority, ...stats } = s.entry;
        pools[s.pool]!.add({ agentId: id, position, priority }, stats);
        models[s.pool]!.set(id, { ...s.entry });
        break;
      }
      case 'remove':
        pools[s.pool]!.remove(s.agentId);
        models[s.pool]!.delete(s.agentId);
        break;
      case 'reserve':
        if (s.byIndex) agents.reserveByIndex(s.agentId);
        else agents.reserve(s.agentId);
        for (const model of models) model.delete(s.agentId);
        break;
      case 'reset-daily':
        pools[s.pool]!.resetDaily();
        for (const e of models[s.pool]!.values()) Object.assign(e, { callsToday: 0, talkTimeTodayMs: 0 });
        break;
      case 'pick': {
        const strategy = strategies[s.pool]!;
        const request: PickRequest = { exclude: new Set(s.exclude), afterPosition: s.afterPosition };
        // By index the pool answers with one agent, the first of what `pick` would answer.
        const byIndex = s.byIndex ? pools[s.pool]!.pickIndex(request) : undefined;
        const picked = s.byIndex ? (byIndex === undefined ? [] : [byIndex]) : pools[s.pool]!.pick(request);
        const entries = [...models[s.pool]!.values()];
        if (strategy === 'random' || strategy === 'weighted-random') {
          const candidates = referenceCandidates(strategy, entries, request).map((e) => e.agentId);
          if (candidates.length === 0) expect(picked).toEqual([]);
          else expect(candidates).toContain(picked[0]);
          expect(picked.length).toBe(Math.min(1, candidates.length));
        } else {
          const expected = referencePick(strategy, entries, request, roundRobinLast[s.pool]);
          expect(picked).toEqual(s.byIndex ? expected.slice(0, 1) : expected);
        }
        if (strategy === 'round-robin' && picked.length > 0) roundRobinLast[s.pool] = models[s.pool]!.get(picked[0] as string)?.position;
        break;
      }
    }
    pools.forEach((pool, i) => expect(pool.size).toBe(models[i]!.size));
  }
  for (const id of ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']) pools.forEach((pool, i) => expect(pool.has(id)).toBe(models[i]!.has(id)));
}

describe('pools sharing agents against a reference that scans all members', () => {
  for (const strategy of ringStrategies) {
    it(strategy, () => {
      fc.assert(
        fc.property(fc.array(step, { maxLength: 150, size: 'max' }), fc.integer({ min: 0, max: 2 ** 31 }), (steps, seed) =>
          runAgainstReference(strategiesWith(strategy), steps, seed),
        ),
        { numRuns: 100 },
      );
    });
  }

  it('longest-idle and fewest-calls over long runs (sweeps, late entries, reuse of queue space)', () => {
    for (const strategy of ['longest-idle', 'fewest-calls'] as const) {
      fc.assert(
        fc.property(fc.array(step, { minLength: 600, maxLength: 1_500 }), fc.integer({ min: 0, max: 2 ** 31 }), (steps, seed) =>
          runAgainstReference(strategiesWith(strategy), steps, seed),
        ),
        { numRuns: 15 },
      );
    }
  });
});
