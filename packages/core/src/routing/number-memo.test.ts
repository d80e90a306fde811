import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { NumberMemo } from './number-memo.js';
import { normalizeNumber } from './phone-number.js';

describe('number memo', () => {
  it('gives exactly what normalizeNumber gives, for numbers of many countries written many ways', () => {
    const countries = ['US', 'FR', 'GB', 'DE', 'CN', 'JP', 'AR', 'BR', 'IN', 'MX', 'IT', 'AU', 'KR', 'ES', 'SG'];
    const memos = new Map(countries.map((c) => [c, new NumberMemo(c)]));
    const numberArb = fc.tuple(
      fc.constantFrom('', '0', '00', '+', '+1', '+33', '+86', '011', '1', '9', '15', '06', '13'),
      fc.stringMatching(/^[0-9]{4,12}$/),
      fc.constantFrom('', ' ', '-', '(', ')'),
    );
    fc.assert(
      fc.property(fc.constantFrom(...countries), fc.array(numberArb, { minLength: 1, maxLength: 40 }), (country, parts) => {
        const memo = memos.get(country)!;
        for (const [prefix, digits, separator] of parts) {
          const text = `${prefix}${digits.slice(0, 3)}${separator}${digits.slice(3)}`;
          expect(memo.normalize(text)).toBe(normalizeNumber(text, country));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('gives exactly what normalizeNumber gives when many shapes of one family come by (families vouch for new shapes)', () => {
    const countries = ['US', 'FR', 'GB', 'DE', 'CN', 'AR', 'BR', 'MX', 'IT', 'AU'];
    fc.assert(
      fc.property(
        fc.constantFrom(...countries),
        fc.constantFrom('', '0', '+1', '+33', '+54', '011', '1', '9', '15', '06'),
        fc.stringMatching(/^[0-9]{0,3}$/),
        fc.integer({ min: 6, max: 11 }),
        fc.array(fc.stringMatching(/^[0-9]{11}$/), { minLength: 30, maxLength: 120 }),
        (country, prefix, head, length, tails) => {
          const memo = new NumberMemo(country);
          // The same first digits and one length per run: many shapes (first six characters) of one or a few families (first three).
          for (const tail of tails) {
            const text = `${prefix}${head}${tail.slice(0, length)}`;
            expect(memo.normalize(text)).toBe(normalizeNumber(text, country));
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('learns a shape from its first numbers and reuses it', () => {
    const memo = new NumberMemo('FR');
    for (let i = 0; i < 200; i++) {
      const national = `06${String(12_340_000 + i).padStart(8, '0')}`;
      expect(memo.normalize(national)).toBe(`+33${national.slice(1)}`);
    }
  });

  it("trusts a new shape of a family after one full parse once four of the family's shapes confirmed the same rule, and learns one by one where they disagree", async () => {
    const phone = await import('./phone-number.js');
    const parse = vi.spyOn(phone, 'normalizeNumber');
    try {
      const memo = new NumberMemo('US');
      // 212-2xx … 212-9xx: eight shapes of the family "10:212", three numbers each.
      const numbersOf = (exchange: number) => [0, 1, 2].map((line) => `212${exchange}555${String(line).padStart(3, '0')}`.slice(0, 10));
      const counts: number[] = [];
      for (const exchange of [2, 3, 4, 5, 6, 7, 8, 9]) {
        const before = parse.mock.calls.length;
        for (const number of numbersOf(exchange)) expect(memo.normalize(number)).toBe(`+1${number}`);
        counts.push(parse.mock.calls.length - before);
      }
      // The first four shapes are learnt with three parses each; the family vouches for the next ones after one.
      expect(counts).toEqual([3, 3, 3, 3, 1, 1, 1, 1]);
    } finally {
      parse.mockRestore();
    }
  });

  it('holds at most maxShapes rules: past that it starts again, and its answers stay right', () => {
    const memo = new NumberMemo('US', { maxShapes: 10 });
    for (let area = 200; area < 260; area++) {
      const number = `${area}555${String(area).padStart(4, '0')}`;
      expect(memo.normalize(number)).toBe(normalizeNumber(number, 'US'));
      expect(memo.shapes).toBeLessThanOrEqual(10);
    }
  });
});
