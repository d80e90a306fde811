import { z } from 'zod';
import { ariBridgeSchema, ariChannelSchema, ariLiveRecordingSchema, ariPlaybackSchema } from './resources.js';

/**
 * The events of the `/ari/events` WebSocket the adapter reads
 * (rest-api/api-docs/events.json), keyed on `type`. Every message carries
 * `type`, `application`, `timestamp` and, from a cluster-aware Asterisk,
 * `asterisk_id`. A type we do not read becomes `{ type: 'unknown' }`.
 */
const base = {
  application: z.string(),
  timestamp: z.string(),
  asterisk_id: z.string().optional(),
};

const eventSchemas = {
  StasisStart: z.looseObject({
    ...base,
    type: z.literal('StasisStart'),
    args: z.array(z.string()),
    channel: ariChannelSchema,
    replace_channel: ariChannelSchema.optional(),
  }),
  StasisEnd: z.looseObject({ ...base, type: z.literal('StasisEnd'), channel: ariChannelSchema }),
  ChannelCreated: z.looseObject({ ...base, type: z.literal('ChannelCreated'), channel: ariChannelSchema }),
  ChannelStateChange: z.looseObject({ ...base, type: z.literal('ChannelStateChange'), channel: ariChannelSchema }),
  ChannelDtmfReceived: z.looseObject({
    ...base,
    type: z.literal('ChannelDtmfReceived'),
    digit: z.string(),
    duration_ms: z.number(),
    channel: ariChannelSchema,
  }),
  ChannelHangupRequest: z.looseObject({
    ...base,
    type: z.literal('ChannelHangupRequest'),
    cause: z.number().optional(),
    tech_cause: z.number().optional(),
    soft: z.boolean().optional(),
    channel: ariChannelSchema,
  }),
  ChannelDestroyed: z.looseObject({
    ...base,
    type: z.literal('ChannelDestroyed'),
    cause: z.number(),
    cause_txt: z.string(),
    tech_cause: z.number().optional(),
    channel: ariChannelSchema,
  }),
  Dial: z.looseObject({
    ...base,
    type: z.literal('Dial'),
    caller: ariChannelSchema.optional(),
    peer: ariChannelSchema,
    forward: z.string().optional(),
    dialstring: z.string().optional(),
    dialstatus: z.string(),
  }),
  PlaybackStarted: z.looseObject({ ...base, type: z.literal('PlaybackStarted'), playback: ariPlaybackSchema }),
  PlaybackContinuing: z.looseObject({ ...base, type: z.literal('PlaybackContinuing'), playback: ariPlaybackSchema }),
  PlaybackFinished: z.looseObject({ ...base, type: z.literal('PlaybackFinished'), playback: ariPlaybackSchema }),
  RecordingStarted: z.looseObject({ ...base, type: z.literal('RecordingStarted'), recording: ariLiveRecordingSchema }),
  RecordingFinished: z.looseObject({ ...base, type: z.literal('RecordingFinished'), recording: ariLiveRecordingSchema }),
  RecordingFailed: z.looseObject({ ...base, type: z.literal('RecordingFailed'), recording: ariLiveRecordingSchema }),
  ChannelEnteredBridge: z.looseObject({ ...base, type: z.literal('ChannelEnteredBridge'), bridge: ariBridgeSchema, channel: ariChannelSchema.optional() }),
  ChannelLeftBridge: z.looseObject({ ...base, type: z.literal('ChannelLeftBridge'), bridge: ariBridgeSchema, channel: ariChannelSchema }),
  BridgeDestroyed: z.looseObject({ ...base, type: z.literal('BridgeDestroyed'), bridge: ariBridgeSchema }),
  ChannelHold: z.looseObject({ ...base, type: z.literal('ChannelHold'), channel: ariChannelSchema, musicclass: z.string().optional() }),
  ChannelUnhold: z.looseObject({ ...base, type: z.literal('ChannelUnhold'), channel: ariChannelSchema }),
  ChannelVarset: z.looseObject({ ...base, type: z.literal('ChannelVarset'), variable: z.string(), value: z.string(), channel: ariChannelSchema.optional() }),
} as const;

type Schemas = typeof eventSchemas;
export type AriEventType = keyof Schemas;
export type AriEventOf<T extends AriEventType> = z.infer<Schemas[T]>;

/** Any other message type (ChannelDialplan, ChannelCallerId, BridgeCreated, …): passed on untyped. */
export interface AriUnknownEvent {
  type: 'unknown';
  /** The message's own `type`. */
  eventType: string;
  raw: Record<string, unknown>;
}

export type AriEvent = { [T in AriEventType]: AriEventOf<T> }[AriEventType] | AriUnknownEvent;

export const ARI_EVENT_TYPES = Object.keys(eventSchemas) as AriEventType[];

export type ParsedAriMessage = { ok: true; event: AriEvent } | { ok: false; reason: string };

function isKnownType(type: string): type is AriEventType {
  return Object.hasOwn(eventSchemas, type);
}

/**
 * One WebSocket text frame → an event, or the reason it cannot be read (not
 * JSON, not an object with a string `type`, or a known type whose fields are
 * not what Asterisk documents). Never throws: a bad frame is skipped, not fatal.
 */
export function parseAriMessage(text: string): ParsedAriMessage {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, reason: `not JSON: ${(error as Error).message}` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, reason: 'not a JSON object' };
  const raw = value as Record<string, unknown>;
  const type = raw['type'];
  if (typeof type !== 'string' || type === '') return { ok: false, reason: 'no "type"' };
  if (!isKnownType(type)) return { ok: true, event: { type: 'unknown', eventType: type, raw } };
  const parsed = eventSchemas[type].safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, reason: `${type}: ${issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'invalid'}` };
  }
  return { ok: true, event: parsed.data as AriEvent };
}
