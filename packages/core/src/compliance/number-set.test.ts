import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isCanonicalNumber, numberKey, numberOfKey } from './number-key.js';
import { NumberSet, NumberSetBuilder } from './number-set.js';

describe('numberKey', () => {
  it('keys E.164 numbers by their digits and keeps other digit strings apart, leading zeros included', () => {
    expect(numberKey('+33612345678')).toBe(33612345678);
    expect(numberKey('+999999999999999')).toBe(999_999_999_999_999);
    expect(numberKey('1001')).toBe(-(10_000 + 1001));
    expect(numberKey('012')).not.toBe(numberKey('12'));
    expect(numberKey('12')).not.toBe(numberKey('+12'));
    for (const odd of ['', '+', '+0612', '+1234567890123456', '12a', ' +331']) expect(numberKey(odd)).toBeNaN();
    expect(isCanonicalNumber('+33612345678')).toBe(true);
    expect(isCanonicalNumber('0612345678')).toBe(false);
  });

  it('round-trips every encodable number', () => {
    fc.assert(
      fc.property(fc.boolean(), fc.stringMatching(/^[0-9]{1,15}$/), (plus, digits) => {
        const number = plus ? `+${digits}` : digits;
        const key = numberKey(number);
        if (plus && digits.startsWith('0')) return Number.isNaN(key);
        return key !== 0 && Number.isSafeInteger(key) && numberOfKey(key) === number;
      }),
    );
  });
});

describe('NumberSet', () => {
  it('adds, finds and deletes numbers, with or without a key, and grows past its first capacity', () => {
    const set = new NumberSet();
    const numbers = Array.from({ length: 5_000 }, (_, i) => `+4420${String(i).padStart(8, '0')}`);
    for (const n of numbers) expect(set.add(n)).toBe(true);
    expect(set.add(numbers[0]!)).toBe(false);
    expect(set.add('+0123')).toBe(true);
    expect(set.add('1234567890123456789')).toBe(true);
    expect(set.size).toBe(5_002);
    expect(numbers.every((n) => set.has(n))).toBe(true);
    expect(set.has('+442099999999')).toBe(false);
    expect(set.has('+0123')).toBe(true);
    for (const n of numbers.slice(0, 2_500)) expect(set.delete(n)).toBe(true);
    expect(set.delete(numbers[0]!)).toBe(false);
    expect(set.delete('+0123')).toBe(true);
    expect(set.size).toBe(2_501);
    expect(numbers.slice(2_500).every((n) => set.has(n))).toBe(true);
    expect(numbers.slice(0, 2_500).some((n) => set.has(n))).toBe(false);
    expect(new Set(set)).toEqual(new Set([...numbers.slice(2_500), '1234567890123456789']));
  });

  it('builds in bulk the same set as one-by-one adds, duplicates counted once', () => {
    const builder = new NumberSetBuilder();
    const numbers = Array.from({ length: 20_000 }, (_, i) => `+1${2_000_000_000 + ((i * 7919) % 15_000)}`);
    for (const n of numbers) builder.add(n);
    builder.add('+0999');
    const set = builder.build();
    expect(set.size).toBe(15_001);
    expect(builder.size).toBe(0);
    expect(new Set(set)).toEqual(new Set([...numbers, '+0999']));
    expect(set.byteLength).toBe(32_768 * 8);
  });

  // Few distinct numbers, so adds and deletes collide and probe chains wrap: the cases backward-shift deletion must get right.
  it('agrees with a Set<string> over random adds, deletes and lookups', () => {
    const number = fc.oneof(
      fc.integer({ min: 0, max: 300 }).map((i) => `+3361234${String(i).padStart(4, '0')}`),
      fc.integer({ min: 0, max: 40 }).map((i) => String(i).padStart(1 + (i % 4), '0')),
      fc.constantFrom('+0', '+0612', '12345678901234567'),
    );
    const op = fc.record({ kind: fc.constantFrom('add', 'delete', 'has'), number });
    fc.assert(
      fc.property(fc.array(number, { maxLength: 400 }), fc.array(op, { maxLength: 800 }), (initial, ops) => {
        const builder = new NumberSetBuilder();
        for (const n of initial) builder.add(n);
        const set = builder.build();
        const model = new Set(initial);
        for (const { kind, number: n } of ops) {
          if (kind === 'add') expect(set.add(n)).toBe(!model.has(n) && model.add(n) !== undefined);
          else if (kind === 'delete') expect(set.delete(n)).toBe(model.delete(n));
          else expect(set.has(n)).toBe(model.has(n));
          expect(set.size).toBe(model.size);
        }
        for (const n of model) expect(set.has(n)).toBe(true);
        expect(new Set(set)).toEqual(model);
      }),
      { numRuns: 200 },
    );
  });

  it('stays right in a nearly full table, where chains are long and wrap around its end', () => {
    const number = fc.integer({ min: 0, max: 179 }).map((i) => `+1415555${String(i).padStart(4, '0')}`);
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), number), { maxLength: 1_500 }), (ops) => {
        const set = new NumberSet();
        const model = new Set<string>();
        for (const [add, n] of ops) {
          if (add) {
            set.add(n);
            model.add(n);
          } else {
            set.delete(n);
            model.delete(n);
          }
        }
        // 180 numbers never make a 256-slot table grow (it doubles past 75%): up to 70% full.
        expect(set.byteLength).toBe(256 * 8);
        for (let i = 0; i < 180; i++) {
          const n = `+1415555${String(i).padStart(4, '0')}`;
          expect(set.has(n)).toBe(model.has(n));
        }
      }),
      { numRuns: 300 },
    );
  });
});
