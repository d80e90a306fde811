import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
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

  it('learns a shape from its first numbers and reuses it', () => {
    const memo = new NumberMemo('FR');
    for (let i = 0; i < 200; i++) {
      const national = `06${String(12_340_000 + i).padStart(8, '0')}`;
      expect(memo.normalize(national)).toBe(`+33${national.slice(1)}`);
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
