import { z } from 'zod';

/**
 * The ARI resources the adapter reads, as Asterisk sends them
 * (rest-api/api-docs/*.json). Objects are loose: Asterisk adds fields between
 * releases, and a field we do not read must never make a reply unreadable.
 */

export const ariCallerIdSchema = z.looseObject({ name: z.string(), number: z.string() });
export type AriCallerId = z.infer<typeof ariCallerIdSchema>;

export const ariDialplanSchema = z.looseObject({
  context: z.string(),
  exten: z.string(),
  priority: z.number(),
  app_name: z.string().optional(),
  app_data: z.string().optional(),
});

/** `Channel.state`: ast_state2str. */
export type AriChannelState = 'Down' | 'Rsrvd' | 'OffHook' | 'Dialing' | 'Ring' | 'Ringing' | 'Up' | 'Busy' | 'Dialing Offhook' | 'Pre-ring' | 'Unknown' | (string & {});

export const ariChannelSchema = z.looseObject({
  id: z.string().min(1),
  name: z.string(),
  state: z.string(),
  protocol_id: z.string().optional(),
  caller: ariCallerIdSchema,
  connected: ariCallerIdSchema.optional(),
  accountcode: z.string().optional(),
  dialplan: ariDialplanSchema.optional(),
  creationtime: z.string().optional(),
  language: z.string().optional(),
  channelvars: z.record(z.string(), z.string().nullable()).optional(),
  caller_rdnis: z.string().optional(),
  tenantid: z.string().optional(),
});
export type AriChannel = z.infer<typeof ariChannelSchema> & { state: AriChannelState };

export const ariBridgeSchema = z.looseObject({
  id: z.string().min(1),
  technology: z.string().optional(),
  bridge_type: z.string(),
  bridge_class: z.string().optional(),
  creator: z.string().optional(),
  name: z.string().optional(),
  channels: z.array(z.string()),
  creationtime: z.string().optional(),
});
export type AriBridge = z.infer<typeof ariBridgeSchema>;

/** `Playback.state`: queued, playing, paused, done, failed (and `continuing` between list items). */
export const ariPlaybackSchema = z.looseObject({
  id: z.string().min(1),
  media_uri: z.string(),
  next_media_uri: z.string().optional(),
  target_uri: z.string(),
  language: z.string().optional(),
  state: z.string(),
});
export type AriPlayback = z.infer<typeof ariPlaybackSchema>;

/** `LiveRecording.state`: queued, recording, paused, done, failed, canceled. Durations in seconds. */
export const ariLiveRecordingSchema = z.looseObject({
  name: z.string().min(1),
  format: z.string(),
  target_uri: z.string(),
  state: z.string(),
  duration: z.number().optional(),
  talking_duration: z.number().optional(),
  silence_duration: z.number().optional(),
  cause: z.string().optional(),
});
export type AriLiveRecording = z.infer<typeof ariLiveRecordingSchema>;

/** Query parameters of `POST /channels` (originate). */
export interface AriOriginateQuery {
  endpoint: string;
  app?: string;
  appArgs?: string;
  extension?: string;
  context?: string;
  priority?: number;
  label?: string;
  callerId?: string;
  /** Seconds. */
  timeout?: number;
  channelId?: string;
  otherChannelId?: string;
  originator?: string;
  formats?: string;
}

export type AriSnoopDirection = 'none' | 'both' | 'out' | 'in';

export interface AriRecordQuery {
  name: string;
  format: string;
  maxDurationSeconds?: number;
  maxSilenceSeconds?: number;
  ifExists?: 'fail' | 'overwrite' | 'append';
  beep?: boolean;
  terminateOn?: 'none' | 'any' | '*' | '#';
}
