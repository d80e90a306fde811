import { DateTime } from 'luxon';
import type { TimeConditionConfig, TimeRule } from './model.js';

/**
 * Whether a moment falls in a time condition (manual §3.7.8), judged on the wall clock of
 * the tenant's time zone. Wall-clock comparison is what makes DST right: "09:00–18:00
 * Monday to Friday" means nine to six local time on the day the clocks change too, even
 * though that day has 23 or 25 hours.
 */
export function conditionMatches(condition: Pick<TimeConditionConfig, 'rules'>, at: number, timeZone: string): boolean {
  const local = DateTime.fromMillis(at, { zone: timeZone });
  return condition.rules.some((rule) => ruleMatches(rule, local));
}

export function ruleMatches(rule: TimeRule, local: DateTime): boolean {
  switch (rule.kind) {
    case 'weekly': {
      // A slot may run past midnight (22:00–02:00): the part after midnight belongs to the day it started on.
      const minute = local.hour * 60 + local.minute;
      const from = minutesOf(rule.from);
      const to = minutesOf(rule.to);
      if (from < to) return rule.days.includes(local.weekday) && minute >= from && minute < to;
      const yesterday = local.minus({ days: 1 }).weekday;
      return (rule.days.includes(local.weekday) && minute >= from) || (rule.days.includes(yesterday) && minute < to);
    }
    case 'time': {
      const second = local.hour * 3600 + local.minute * 60 + local.second;
      const from = secondsOf(rule.from);
      const to = secondsOf(rule.to);
      return from <= to ? second >= from && second <= to : second >= from || second <= to;
    }
    case 'date':
      return local.toISODate() === rule.date;
    case 'date-range': {
      // Minute granularity: the moment is compared by the minute it is in, so the end minute matches to its last second.
      const minute = local.toFormat("yyyy-MM-dd'T'HH:mm");
      return minute >= rule.from && minute <= rule.to;
    }
    default:
      return unknownRule(rule);
  }
}

const minutesOf = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
const secondsOf = (hhmmss: string): number => minutesOf(hhmmss) * 60 + Number(hhmmss.slice(6, 8));

function unknownRule(rule: never): never {
  throw new Error(`Unknown time rule ${JSON.stringify(rule)}`);
}
