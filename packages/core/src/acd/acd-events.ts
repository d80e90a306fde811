import type { AgentState } from './agent-state.js';
import type { AgentEvent, QueueLogEntry } from './records.js';

export interface AgentStateChange {
  tenantId: string;
  agentNumber: string;
  state: AgentState;
  previous: AgentState;
  dnd: boolean;
  at: number;
}

export interface MembershipChange {
  tenantId: string;
  agentNumber: string;
  groupNumber: string;
  checkedIn: boolean;
  at: number;
}

/** How a caller's time in a queue ended: exactly one per caller offered to a queue. */
export type QueueOutcome = 'answered' | 'abandoned' | 'timed-out' | 'overflowed' | 'exited-empty' | 'exited-with-key' | 'transferred-away';

export interface QueueCallEnded {
  tenantId: string;
  callId: string;
  groupNumber: string;
  outcome: QueueOutcome;
  waitMs: number;
  at: number;
}

/** The ACD's typed events; the server relays every one to the realtime WebSocket. */
export type AcdEvents = {
  'agent.state': (change: AgentStateChange) => void;
  'agent.membership': (change: MembershipChange) => void;
  /** Every agent event as it is stored (manual §3.14.2). */
  'agent.event': (event: AgentEvent) => void;
  /** Every queue_log line as it is stored. */
  'queue.log': (entry: QueueLogEntry) => void;
  'queue.ended': (ended: QueueCallEnded) => void;
};
