import { readTraces } from './trace-format.js';

/**
 * The JSON the fake Asterisk sends, shaped like Asterisk 22's. The field
 * order of every event type is taken from the traces recorded from the real
 * server (traces/*.json): the fake fills a recorded event's fields with its
 * own values. `fake-fidelity.test.ts` checks the fake against the traces.
 */

export const FAKE_ASTERISK_ID = '02:00:00:00:00:01';

export interface FakeCaller {
  name: string;
  number: string;
}

export interface ChannelShape {
  id: string;
  name: string;
  state: string;
  protocol_id: string;
  caller: FakeCaller;
  connected: FakeCaller;
  accountcode: string;
  dialplan: { context: string; exten: string; priority: number; app_name: string; app_data: string };
  creationtime: string;
  language: string;
}

export interface BridgeShape {
  id: string;
  technology: string;
  bridge_type: string;
  bridge_class: string;
  creator: string;
  name: string;
  channels: string[];
  creationtime: string;
  video_mode: string;
}

/** Asterisk's timestamps: `2025-11-21T20:50:00.123+0000`. */
export function ariTime(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '+0000');
}

let templates: Map<string, string[]> | undefined;

/** The key order of each event type as the real server sent it (the first recorded instance). */
export function recordedKeyOrder(type: string): string[] | undefined {
  if (!templates) {
    templates = new Map();
    for (const trace of readTraces()) {
      for (const entry of trace.entries) {
        if (entry.kind !== 'event') continue;
        const recordedType = entry.event['type'];
        if (typeof recordedType === 'string' && !templates.has(recordedType)) templates.set(recordedType, Object.keys(entry.event));
      }
    }
  }
  return templates.get(type);
}

/** An event as the WebSocket carries it: Asterisk's fields in the recorded order (`type`, `timestamp` first when no trace has the type). */
export function eventJson(type: string, timestamp: number, fields: Record<string, unknown>, application: string): Record<string, unknown> {
  const values: Record<string, unknown> = { type, timestamp: ariTime(timestamp), ...fields, asterisk_id: FAKE_ASTERISK_ID, application };
  const out: Record<string, unknown> = {};
  for (const key of recordedKeyOrder(type) ?? []) if (key in values) out[key] = values[key];
  for (const [key, value] of Object.entries(values)) if (!(key in out)) out[key] = value;
  return out;
}

/** The `cause_txt` Asterisk gives for a cause (ast_cause2str). */
export function causeText(cause: number): string {
  return CAUSE_TEXT[cause] ?? 'Unknown';
}

const CAUSE_TEXT: Record<number, string> = {
  0: 'Unknown',
  1: 'Unallocated (unassigned) number',
  2: 'No route to specified transmit network',
  3: 'No route to destination',
  16: 'Normal Clearing',
  17: 'User busy',
  18: 'No user responding',
  19: 'User alerting, no answer',
  20: 'Subscriber absent',
  21: 'Call Rejected',
  22: 'Number changed',
  26: 'Answered elsewhere',
  27: 'Destination out of order',
  28: 'Invalid number format',
  29: 'Facility rejected',
  31: 'Normal, unspecified',
  34: 'Circuit/channel congestion',
  38: 'Network out of order',
  41: 'Temporary failure',
  42: 'Switching equipment congestion',
  44: 'Requested channel not available',
  127: 'Interworking, unspecified',
};
