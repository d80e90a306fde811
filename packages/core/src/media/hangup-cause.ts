/**
 * Hang-up causes are ITU-T Q.850 cause names, as FreeSWITCH spells them
 * (Asterisk reports the same causes by number). Core records the cause, its
 * code and the SIP status, and later maps them to the manual's hang-up reasons
 * for CDRs. Codes 1–127 are Q.850's; the switch-only causes (above 127) carry
 * FreeSWITCH's own numbers (switch_types.h), so a code read off the wire from
 * either vendor means the same thing here.
 */
export const HANGUP_CAUSES = {
  UNALLOCATED_NUMBER: { q850: 1, sip: 404 },
  NO_ROUTE_TRANSIT_NET: { q850: 2, sip: 404 },
  NO_ROUTE_DESTINATION: { q850: 3, sip: 404 },
  NORMAL_CLEARING: { q850: 16, sip: 200 },
  USER_BUSY: { q850: 17, sip: 486 },
  NO_USER_RESPONSE: { q850: 18, sip: 408 },
  NO_ANSWER: { q850: 19, sip: 480 },
  SUBSCRIBER_ABSENT: { q850: 20, sip: 480 },
  CALL_REJECTED: { q850: 21, sip: 603 },
  NUMBER_CHANGED: { q850: 22, sip: 410 },
  REDIRECTION_TO_NEW_DESTINATION: { q850: 23, sip: 410 },
  DESTINATION_OUT_OF_ORDER: { q850: 27, sip: 502 },
  INVALID_NUMBER_FORMAT: { q850: 28, sip: 484 },
  FACILITY_REJECTED: { q850: 29, sip: 501 },
  NORMAL_UNSPECIFIED: { q850: 31, sip: 480 },
  NORMAL_CIRCUIT_CONGESTION: { q850: 34, sip: 503 },
  NETWORK_OUT_OF_ORDER: { q850: 38, sip: 502 },
  NORMAL_TEMPORARY_FAILURE: { q850: 41, sip: 503 },
  SWITCH_CONGESTION: { q850: 42, sip: 503 },
  REQUESTED_CHAN_UNAVAIL: { q850: 44, sip: 503 },
  BEARERCAPABILITY_NOTAVAIL: { q850: 58, sip: 488 },
  INCOMPATIBLE_DESTINATION: { q850: 88, sip: 488 },
  RECOVERY_ON_TIMER_EXPIRE: { q850: 102, sip: 504 },
  INTERWORKING: { q850: 127, sip: 500 },
  /** The caller gave up before the call was answered (SIP CANCEL). */
  ORIGINATOR_CANCEL: { q850: 487, sip: 487 },
  /** The channel was hung up by a command (ours or an operator's). */
  MANAGER_REQUEST: { q850: 703, sip: 200 },
  /** Another leg of a ring-all answered first. */
  LOSE_RACE: { q850: 702, sip: 487 },
  /** Another phone picked the call up. */
  PICKED_OFF: { q850: 805, sip: 487 },
  USER_NOT_REGISTERED: { q850: 806, sip: 480 },
  MEDIA_TIMEOUT: { q850: 804, sip: 408 },
  ALLOTTED_TIMEOUT: { q850: 802, sip: 200 },
  SYSTEM_SHUTDOWN: { q850: 701, sip: 503 },
  /** Ringing (no answer, no progress) lasted longer than the switch allows. */
  PROGRESS_TIMEOUT: { q850: 807, sip: 408 },
} as const satisfies Record<string, { q850: number; sip: number }>;

export type HangupCause = keyof typeof HANGUP_CAUSES;

export const HANGUP_CAUSE_NAMES = Object.keys(HANGUP_CAUSES) as HangupCause[];

export function isHangupCause(value: string): value is HangupCause {
  return Object.hasOwn(HANGUP_CAUSES, value);
}

const GENUINE_Q850 = new Map<number, HangupCause>();
for (const name of HANGUP_CAUSE_NAMES) {
  const code = HANGUP_CAUSES[name].q850;
  if (code >= 1 && code <= 127 && !GENUINE_Q850.has(code)) GENUINE_Q850.set(code, name);
}

/**
 * A Q.850 code read off the wire (Asterisk's `cause`, FreeSWITCH's
 * `hangup_cause_q850`) → the cause: the exact one when core names it, else the
 * cause standing for the code's class (Q.850 §2.2.7.2: an unknown value is
 * treated like the "unspecified" value of its class). Codes above 127 are only
 * matched as the switch-only causes they number.
 */
export function hangupCauseFromQ850(code: number): HangupCause {
  const exact = GENUINE_Q850.get(code);
  if (exact) return exact;
  if (code === 26) return 'LOSE_RACE'; // "non-selected user clearing": answered elsewhere
  if (code > 127) return HANGUP_CAUSE_NAMES.find((name) => HANGUP_CAUSES[name].q850 === code) ?? 'NORMAL_UNSPECIFIED';
  if (code <= 0 || code < 32) return 'NORMAL_UNSPECIFIED';
  if (code < 48) return 'NORMAL_TEMPORARY_FAILURE';
  if (code < 80) return 'FACILITY_REJECTED';
  return 'INTERWORKING';
}

/**
 * SIP final response → cause, per RFC 3398 §8.2.6.1 (the mapping both
 * FreeSWITCH and Asterisk follow), for when only the SIP status is known.
 */
export function hangupCauseFromSipStatus(status: number): HangupCause {
  switch (status) {
    case 200:
      return 'NORMAL_CLEARING';
    case 401:
    case 402:
    case 403:
    case 407:
    case 603:
      return 'CALL_REJECTED';
    case 404:
    case 485:
    case 604:
      return 'UNALLOCATED_NUMBER';
    case 408:
    case 504:
      return 'RECOVERY_ON_TIMER_EXPIRE';
    case 410:
      return 'NUMBER_CHANGED';
    case 480:
      return 'NO_USER_RESPONSE';
    case 484:
      return 'INVALID_NUMBER_FORMAT';
    case 486:
    case 600:
      return 'USER_BUSY';
    case 487:
      return 'ORIGINATOR_CANCEL';
    case 488:
    case 606:
      return 'INCOMPATIBLE_DESTINATION';
    case 502:
      return 'NETWORK_OUT_OF_ORDER';
    case 503:
      return 'NORMAL_TEMPORARY_FAILURE';
    case 501:
      return 'FACILITY_REJECTED';
    default:
      if (status >= 500) return 'INTERWORKING';
      return 'NORMAL_UNSPECIFIED';
  }
}
