import { HANGUP_CAUSES, hangupCauseFromQ850, isHangupCause, type CallHangupEvent, type HangupCause, type HangupSide } from '@switchboard/core';

/** What a vendor hang-up becomes in core's `call.hangup`. */
export type HangupInfo = Pick<CallHangupEvent, 'cause' | 'q850' | 'sipCode' | 'side'>;

/**
 * FreeSWITCH cause names core has no name for, with FreeSWITCH's own number
 * (switch_types.h `switch_call_cause_t`) and the core cause they become.
 * Names ≤ 127 are Q.850 values and fall to their class; the others are
 * FreeSWITCH's own (700–825).
 */
const FREESWITCH_ONLY: Record<string, { code: number; cause?: HangupCause }> = {
  NONE: { code: 0 },
  CHANNEL_UNACCEPTABLE: { code: 6 },
  CALL_AWARDED_DELIVERED: { code: 7 },
  EXCHANGE_ROUTING_ERROR: { code: 25 },
  RESPONSE_TO_STATUS_ENQUIRY: { code: 30 },
  ACCESS_INFO_DISCARDED: { code: 43 },
  PRE_EMPTED: { code: 45 },
  FACILITY_NOT_SUBSCRIBED: { code: 50 },
  OUTGOING_CALL_BARRED: { code: 52, cause: 'CALL_REJECTED' },
  INCOMING_CALL_BARRED: { code: 54, cause: 'CALL_REJECTED' },
  BEARERCAPABILITY_NOTAUTH: { code: 57, cause: 'BEARERCAPABILITY_NOTAVAIL' },
  SERVICE_UNAVAILABLE: { code: 63 },
  BEARERCAPABILITY_NOTIMPL: { code: 65, cause: 'BEARERCAPABILITY_NOTAVAIL' },
  CHAN_NOT_IMPLEMENTED: { code: 66 },
  FACILITY_NOT_IMPLEMENTED: { code: 69 },
  SERVICE_NOT_IMPLEMENTED: { code: 79 },
  INVALID_CALL_REFERENCE: { code: 81 },
  INVALID_MSG_UNSPECIFIED: { code: 95 },
  MANDATORY_IE_MISSING: { code: 96 },
  MESSAGE_TYPE_NONEXIST: { code: 97 },
  WRONG_MESSAGE: { code: 98 },
  IE_NONEXIST: { code: 99 },
  INVALID_IE_CONTENTS: { code: 100 },
  WRONG_CALL_STATE: { code: 101 },
  MANDATORY_IE_LENGTH_ERROR: { code: 103 },
  PROTOCOL_ERROR: { code: 111 },
  SUCCESS: { code: 142, cause: 'NORMAL_CLEARING' },
  CRASH: { code: 700, cause: 'NORMAL_TEMPORARY_FAILURE' },
  BLIND_TRANSFER: { code: 800, cause: 'NORMAL_CLEARING' },
  ATTENDED_TRANSFER: { code: 801, cause: 'NORMAL_CLEARING' },
  USER_CHALLENGE: { code: 803, cause: 'CALL_REJECTED' },
  INVALID_GATEWAY: { code: 808, cause: 'NO_ROUTE_TRANSIT_NET' },
  GATEWAY_DOWN: { code: 809, cause: 'NETWORK_OUT_OF_ORDER' },
  INVALID_URL: { code: 810, cause: 'INVALID_NUMBER_FORMAT' },
  INVALID_PROFILE: { code: 811, cause: 'NO_ROUTE_TRANSIT_NET' },
  NO_PICKUP: { code: 812, cause: 'NO_ANSWER' },
  SRTP_READ_ERROR: { code: 813, cause: 'NETWORK_OUT_OF_ORDER' },
  BOWOUT: { code: 814, cause: 'NORMAL_CLEARING' },
  BUSY_EVERYWHERE: { code: 815, cause: 'USER_BUSY' },
  DECLINE: { code: 816, cause: 'CALL_REJECTED' },
  DOES_NOT_EXIST_ANYWHERE: { code: 817, cause: 'UNALLOCATED_NUMBER' },
  NOT_ACCEPTABLE: { code: 818, cause: 'INCOMPATIBLE_DESTINATION' },
  UNWANTED: { code: 819, cause: 'CALL_REJECTED' },
  NO_IDENTITY: { code: 820, cause: 'CALL_REJECTED' },
  BAD_IDENTITY_INFO: { code: 821, cause: 'CALL_REJECTED' },
  UNSUPPORTED_CERTIFICATE: { code: 822, cause: 'CALL_REJECTED' },
  INVALID_IDENTITY: { code: 823, cause: 'CALL_REJECTED' },
  STALE_DATE: { code: 824, cause: 'CALL_REJECTED' },
  REJECT_ALL: { code: 825, cause: 'CALL_REJECTED' },
};

/**
 * The final response mod_sofia sends when it refuses an inbound INVITE with a
 * cause (its hangup_cause_to_sip table; anything unlisted is 480). Used for
 * `send_refuse`, where FreeSWITCH records no status variable.
 */
const REFUSAL_STATUS: Partial<Record<string, number>> = {
  UNALLOCATED_NUMBER: 404,
  NO_ROUTE_TRANSIT_NET: 404,
  NO_ROUTE_DESTINATION: 404,
  USER_BUSY: 486,
  NO_USER_RESPONSE: 408,
  NO_ANSWER: 480,
  SUBSCRIBER_ABSENT: 480,
  CALL_REJECTED: 603,
  NUMBER_CHANGED: 410,
  REDIRECTION_TO_NEW_DESTINATION: 410,
  DESTINATION_OUT_OF_ORDER: 502,
  INVALID_PROFILE: 502,
  INVALID_NUMBER_FORMAT: 484,
  INVALID_URL: 484,
  INVALID_GATEWAY: 484,
  FACILITY_REJECTED: 501,
  NORMAL_UNSPECIFIED: 480,
  REQUESTED_CHAN_UNAVAIL: 503,
  NORMAL_CIRCUIT_CONGESTION: 503,
  NETWORK_OUT_OF_ORDER: 503,
  NORMAL_TEMPORARY_FAILURE: 503,
  SWITCH_CONGESTION: 503,
  GATEWAY_DOWN: 503,
  OUTGOING_CALL_BARRED: 403,
  INCOMING_CALL_BARRED: 403,
  BEARERCAPABILITY_NOTAUTH: 403,
  BEARERCAPABILITY_NOTAVAIL: 503,
  BEARERCAPABILITY_NOTIMPL: 488,
  INCOMPATIBLE_DESTINATION: 488,
  FACILITY_NOT_IMPLEMENTED: 501,
  SERVICE_NOT_IMPLEMENTED: 501,
  RECOVERY_ON_TIMER_EXPIRE: 504,
  ORIGINATOR_CANCEL: 487,
  EXCHANGE_ROUTING_ERROR: 483,
  BUSY_EVERYWHERE: 600,
  DECLINE: 603,
  REJECT_ALL: 603,
  DOES_NOT_EXIST_ANYWHERE: 604,
  NOT_ACCEPTABLE: 606,
  UNWANTED: 607,
  NO_IDENTITY: 428,
  BAD_IDENTITY_INFO: 429,
  UNSUPPORTED_CERTIFICATE: 437,
  INVALID_IDENTITY: 438,
  STALE_DATE: 403,
};

/**
 * Who ended the leg, from `sip_hangup_disposition` (mod_sofia sets `recv_*`
 * when the far end sent BYE / CANCEL / a final error, `send_*` when
 * FreeSWITCH did), or from the cause when the leg never had a SIP dialog.
 */
const SIDE_BY_DISPOSITION: Record<string, HangupSide> = {
  recv_bye: 'remote',
  recv_cancel: 'remote',
  recv_refuse: 'remote',
  send_bye: 'local',
  send_cancel: 'local',
  send_refuse: 'local',
};

/** Causes that say by themselves who ended a leg with no SIP disposition. */
const REMOTE_CAUSES = new Set<HangupCause>([
  'USER_BUSY',
  'CALL_REJECTED',
  'UNALLOCATED_NUMBER',
  'USER_NOT_REGISTERED',
  'SUBSCRIBER_ABSENT',
  'NO_USER_RESPONSE',
  'INVALID_NUMBER_FORMAT',
  'NUMBER_CHANGED',
]);
const LOCAL_CAUSES = new Set<HangupCause>([
  'MANAGER_REQUEST',
  'SYSTEM_SHUTDOWN',
  'ALLOTTED_TIMEOUT',
  'MEDIA_TIMEOUT',
  'LOSE_RACE',
  'PICKED_OFF',
]);

/** Whether FreeSWITCH knows this hang-up cause name (switch_channel.c CAUSE_CHART). */
export function isFreeSwitchCauseName(name: string): boolean {
  return isHangupCause(name) || Object.hasOwn(FREESWITCH_ONLY, name);
}

function positiveInt(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d+$/.test(value.trim())) return undefined;
  const n = Number(value.trim());
  return n > 0 ? n : undefined;
}

function header(headers: Record<string, string | undefined>, ...names: string[]): string | undefined {
  for (const name of names) {
    const v = headers[name];
    if (v !== undefined && v !== '') return v;
  }
  return undefined;
}

/**
 * A FreeSWITCH CHANNEL_HANGUP / CHANNEL_HANGUP_COMPLETE event (its headers,
 * URL-decoded) → core's hang-up cause, Q.850 code, SIP status and side.
 *
 * - cause: `Hangup-Cause` (or `variable_hangup_cause`); a name core lacks maps
 *   to the nearest core cause, and `q850` then carries FreeSWITCH's number.
 * - sipCode: `variable_sip_term_status` (the status that ended the dialog from
 *   the far end), else `variable_sip_invite_failure_status` (487 on CANCEL,
 *   the final error of a refused INVITE), else 200 for an answered SIP leg,
 *   else the status mod_sofia sends for the cause on `send_refuse`.
 * - side: from `variable_sip_hangup_disposition`, else from the cause and the
 *   direction (`Call-Direction` / `variable_direction`).
 */
export function hangupFromFreeSwitch(headers: Record<string, string | undefined>): HangupInfo {
  const name = header(headers, 'Hangup-Cause', 'variable_hangup_cause')?.trim().toUpperCase();
  const rawQ850 = positiveInt(header(headers, 'variable_hangup_cause_q850'));

  let cause: HangupCause;
  let q850: number;
  if (name !== undefined && isHangupCause(name)) {
    cause = name;
    q850 = HANGUP_CAUSES[name].q850;
  } else if (name !== undefined && Object.hasOwn(FREESWITCH_ONLY, name)) {
    const known = FREESWITCH_ONLY[name]!;
    cause = known.cause ?? hangupCauseFromQ850(known.code);
    q850 = known.code;
  } else {
    // An unknown or missing name: FreeSWITCH's Q.850 number is all we have.
    cause = rawQ850 === undefined ? 'NORMAL_UNSPECIFIED' : hangupCauseFromQ850(rawQ850);
    q850 = rawQ850 ?? HANGUP_CAUSES[cause].q850;
  }

  const disposition = header(headers, 'variable_sip_hangup_disposition')?.trim().toLowerCase();
  const direction = header(headers, 'Call-Direction', 'variable_direction')?.trim().toLowerCase();
  const isSip =
    (header(headers, 'Channel-Name') ?? '').startsWith('sofia/') ||
    Object.keys(headers).some((k) => k.startsWith('variable_sip_'));
  const answered =
    positiveInt(header(headers, 'variable_answer_epoch')) !== undefined ||
    positiveInt(header(headers, 'Caller-Channel-Answered-Time')) !== undefined;

  let sipCode =
    positiveInt(header(headers, 'variable_sip_term_status')) ??
    positiveInt(header(headers, 'variable_sip_invite_failure_status'));
  if (sipCode === undefined && isSip) {
    if (answered) sipCode = 200;
    else if (disposition === 'send_refuse') sipCode = REFUSAL_STATUS[name ?? cause] ?? 480;
  }

  let side: HangupSide = disposition === undefined ? 'unknown' : (SIDE_BY_DISPOSITION[disposition] ?? 'unknown');
  if (side === 'unknown') {
    if (REMOTE_CAUSES.has(cause)) side = 'remote';
    else if (LOCAL_CAUSES.has(cause)) side = 'local';
    // Our originate_timeout ran out on an outbound leg; the caller gave up on an inbound one.
    else if (cause === 'NO_ANSWER' && direction === 'outbound') side = 'local';
    else if (cause === 'ORIGINATOR_CANCEL' && direction === 'inbound') side = 'remote';
  }

  return { cause, q850, sipCode, side };
}
