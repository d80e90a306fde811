/**
 * What the ACD writes down: agent events (manual §3.14.2) and the queue log, whose event
 * names and fields are Asterisk's `queue_log`, so existing reporting tools read it.
 */

export const agentEventTypes = [
  'logged-in',
  'logged-out',
  'checked-in',
  'checked-out',
  'idle',
  'reserved',
  'on-call',
  'on-hold',
  'wrap-up',
  'paused',
  'busy',
  'dnd-on',
  'dnd-off',
  'ring-no-answer',
  /** The agent dialled out from the phone and was refused (click-to-call only). */
  'dial-refused',
] as const;
export type AgentEventType = (typeof agentEventTypes)[number];

/** Who caused an agent event: the agent (web or phone), a supervisor, or the system (timers, calls). */
export type Initiator = { kind: 'agent'; via: 'web' | 'phone' } | { kind: 'supervisor'; userId: string } | { kind: 'system' };

export interface AgentEvent {
  id: string;
  tenantId: string;
  at: number;
  agentNumber: string;
  /** The group it happened in, when it belongs to one (check-in, a queue call). */
  groupNumber: string | null;
  event: AgentEventType;
  /** `agent:web`, `agent:phone`, `supervisor:<userId>` or `system`. */
  initiator: string;
  /** Why: a pause reason, `auto-pause`, `queue call`, `wrap-up ended` … */
  cause: string | null;
}

export const queueLogEventNames = [
  'ENTERQUEUE',
  'CONNECT',
  'ABANDON',
  'EXITWITHTIMEOUT',
  'EXITEMPTY',
  'EXITWITHKEY',
  'COMPLETECALLER',
  'COMPLETEAGENT',
  'RINGNOANSWER',
  'RINGCANCELED',
  'BLINDTRANSFER',
  'ATTENDEDTRANSFER',
  'PAUSE',
  'UNPAUSE',
  'ADDMEMBER',
  'REMOVEMEMBER',
  'AGENTLOGIN',
  'AGENTLOGOFF',
  // Asterisk writes these when a caller cannot join; they end a call that never entered.
  'FULL',
  'JOINEMPTY',
  'JOINUNAVAIL',
] as const;
export type QueueLogEventName = (typeof queueLogEventNames)[number];

export interface QueueLogEntry {
  id: string;
  tenantId: string;
  /** Epoch ms (the file export writes seconds, as Asterisk does). */
  at: number;
  /** The caller's call id, or `NONE` for member events. */
  callId: string;
  /** The group number, or `NONE`. */
  queue: string;
  /** The agent number, or `NONE`. */
  agent: string;
  event: QueueLogEventName;
  /** data1…data5 as Asterisk defines them per event. */
  data: string[];
}

/** One line of an Asterisk `queue_log` file: `epoch|callid|queue|agent|event|data1|…`. */
export function formatQueueLogLine(entry: Pick<QueueLogEntry, 'at' | 'callId' | 'queue' | 'agent' | 'event' | 'data'>): string {
  const clean = (value: string) => value.replace(/[|\r\n]/g, ' ');
  return [String(Math.floor(entry.at / 1000)), entry.callId, entry.queue, entry.agent, entry.event, ...entry.data].map(clean).join('|');
}
