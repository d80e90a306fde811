import { DateTime } from 'luxon';
import type { CallHangupEvent } from '../media/media-events.js';
import { sipDescription, type CallDetailRecord, type CallType, type HangupParty, type HangupReason } from './cdr.js';
import type { CallerIdentity } from './caller-number.js';

/** What a call session learns while the call lives; the CDR is built from it once the caller is gone. */
export interface SessionFacts {
  callType: CallType;
  startedAt: number;
  originalAccessNumber: string;
  accessNumber: string;
  didId: string | null;
  didName: string | null;
  customerPackageId: string | null;
  /** When the caller's leg was first answered (by the system or a person). */
  answeredAt: number | null;
  /** When a person (agent, extension, outside number) started talking with the caller. */
  talkStartedAt: number | null;
  originalCalledNumber: string;
  calledNumber: string;
  agentNumber: string | null;
  groupNumber: string | null;
  department: string | null;
  route: string[];
  dtmf: string;
  holdCount: number;
  holdMs: number;
  heldSince: number | null;
  transferType: 'blind' | 'attended' | null;
  transferredTo: string | null;
  /** Set by a rule that ends the call: blacklist, no route, hop limit. */
  systemReason: HangupReason | null;
  /** The last queue outcome that ended a caller's wait without an agent. */
  queueReason: HangupReason | null;
  /** Why the last party rung did not answer. */
  calleeReason: HangupReason | null;
  calleeSipCode: number | null;
  /** A leg was ringing for the caller when the call ended. */
  ringing: boolean;
  /** The person the caller talked with hung up first. */
  endedByCallee: boolean;
}

export function newFacts(init: Pick<SessionFacts, 'callType' | 'startedAt' | 'originalAccessNumber' | 'accessNumber'>): SessionFacts {
  // Listed field by field (no spread): one object shape for every session, built without a copy loop.
  return {
    callType: init.callType,
    startedAt: init.startedAt,
    originalAccessNumber: init.originalAccessNumber,
    accessNumber: init.accessNumber,
    didId: null,
    didName: null,
    customerPackageId: null,
    answeredAt: null,
    talkStartedAt: null,
    originalCalledNumber: '',
    calledNumber: '',
    agentNumber: null,
    groupNumber: null,
    department: null,
    route: [],
    dtmf: '',
    holdCount: 0,
    holdMs: 0,
    heldSince: null,
    transferType: null,
    transferredTo: null,
    systemReason: null,
    queueReason: null,
    calleeReason: null,
    calleeSipCode: null,
    ringing: false,
    endedByCallee: false,
  };
}

/**
 * The hang-up reason, in the order that explains a call best: a rule that refused it, a
 * conversation that happened, how the queue let it go, why the party rung did not answer,
 * the caller giving up while something rang, and last a call only the system answered.
 */
export function hangupReasonOf(facts: SessionFacts): HangupReason {
  if (facts.systemReason === 'blacklist') return 'blacklist';
  if (facts.talkStartedAt !== null) return 'connected';
  if (facts.systemReason !== null) return facts.systemReason;
  if (facts.queueReason !== null) return facts.queueReason;
  if (facts.ringing) return 'caller-abandoned';
  if (facts.calleeReason !== null) return facts.calleeReason;
  return facts.answeredAt !== null ? 'connected' : 'caller-abandoned';
}

export function buildCdr(input: {
  id: string;
  tenantId: string;
  callId: string;
  caller: CallerIdentity;
  facts: SessionFacts;
  hangup: CallHangupEvent | undefined;
  endedAt: number;
  timeZone: string;
  isHoliday: (isoDate: string) => boolean;
}): CallDetailRecord {
  const { facts, hangup, endedAt } = input;
  const started = DateTime.fromMillis(facts.startedAt, { zone: input.timeZone });
  const holdMs = facts.holdMs + (facts.heldSince !== null ? endedAt - facts.heldSince : 0);
  const talkStart = facts.talkStartedAt;
  const party: HangupParty = hangup?.side === 'remote' ? 'caller' : facts.endedByCallee ? 'callee' : 'system';
  const sipCode = talkStart !== null ? 200 : (facts.calleeSipCode ?? hangup?.sipCode ?? null);
  return {
    id: input.id,
    tenantId: input.tenantId,
    callId: input.callId,
    callType: facts.callType,
    direction: facts.callType === 'outbound' ? 'outbound' : 'inbound',
    originalCallerNumber: input.caller.originalNumber,
    originalCallerName: input.caller.originalName,
    callerNumber: input.caller.number,
    callerName: input.caller.name,
    originalAccessNumber: facts.originalAccessNumber,
    accessNumber: facts.accessNumber,
    originalCalledNumber: facts.originalCalledNumber,
    calledNumber: facts.calledNumber,
    didId: facts.didId,
    didName: facts.didName,
    agentNumber: facts.agentNumber,
    groupNumber: facts.groupNumber,
    department: facts.department,
    taskId: null,
    customerPackageId: facts.customerPackageId,
    weekday: started.weekday,
    holiday: input.isHoliday(started.toISODate() ?? ''),
    hour: started.hour,
    startedAt: facts.startedAt,
    answeredAt: facts.answeredAt,
    endedAt,
    ringMs: (talkStart ?? endedAt) - facts.startedAt,
    talkMs: talkStart !== null ? endedAt - talkStart : 0,
    totalMs: endedAt - facts.startedAt,
    holdCount: facts.holdCount,
    holdMs,
    dtmfInput: facts.dtmf.slice(0, 200),
    transferType: facts.transferType,
    transferredTo: facts.transferredTo,
    hangupReason: hangupReasonOf(facts),
    hangupParty: party,
    sipCode,
    sipDescription: sipDescription(sipCode),
    route: facts.route,
  };
}
