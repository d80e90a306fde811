import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../errors/errors.js';
import { normalizeNumber } from '../../routing/phone-number.js';
import { mapColumns, standardTargetOf } from './column-mapping.js';
import { NumberMemo } from './number-memo.js';

const fields = [
  { name: 'company', displayName: 'Company name' },
  { name: 'budget', displayName: '预算' },
];

describe('column mapping', () => {
  it('matches headers to fields by name in English, Chinese and Japanese; several columns may feed the numbers', () => {
    const mapping = mapColumns(['Customer Name', 'Mobile', 'Phone 2', 'E-mail', '性别', 'COMPANY_NAME', '预算', 'Favourite colour', '備考'], fields, { automatic: true });
    expect(mapping.columns.map((c) => [c.header, c.field, c.custom])).toEqual([
      ['Customer Name', 'name', false],
      ['Mobile', 'phones', false],
      ['Phone 2', 'phones', false],
      ['E-mail', 'email', false],
      ['性别', 'gender', false],
      ['COMPANY_NAME', 'company', true],
      ['预算', 'budget', true],
      ['備考', 'notes', false],
    ]);
    expect(mapping.ignored).toEqual(['Favourite colour']);
    expect(['氏名', '電話番号', '手机号码', '名前', 'メールアドレス', 'tel'].map(standardTargetOf)).toEqual(['name', 'phones', 'phones', 'name', 'email', 'phones']);
  });

  it('takes chosen columns as chosen, by header or position, and refuses a column or field that does not exist', () => {
    const mapping = mapColumns(['A', 'B', 'C'], fields, { chosen: [{ column: 'A', field: 'phones' }, { column: 2, field: 'company' }, { column: 'B', field: null }], automatic: true });
    expect(mapping.columns.map((c) => [c.index, c.field])).toEqual([
      [0, 'phones'],
      [2, 'company'],
    ]);
    expect(() => mapColumns(['A'], fields, { chosen: [{ column: 'Z', field: 'name' }], automatic: true })).toThrow(ValidationError);
    expect(() => mapColumns(['A'], fields, { chosen: [{ column: 'A', field: 'colour' }], automatic: true })).toThrow(/no field colour/);
    // Without a header, columns are chosen by position only.
    expect(mapColumns([], fields, { chosen: [{ column: 0, field: 'phones' }, { column: 3, field: 'name' }], automatic: false }).columns.map((c) => [c.index, c.field])).toEqual([
      [0, 'phones'],
      [3, 'name'],
    ]);
  });
});

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
});
