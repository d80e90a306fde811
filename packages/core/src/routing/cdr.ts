import type { HangupCause } from '../media/hangup-cause.js';

/** The manual's call types (§3.3.4 3.1), in its order. */
export const callTypes = [
  'inbound',
  'outbound',
  'callback', // "call on both ends"
  'pre-dial',
  'internal',
  'voice-notification',
  'play-and-collect',
  'barge',
  'whisper',
  'monitor',
  'pickup',
  'park',
  'call-forwarding',
] as const;
export type CallType = (typeof callTypes)[number];

/** The manual's hang-up reasons (§3.3.4 3.2) that a call can have here; the operator-specific ones are not produced. */
export const hangupReasons = [
  'connected',
  'no-answer', // called an agent or extension that is not online
  'call-failed',
  'blacklist',
  'call-limit',
  'busy', // "Called": the callee was on a call or refused
  'rejected', // "Called denied"
  'caller-abandoned', // the caller hung up before anyone answered
  'call-timeout', // rang an online agent or extension until the timeout
  'queue-abandoned', // "queue waiting to exit"
  'queue-timeout',
  'queue-empty-refused', // "empty queue prohibition"
  'queue-empty-overflow',
  'queue-full-overflow', // "quantity queue overflow"
  'queue-no-agent', // "queue no available agent exit"
  'other',
] as const;
export type HangupReason = (typeof hangupReasons)[number];

/** Who ended the call: the caller, the called side, or the system (a timeout, a rule, the hop limit). */
export type HangupParty = 'caller' | 'callee' | 'system';

/** One call's record (§3.3.4), written once when the call ends. Times are epoch ms; durations ms. */
export interface CallDetailRecord {
  id: string;
  tenantId: string;
  /** The call's unique identifier: the caller leg's id. */
  callId: string;
  callType: CallType;
  direction: 'inbound' | 'outbound';
  originalCallerNumber: string;
  originalCallerName: string;
  /** As shown to the agent, with every prefix the route put in front. */
  callerNumber: string;
  callerName: string;
  /** The number dialled, as it arrived. */
  originalAccessNumber: string;
  /** The number dialled, normalised (the DID's key). */
  accessNumber: string;
  /** The first party the call was sent to ring (agent number, extension, outside number); '' if none. */
  originalCalledNumber: string;
  /** The party that answered in the end; '' if nobody did. */
  calledNumber: string;
  didId: string | null;
  didName: string | null;
  agentNumber: string | null;
  groupNumber: string | null;
  department: string | null;
  taskId: string | null;
  customerPackageId: string | null;
  /** ISO weekday in the tenant's zone, 1 Monday … 7 Sunday. */
  weekday: number;
  holiday: boolean;
  /** The hour the call started in (18:20 → 18), tenant zone. */
  hour: number;
  startedAt: number;
  answeredAt: number | null;
  endedAt: number;
  /** Until a person answered (or the call ended unanswered). */
  ringMs: number;
  /** Talking with a person: from their answer to the end. */
  talkMs: number;
  totalMs: number;
  holdCount: number;
  holdMs: number;
  /** Every key the caller pressed in menus, in order. */
  dtmfInput: string;
  transferType: 'blind' | 'attended' | null;
  transferredTo: string | null;
  hangupReason: HangupReason;
  hangupParty: HangupParty;
  sipCode: number | null;
  sipDescription: string | null;
  /** The destinations the call passed through, in order (`ivr:…`, `agent-group:600` …). */
  route: string[];
}

const SIP_DESCRIPTIONS: Record<number, string> = {
  200: 'OK',
  403: 'Forbidden',
  404: 'Not Found',
  408: 'Request Timeout',
  480: 'Temporarily Unavailable',
  486: 'Busy Here',
  487: 'Request Terminated',
  488: 'Not Acceptable Here',
  500: 'Server Internal Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  600: 'Busy Everywhere',
  603: 'Decline',
  604: 'Does Not Exist Anywhere',
};

export function sipDescription(code: number | null | undefined): string | null {
  if (code === null || code === undefined) return null;
  return SIP_DESCRIPTIONS[code] ?? (code >= 200 && code < 300 ? 'OK' : `SIP ${code}`);
}

/** What a callee leg's hang-up cause says about why nobody talked. */
export function unansweredReason(cause: HangupCause): HangupReason {
  switch (cause) {
    case 'USER_BUSY':
      return 'busy';
    case 'CALL_REJECTED':
      return 'rejected';
    case 'NO_ANSWER':
    case 'NO_USER_RESPONSE':
    case 'ORIGINATOR_CANCEL':
      return 'call-timeout';
    case 'USER_NOT_REGISTERED':
    case 'SUBSCRIBER_ABSENT':
      return 'no-answer';
    default:
      return 'call-failed';
  }
}
