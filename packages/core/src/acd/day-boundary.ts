import { DateTime } from 'luxon';

/** The next midnight after `now` in the IANA time zone (DST-aware: a 23- or 25-hour day is still one day). */
export function nextMidnight(now: number, timeZone: string): number {
  return DateTime.fromMillis(now, { zone: timeZone }).startOf('day').plus({ days: 1 }).toMillis();
}

/** The calendar day of `now` in the time zone, as `yyyy-MM-dd`. */
export function dayOf(now: number, timeZone: string): string {
  return DateTime.fromMillis(now, { zone: timeZone }).toISODate() ?? '';
}

/** The calendar month `now` falls in, in the time zone: [from, to) in epoch ms. */
export function monthOf(now: number, timeZone: string): { from: number; to: number } {
  const start = DateTime.fromMillis(now, { zone: timeZone }).startOf('month');
  return { from: start.toMillis(), to: start.plus({ months: 1 }).toMillis() };
}
