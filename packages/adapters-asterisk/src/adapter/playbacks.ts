import { randomUUID } from 'node:crypto';
import { MediaError, type Clock, type Logger, type PlaybackEndReason, type PlayOptions } from '@switchboard/core';
import type { AriClient } from '../ari/client.js';
import type { AriPlayback } from '../ari/resources.js';
import { planAriPlayback, type AriMediaOptions } from '../media.js';
import type { CallRegistry, EventQueue, Leg, PlaybackRun } from './legs.js';

function isNotFound(error: unknown): boolean {
  return error instanceof MediaError && error.details?.['status'] === 404;
}

/**
 * Plays core's media lists on legs as plans of ARI playbacks (`planAriPlayback`):
 * one `POST /channels/{id}/play/{playbackId}` per step, the next step on the
 * `PlaybackFinished` of the last, steps that never end by themselves (tones,
 * odd silences) stopped on the clock, loops replayed. One playback per leg: a
 * new one replaces the one playing, which ends `stopped`.
 */
export class Playbacks {
  constructor(
    private readonly client: AriClient,
    private readonly registry: CallRegistry,
    private readonly queue: EventQueue,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly media: AriMediaOptions,
  ) {}

  /** Starts playing; resolves with our playback id once Asterisk accepted the first step. */
  async start(leg: Leg, options: PlayOptions): Promise<string> {
    const steps = planAriPlayback(options.media, this.media);
    if (leg.playback) this.stop(leg.playback, 'stopped');
    const id = randomUUID();
    const run: PlaybackRun = { id, leg, options, steps, step: 0, ariId: id, started: 0, stopTimer: undefined, finished: false };
    leg.playback = run;
    try {
      await this.startStep(run, 0);
    } catch (error) {
      if (!run.finished) {
        run.finished = true;
        if (leg.playback === run) leg.playback = undefined;
        this.registry.playbacks.delete(run.ariId);
      }
      throw error;
    }
    return id;
  }

  /** Stops a playback for core (`stopped`) or on a key (`interrupted`): reported at once, the ARI playback deleted after. */
  stop(run: PlaybackRun, reason: 'stopped' | 'interrupted', digit?: string): Promise<void> {
    if (run.finished) return Promise.resolve();
    const ariId = run.ariId;
    this.finish(run, reason, digit);
    return this.client.playbacks.stop(ariId).catch((error: unknown) => {
      if (!isNotFound(error)) throw error;
    });
  }

  /** The leg left Stasis or ended: its playback ends with it. */
  onLegGone(leg: Leg): void {
    if (leg.playback) this.finish(leg.playback, 'hangup');
  }

  /** A key on a leg: stops an interruptible playback. */
  onDtmf(leg: Leg, digit: string): void {
    const run = leg.playback;
    if (!run) return;
    const keys = run.options.interruptible;
    if (keys === true || (typeof keys === 'string' && keys.includes(digit))) {
      this.stop(run, 'interrupted', digit).catch((error: unknown) => this.logger.warn({ err: error, callId: leg.callId }, 'could not stop an interrupted playback'));
    }
  }

  onFinished(playback: AriPlayback): void {
    const run = this.registry.playbacks.get(playback.id);
    this.registry.playbacks.delete(playback.id);
    if (!run || run.finished || run.ariId !== playback.id) return;
    this.stepEnded(run, playback.state === 'failed' ? 'failed' : 'done');
  }

  /** After a reconnect: a step whose PlaybackFinished was lost is over if Asterisk no longer has it. */
  async reconcile(): Promise<void> {
    for (const run of new Set(this.registry.playbacks.values())) {
      if (run.finished) continue;
      const ariId = run.ariId;
      try {
        await this.client.playbacks.get(ariId);
      } catch (error) {
        if (isNotFound(error) && !run.finished && run.ariId === ariId) {
          this.registry.playbacks.delete(ariId);
          this.stepEnded(run, 'done');
        }
      }
    }
  }

  private stepEnded(run: PlaybackRun, outcome: 'done' | 'failed'): void {
    this.clock.clearTimer(run.stopTimer);
    run.stopTimer = undefined;
    if (outcome === 'failed') return this.finish(run, 'failed');
    const next = run.step + 1;
    if (next < run.steps.length) return this.continueWith(run, next);
    if (run.options.loop && !run.steps[run.step]?.endless) return this.continueWith(run, 0);
    this.finish(run, 'completed');
  }

  private continueWith(run: PlaybackRun, step: number): void {
    this.startStep(run, step).catch((error: unknown) => {
      this.logger.warn({ err: error, callId: run.leg.callId, playbackId: run.id }, 'playback step failed to start');
      if (!run.finished) this.finish(run, run.leg.ended ? 'hangup' : 'failed');
    });
  }

  private async startStep(run: PlaybackRun, index: number): Promise<void> {
    const step = run.steps[index]!;
    const ariId = run.started === 0 ? run.id : `${run.id}.${run.started}`;
    run.started++;
    run.step = index;
    run.ariId = ariId;
    this.registry.playbacks.set(ariId, run);
    await this.client.channels.play(run.leg.channelId, ariId, step.media);
    if (run.finished || run.ariId !== ariId) {
      // Stopped while the request was on its way: the stop may have reached Asterisk before the playback did.
      if (this.registry.playbacks.get(ariId) === undefined) this.client.playbacks.stop(ariId).catch(() => {});
      return;
    }
    if (step.stopAfterMs !== undefined && this.registry.playbacks.has(ariId)) {
      run.stopTimer = this.clock.setTimer(step.stopAfterMs, () => {
        run.stopTimer = undefined;
        if (run.finished || run.ariId !== ariId) return;
        // Ends the step; its PlaybackFinished moves the plan on.
        this.client.playbacks.stop(ariId).catch((error: unknown) => {
          if (isNotFound(error)) return;
          this.logger.warn({ err: error, playbackId: ariId }, 'could not end a timed playback step');
        });
      });
    }
  }

  private finish(run: PlaybackRun, reason: PlaybackEndReason, digit?: string): void {
    if (run.finished) return;
    run.finished = true;
    this.clock.clearTimer(run.stopTimer);
    run.stopTimer = undefined;
    this.registry.playbacks.delete(run.ariId);
    const leg = run.leg;
    if (leg.playback === run) leg.playback = undefined;
    this.queue.media({ type: 'playback.finished', callId: leg.callId, at: this.clock.now(), playbackId: run.id, reason, ...(digit === undefined ? {} : { digit }) });
    leg.collector?.onPlaybackFinished(run.id, reason);
  }
}
