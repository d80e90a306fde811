import { randomUUID } from 'node:crypto';
import { MediaError, ValidationError, type PlayOptions, type RecordOptions } from '@switchboard/core';
import type { EslHeaders } from '../esl/esl-frame.js';
import { freeSwitchPlaylist, mediaRefToFreeSwitch } from '../media.js';
import type { ResolvedOptions } from '../options.js';
import type { CallState } from './call-state.js';
import type { EslSession } from './esl-session.js';
import type { Leg, Playback, Recording } from './leg.js';

export const DTMF = /^[0-9*#A-Da-d]+$/;
const BEEP = 'tone_stream://%(500,0,1000)';

export interface PlaybackSpec {
  playlist: string;
  /** playback_terminators: `any`, `none` or the keys. */
  terminators: string;
  loop: boolean;
  /** Hold music, ringback, a beep: no `playback.finished` for it. */
  internal: boolean;
}

/** FreeSWITCH stops looping an application that ran for under 0.5 s: pad very short looped lists with silence. */
function loopSafe(playlist: string, options: PlayOptions): string {
  if (!options.loop) return playlist;
  const known = options.media.every((m) => m.kind === 'silence' || (m.kind === 'tone' && m.durationMs !== undefined));
  const total = options.media.reduce((sum, m) => sum + (m.kind === 'silence' ? m.durationMs : m.kind === 'tone' ? (m.durationMs ?? 0) : 0), 0);
  if (!known || total >= 500) return playlist;
  const pad = `silence_stream://${500 - total}`;
  return playlist.startsWith('file_string://') ? `${playlist}!${pad}` : `file_string://${playlist}!${pad}`;
}

/**
 * Playbacks and recordings on FreeSWITCH legs (docs/media-adapter.md §2):
 * `sendmsg execute playback` one at a time per leg, `uuid_break` to stop,
 * `uuid_record` with our own timer for the maximum duration.
 */
export class MediaControl {
  constructor(
    private readonly session: EslSession,
    private readonly state: CallState,
    private readonly options: ResolvedOptions,
  ) {}

  spec(options: PlayOptions): PlaybackSpec {
    const playlist = loopSafe(freeSwitchPlaylist(options.media, this.options.media), options);
    const keys = options.interruptible;
    const terminators = keys === true ? 'any' : typeof keys === 'string' && keys !== '' ? keys : 'none';
    if (terminators !== 'any' && terminators !== 'none' && !DTMF.test(terminators)) {
      throw new ValidationError('interruptible keys are 0-9, *, #, A-D', [{ path: 'interruptible', message: 'invalid DTMF' }]);
    }
    return { playlist, terminators, loop: options.loop ?? false, internal: false };
  }

  /**
   * `sendmsg execute playback` with our id as `event-uuid`: its
   * CHANNEL_EXECUTE_COMPLETE carries it back as `Application-UUID`.
   * FreeSWITCH runs an execute that arrives during a playback inside it (the
   * old one resumes afterwards), so the one playing is stopped, and its end
   * awaited, first; and an originated leg is only played to once its
   * originate let go of it (see Leg.ready).
   */
  async play(leg: Leg, spec: PlaybackSpec): Promise<string> {
    const { session } = this;
    await session.within(leg.ready);
    if (leg.playback) await this.stop(leg, leg.playback);
    for (const old of [...leg.finishing.values()]) await session.within(old.ended);
    await session.api(`uuid_setvar ${leg.id} playback_terminators ${spec.terminators}`);
    const id = randomUUID();
    let end!: () => void;
    let markStarted!: () => void;
    const ended = new Promise<void>((resolve) => (end = resolve));
    const started = new Promise<void>((resolve) => (markStarted = resolve));
    const playback: Playback = {
      id,
      internal: spec.internal,
      stopping: false,
      broken: false,
      terminators: spec.terminators,
      interruptedBy: undefined,
      started: false,
      startedOrEnded: Promise.race([started, ended]),
      markStarted,
      ended,
      end,
    };
    leg.playback = playback;
    const headers: EslHeaders = [
      ['call-command', 'execute'],
      ['execute-app-name', 'playback'],
      ['execute-app-arg', spec.playlist],
      ['event-uuid', id],
    ];
    if (spec.loop) headers.push(['loops', '-1']);
    try {
      await session.sendmsg(leg.id, headers);
    } catch (error) {
      if (leg.playback === playback) leg.playback = undefined;
      end();
      throw error;
    }
    return id;
  }

  /**
   * Stops a playback; its end arrives as an event. A uuid_break sent before
   * the playback started is lost by FreeSWITCH, so it waits for the start;
   * one that never starts is flushed from the channel's queue (`all`).
   */
  async stop(leg: Leg, playback: Playback): Promise<void> {
    if (playback.stopping) return;
    playback.stopping = true;
    if (leg.playback === playback) leg.playback = undefined;
    leg.finishing.set(playback.id, playback);
    // A key already stopped it inside FreeSWITCH.
    if (playback.interruptedBy !== undefined) return;
    await this.session.within(playback.startedOrEnded);
    if (leg.ended || !leg.finishing.has(playback.id)) return;
    const queued = !playback.started;
    await this.session.api(`uuid_break ${leg.id}${queued ? ' all' : ''}`).catch((error: unknown) => {
      this.options.logger.debug({ err: error, callId: leg.id }, 'uuid_break failed');
    });
    // A flushed execute never reports its end: it ends here.
    if (queued && !(await this.session.within(playback.ended)) && leg.finishing.has(playback.id)) this.state.finishPlayback(leg, playback, 'stopped');
  }

  /** An internal playback of a FreeSWITCH file string (hold music, ringback). */
  internal(leg: Leg, playlist: string, loop: boolean): Promise<string> {
    return this.play(leg, { playlist, terminators: 'none', loop, internal: true });
  }

  /** A beep before a recording: played, and waited for (up to a few seconds). */
  async beep(leg: Leg): Promise<void> {
    await this.internal(leg, BEEP, false);
    const playback = leg.playback;
    if (playback) await this.session.within(playback.ended);
  }

  async startRecording(leg: Leg, options: RecordOptions): Promise<string> {
    const { clock } = this.options;
    const format = options.format ?? 'wav';
    if (!this.options.recordingFormats.includes(format)) throw new MediaError(`This FreeSWITCH adapter does not record ${format}`);
    const path = mediaRefToFreeSwitch({ kind: 'recording', name: options.name }, { ...this.options.media, fileExtension: format });
    if (options.beep) await this.beep(leg);
    const vars = ['RECORD_MIN_SEC=0'];
    if (options.maxSilenceMs) vars.push(`RECORD_FINAL_TIMEOUT_MS=${Math.round(options.maxSilenceMs)}`);
    if (options.direction === 'in') vars.push('RECORD_READ_ONLY=true');
    if (options.direction === 'out') vars.push('RECORD_WRITE_ONLY=true');
    // FreeSWITCH's limit counts whole seconds of the wall clock; the adapter stops the recording at
    // exactly maxDurationMs itself and gives FreeSWITCH one second more as a backstop.
    const limit = options.maxDurationMs ? Math.ceil(options.maxDurationMs / 1000) + 1 : 0;
    const id = randomUUID();
    const recording: Recording = { id, name: options.name, path, startedAt: clock.now(), limitTimer: undefined, limitReached: false, stopping: false };
    leg.recordings.set(id, recording);
    try {
      await this.session.api(`uuid_record ${leg.id} start ${path} ${limit} {${vars.join(',')}}`);
    } catch (error) {
      leg.recordings.delete(id);
      throw error;
    }
    if (options.maxDurationMs) {
      recording.limitTimer = clock.setTimer(options.maxDurationMs, () => {
        if (!leg.recordings.has(id) || recording.stopping) return;
        recording.limitReached = true;
        void this.session.api(`uuid_record ${leg.id} stop ${path}`).catch(() => undefined);
      });
    }
    return id;
  }

  async stopRecording(leg: Leg, recordingId: string): Promise<void> {
    const recording = leg.recordings.get(recordingId);
    if (!recording || recording.stopping) return;
    recording.stopping = true;
    await this.session.api(`uuid_record ${leg.id} stop ${recording.path}`);
  }
}
