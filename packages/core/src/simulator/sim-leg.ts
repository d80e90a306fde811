import type { TimerHandle } from '../clock/clock.js';
import type { DigitCollector } from '../media/digit-collector.js';
import type { MonitorMode, PlayOptions, RecordOptions } from '../media/media-adapter.js';
import type { CallDirection, CallId, Endpoint, HangupSide } from '../media/media-events.js';
import type { HangupCause } from '../media/hangup-cause.js';
import type { ResolvedPartyScript } from './party-script.js';
import type { TraceEntry } from './trace.js';

export type LegState = 'ringing' | 'early' | 'answered' | 'ended';

export interface SimPlayback {
  id: string;
  options: PlayOptions;
  timer: TimerHandle | undefined;
}

export interface SimRecording {
  id: string;
  options: RecordOptions;
  startedAt: number;
  timer: TimerHandle | undefined;
}

/** One call leg inside the simulator. */
export interface SimLeg {
  id: CallId;
  direction: CallDirection;
  from: Endpoint;
  to: Endpoint;
  callerId: { number: string; name?: string };
  variables: Record<string, string>;
  trunk: string | undefined;
  /** Whether the leg holds one of its trunk's channels (released at hang-up). */
  trunkSeized: boolean;
  /** The party at the far end: a scripted outside party, an extension, or nobody scripted. */
  party: { kind: 'outside'; script: ResolvedPartyScript } | { kind: 'extension'; extension: string };
  autoAnswer: boolean;
  state: LegState;
  createdAt: number;
  answeredAt: number | undefined;
  endedAt: number | undefined;
  hangup: { cause: HangupCause; side: HangupSide; sipCode: number | undefined } | undefined;
  bridge: { id: string; otherCallId: CallId } | undefined;
  /** Whether this leg has ever been bridged (patience no longer applies). */
  everBridged: boolean;
  held: boolean;
  playback: SimPlayback | undefined;
  recordings: Map<string, SimRecording>;
  collector: DigitCollector | undefined;
  /** Set on a supervisor's leg while it monitors another. */
  monitor: { targetCallId: CallId; mode: MonitorMode } | undefined;
  trace: TraceEntry[];
}

/** What `SimulatedPbx.calls()` reports: a leg's life so far, with its trace. */
export interface SimCallRecord {
  callId: CallId;
  direction: CallDirection;
  from: Endpoint;
  to: Endpoint;
  trunk: string | undefined;
  callerId: { number: string; name?: string };
  variables: Record<string, string>;
  state: LegState;
  createdAt: number;
  answeredAt: number | undefined;
  endedAt: number | undefined;
  hangup: SimLeg['hangup'];
  bridgedTo: CallId | undefined;
  held: boolean;
  trace: TraceEntry[];
}

export function toCallRecord(leg: SimLeg): SimCallRecord {
  return {
    callId: leg.id,
    direction: leg.direction,
    from: leg.from,
    to: leg.to,
    trunk: leg.trunk,
    callerId: leg.callerId,
    variables: { ...leg.variables },
    state: leg.state,
    createdAt: leg.createdAt,
    answeredAt: leg.answeredAt,
    endedAt: leg.endedAt,
    hangup: leg.hangup,
    bridgedTo: leg.bridge?.otherCallId,
    held: leg.held,
    trace: leg.trace.slice(),
  };
}
