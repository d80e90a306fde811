import { DateTime } from 'luxon';

/** The next midnight after `now` in the IANA time zone (DST-aware: a 23- or 25-hour day is still one day). */
export function nextMidnight(now: number, timeZone: string): number {
  return DateTime.fromMillis(now, { zone: timeZone }).startOf('day').plus({ days: 1 }).toMillis();
}

/** The calendar day of `now` in the time zone, as `yyyy-MM-dd`. */
export function dayOf(now: number, timeZone: string): string {
  return DateTime.fromMillis(now, { zone: timeZone }).toISODate() ?? '';
}
