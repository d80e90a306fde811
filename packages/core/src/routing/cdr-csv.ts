import { DateTime } from 'luxon';
import { csvLines } from '../csv/csv-writer.js';
import type { CallDetailRecord } from './cdr.js';

const time = (ms: number | null, zone: string) => (ms === null ? '' : (DateTime.fromMillis(ms, { zone }).toISO({ suppressMilliseconds: true }) ?? ''));
const seconds = (ms: number) => Math.round(ms / 1000);

/** The call history export's columns (manual §3.3.4), in the page's order; times in the tenant's zone, durations in seconds. */
export function cdrCsvColumns(timeZone: string): Array<{ header: string; value: (r: CallDetailRecord) => unknown }> {
  return [
    { header: 'Call ID', value: (r) => r.callId },
    { header: 'Call type', value: (r) => r.callType },
    { header: 'Department', value: (r) => r.department },
    { header: 'Agent', value: (r) => r.agentNumber },
    { header: 'Agent group', value: (r) => r.groupNumber },
    { header: 'Weekday', value: (r) => r.weekday },
    { header: 'Holiday', value: (r) => (r.holiday ? 'yes' : 'no') },
    { header: 'Hour', value: (r) => `${String(r.hour).padStart(2, '0')}:00` },
    { header: 'Original calling number', value: (r) => r.originalCallerNumber },
    { header: 'Original calling name', value: (r) => r.originalCallerName },
    { header: 'Actual calling number', value: (r) => r.callerNumber },
    { header: 'Actual calling name', value: (r) => r.callerName },
    { header: 'Original access number', value: (r) => r.originalAccessNumber },
    { header: 'Access number', value: (r) => r.accessNumber },
    { header: 'Original called number', value: (r) => r.originalCalledNumber },
    { header: 'Actual called number', value: (r) => r.calledNumber },
    { header: 'DID name', value: (r) => r.didName },
    { header: 'Call start time', value: (r) => time(r.startedAt, timeZone) },
    { header: 'Call answer time', value: (r) => time(r.answeredAt, timeZone) },
    { header: 'Call end time', value: (r) => time(r.endedAt, timeZone) },
    { header: 'Ring duration (s)', value: (r) => seconds(r.ringMs) },
    { header: 'Call duration (s)', value: (r) => seconds(r.talkMs) },
    { header: 'Total duration (s)', value: (r) => seconds(r.totalMs) },
    { header: 'Hold count', value: (r) => r.holdCount },
    { header: 'Hold duration (s)', value: (r) => seconds(r.holdMs) },
    { header: 'Hold average (s)', value: (r) => (r.holdCount === 0 ? 0 : seconds(r.holdMs / r.holdCount)) },
    { header: 'Customer key input', value: (r) => r.dtmfInput },
    { header: 'Transfer type', value: (r) => r.transferType },
    { header: 'Transfer to', value: (r) => r.transferredTo },
    { header: 'Hang-up reason', value: (r) => r.hangupReason },
    { header: 'Hang-up party', value: (r) => r.hangupParty },
    { header: 'SIP code', value: (r) => r.sipCode },
    { header: 'SIP code description', value: (r) => r.sipDescription },
    { header: 'Route', value: (r) => r.route.join(' > ') },
  ];
}

/** The export as CSV lines, streamed from the records. */
export function cdrCsvRows(records: AsyncIterable<CallDetailRecord>, timeZone: string): AsyncIterable<string> {
  return csvLines(cdrCsvColumns(timeZone), records);
}
