import { ValidationError } from '../../errors/errors.js';
import type { MemberStats, PoolMember } from './agent-pool.js';

/** Checked up front because a NaN would silently break the order of every index it enters. */
export function checkMember(agentId: string, member: PoolMember, stats: MemberStats): void {
  const valid =
    Number.isFinite(member.position) &&
    Number.isFinite(member.priority) &&
    member.priority > 0 &&
    Number.isFinite(stats.availableSince) &&
    Number.isFinite(stats.callsToday) &&
    Number.isFinite(stats.talkTimeTodayMs);
  if (!valid) throw invalidMember(agentId, member, stats);
}

/** The agent-id tie-break of every order: code-unit order, so it is the same on every machine. */
export function compareIds(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

/** `undefined` when nothing is excluded, so the fast path of every pick needs no test per member. */
export function exclusionOf(request: { exclude?: ReadonlySet<string> } | undefined): ReadonlySet<string> | undefined {
  const exclude = request?.exclude;
  return exclude === undefined || exclude.size === 0 ? undefined : exclude;
}

function invalidMember(agentId: string, member: PoolMember, stats: MemberStats): ValidationError {
  const finite = (path: string, value: number) => (Number.isFinite(value) ? [] : [{ path, message: 'a finite number' }]);
  const issues = [
    ...finite('position', member.position),
    ...(Number.isFinite(member.priority) && member.priority > 0 ? [] : [{ path: 'priority', message: 'a finite number above 0' }]),
    ...finite('availableSince', stats.availableSince),
    ...finite('callsToday', stats.callsToday),
    ...finite('talkTimeTodayMs', stats.talkTimeTodayMs),
  ];
  return new ValidationError(`Cannot pool agent ${agentId}: ${issues.map((i) => `${i.path} must be ${i.message}`).join('; ')}`, issues);
}
