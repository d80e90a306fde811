import { ValidationError } from '../../errors/errors.js';
import type { MemberStats, PoolMember } from './agent-pool.js';

/**
 * A pool's own copy of a member and its stats: copied so that a caller changing its objects
 * cannot reorder an index behind the pool's back.
 */
export interface PooledMember {
  readonly agentId: string;
  readonly position: number;
  readonly priority: number;
  availableSince: number;
  callsToday: number;
  talkTimeTodayMs: number;
  /** What an ordered pool ranks by inside a tier (idle since, calls, talk time; 0 for by-position strategies). */
  rank: number;
  /** Where a random pool keeps the member: its index in the tier's bag, or its slot in the weight tree. */
  slot: number;
}

export function pooledMember(member: PoolMember, stats: MemberStats): PooledMember {
  // Checked up front because a NaN would silently break the order of every index it enters.
  const valid =
    typeof member.agentId === 'string' &&
    member.agentId !== '' &&
    Number.isFinite(member.position) &&
    Number.isFinite(member.priority) &&
    member.priority > 0 &&
    Number.isFinite(stats.availableSince) &&
    Number.isFinite(stats.callsToday) &&
    Number.isFinite(stats.talkTimeTodayMs);
  if (!valid) throw invalidMember(member, stats);
  return {
    agentId: member.agentId,
    position: member.position,
    priority: member.priority,
    availableSince: stats.availableSince,
    callsToday: stats.callsToday,
    talkTimeTodayMs: stats.talkTimeTodayMs,
    rank: 0,
    slot: -1,
  };
}

/**
 * The order of every ordered pool: tier (lower priority number first), then rank, then
 * position, then agent id. Positions are unique in a group, so the agent id only decides
 * for members added with the same position by mistake; it keeps the order total, which the
 * ordered set needs (two members that compare equal would be one key).
 */
export function compareMembers(a: PooledMember, b: PooledMember): number {
  if (a.priority !== b.priority) return a.priority < b.priority ? -1 : 1;
  if (a.rank !== b.rank) return a.rank < b.rank ? -1 : 1;
  if (a.position !== b.position) return a.position < b.position ? -1 : 1;
  if (a.agentId === b.agentId) return 0;
  return a.agentId < b.agentId ? -1 : 1;
}

/** The excluded-set test every strategy shares; `undefined` when nothing is excluded, so the fast path needs no closure. */
export function exclusionOf(exclude: ReadonlySet<string> | undefined): ((member: PooledMember) => boolean) | undefined {
  if (exclude === undefined || exclude.size === 0) return undefined;
  return (member) => !exclude.has(member.agentId);
}

function invalidMember(member: PoolMember, stats: MemberStats): ValidationError {
  const finite = (path: string, value: number) => (Number.isFinite(value) ? [] : [{ path, message: 'a finite number' }]);
  const issues = [
    ...(typeof member.agentId === 'string' && member.agentId !== '' ? [] : [{ path: 'agentId', message: 'a non-empty agent id' }]),
    ...finite('position', member.position),
    ...(Number.isFinite(member.priority) && member.priority > 0 ? [] : [{ path: 'priority', message: 'a finite number above 0' }]),
    ...finite('availableSince', stats.availableSince),
    ...finite('callsToday', stats.callsToday),
    ...finite('talkTimeTodayMs', stats.talkTimeTodayMs),
  ];
  return new ValidationError(`Cannot pool agent ${String(member.agentId)}: ${issues.map((i) => `${i.path} must be ${i.message}`).join('; ')}`, issues);
}
