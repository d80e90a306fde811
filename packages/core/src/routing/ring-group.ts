import type { Destination } from '../destination/destination.js';
import type { Endpoint } from '../media/media-events.js';
import type { CallSession } from './call-session.js';
import type { RingGroupConfig } from './model.js';
import type { Stored } from './routing-graph.js';

/**
 * Ring groups (manual §3.7.4). The order each strategy rings its members in:
 *
 * | strategy           | order of one call                                                        |
 * | ------------------ | ------------------------------------------------------------------------ |
 * | all                | every member at once; the first to answer wins, the others are cancelled |
 * | polling            | one by one from the top, skipping members already on a call               |
 * | random             | one by one in a random order (every member once)                          |
 * | memory-polling     | one by one, starting after the member the previous call rang last         |
 * | sequential-polling | one by one from the top, every member rung whatever it is doing           |
 *
 * The ring timeout is the whole group's for "all" and each member's otherwise. Nobody
 * answered: the timeout destination (none: hang up).
 */
export async function runRingGroup(session: CallSession, group: Stored<RingGroupConfig>): Promise<Destination | null> {
  session.addCallerPrefix(group.callerPrefix);
  const timeoutMs = group.ringTimeoutSec * 1000;
  const fallback = group.timeoutDestination ?? { kind: 'hangup' as const };
  if (group.strategy === 'all') {
    const connected = await ringAll(session, group.members, timeoutMs);
    return connected || session.isOver ? null : fallback;
  }
  for (const member of orderOf(session, group)) {
    if (session.isOver) return null;
    if (group.strategy === 'polling' && session.deps.acd.isOnCall(session.tenant.tenantId, member)) continue;
    if (group.strategy === 'memory-polling') session.deps.memory.set(group.id, group.members.indexOf(member));
    if (await ringOne(session, endpointOf(session, member), member, timeoutMs)) return null;
  }
  return session.isOver ? null : fallback;
}

function orderOf(session: CallSession, group: Stored<RingGroupConfig>): string[] {
  const members = group.members;
  switch (group.strategy) {
    case 'random':
      return session.deps.random.shuffle([...members]);
    case 'memory-polling': {
      const last = session.deps.memory.get(group.id) ?? -1;
      const start = (last + 1) % members.length;
      return [...members.slice(start), ...members.slice(0, start)];
    }
    default:
      return [...members];
  }
}

/** A member is an agent's phone when the tenant has an agent with that number; else an extension if short, else an outside number. */
export function endpointOf(session: CallSession, member: string): Endpoint {
  const tenantId = session.tenant.tenantId;
  if (session.deps.acd.hasAgent(tenantId, member)) return session.deps.acd.endpointOf(tenantId, member);
  return /^[0-9]{2,8}$/.test(member) ? { kind: 'extension', extension: member } : { kind: 'external', number: member };
}

/** Rings one party for up to `timeoutMs`; true when it answered and is now talking with the caller. */
export async function ringOne(session: CallSession, to: Endpoint, number: string, timeoutMs: number, namePrefix = ''): Promise<boolean> {
  session.facts.originalCalledNumber ||= number;
  let legId: string;
  try {
    legId = await session.originate(to, timeoutMs, namePrefix);
  } catch (error) {
    session.deps.logger.warn({ err: error, callId: session.callId, to }, 'could not ring a routing destination');
    session.facts.calleeReason = 'call-failed';
    return false;
  }
  const outcome = await session.legOutcome(legId);
  session.facts.ringing = false;
  if (outcome.kind === 'ended') {
    if (!session.isOver) session.noteRingFailure(outcome.event);
    return false;
  }
  if (session.isOver) return false;
  // Picked up by a colleague: the caller talks with the phone that picked up.
  if (outcome.kind === 'picked-up') await session.connect(outcome.legId, outcome.number);
  else await session.connect(legId, number);
  return true;
}

/** Rings every member at once; the first to answer is connected and the others are cancelled (not counted as no-answer). */
async function ringAll(session: CallSession, members: readonly string[], timeoutMs: number): Promise<boolean> {
  const legs: Array<{ legId: string; number: string }> = [];
  for (const member of members) {
    session.facts.originalCalledNumber ||= member;
    try {
      legs.push({ legId: await session.originate(endpointOf(session, member), timeoutMs), number: member });
    } catch (error) {
      session.deps.logger.warn({ err: error, callId: session.callId, member }, 'could not ring a ring group member');
    }
  }
  if (legs.length === 0) {
    session.facts.calleeReason = 'call-failed';
    return false;
  }
  const winner = await new Promise<{ legId: string; number: string } | undefined>((resolve) => {
    let pending = legs.length;
    for (const leg of legs) {
      void session.legOutcome(leg.legId).then((outcome) => {
        if (outcome.kind === 'answered') return resolve(leg);
        if (outcome.kind === 'picked-up') return resolve({ legId: outcome.legId, number: outcome.number });
        if (!session.isOver) session.noteRingFailure(outcome.event);
        if (--pending === 0) resolve(undefined);
      });
    }
  });
  session.facts.ringing = false;
  for (const leg of legs) if (leg !== winner) await session.dropLeg(leg.legId, 'LOSE_RACE');
  if (!winner || session.isOver) return false;
  await session.connect(winner.legId, winner.number);
  return true;
}
