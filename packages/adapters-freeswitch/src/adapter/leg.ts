import type { CallDirection, CallId, DigitCollector, Endpoint, HangupCause, MonitorMode, TimerHandle } from '@switchboard/core';

export interface Playback {
  id: string;
  /** Ours to manage (hold music, ringback, a beep): no `playback.finished` for it. */
  internal: boolean;
  /** We asked FreeSWITCH to stop it (uuid_break): it ends as `stopped`. */
  stopping: boolean;
  /** PLAYBACK_STOP said `break` for it. */
  broken: boolean;
  /** The keys that stop it in FreeSWITCH itself (playback_terminators: `any`, `none` or keys). */
  terminators: string;
  /** A key FreeSWITCH stopped it with: no uuid_break is needed. */
  interruptedBy: string | undefined;
  /**
   * PLAYBACK_START came: FreeSWITCH runs a sendmsg execute some milliseconds
   * after accepting it, and a uuid_break sent before that is lost.
   */
  started: boolean;
  /** Resolves when it started or ended. */
  startedOrEnded: Promise<void>;
  markStarted: () => void;
  /** Resolves when it ends (beeps wait for this). */
  ended: Promise<void>;
  end: () => void;
}

export interface Recording {
  id: string;
  name: string;
  path: string;
  startedAt: number;
  /** Our timer for maxDurationMs (FreeSWITCH's own limit counts whole seconds). */
  limitTimer: TimerHandle | undefined;
  limitReached: boolean;
  stopping: boolean;
}

/** A FreeSWITCH channel the adapter answers for: one it originated, or an inbound call the dialplan parked. */
export interface Leg {
  id: CallId;
  direction: CallDirection;
  from: Endpoint;
  to: Endpoint;
  callerId: { number: string; name?: string };
  /** Reported in `call.created` / `call.incoming`. */
  variables: Record<string, string>;
  /** FreeSWITCH's channel name (`sofia/…`, `loopback/…`) once an event told it. */
  channelName: string | undefined;
  /** `call.created` went out. */
  announced: boolean;
  /** FreeSWITCH reported the channel (CHANNEL_CREATE or a listing). */
  seen: boolean;
  /** Ends the ringing at exactly the originate's timeoutMs (FreeSWITCH's own timeout counts whole seconds). */
  ringTimer: TimerHandle | undefined;
  /** The originate job, until its BACKGROUND_JOB arrives. */
  jobId: string | undefined;
  answeredAt: number | undefined;
  /** We asked FreeSWITCH to end it (our hang-up, a transfer, a released monitor): its side is local. */
  hangupRequested: boolean;
  /**
   * A hang-up asked for between the `bgapi originate` reply and the channel's creation (FreeSWITCH
   * creates it some milliseconds later, so uuid_kill found no channel): sent when the channel shows up.
   */
  killWhenSeen: HangupCause | undefined;
  bridge: { otherCallId: CallId; bridgeId: string } | undefined;
  /**
   * Held: `via` is the bridge partner we put on hold (uuid_hold plays its
   * music to us), or the hold-music playback on this leg when it was in no bridge.
   */
  held: { via: CallId } | { playbackId: string } | undefined;
  /** The playback running (or queued) on the leg: one at a time. */
  playback: Playback | undefined;
  /** Playbacks we stopped or replaced whose end has not come yet. */
  finishing: Map<string, Playback>;
  recordings: Map<string, Recording>;
  collector: DigitCollector | undefined;
  monitor: { targetCallId: CallId; mode: MonitorMode } | undefined;
  /** park_after_bridge is set on the channel (originated legs have it from the start). */
  parksAfterBridge: boolean;
  /** The leg ended (retired). */
  ended: boolean;
  /**
   * Resolves when the leg takes commands that run applications on it: an
   * originated leg once its originate returned (BACKGROUND_JOB +OK or its
   * CHANNEL_PARK). Between CHANNEL_ANSWER and then, the originate's thread
   * still owns it, and a playback sent then is cut off when it lets go.
   */
  ready: Promise<void>;
  markReady: () => void;
}

export function newLeg(init: Pick<Leg, 'id' | 'direction' | 'from' | 'to' | 'callerId' | 'variables'> & Partial<Leg>): Leg {
  let markReady!: () => void;
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  if (init.direction === 'inbound') markReady();
  return {
    ready,
    markReady,
    channelName: undefined,
    announced: false,
    seen: false,
    jobId: undefined,
    ringTimer: undefined,
    answeredAt: undefined,
    hangupRequested: false,
    killWhenSeen: undefined,
    bridge: undefined,
    held: undefined,
    playback: undefined,
    finishing: new Map(),
    recordings: new Map(),
    collector: undefined,
    monitor: undefined,
    parksAfterBridge: init.direction === 'outbound',
    ended: false,
    ...init,
  };
}

/** Inbound channels seen but not (yet) calls for core: the far ends of loopback calls, calls still in the dialplan. */
export interface InboundCandidate {
  id: CallId;
  /** The loopback peer, when the channel is one half of a loopback pair. */
  loopbackPeer: string | undefined;
}

const ENDED_MEMORY = 10_000;

/** The legs the adapter tracks, plus a bounded memory of ended ones (commands on them are refused as ended). */
export class LegBook {
  readonly live = new Map<CallId, Leg>();
  readonly candidates = new Map<CallId, InboundCandidate>();
  private readonly endedIds = new Set<CallId>();
  /** originate job id → call id */
  readonly jobs = new Map<string, CallId>();

  get(id: CallId): Leg | undefined {
    return this.live.get(id);
  }

  add(leg: Leg): void {
    this.live.set(leg.id, leg);
  }

  hasEnded(id: CallId): boolean {
    return this.endedIds.has(id);
  }

  isKnown(id: CallId): boolean {
    return this.live.has(id) || this.endedIds.has(id);
  }

  retire(leg: Leg): void {
    leg.ended = true;
    this.live.delete(leg.id);
    if (leg.jobId !== undefined) this.jobs.delete(leg.jobId);
    this.endedIds.add(leg.id);
    if (this.endedIds.size > ENDED_MEMORY) {
      const oldest = this.endedIds.values().next().value;
      if (oldest !== undefined) this.endedIds.delete(oldest);
    }
  }
}
