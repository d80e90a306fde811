import { HANGUP_CAUSES, hangupCauseFromQ850, type CallDirection, type CallHangupEvent, type HangupCause, type HangupSide } from '@switchboard/core';

/** What a vendor hang-up becomes in core's `call.hangup`. */
export type HangupInfo = Pick<CallHangupEvent, 'cause' | 'q850' | 'sipCode' | 'side'>;

/** The fields of ARI's ChannelDestroyed event this mapping reads. */
export interface AriHangupEvent {
  /** Q.850 cause (Asterisk's AST_CAUSE_*; 0 = not defined). */
  cause: number;
  cause_txt?: string;
  /** The SIP status of an off-nominal end (chan_pjsip, Asterisk releases after Oct 2025); absent otherwise. */
  tech_cause?: number;
}

/** What the adapter knew about the channel when it was destroyed. */
export interface AriHangupContext {
  direction: CallDirection;
  /**
   * The first ChannelHangupRequest seen for the channel. `soft: true` comes
   * from ast_softhangup (an ARI DELETE, AMI, CLI, a transfer, a timeout): the
   * switch ended it. Without `soft` it was queued by the channel driver: the
   * far end sent BYE / CANCEL / a final error.
   */
  hangupRequest?: { cause?: number; soft?: boolean; tech_cause?: number };
  /** The cause the adapter asked for in its accepted `DELETE /channels/{id}`, if it hung the channel up. */
  requestedCause?: HangupCause;
  /** `dialstatus` of the last Dial event for the channel (ANSWER, BUSY, CONGESTION, CHANUNAVAIL, NOANSWER, CANCEL…). */
  dialstatus?: string;
  /** Whether the channel was ever Up. */
  answered?: boolean;
  /** `CHANNEL(hangupsource)` when the adapter has it (ari.conf `channelvars`), and the channel's own name. */
  hangupSource?: string;
  channelName?: string;
}

const DIALSTATUS_CAUSE: Partial<Record<string, number>> = { BUSY: 17, CONGESTION: 34, CHANUNAVAIL: 44, NOANSWER: 19 };
const REMOTE_DIALSTATUS = new Set(['BUSY', 'CONGESTION', 'CHANUNAVAIL']);
const REMOTE_CAUSES = new Set<HangupCause>(['USER_BUSY', 'CALL_REJECTED', 'UNALLOCATED_NUMBER', 'SUBSCRIBER_ABSENT', 'NO_USER_RESPONSE', 'INVALID_NUMBER_FORMAT', 'NUMBER_CHANGED']);

/**
 * The response chan_pjsip sends when Asterisk refuses an inbound INVITE with a
 * cause (its hangup_cause2sip; a cause it does not list gives 0, and
 * ast_sip_session_terminate then sends 603).
 */
const PJSIP_REFUSAL: Partial<Record<number, number>> = {
  23: 302,
  1: 404,
  2: 404,
  3: 404,
  34: 503,
  42: 503,
  18: 408,
  19: 480,
  20: 480,
  21: 403,
  22: 410,
  31: 480,
  28: 484,
  17: 486,
  38: 500,
  29: 501,
  66: 503,
  27: 502,
  58: 488,
  127: 500,
};

/** An Asterisk cause number → core cause (ANSWERED_ELSEWHERE 26 → LOSE_RACE; unknown values by Q.850 class). */
export function causeFromAsterisk(code: number): HangupCause {
  return hangupCauseFromQ850(code);
}

/**
 * ARI ChannelDestroyed (+ what the adapter saw before it) → core's hang-up
 * cause, Q.850 code, SIP status and side.
 *
 * side, first rule that applies:
 * 1. the first ChannelHangupRequest: `soft` → local, otherwise → remote;
 * 2. the adapter's own accepted DELETE → local;
 * 3. Dial `dialstatus` BUSY / CONGESTION / CHANUNAVAIL → remote;
 * 4. an outbound leg destroyed with NO_ANSWER and no request → local (ast_dial's
 *    originate timeout hangs up without a request);
 * 5. `CHANNEL(hangupsource)`: the channel's own name → remote (chan_pjsip sets
 *    it when the far end ends the session), anything else → local;
 * 6. a cause only the far end gives (busy, rejected, unallocated …) → remote, else unknown.
 *
 * sipCode: `tech_cause` when present; 200 for an answered leg; 487 for an
 * unanswered outbound leg we ended (CANCEL); for an inbound leg we refused,
 * the response chan_pjsip sends for the cause; otherwise unknown.
 */
export function hangupFromAri(event: AriHangupEvent, context: AriHangupContext): HangupInfo {
  const request = context.hangupRequest;
  let code = Number.isInteger(event.cause) ? event.cause : 0;
  // ast_dial ends the originated channel without a cause when the callee only indicated busy or congestion
  // (Busy(), Congestion(), a Local channel's far half): the Dial status says what happened.
  if (code === 0 && context.dialstatus !== undefined) code = DIALSTATUS_CAUSE[context.dialstatus.toUpperCase()] ?? 0;

  let side: HangupSide = 'unknown';
  if (request !== undefined) side = request.soft ? 'local' : 'remote';
  else if (context.requestedCause !== undefined) side = 'local';
  else if (context.dialstatus !== undefined && REMOTE_DIALSTATUS.has(context.dialstatus.toUpperCase())) side = 'remote';
  else if (code === 19 && context.direction === 'outbound') side = 'local';
  else if (context.hangupSource) side = context.channelName !== undefined && context.hangupSource === context.channelName ? 'remote' : 'local';

  let cause: HangupCause;
  let q850: number;
  if (side === 'local' && context.requestedCause !== undefined) {
    // Report the cause core asked for (MANAGER_REQUEST, LOSE_RACE … have no Q.850 number of their own).
    cause = context.requestedCause;
    q850 = HANGUP_CAUSES[cause].q850;
  } else {
    cause = causeFromAsterisk(code);
    q850 = code > 0 && code <= 127 ? code : HANGUP_CAUSES[cause].q850;
  }
  if (side === 'unknown' && REMOTE_CAUSES.has(cause)) side = 'remote';
  // A caller who gives up before we answer is a cancel on every server: Asterisk reports it
  // as a normal clearing (16), FreeSWITCH and the simulator as ORIGINATOR_CANCEL.
  if (context.direction === 'inbound' && !context.answered && side === 'remote' && cause === 'NORMAL_CLEARING') {
    cause = 'ORIGINATOR_CANCEL';
    q850 = HANGUP_CAUSES.ORIGINATOR_CANCEL.q850;
  }

  const tech = event.tech_cause ?? request?.tech_cause;
  let sipCode: number | undefined;
  if (tech !== undefined && tech >= 100) sipCode = tech;
  else if (context.answered) sipCode = 200;
  else if (side === 'local' && context.direction === 'outbound') sipCode = 487;
  else if (side === 'local' && context.direction === 'inbound') sipCode = PJSIP_REFUSAL[code] ?? 603;

  return { cause, q850, sipCode, side };
}

/**
 * The `reason_code` for `DELETE /channels/{id}` that makes Asterisk end the
 * channel with a core cause: the cause's own Q.850 code, or the nearest one
 * for causes that have none (ANSWERED_ELSEWHERE 26 for a lost race or a pickup,
 * so chan_pjsip says "Call completed elsewhere").
 */
export function ariHangupReasonCode(cause: HangupCause): number {
  switch (cause) {
    case 'LOSE_RACE':
    case 'PICKED_OFF':
      return 26;
    case 'ORIGINATOR_CANCEL':
    case 'MANAGER_REQUEST':
    case 'ALLOTTED_TIMEOUT':
      return 16;
    case 'USER_NOT_REGISTERED':
      return 20;
    case 'MEDIA_TIMEOUT':
    case 'SYSTEM_SHUTDOWN':
      return 41;
    default:
      return HANGUP_CAUSES[cause].q850;
  }
}
