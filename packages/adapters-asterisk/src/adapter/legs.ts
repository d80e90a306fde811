import type {
  CallDirection,
  CallId,
  DigitCollector,
  Endpoint,
  HangupCause,
  MonitorMode,
  PlayOptions,
  RecordOptions,
  TimerHandle,
} from '@switchboard/core';
import type { AriEvent } from '../ari/events.js';
import type { AriPlaybackStep } from '../media.js';

/** One playback core asked for: a plan of ARI playbacks played in order. */
export interface PlaybackRun {
  /** Our id, given to core; also the ARI id of the first step. */
  id: string;
  leg: Leg;
  options: PlayOptions;
  steps: AriPlaybackStep[];
  step: number;
  /** ARI id of the playback running now. */
  ariId: string;
  /** How many ARI playbacks were started (names the next one). */
  started: number;
  /** The adapter stops the current step on its clock (tones, odd silences). */
  stopTimer: TimerHandle | undefined;
  finished: boolean;
}

export interface RecordingRun {
  id: string;
  name: string;
  leg: Leg;
  snoopId: string;
  options: RecordOptions;
  startedAt: number;
  stopping: boolean;
  finished: boolean;
}

export interface MonitorRun {
  targetCallId: CallId;
  mode: MonitorMode;
  snoopId: string | undefined;
  bridgeId: string | undefined;
  /** Snoop and bridge changes run one at a time. */
  chain: Promise<void>;
}

/** One call leg core knows, keyed by its call id; `channelId` is the Asterisk channel carrying it now. */
export interface Leg {
  callId: CallId;
  channelId: string;
  channelName: string | undefined;
  direction: CallDirection;
  from: Endpoint;
  to: Endpoint;
  callerId: { number: string; name?: string };
  variables: Record<string, string>;
  /**
   * We originated the channel, so the application is subscribed to it from
   * creation to destruction. A channel that came to us through the dialplan
   * is ours only while in Stasis: after StasisEnd no ChannelDestroyed comes.
   */
  originated: boolean;
  /** Events that arrived before the `POST /channels` reply: replayed after `call.created`. */
  pending: AriEvent[] | undefined;
  /** The originate timed out: the channel is hung up if it turns up, and never reported. */
  abandoned: boolean;
  inStasis: boolean;
  /** The channel went Up; an originated leg is reported answered once it is also in Stasis. */
  upSeen: boolean;
  answered: boolean;
  answeredAt: number | undefined;
  ringing: boolean;
  early: boolean;
  ended: boolean;
  hangupRequest: { cause?: number; soft?: boolean; tech_cause?: number } | undefined;
  requestedCause: HangupCause | undefined;
  dialstatus: string | undefined;
  bridge: { id: string; otherCallId: CallId } | undefined;
  held: boolean;
  playback: PlaybackRun | undefined;
  collector: DigitCollector | undefined;
  recordings: Map<string, RecordingRun>;
  /** Set on a supervisor's leg. */
  monitor: MonitorRun | undefined;
  /** Set on the new leg of a blind transfer: the leg it will be joined to. */
  transferOf: CallId | undefined;
  /** The ring tone the transferred party hears meanwhile. */
  ringback: string | undefined;
}

export function newLeg(init: Pick<Leg, 'callId' | 'channelId' | 'direction' | 'from' | 'to' | 'callerId' | 'variables'> & Partial<Leg>): Leg {
  return {
    channelName: undefined,
    originated: false,
    pending: undefined,
    abandoned: false,
    inStasis: false,
    upSeen: false,
    answered: false,
    answeredAt: undefined,
    ringing: false,
    early: false,
    ended: false,
    hangupRequest: undefined,
    requestedCause: undefined,
    dialstatus: undefined,
    bridge: undefined,
    held: false,
    playback: undefined,
    collector: undefined,
    recordings: new Map(),
    monitor: undefined,
    transferOf: undefined,
    ringback: undefined,
    ...init,
  };
}

/** A channel of ours that is not a call: a snoop, or the `;2` half of a Local channel we originated. */
export interface InternalChannel {
  kind: 'snoop' | 'local-peer';
  inStasis: boolean;
}

/** A bridge the adapter made: `call` joins two legs, `monitor` a supervisor and a snoop. */
export interface BridgeRecord {
  id: string;
  kind: 'call' | 'monitor';
  /** Channel ids in the bridge, as the events tell. */
  members: string[];
  destroying: boolean;
}

const ENDED_MEMORY = 10_000;

/** The legs, internal channels and bridges the adapter tracks. */
export class CallRegistry {
  private readonly byCall = new Map<CallId, Leg>();
  private readonly byChannel = new Map<string, Leg>();
  /** Recently ended call ids: commands about them fail at once. */
  private readonly endedIds = new Set<CallId>();
  readonly internal = new Map<string, InternalChannel>();
  readonly bridges = new Map<string, BridgeRecord>();
  /** ARI playback id → the run it belongs to. */
  readonly playbacks = new Map<string, PlaybackRun>();
  /** Live recording name → run. */
  readonly recordings = new Map<string, RecordingRun>();

  add(leg: Leg): void {
    this.byCall.set(leg.callId, leg);
    this.byChannel.set(leg.channelId, leg);
  }

  leg(callId: CallId): Leg | undefined {
    return this.byCall.get(callId);
  }

  legByChannel(channelId: string): Leg | undefined {
    return this.byChannel.get(channelId);
  }

  /** A channel swapped in for another (`replace_channel`): the leg keeps its call id. */
  rekey(leg: Leg, channelId: string): void {
    this.byChannel.delete(leg.channelId);
    leg.channelId = channelId;
    this.byChannel.set(channelId, leg);
  }

  remove(leg: Leg): void {
    if (this.byCall.get(leg.callId) === leg) this.byCall.delete(leg.callId);
    if (this.byChannel.get(leg.channelId) === leg) this.byChannel.delete(leg.channelId);
  }

  markEnded(leg: Leg): void {
    this.remove(leg);
    this.endedIds.add(leg.callId);
    if (this.endedIds.size > ENDED_MEMORY) this.endedIds.delete(this.endedIds.values().next().value as string);
  }

  hasEnded(callId: CallId): boolean {
    return this.endedIds.has(callId);
  }

  live(): Leg[] {
    return [...this.byCall.values()];
  }

  /** The `;2` half of a Local channel whose `;1` is one of our legs. */
  isLocalPeer(channelId: string): boolean {
    if (!channelId.endsWith(';2')) return false;
    return this.byChannel.has(channelId.slice(0, -2)) || this.internal.get(channelId)?.kind === 'local-peer';
  }
}

/** The adapter's event queue is core's MediaEventOutbox (ordered, each listener isolated). */
export { MediaEventOutbox as EventQueue } from '@switchboard/core';
