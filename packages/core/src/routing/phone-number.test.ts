import { describe, expect, it } from 'vitest';
import { normalizeNumber } from './phone-number.js';
import { RegionLookup, parseRegionCsv } from './region-lookup.js';

describe('phone numbers and regions', () => {
  it('normalises national and international forms to one E.164 number', () => {
    expect(normalizeNumber('06 12 34 56 78', 'FR')).toBe('+33612345678');
    expect(normalizeNumber('+33 6 12 34 56 78', 'FR')).toBe('+33612345678');
    expect(normalizeNumber('+33612345678', 'US')).toBe('+33612345678');
    expect(normalizeNumber('(415) 555-2671', 'US')).toBe('+14155552671');
  });

  it('keeps short numbers and extensions as digits', () => {
    expect(normalizeNumber('1001', 'FR')).toBe('1001');
    expect(normalizeNumber(' 112 ', 'FR')).toBe('112');
  });

  it('finds the region by the longest prefix of the table, else by the numbering plan', () => {
    const { entries, errors } = parseRegionCsv('prefix,region\n331,Paris\n33,France\n+4420,London\nabc,Nowhere\n44,\n');
    expect(errors).toEqual([
      { line: 5, reason: 'prefix "abc" is not digits' },
      { line: 6, reason: 'no region' },
    ]);
    const regions = new RegionLookup(entries, 'FR');
    expect(regions.regionOf('+33145678901')).toBe('Paris');
    expect(regions.regionOf('+33612345678')).toBe('France');
    expect(regions.regionOf('+442071234567')).toBe('London');
    expect(regions.regionOf('+14155552671')).toBe('US');
    expect(regions.regionOf('1001')).toBeUndefined();
  });
});
