import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OrderedSet } from './ordered-set.js';

const byNumber = (a: number, b: number) => a - b;

/** The model: a sorted array without duplicates. */
function modelAfter(model: number[], key: number): number | undefined {
  return model.find((v) => v > key);
}

type Operation =
  | { kind: 'add'; value: number }
  | { kind: 'delete'; value: number }
  | { kind: 'has'; value: number }
  | { kind: 'successor'; value: number }
  | { kind: 'ceiling'; value: number }
  | { kind: 'firstWhere'; modulus: number; from: number | null };

const value = fc.integer({ min: -50, max: 50 });
const operation: fc.Arbitrary<Operation> = fc.oneof(
  { weight: 4, arbitrary: value.map((v) => ({ kind: 'add' as const, value: v })) },
  { weight: 3, arbitrary: value.map((v) => ({ kind: 'delete' as const, value: v })) },
  value.map((v) => ({ kind: 'has' as const, value: v })),
  value.map((v) => ({ kind: 'successor' as const, value: v })),
  value.map((v) => ({ kind: 'ceiling' as const, value: v })),
  fc.record({ kind: fc.constant('firstWhere' as const), modulus: fc.integer({ min: 2, max: 7 }), from: fc.option(value) }),
);

describe('OrderedSet', () => {
  // Capacity 4 makes trees four and five levels deep from a hundred items, so splits, borrows
  // and merges at every level are exercised; 32 is the default.
  it.each([4, 5, 32])('behaves like a sorted array under any sequence of operations (node capacity %i)', (nodeCapacity) => {
    fc.assert(
      fc.property(fc.array(operation, { maxLength: 400, size: 'max' }), (operations) => {
        const set = new OrderedSet<number>(byNumber, { nodeCapacity });
        let model: number[] = [];
        for (const op of operations) {
          switch (op.kind) {
            case 'add': {
              const fresh = !model.includes(op.value);
              expect(set.add(op.value)).toBe(fresh);
              if (fresh) model = [...model, op.value].sort(byNumber);
              break;
            }
            case 'delete': {
              const present = model.includes(op.value);
              expect(set.delete(op.value)).toBe(present);
              model = model.filter((v) => v !== op.value);
              break;
            }
            case 'has':
              expect(set.has(op.value)).toBe(model.includes(op.value));
              break;
            case 'successor':
              expect(set.successor(op.value)).toBe(modelAfter(model, op.value));
              break;
            case 'ceiling':
              expect(set.ceiling(op.value)).toBe(model.find((v) => v >= op.value));
              break;
            case 'firstWhere': {
              const wanted = (v: number) => Math.abs(v) % op.modulus === 0;
              const from = op.from;
              const expected = model.find((v) => (from === null || v >= from) && wanted(v));
              const bound = from === null ? undefined : (v: number) => v - from;
              expect(set.firstWhere(wanted, bound)).toBe(expected);
              break;
            }
          }
          expect(set.size).toBe(model.length);
          expect(set.last()).toBe(model.at(-1));
        }
        expect([...set]).toEqual(model);
        expect(set.first()).toBe(model[0]);
        expect(set.last()).toBe(model.at(-1));
      }),
      { numRuns: 100 },
    );
  });

  it('iterates from any key in order, and after any key for a wrap-around walk', () => {
    fc.assert(
      fc.property(fc.uniqueArray(value, { maxLength: 101, size: 'max' }), value, (values, key) => {
        const set = new OrderedSet<number>(byNumber, { nodeCapacity: 4 });
        values.forEach((v) => set.add(v));
        const sorted = values.slice().sort(byNumber);
        expect([...set.values((v) => v - key)]).toEqual(sorted.filter((v) => v >= key));
        expect([...set.valuesAfter(key)]).toEqual(sorted.filter((v) => v > key));
      }),
    );
  });

  it('keeps one item per key and returns the stored one', () => {
    const set = new OrderedSet<{ id: number; label: string }>((a, b) => a.id - b.id);
    expect(set.add({ id: 1, label: 'first' })).toBe(true);
    expect(set.add({ id: 1, label: 'second' })).toBe(false);
    expect(set.get({ id: 1, label: '' })?.label).toBe('first');
    expect(set.size).toBe(1);
    set.clear();
    expect(set.size).toBe(0);
    expect(set.first()).toBeUndefined();
    expect(set.last()).toBeUndefined();
  });

  it('stays shallow for sorted input, the worst case of a plain search tree', () => {
    let comparisons = 0;
    const set = new OrderedSet<number>((a, b) => {
      comparisons++;
      return a - b;
    });
    for (let i = 0; i < 100_000; i++) set.add(i);
    comparisons = 0;
    for (let i = 0; i < 1_000; i++) set.has(i * 97);
    // A balanced tree of 100k needs ~17 comparisons per lookup (binary search in each node of a
    // four-level B+tree, one more per level); an unbalanced one fed sorted input would need ~50,000.
    expect(comparisons / 1_000).toBeLessThan(40);
    expect(set.size).toBe(100_000);
  });

  it('grows and shrinks through thousands of items and ends empty', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 0, max: 100_000 }), { minLength: 500, maxLength: 3_000 }), fc.integer(), (values, seed) => {
        const set = new OrderedSet<number>(byNumber, { nodeCapacity: 6 });
        values.forEach((v) => set.add(v));
        expect([...set]).toEqual(values.slice().sort(byNumber));
        // Delete in an order unrelated to the insertion order.
        const order = values.map((v, i) => ({ v, k: Math.imul(i + 1, seed | 1) >>> 0 })).sort((a, b) => a.k - b.k);
        const missed = order.filter(({ v }) => !set.delete(v));
        expect(missed).toEqual([]);
        expect(set.size).toBe(0);
        expect(set.first()).toBeUndefined();
        expect([...set]).toEqual([]);
        set.add(1);
        expect([...set]).toEqual([1]);
      }),
      { numRuns: 30 },
    );
  });
});
