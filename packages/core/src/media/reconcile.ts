import type { CallSnapshot } from './media-adapter.js';
import type { CallId } from './media-events.js';

/** What an adapter knew of a leg before the connection dropped. */
export interface KnownLeg {
  callId: CallId;
  answered: boolean;
}

export interface Reconciliation {
  /** Legs the adapter knew that the server no longer has: they ended while we were away. */
  ended: CallId[];
  /** Legs that were answered while we were away. */
  answered: CallId[];
  /** Legs still up, as the server reports them. */
  live: CallSnapshot[];
}

/**
 * Compares the legs an adapter was tracking with the server's list after a
 * reconnect. The adapter then emits the missing `call.hangup` / `call.answered`
 * events, so engines see every call end exactly once, connection or not.
 */
export function reconcileCalls(known: Iterable<KnownLeg>, live: CallSnapshot[]): Reconciliation {
  const byId = new Map(live.map((snapshot) => [snapshot.callId, snapshot]));
  const ended: CallId[] = [];
  const answered: CallId[] = [];
  for (const leg of known) {
    const now = byId.get(leg.callId);
    if (!now) ended.push(leg.callId);
    else if (!leg.answered && now.state === 'answered') answered.push(leg.callId);
  }
  return { ended, answered, live };
}
