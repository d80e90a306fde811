import type { HangupCause } from './hangup-cause.js';

export type CallId = string;

/** Inbound: the call came to us (trunk or an extension dialling). Outbound: we originated it. */
export type CallDirection = 'inbound' | 'outbound';

/** Where a leg goes or comes from. */
export type Endpoint =
  /** A SIP extension registered on the media server: an agent's phone. */
  | { kind: 'extension'; extension: string }
  /** A number reached through a trunk (gateway / PJSIP endpoint); no trunk = the adapter's default. */
  | { kind: 'external'; number: string; trunk?: string };

/**
 * Who ended a leg. `remote`: the party on that leg (the caller of an inbound
 * leg, the callee of an outbound one) hung up, rejected or never answered;
 * `local`: the switch ended it (our hang-up command, a timeout, a transfer).
 */
export type HangupSide = 'remote' | 'local' | 'unknown';

interface CallEventBase {
  callId: CallId;
  /** Epoch ms, from the adapter's clock. */
  at: number;
}

export interface CallCreatedEvent extends CallEventBase {
  type: 'call.created';
  direction: CallDirection;
  from: Endpoint;
  to: Endpoint;
  callerId: { number: string; name?: string };
  variables: Record<string, string>;
}

/**
 * An inbound call has reached the adapter's control point (FreeSWITCH: parked
 * by the dialplan; Asterisk: entered the Stasis application) and waits for core
 * to route it. Emitted once per inbound call, after `call.created`.
 */
export interface CallIncomingEvent extends CallEventBase {
  type: 'call.incoming';
  from: Endpoint;
  /** The number dialled: a DID from a trunk, or digits an extension dialled. */
  dialed: string;
  trunk?: string;
  callerId: { number: string; name?: string };
  variables: Record<string, string>;
}

export interface CallRingingEvent extends CallEventBase {
  type: 'call.ringing';
}

export interface CallEarlyMediaEvent extends CallEventBase {
  type: 'call.early_media';
}

export interface CallAnsweredEvent extends CallEventBase {
  type: 'call.answered';
}

export interface CallDtmfEvent extends CallEventBase {
  type: 'call.dtmf';
  digit: string;
  durationMs: number;
}

export interface CallHeldEvent extends CallEventBase {
  type: 'call.held';
}

export interface CallUnheldEvent extends CallEventBase {
  type: 'call.unheld';
}

export interface CallBridgedEvent extends CallEventBase {
  type: 'call.bridged';
  otherCallId: CallId;
  bridgeId: string;
}

export interface CallUnbridgedEvent extends CallEventBase {
  type: 'call.unbridged';
  otherCallId: CallId;
  bridgeId: string;
}

export interface CallHangupEvent extends CallEventBase {
  type: 'call.hangup';
  cause: HangupCause;
  /** The Q.850 code of `cause` (or the vendor's raw number when it had no name). */
  q850: number;
  /** The SIP final status of the leg when known (486 busy, 200 after a normal call…). */
  sipCode: number | undefined;
  side: HangupSide;
  /** Whether the leg was ever answered. */
  answered: boolean;
}

export type PlaybackEndReason = 'completed' | 'interrupted' | 'stopped' | 'hangup' | 'failed';

export interface PlaybackFinishedEvent extends CallEventBase {
  type: 'playback.finished';
  playbackId: string;
  reason: PlaybackEndReason;
  /** The DTMF digit that interrupted it, when `reason` is `interrupted`. */
  digit?: string;
}

export type RecordingEndReason = 'stopped' | 'max-duration' | 'silence' | 'hangup' | 'failed';

export interface RecordingFinishedEvent extends CallEventBase {
  type: 'recording.finished';
  recordingId: string;
  name: string;
  durationMs: number;
  reason: RecordingEndReason;
}

/** Every normalized event a MediaAdapter emits, keyed on `type`. */
export type MediaEvent =
  | CallCreatedEvent
  | CallIncomingEvent
  | CallRingingEvent
  | CallEarlyMediaEvent
  | CallAnsweredEvent
  | CallDtmfEvent
  | CallHeldEvent
  | CallUnheldEvent
  | CallBridgedEvent
  | CallUnbridgedEvent
  | CallHangupEvent
  | PlaybackFinishedEvent
  | RecordingFinishedEvent;

export type MediaEventType = MediaEvent['type'];

/** The typed-emitter map of a MediaAdapter: one channel per event type, plus `event` for all. */
export type MediaEvents = {
  [K in MediaEventType]: (event: Extract<MediaEvent, { type: K }>) => void;
} & {
  event: (event: MediaEvent) => void;
  /** The connection to the media server went down / came back (after reconciling calls). */
  disconnected: (info: { reason: string; at: number }) => void;
  reconnected: (info: { at: number }) => void;
};
