import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BloomFilter } from './bloom-filter.js';

describe('BloomFilter', () => {
  it('never says "certainly not" of an item it was given, even past the size it was made for', () => {
    fc.assert(
      fc.property(fc.array(fc.string(), { maxLength: 300 }), fc.integer({ min: 1, max: 200 }), (items, expected) => {
        const filter = new BloomFilter(expected);
        for (const item of items) filter.add(item);
        return items.every((item) => filter.mayHold(item));
      }),
    );
  });

  it('says "certainly not" of nearly every other item: about 1% false "perhaps" at the size it was made for', () => {
    const filter = new BloomFilter(100_000);
    for (let i = 0; i < 100_000; i++) filter.add(`+1212${String(i).padStart(7, '0')}`);
    let perhaps = 0;
    for (let i = 0; i < 100_000; i++) if (filter.mayHold(`+1415${String(i).padStart(7, '0')}`)) perhaps++;
    expect(perhaps).toBeLessThan(2_000);
    // An empty filter holds nothing.
    expect(new BloomFilter(10).mayHold('+12125550100')).toBe(false);
  });
});
