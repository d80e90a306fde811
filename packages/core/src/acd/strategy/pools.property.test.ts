import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../../random/random.js';
import { ringStrategies, type RingStrategy } from '../model.js';
import type { MemberStats, PickRequest, PoolMember } from './agent-pool.js';
import { createAgentPool } from './index.js';

/**
 * Every pool against a reference that scans all members on every pick, as the naive
 * selector of app_queue does, written from the documented rules and nothing else.
 */
type Entry = PoolMember & MemberStats;

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
  | { kind: 'add'; entry: Entry }
  | { kind: 'remove'; agentId: string }
  | { kind: 'pick'; exclude: string[]; afterPosition: number | undefined }
  | { kind: 'reset-daily' };

// Few ids, positions and stats, so that replacing entries, ties and shared positions happen often.
const agentId = fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g', 'h');
const entry: fc.Arbitrary<Entry> = fc.record({
  agentId,
  position: fc.integer({ min: 0, max: 9 }),
  priority: fc.integer({ min: 1, max: 3 }),
  availableSince: fc.integer({ min: 0, max: 4 }),
  callsToday: fc.integer({ min: 0, max: 3 }),
  talkTimeTodayMs: fc.integer({ min: 0, max: 3 }).map((s) => s * 1_000),
});
const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 4, arbitrary: entry.map((e) => ({ kind: 'add' as const, entry: e })) },
  { weight: 2, arbitrary: agentId.map((id) => ({ kind: 'remove' as const, agentId: id })) },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('pick' as const),
      exclude: fc.uniqueArray(agentId, { maxLength: 4 }),
      afterPosition: fc.option(fc.integer({ min: -1, max: 10 }), { nil: undefined }),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'reset-daily' as const }) },
);

function runAgainstReference(strategy: RingStrategy, steps: Step[], seed: number): void {
  const pool = createAgentPool(strategy, new SeededRandom(seed));
  const model = new Map<string, Entry>();
  let roundRobinLast: number | undefined;
  for (const s of steps) {
    switch (s.kind) {
      case 'add': {
        const { agentId: id, position, priority, ...stats } = s.entry;
        pool.add({ agentId: id, position, priority }, stats);
        model.set(id, { ...s.entry });
        break;
      }
      case 'remove':
        pool.remove(s.agentId);
        model.delete(s.agentId);
        break;
      case 'reset-daily':
        pool.resetDaily();
        for (const e of model.values()) Object.assign(e, { callsToday: 0, talkTimeTodayMs: 0 });
        break;
      case 'pick': {
        const request: PickRequest = { exclude: new Set(s.exclude), afterPosition: s.afterPosition };
        const picked = pool.pick(request);
        const entries = [...model.values()];
        if (strategy === 'random' || strategy === 'weighted-random') {
          const candidates = referenceCandidates(strategy, entries, request).map((e) => e.agentId);
          if (candidates.length === 0) expect(picked).toEqual([]);
          else expect(candidates).toContain(picked[0]);
          expect(picked.length).toBe(Math.min(1, candidates.length));
        } else {
          expect(picked).toEqual(referencePick(strategy, entries, request, roundRobinLast));
        }
        if (strategy === 'round-robin' && picked.length > 0) roundRobinLast = model.get(picked[0] as string)?.position;
        break;
      }
    }
    expect(pool.size).toBe(model.size);
  }
  for (const id of ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']) expect(pool.has(id)).toBe(model.has(id));
}

describe('every pool against a reference that scans all members', () => {
  for (const strategy of ringStrategies) {
    it(strategy, () => {
      fc.assert(
        fc.property(fc.array(step, { maxLength: 120, size: 'max' }), fc.integer({ min: 0, max: 2 ** 31 }), (steps, seed) => runAgainstReference(strategy, steps, seed)),
        { numRuns: 100 },
      );
    });
  }
});
