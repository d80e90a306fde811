import { describe, expect, it } from 'vitest';
import { IllegalStateError } from '../errors/errors.js';
import { transition, type AgentAction, type AgentState } from './agent-state.js';

const at = 1_000;
const loggedOut: AgentState = { kind: 'logged-out' };
const idle: AgentState = { kind: 'idle', since: 0 };
const reserved: AgentState = { kind: 'reserved', since: 0, groupNumber: '500', callId: 'leg-1' };
const onCall: AgentState = { kind: 'on-call', since: 0, groupNumber: '500', callId: 'leg-1' };
const wrapUp: AgentState = { kind: 'wrap-up', since: 0, until: 30_000, groupNumber: '500' };
const paused: AgentState = { kind: 'paused', since: 0, reason: 'Lunch' };

function refusal(state: AgentState, action: AgentAction): IllegalStateError {
  try {
    transition(state, action, at);
  } catch (error) {
    if (error instanceof IllegalStateError) return error;
    throw error;
  }
  throw new Error(`${state.kind} accepted ${action.type}`);
}

describe('agent state machine', () => {
  it.each<[AgentState, AgentAction, string]>([
    [loggedOut, { type: 'pause', reason: 'Lunch' }, 'An agent who is logged-out cannot pause'],
    [loggedOut, { type: 'reserve', groupNumber: '500', callId: 'leg-1' }, 'An agent who is logged-out cannot reserve'],
    [idle, { type: 'end-wrap-up' }, 'An agent who is idle cannot end wrap-up'],
    [paused, { type: 'end-wrap-up' }, 'An agent who is paused cannot end wrap-up'],
    [idle, { type: 'unpause' }, 'An agent who is idle cannot unpause'],
    [idle, { type: 'hold' }, 'An agent who is idle cannot hold'],
    [reserved, { type: 'reserve', groupNumber: '501', callId: 'leg-2' }, 'An agent who is reserved cannot reserve'],
    [reserved, { type: 'logout' }, 'An agent who is reserved cannot logout'],
    [onCall, { type: 'pause', reason: 'Lunch' }, 'An agent who is on-call cannot pause'],
    [onCall, { type: 'answer', groupNumber: '501', callId: 'leg-2' }, 'An agent who is on-call cannot answer'],
    [wrapUp, { type: 'reserve', groupNumber: '501', callId: 'leg-2' }, 'An agent who is wrap-up cannot reserve'],
  ])('refuses %j + %j with a clear IllegalStateError', (state, action, message) => {
    const error = refusal(state, action);
    expect(error.code).toBe('ILLEGAL_STATE');
    expect(error.message).toBe(message);
    expect(error.details).toEqual({ state: state.kind, action: action.type });
  });

  it('takes the legal path of a queue call: idle → ringing → on call → wrap-up → idle', () => {
    let state = transition(idle, { type: 'reserve', groupNumber: '500', callId: 'leg-1' }, at);
    state = transition(state, { type: 'answer', groupNumber: '500', callId: 'leg-1' }, at + 1);
    state = transition(state, { type: 'end-call', wrapUpMs: 15_000 }, at + 2);
    expect(state).toEqual({ kind: 'wrap-up', since: at + 2, until: at + 15_002, groupNumber: '500' });
    expect(transition(state, { type: 'end-wrap-up' }, at + 3)).toEqual({ kind: 'idle', since: at + 3 });
  });
});
