import { randomUUID } from 'node:crypto';
import {
  MediaError,
  ValidationError,
  type CallId,
  type Clock,
  type Endpoint,
  type HangupCause,
  type Logger,
  type MonitorMode,
  type MonitorRequest,
  type OriginateRequest,
  type PlayOptions,
  type RecordingEndReason,
  type RecordingFinishedEvent,
  type RecordOptions,
} from '@switchboard/core';
import type { AriClient } from '../ari/client.js';
import type { AriLiveRecording, AriSnoopDirection } from '../ari/resources.js';
import type { CallRegistry, Leg, MonitorRun, RecordingRun } from './legs.js';

/** What supervision needs from the adapter. */
export interface SupervisionIo {
  waitForStasis(channelId: string): Promise<void>;
  originate(request: OriginateRequest): Promise<CallId>;
  hangup(leg: Leg, cause: HangupCause): Promise<void>;
  bridge(callId: CallId, otherCallId: CallId): Promise<string>;
  play(leg: Leg, options: PlayOptions): Promise<string>;
  stopPlayback(leg: Leg, playbackId: string): Promise<void>;
  emitRecordingFinished(event: RecordingFinishedEvent): void;
}

/** Monitor modes as snoop whisper directions: `out` is audio to the monitored channel (its party hears it). */
const WHISPER: Record<MonitorMode, AriSnoopDirection> = { listen: 'none', whisper: 'out', barge: 'both' };
const RECORDING_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*(?:\/[A-Za-z0-9_][A-Za-z0-9_.-]*)*$/;

/**
 * The features built from snoop channels and extra legs: recording (a snoop
 * recorded, so it works bridged or not), monitoring (the supervisor's leg
 * bridged with a snoop whose whisper direction is the mode), and blind
 * transfer (the transferor released, the target originated, the party joined
 * to it once it answers), as docs/media-adapter.md describes.
 */
export class Supervision {
  constructor(
    private readonly client: AriClient,
    private readonly registry: CallRegistry,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly app: string,
    private readonly io: SupervisionIo,
  ) {}

  // ---- snoops ----

  /** A snoop channel on `target`, in our application, ready for commands. */
  private async snoop(target: Leg, spy: AriSnoopDirection, whisper: AriSnoopDirection): Promise<string> {
    const snoopId = randomUUID();
    this.registry.internal.set(snoopId, { kind: 'snoop', inStasis: false });
    const inStasis = this.io.waitForStasis(snoopId);
    try {
      await this.client.channels.snoop(target.channelId, snoopId, { app: this.app, spy, whisper, appArgs: 'snoop' });
      await inStasis;
    } catch (error) {
      inStasis.catch(() => {});
      this.dropSnoop(snoopId);
      throw error;
    }
    return snoopId;
  }

  private dropSnoop(snoopId: string | undefined): void {
    if (snoopId === undefined || !this.registry.internal.has(snoopId)) return;
    this.client.channels.hangup(snoopId).catch(() => {});
  }

  // ---- recording ----

  async startRecording(leg: Leg, options: RecordOptions): Promise<string> {
    if ((options.format ?? 'wav') !== 'wav') throw new MediaError('Asterisk cannot write MP3 (format_mp3 only reads): record WAV and convert it', { details: { vendor: 'asterisk' } });
    if (!RECORDING_NAME.test(options.name) || options.name.split('/').includes('..')) {
      throw new ValidationError(`Invalid recording name "${options.name}"`, [{ path: 'name', message: 'letters, digits, _ . - and / between segments' }]);
    }
    const spy: AriSnoopDirection = options.direction === 'in' ? 'in' : options.direction === 'out' ? 'out' : 'both';
    const snoopId = await this.snoop(leg, spy, 'none');
    const run: RecordingRun = { id: randomUUID(), name: options.name, leg, snoopId, options, startedAt: this.clock.now(), stopping: false, finished: false };
    this.registry.recordings.set(run.name, run);
    leg.recordings.set(run.id, run);
    try {
      await this.client.channels.record(snoopId, {
        name: options.name,
        format: 'wav',
        ifExists: 'fail',
        ...(options.maxDurationMs ? { maxDurationSeconds: Math.ceil(options.maxDurationMs / 1000) } : {}),
        ...(options.maxSilenceMs ? { maxSilenceSeconds: Math.ceil(options.maxSilenceMs / 1000) } : {}),
        ...(options.beep ? { beep: true } : {}),
      });
    } catch (error) {
      run.finished = true;
      this.forget(run);
      this.dropSnoop(snoopId);
      throw error;
    }
    return run.id;
  }

  async stopRecording(leg: Leg, recordingId: string): Promise<void> {
    const run = leg.recordings.get(recordingId);
    if (!run || run.finished) throw new MediaError(`Call ${leg.callId} has no recording ${recordingId}`);
    run.stopping = true;
    try {
      await this.client.recordings.stopLive(run.name);
    } catch (error) {
      if (!(error instanceof MediaError && error.details?.['status'] === 404)) throw error;
      this.finishRecording(run, 'stopped', undefined);
    }
  }

  /** RecordingFinished / RecordingFailed. */
  onRecordingEnded(recording: AriLiveRecording, failed: boolean): void {
    const run = this.registry.recordings.get(recording.name);
    if (!run || run.finished) return;
    let reason: RecordingEndReason;
    if (failed) reason = 'failed';
    else if (run.stopping) reason = 'stopped';
    else if (run.leg.ended) reason = 'hangup';
    else if (run.options.maxDurationMs && this.clock.now() - run.startedAt >= run.options.maxDurationMs - 1_000) reason = 'max-duration';
    else if (run.options.maxSilenceMs) reason = 'silence';
    else reason = 'stopped';
    this.finishRecording(run, reason, recording.duration);
  }

  private finishRecording(run: RecordingRun, reason: RecordingEndReason, durationS: number | undefined): void {
    if (run.finished) return;
    run.finished = true;
    this.forget(run);
    this.dropSnoop(run.snoopId);
    const at = this.clock.now();
    this.io.emitRecordingFinished({
      type: 'recording.finished',
      callId: run.leg.callId,
      at,
      recordingId: run.id,
      name: run.name,
      durationMs: durationS === undefined ? at - run.startedAt : durationS * 1000,
      reason,
    });
  }

  private forget(run: RecordingRun): void {
    if (this.registry.recordings.get(run.name) === run) this.registry.recordings.delete(run.name);
    run.leg.recordings.delete(run.id);
  }

  // ---- monitoring ----

  async monitor(target: Leg, request: MonitorRequest): Promise<CallId> {
    const id = await this.io.originate({
      to: request.supervisor,
      autoAnswer: true,
      variables: { sb_monitor_of: target.callId, sb_monitor_mode: request.mode },
      ...(request.callerId ? { callerId: request.callerId } : {}),
      ...(request.callId ? { callId: request.callId } : {}),
    });
    const leg = this.registry.leg(id);
    if (leg && !leg.ended) {
      leg.monitor = { targetCallId: target.callId, mode: request.mode, snoopId: undefined, bridgeId: undefined, chain: Promise.resolve() };
      if (leg.answered) this.attach(leg, leg.monitor);
    }
    return id;
  }

  async setMode(leg: Leg, mode: MonitorMode): Promise<void> {
    const monitor = leg.monitor;
    if (!monitor) throw new MediaError(`Call ${leg.callId} is not monitoring a call`);
    monitor.mode = mode;
    await this.serial(monitor, async () => {
      if (monitor.bridgeId === undefined || leg.ended) return; // not attached yet: attach() uses the mode
      const target = this.registry.leg(monitor.targetCallId);
      if (!target || target.ended) throw new MediaError(`Call ${monitor.targetCallId} is no longer monitored: it ended`);
      const old = monitor.snoopId;
      const snoopId = await this.snoop(target, 'both', WHISPER[mode]);
      monitor.snoopId = snoopId;
      await this.client.bridges.addChannel(monitor.bridgeId, [snoopId]);
      this.dropSnoop(old);
    });
  }

  /** The supervisor answered: a snoop on the target and a bridge with both. */
  private attach(leg: Leg, monitor: MonitorRun): void {
    this.serial(monitor, async () => {
      const target = this.registry.leg(monitor.targetCallId);
      if (leg.ended) return;
      if (!target || target.ended) {
        await this.io.hangup(leg, 'NORMAL_CLEARING');
        return;
      }
      const snoopId = await this.snoop(target, 'both', WHISPER[monitor.mode]);
      monitor.snoopId = snoopId;
      const bridgeId = randomUUID();
      this.registry.bridges.set(bridgeId, { id: bridgeId, kind: 'monitor', members: [], destroying: false });
      monitor.bridgeId = bridgeId;
      await this.client.bridges.create(bridgeId, { type: 'mixing' });
      await this.client.bridges.addChannel(bridgeId, [leg.channelId, snoopId]);
    }).catch((error: unknown) => this.logger.warn({ err: error, callId: leg.callId }, 'could not attach the supervisor to the monitored call'));
  }

  private serial(monitor: MonitorRun, work: () => Promise<void>): Promise<void> {
    const next = monitor.chain.then(work);
    monitor.chain = next.catch(() => {});
    return next;
  }

  // ---- blind transfer ----

  async blindTransfer(leg: Leg, to: Endpoint, timeoutMs: number): Promise<void> {
    const transferor = leg.bridge && this.registry.leg(leg.bridge.otherCallId);
    if (transferor && !transferor.ended) await this.io.hangup(transferor, 'NORMAL_CLEARING');
    const targetId = await this.io.originate({
      to,
      ...(leg.callerId.number ? { callerId: leg.callerId } : {}),
      variables: { sb_transfer_of: leg.callId },
      timeoutMs,
    });
    const target = this.registry.leg(targetId);
    if (!target || target.ended) return;
    target.transferOf = leg.callId;
    if (target.answered) return this.join(target);
    try {
      // The transferred party hears ringing until the target answers.
      leg.ringback = await this.io.play(leg, { media: [{ kind: 'tone', tone: 'ring' }] });
    } catch (error) {
      this.logger.warn({ err: error, callId: leg.callId }, 'could not play ringback during a transfer');
    }
  }

  private join(target: Leg): void {
    const partyId = target.transferOf;
    target.transferOf = undefined;
    const party = partyId === undefined ? undefined : this.registry.leg(partyId);
    if (!party || party.ended) return;
    party.ringback = undefined;
    this.io.bridge(party.callId, target.callId).catch((error: unknown) => this.logger.warn({ err: error, callId: party.callId }, 'could not join the transferred call to its target'));
  }

  // ---- leg lifecycle ----

  onAnswered(leg: Leg): void {
    if (leg.monitor) this.attach(leg, leg.monitor);
    if (leg.transferOf !== undefined) this.join(leg);
  }

  onEnded(leg: Leg): void {
    for (const other of this.registry.live()) {
      if (other.monitor?.targetCallId === leg.callId && !other.ended) {
        this.io.hangup(other, 'NORMAL_CLEARING').catch((error: unknown) => this.logger.warn({ err: error, callId: other.callId }, 'could not release a supervisor'));
      }
    }
    const monitor = leg.monitor;
    if (monitor) {
      this.dropSnoop(monitor.snoopId);
      if (monitor.bridgeId !== undefined) {
        this.registry.bridges.delete(monitor.bridgeId);
        this.client.bridges.destroy(monitor.bridgeId).catch(() => {});
      }
    }
    if (leg.transferOf !== undefined) {
      // The transfer target never answered: the party stops hearing ringback and waits for core.
      const party = this.registry.leg(leg.transferOf);
      if (party?.ringback !== undefined) {
        const ringback = party.ringback;
        party.ringback = undefined;
        this.io.stopPlayback(party, ringback).catch(() => {});
      }
    }
  }

  /** A snoop ended (its target hung up, or we hung it up). */
  onInternalGone(channelId: string): void {
    for (const leg of this.registry.live()) if (leg.monitor?.snoopId === channelId) leg.monitor.snoopId = undefined;
  }
}
