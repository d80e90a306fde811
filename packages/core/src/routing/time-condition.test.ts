import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { timeConditionSchema, type TimeRule } from './model.js';
import { conditionMatches } from './time-condition.js';

const PARIS = 'Europe/Paris';
const at = (iso: string, zone = PARIS) => DateTime.fromISO(iso, { zone }).toMillis();
const matches = (rules: TimeRule[], iso: string, zone = PARIS) => conditionMatches({ rules }, at(iso, zone), zone);

describe('time conditions', () => {
  const businessHours: TimeRule = { kind: 'weekly', days: [1, 2, 3, 4, 5], from: '09:00', to: '18:00' };

  it('weekly slots: Monday to Friday nine to six, local time', () => {
    expect(matches([businessHours], '2026-11-23T09:00:00')).toBe(true); // Monday
    expect(matches([businessHours], '2026-11-23T08:59:59')).toBe(false);
    expect(matches([businessHours], '2026-11-23T17:59:59')).toBe(true);
    expect(matches([businessHours], '2026-11-23T18:00:00')).toBe(false);
    expect(matches([businessHours], '2026-11-22T12:00:00')).toBe(false); // Sunday
  });

  it('keeps local business hours across the DST changes', () => {
    // 2026-03-30 is the Monday after clocks went forward in Paris; 2026-10-26 the Monday after they went back.
    expect(matches([businessHours], '2026-03-30T09:00:00')).toBe(true);
    expect(conditionMatches({ rules: [businessHours] }, Date.UTC(2026, 2, 30, 7, 0), PARIS)).toBe(true); // 09:00 CEST
    expect(conditionMatches({ rules: [businessHours] }, Date.UTC(2026, 2, 30, 6, 59), PARIS)).toBe(false);
    expect(conditionMatches({ rules: [businessHours] }, Date.UTC(2026, 9, 26, 8, 0), PARIS)).toBe(true); // 09:00 CET
    expect(conditionMatches({ rules: [businessHours] }, Date.UTC(2026, 9, 26, 7, 59), PARIS)).toBe(false);
  });

  it('a weekly slot past midnight belongs to the day it starts on', () => {
    const night: TimeRule = { kind: 'weekly', days: [5], from: '22:00', to: '02:00' }; // Friday night
    expect(matches([night], '2026-11-27T23:30:00')).toBe(true); // Friday
    expect(matches([night], '2026-11-28T01:59:00')).toBe(true); // Saturday early
    expect(matches([night], '2026-11-28T02:00:00')).toBe(false);
    expect(matches([night], '2026-11-27T01:00:00')).toBe(false); // Friday early: Thursday's night
  });

  it("specified times are inclusive at the second, as the manual's 00:00:00–12:00:00 example", () => {
    const morning: TimeRule = { kind: 'time', from: '00:00:00', to: '12:00:00' };
    expect(matches([morning], '2026-11-23T12:00:00')).toBe(true);
    expect(matches([morning], '2026-11-23T12:00:01')).toBe(false);
  });

  it('specified dates and date ranges, the end minute matching to its last second', () => {
    expect(matches([{ kind: 'date', date: '2026-12-25' }], '2026-12-25T23:59:59')).toBe(true);
    expect(matches([{ kind: 'date', date: '2026-12-25' }], '2026-12-26T00:00:00')).toBe(false);
    const range: TimeRule = { kind: 'date-range', from: '2026-02-08T12:00', to: '2026-02-09T11:00' };
    expect(matches([range], '2026-02-08T11:59:59')).toBe(false);
    expect(matches([range], '2026-02-08T12:00:00')).toBe(true);
    expect(matches([range], '2026-02-09T11:00:59')).toBe(true);
    expect(matches([range], '2026-02-09T11:01:00')).toBe(false);
  });

  it('the same moment is judged in the tenant zone', () => {
    const instant = Date.UTC(2026, 10, 23, 8, 30); // 09:30 in Paris, 03:30 in New York
    expect(conditionMatches({ rules: [businessHours] }, instant, PARIS)).toBe(true);
    expect(conditionMatches({ rules: [businessHours] }, instant, 'America/New_York')).toBe(false);
  });

  it('refuses an empty slot and a range that ends before it starts', () => {
    const destination = { kind: 'hangup' as const };
    const base = { name: 'x', matchDestination: destination, noMatchDestination: destination };
    expect(timeConditionSchema.safeParse({ ...base, rules: [{ kind: 'weekly', days: [1], from: '09:00', to: '09:00' }] }).success).toBe(false);
    expect(timeConditionSchema.safeParse({ ...base, rules: [{ kind: 'date-range', from: '2026-02-09T00:00', to: '2026-02-08T00:00' }] }).success).toBe(false);
    expect(timeConditionSchema.safeParse({ ...base, rules: [{ kind: 'weekly', days: [8], from: '09:00', to: '10:00' }] }).success).toBe(false);
  });
});
