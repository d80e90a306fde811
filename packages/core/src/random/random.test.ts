import { describe, expect, it } from 'vitest';
import { sampleDuration } from './distribution.js';
import { SeededRandom, type Random } from './random.js';

const draw = (r: Random, n: number) => Array.from({ length: n }, () => r.next());

describe('SeededRandom', () => {
  it('gives the same sequence for the same seed and a different one for another seed', () => {
    expect(draw(new SeededRandom(42), 20)).toEqual(draw(new SeededRandom(42), 20));
    expect(draw(new SeededRandom(42), 20)).not.toEqual(draw(new SeededRandom(43), 20));
  });

  it('draws floats in [0, 1) and integers over the whole inclusive range, evenly', () => {
    const r = new SeededRandom(7);
    const counts = new Array(6).fill(0);
    let outside = 0;
    for (let i = 0; i < 60_000; i++) {
      const x = r.next();
      if (!(x >= 0 && x < 1)) outside++;
      counts[r.int(1, 6) - 1]++;
    }
    expect(outside).toBe(0);
    // Each face within 5% of its expectation (10,000).
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(500);
  });

  it('makes v4-shaped UUIDs that repeat with the seed', () => {
    const a = new SeededRandom(1).uuid();
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(new SeededRandom(1).uuid()).toBe(a);
  });

  it('forks streams that do not depend on how much the parent was used', () => {
    const a = new SeededRandom(9);
    const b = new SeededRandom(9);
    draw(b, 100);
    expect(draw(a.fork('pbx'), 5)).toEqual(draw(b.fork('pbx'), 5));
    expect(draw(a.fork('pbx'), 5)).not.toEqual(draw(a.fork('acd'), 5));
  });

  it('shuffles to a permutation and picks members', () => {
    const r = new SeededRandom(3);
    const items = [1, 2, 3, 4, 5, 6, 7, 8];
    expect(r.shuffle(items).sort()).toEqual(items);
    expect(items).toContain(r.pick(items));
    expect(() => r.pick([])).toThrow(RangeError);
    expect(() => r.int(5, 1)).toThrow(RangeError);
  });
});

describe('sampleDuration', () => {
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const samples = (spec: Parameters<typeof sampleDuration>[0], n = 20_000) => {
    const r = new SeededRandom(11);
    return Array.from({ length: n }, () => sampleDuration(spec, r));
  };

  it('honours fixed, uniform and clamped normal durations', () => {
    expect(samples(1_500, 3)).toEqual([1_500, 1_500, 1_500]);
    expect(samples({ kind: 'fixed', ms: 20 }, 2)).toEqual([20, 20]);
    const u = samples({ kind: 'uniform', minMs: 100, maxMs: 200 });
    expect(Math.min(...u)).toBeGreaterThanOrEqual(100);
    expect(Math.max(...u)).toBeLessThanOrEqual(200);
    const n = samples({ kind: 'normal', meanMs: 100, sdMs: 80, minMs: 50, maxMs: 150 });
    expect(Math.min(...n)).toBe(50);
    expect(Math.max(...n)).toBe(150);
  });

  it('gives exponential and log-normal samples with the asked mean', () => {
    expect(Math.abs(mean(samples({ kind: 'exponential', meanMs: 30_000 })) / 30_000 - 1)).toBeLessThan(0.03);
    expect(Math.abs(mean(samples({ kind: 'lognormal', meanMs: 180_000, sdMs: 120_000 })) / 180_000 - 1)).toBeLessThan(0.03);
  });
});
