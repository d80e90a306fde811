import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../errors/errors.js';
import { mapColumns, standardTargetOf } from './column-mapping.js';

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
