import { match } from 'ts-pattern';
import { IllegalStateError } from '../errors/errors.js';

/**
 * An agent's state: an explicit union, and the only way to change it is `transition`,
 * which matches every (state, action) pair and throws on an illegal one.
 *
 *   logged-out ──login──▶ idle ◀──────────── unpause / clear-busy / wrap-up ends
 *                          │ reserve                      ▲
 *                          ▼                              │
 *                       reserved ──ring-ended──▶ idle     │
 *                          │ answer                       │
 *                          ▼                              │
 *                  on-call ⇄ on-hold ──end-call──▶ wrap-up
 *   idle | wrap-up ──pause──▶ paused;  ──set-busy──▶ busy (a supervisor)
 *
 * Check-in to groups and DND are kept beside the state (an agent is checked in to several
 * groups at once, whatever the state); availability for a group is
 * `state idle ∧ ¬dnd ∧ checked in ∧ enabled ∧ no call on the phone`.
 */
export type AgentState =
  | { kind: 'logged-out' }
  | { kind: 'idle'; since: number }
  /** Ringing: for a queue call of `groupNumber`, or (null) a call no queue made ringing on the agent's phone. */
  | { kind: 'reserved'; since: number; groupNumber: string | null; callId: string }
  | { kind: 'on-call'; since: number; groupNumber: string | null; callId: string }
  | { kind: 'on-hold'; since: number; groupNumber: string | null; callId: string }
  | { kind: 'wrap-up'; since: number; until: number; groupNumber: string | null }
  | { kind: 'paused'; since: number; reason: string }
  | { kind: 'busy'; since: number; by: string };

export type AgentStateKind = AgentState['kind'];

export type AgentAction =
  | { type: 'login' }
  | { type: 'logout' }
  | { type: 'reserve'; groupNumber: string | null; callId: string }
  /** The offer ended without the agent taking the call (no answer, rejected, cancelled). */
  | { type: 'ring-ended' }
  | { type: 'answer'; groupNumber: string | null; callId: string }
  | { type: 'hold' }
  | { type: 'unhold' }
  /** The call ended: wrap-up for `wrapUpMs` (0: straight to idle). */
  | { type: 'end-call'; wrapUpMs: number }
  | { type: 'end-wrap-up' }
  | { type: 'pause'; reason: string }
  | { type: 'unpause' }
  | { type: 'set-busy'; by: string }
  | { type: 'clear-busy' };

function illegal(state: AgentState, action: AgentAction): never {
  throw new IllegalStateError(`An agent who is ${state.kind} cannot ${action.type.replace('-', ' ')}`, { details: { state: state.kind, action: action.type } });
}

export function transition(state: AgentState, action: AgentAction, now: number): AgentState {
  const idle: AgentState = { kind: 'idle', since: now };
  // Every state is matched exhaustively; within a state the legal actions are listed and
  // any other action is illegal.
  return match(state)
    .returnType<AgentState>()
    .with({ kind: 'logged-out' }, (s) =>
      match(action)
        .returnType<AgentState>()
        .with({ type: 'login' }, () => idle)
        .with({ type: 'logout' }, () => s)
        .otherwise(() => illegal(s, action)),
    )
    .with({ kind: 'idle' }, (s) =>
      match(action)
        .returnType<AgentState>()
        .with({ type: 'logout' }, () => ({ kind: 'logged-out' }))
        .with({ type: 'reserve' }, (a) => ({ kind: 'reserved', since: now, groupNumber: a.groupNumber, callId: a.callId }))
        .with({ type: 'answer' }, (a) => onCall(a, now))
        .with({ type: 'pause' }, (a) => ({ kind: 'paused', since: now, reason: a.reason }))
        .with({ type: 'set-busy' }, (a) => ({ kind: 'busy', since: now, by: a.by }))
        .otherwise(() => illegal(s, action)),
    )
    .with({ kind: 'reserved' }, (s) =>
      match(action)
        .returnType<AgentState>()
        .with({ type: 'ring-ended' }, () => idle)
        .with({ type: 'answer' }, (a) => onCall(a, now))
        .otherwise(() => illegal(s, action)),
    )
    .with({ kind: 'on-call' }, (s) =>
      match(action)
        .returnType<AgentState>()
        .with({ type: 'hold' }, () => ({ kind: 'on-hold', since: now, groupNumber: s.groupNumber, callId: s.callId }))
        .with({ type: 'end-call' }, (a) => afterCall(s.groupNumber, a.wrapUpMs, now))
        .otherwise(() => illegal(s, action)),
    )
    .with({ kind: 'on-hold' }, (s) =>
      match(action)
        .returnType<AgentState>()
        .with({ type: 'unhold' }, () => ({ kind: 'on-call', since: now, groupNumber: s.groupNumber, callId: s.callId }))
        .with({ type: 'end-call' }, (a) => afterCall(s.groupNumber, a.wrapUpMs, now))
        .otherwise(() => illegal(s, action)),
    )
    .with({ kind: 'wrap-up' }, (s) =>
      match(action)
        .returnType<AgentState>()
        .with({ type: 'end-wrap-up' }, () => idle)
        .with({ type: 'logout' }, () => ({ kind: 'logged-out' }))
        .with({ type: 'answer' }, (a) => onCall(a, now))
        .with({ type: 'pause' }, (a) => ({ kind: 'paused', since: now, reason: a.reason }))
        .with({ type: 'set-busy' }, (a) => ({ kind: 'busy', since: now, by: a.by }))
        .otherwise(() => illegal(s, action)),
    )
    .with({ kind: 'paused' }, (s) =>
      match(action)
        .returnType<AgentState>()
        .with({ type: 'unpause' }, () => idle)
        .with({ type: 'logout' }, () => ({ kind: 'logged-out' }))
        .with({ type: 'answer' }, (a) => onCall(a, now))
        .with({ type: 'pause' }, (a) => ({ kind: 'paused', since: now, reason: a.reason }))
        .with({ type: 'set-busy' }, (a) => ({ kind: 'busy', since: now, by: a.by }))
        .otherwise(() => illegal(s, action)),
    )
    .with({ kind: 'busy' }, (s) =>
      match(action)
        .returnType<AgentState>()
        .with({ type: 'clear-busy' }, () => idle)
        .with({ type: 'logout' }, () => ({ kind: 'logged-out' }))
        .with({ type: 'answer' }, (a) => onCall(a, now))
        .with({ type: 'pause' }, (a) => ({ kind: 'paused', since: now, reason: a.reason }))
        .with({ type: 'set-busy' }, (a) => ({ kind: 'busy', since: now, by: a.by }))
        .otherwise(() => illegal(s, action)),
    )
    .exhaustive();
}

/** A call the agent makes or takes outside the queue (paused, busy or in wrap-up) still puts them on a call. */
function onCall(action: { groupNumber: string | null; callId: string }, now: number): AgentState {
  return { kind: 'on-call', since: now, groupNumber: action.groupNumber, callId: action.callId };
}

function afterCall(groupNumber: string | null, wrapUpMs: number, now: number): AgentState {
  return wrapUpMs > 0 ? { kind: 'wrap-up', since: now, until: now + wrapUpMs, groupNumber } : { kind: 'idle', since: now };
}

/** States in which the agent has a call (ringing or connected). */
export function hasCall(state: AgentState): state is Extract<AgentState, { callId: string }> {
  return state.kind === 'reserved' || state.kind === 'on-call' || state.kind === 'on-hold';
}
