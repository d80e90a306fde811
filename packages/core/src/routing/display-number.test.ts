import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { DisplayNumberRotor } from './display-number.js';

const PARIS = 'Europe/Paris';
const at = (iso: string) => DateTime.fromISO(iso, { zone: PARIS }).toMillis();

describe('display numbers', () => {
  it('the agent setting wins over the task, the task over the system', () => {
    const rotor = new DisplayNumberRotor();
    const policy = { rotationDays: 1, timeZone: PARIS };
    expect(rotor.choose({ agent: ['+331'], task: ['+332'], system: ['+333'] }, policy, at('2026-11-23T10:00'))).toEqual({ number: '+331', source: 'agent' });
    expect(rotor.choose({ agent: [], task: ['+332'], system: ['+333'] }, policy, at('2026-11-23T10:00'))).toEqual({ number: '+332', source: 'task' });
    expect(rotor.choose({ system: ['+333'] }, policy, at('2026-11-23T10:00'))).toEqual({ number: '+333', source: 'system' });
    expect(rotor.choose({ system: [] }, policy, at('2026-11-23T10:00'))).toBeUndefined();
  });

  it('0 days: a new number for every call, round the list', () => {
    const rotor = new DisplayNumberRotor();
    const policy = { rotationDays: 0, timeZone: PARIS };
    const now = at('2026-11-23T10:00');
    expect([1, 2, 3, 4].map(() => rotor.choose({ system: ['+331', '+332', '+333'] }, policy, now)!.number)).toEqual(['+331', '+332', '+333', '+331']);
  });

  it('N days: one number per period of N local calendar days, changing at local midnight', () => {
    const rotor = new DisplayNumberRotor();
    const policy = { rotationDays: 2, timeZone: PARIS };
    const numbers = { system: ['+331', '+332'] };
    const pick = (iso: string) => rotor.choose(numbers, policy, at(iso))!.number;
    expect(pick('2026-11-23T00:00')).toBe(pick('2026-11-23T23:59'));
    const days = ['2026-11-23', '2026-11-24', '2026-11-25', '2026-11-26', '2026-11-27'].map((d) => pick(`${d}T12:00`));
    // Two days on one number, then two on the other.
    const changes = days.filter((n, i) => i > 0 && n !== days[i - 1]).length;
    expect(changes).toBe(2);
    expect(new Set(days)).toEqual(new Set(['+331', '+332']));
  });
});
