import { describe, expect, it } from 'vitest';
import { idle, testPool, type TestPool } from './test-pools.js';
import { weightOfPriority } from './weighted-random-pool.js';
import { WeightTree } from './weight-tree.js';

function randomPool(strategy: 'random' | 'weighted-random', seed: number, members: Array<[string, number]>): TestPool {
  const p = testPool(strategy, seed);
  members.forEach(([agentId, priority], position) => p.add({ agentId, position, priority }, idle));
  return p;
}

function counts(p: TestPool, draws: number, exclude?: ReadonlySet<string>): Map<string, number> {
  const seen = new Map<string, number>();
  let wrongLength = 0;
  for (let i = 0; i < draws; i++) {
    const picked = p.pick(exclude === undefined ? undefined : { exclude });
    if (picked.length !== 1) wrongLength++;
    const id = picked[0] as string;
    seen.set(id, (seen.get(id) ?? 0) + 1);
  }
  // Outside the loop: twenty thousand expect() calls would take most of a second.
  expect(wrongLength).toBe(0);
  return seen;
}

/** Pearson's chi-square statistic of observed counts against expected probabilities. */
function chiSquare(observed: Map<string, number>, expected: Record<string, number>, draws: number): number {
  let statistic = 0;
  for (const [id, p] of Object.entries(expected)) {
    const e = p * draws;
    statistic += ((observed.get(id) ?? 0) - e) ** 2 / e;
  }
  return statistic;
}

// The 99.9% quantile of chi-square with 3 degrees of freedom is 16.27: seeded, so these never flake.
const CHI_SQUARE_3_DOF = 16.27;

describe('random', () => {
  it('draws uniformly among the best tier only', () => {
    const p = randomPool('random', 7, [
      ['a', 1],
      ['b', 1],
      ['c', 1],
      ['d', 1],
      ['lower', 2],
    ]);
    const seen = counts(p, 20_000);
    expect(seen.has('lower')).toBe(false);
    expect(chiSquare(seen, { a: 0.25, b: 0.25, c: 0.25, d: 0.25 }, 20_000)).toBeLessThan(CHI_SQUARE_3_DOF);
  });

  it('draws uniformly among the members that are not excluded', () => {
    const p = randomPool('random', 8, [
      ['a', 1],
      ['b', 1],
      ['c', 1],
      ['d', 1],
      ['e', 1],
      ['f', 1],
    ]);
    const seen = counts(p, 20_000, new Set(['b', 'e']));
    expect([...seen.keys()].sort()).toEqual(['a', 'c', 'd', 'f']);
    expect(chiSquare(seen, { a: 0.25, c: 0.25, d: 0.25, f: 0.25 }, 20_000)).toBeLessThan(CHI_SQUARE_3_DOF);
  });

  it('gives the same picks for the same seed and the same operations', () => {
    const run = (seed: number) => {
      const p = randomPool('random', seed, Array.from({ length: 20 }, (_, i) => [`agent-${i}`, 1 + (i % 2)] as [string, number]));
      const picks: string[] = [];
      for (let i = 0; i < 200; i++) {
        const [id] = p.pick({ exclude: new Set([`agent-${i % 20}`]) });
        picks.push(id as string);
        if (i % 7 === 0) p.remove(id as string);
        if (i % 11 === 0) p.add({ agentId: `agent-${i % 20}`, position: i % 20, priority: 1 }, idle);
      }
      return picks;
    };
    expect(run(42)).toEqual(run(42));
    expect(run(42)).not.toEqual(run(43));
  });

  it('keeps working after members leave from the middle of a tier', () => {
    const p = randomPool('random', 9, [
      ['a', 1],
      ['b', 1],
      ['c', 1],
    ]);
    p.remove('a');
    const seen = counts(p, 100);
    expect([...seen.keys()].sort()).toEqual(['b', 'c']);
    p.remove('b');
    p.remove('c');
    expect(p.pick()).toEqual([]);
  });
});

describe('weighted-random', () => {
  it('draws across every tier with probability proportional to 1/priority', () => {
    const p = randomPool('weighted-random', 11, [
      ['p1', 1],
      ['p2', 2],
      ['p3', 3],
      ['p4', 4],
    ]);
    // Weights 1, 1/2, 1/3, 1/4 sum to 25/12.
    const seen = counts(p, 20_000);
    expect(chiSquare(seen, { p1: 12 / 25, p2: 6 / 25, p3: 4 / 25, p4: 3 / 25 }, 20_000)).toBeLessThan(CHI_SQUARE_3_DOF);
  });

  it('leaves the excluded out and keeps the others in proportion', () => {
    const p = randomPool('weighted-random', 12, [
      ['p1', 1],
      ['gone', 1],
      ['p2', 2],
      ['p3', 3],
      ['p6', 6],
    ]);
    // Weights 1, 1/2, 1/3, 1/6 sum to 2.
    const seen = counts(p, 20_000, new Set(['gone', 'not-pooled']));
    expect(seen.has('gone')).toBe(false);
    expect(chiSquare(seen, { p1: 1 / 2, p2: 1 / 4, p3: 1 / 6, p6: 1 / 12 }, 20_000)).toBeLessThan(CHI_SQUARE_3_DOF);
    // The excluded weight is restored after each pick.
    expect(counts(p, 2_000).has('gone')).toBe(true);
    expect(p.pick({ exclude: new Set(['p1', 'gone', 'p2', 'p3', 'p6']) })).toEqual([]);
  });

  it('gives the same picks for the same seed', () => {
    const picks = (seed: number) => {
      const p = randomPool('weighted-random', seed, Array.from({ length: 50 }, (_, i) => [`agent-${i}`, 1 + (i % 3)] as [string, number]));
      return Array.from({ length: 100 }, () => p.pick()[0]);
    };
    expect(picks(5)).toEqual(picks(5));
    expect(picks(5)).not.toEqual(picks(6));
  });

  it('weighs priorities 1 to 16 exactly', () => {
    for (let priority = 1; priority <= 16; priority++) expect(weightOfPriority(priority) * priority).toBe(720_720);
    expect(weightOfPriority(1e9)).toBe(1);
  });
});

describe('WeightTree', () => {
  it('finds the slot whose share of the running sum holds the target, across growth and reuse', () => {
    const tree = new WeightTree();
    const weights: number[] = [];
    for (let i = 0; i < 100; i++) weights.push(tree.allocate(i % 5) === i ? i % 5 : -1);
    expect(weights).not.toContain(-1);
    tree.release(10);
    weights[10] = 0;
    expect(tree.allocate(7)).toBe(10);
    weights[10] = 7;
    expect(tree.total).toBe(weights.reduce((a, b) => a + b, 0));
    let runningSum = 0;
    weights.forEach((weight, slot) => {
      for (let target = runningSum; target < runningSum + weight; target++) expect(tree.find(target)).toBe(slot);
      runningSum += weight;
    });
    expect(() => tree.set(0, 0.5)).toThrow(RangeError);
  });
});
