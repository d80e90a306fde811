import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { parseWav, type Clock } from '@switchboard/core';
import type { FakeChannel, RunningApp } from './fake-channel.js';
import { playbackDurationMs } from './dialplan.js';
import type { Latency } from './fake-switch.js';

/**
 * A playback argument that is a file path, as FreeSWITCH's `playback` finds it on disk:
 * undefined when the argument is not an absolute path (streams, say_string …); null when
 * there is no such file (FreeSWITCH then answers FILE NOT FOUND at once, with no
 * PLAYBACK_START); else how long it plays — a WAV as long as its header says (mod_sndfile
 * reads any rate and channel count and resamples), another file a nominal second.
 */
function fileOnDisk(arg: string): number | null | undefined {
  if (!arg.startsWith('/')) return undefined;
  if (!existsSync(arg)) return null;
  if (!/\.wav$/i.test(arg)) return 1000;
  try {
    return parseWav(readFileSync(arg)).durationMs;
  } catch {
    return 1000;
  }
}

/** How long a playback argument plays: a file on disk for its length, anything else as `playbackDurationMs` says. */
function durationMs(arg: string): number | undefined {
  return fileOnDisk(arg) ?? playbackDurationMs(arg);
}

/** What the media side needs from the channel engine. */
export interface MediaHost {
  readonly clock: Clock;
  emit(name: string, channel: FakeChannel, own?: Array<[string, string]>, application?: string): void;
  executeComplete(channel: FakeChannel, app: RunningApp, response: string): void;
  runScript(channel: FakeChannel): void;
  later(work: () => void, latency: Latency): void;
}

/**
 * What the fake FreeSWITCH does with media on a channel: DTMF between the
 * halves of a loopback call, playbacks executed by sendmsg (queued, nested,
 * stopped by terminators and uuid_break), hold music, and uuid_record.
 */
export class FakeMedia {
  constructor(private readonly host: MediaHost) {}

  // ---- DTMF ----

  /** `send_dtmf` / `uuid_send_dtmf`: the digits arrive on the far end (the loopback peer), 20 ms apart. */
  sendDtmf(from: FakeChannel, digits: string): void {
    const to = from.peer ?? from;
    [...digits.replace(/@\d+$/, '')].forEach((digit, i) => {
      this.host.clock.setTimer(20 * (i + 1), () => this.receiveDtmf(to, digit));
    });
  }

  receiveDtmf(channel: FakeChannel, digit: string): void {
    if (channel.hungUp) return;
    this.host.emit('DTMF', channel, [
      ['DTMF-Digit', digit],
      ['DTMF-Duration', '2000'],
      ['DTMF-Source', 'UNKNOWN'],
    ]);
    const inner = channel.inner;
    const keys = inner?.terminators ?? 'none';
    if (inner && keys !== 'none' && (keys === 'any' || keys.includes(digit))) {
      channel.vars.set('playback_terminator_used', digit);
      this.endPlayback(channel, 'break', 'FILE PLAYED');
      return;
    }
    // `sleep` ends on a key unless sleep_eat_digits is set (mod_dptools): the party's dialplan goes on.
    const app = channel.app;
    if (app?.name === 'sleep' && channel.vars.get('sleep_eat_digits') !== 'true') {
      this.host.clock.clearTimer(app.timer);
      channel.app = undefined;
      this.host.executeComplete(channel, app, '_none_');
      this.host.runScript(channel);
    }
  }

  // ---- playback (sendmsg execute) ----

  /** `sendmsg <uuid>` with `call-command: execute`: runs inside the channel's park, bridge, application or playback. */
  execute(channel: FakeChannel, name: string, data: string, eventUuid: string | undefined, loops: number): void {
    const app: RunningApp = { name, data, uuid: eventUuid ?? randomUUID(), timer: undefined, loops, terminators: channel.vars.get('playback_terminators') ?? '*' };
    // The execute is queued to the session and runs a moment later: a uuid_break before that is lost.
    // A bridged channel reads 200 ms of media (DEFAULT_LEAD_FRAMES) before it looks at its queue, or
    // runs it as soon as it leaves the bridge.
    channel.pendingExecutes.push(app);
    this.host.later(() => this.runPendingExecute(channel, app, false), channel.bridge ? 'lead' : 'queue');
  }

  runPendingExecute(channel: FakeChannel, app: RunningApp, bridgeEnded: boolean): void {
    const at = channel.pendingExecutes.indexOf(app);
    if (at < 0 || channel.hangupCause) return;
    if (bridgeEnded && channel.bridge) return;
    channel.pendingExecutes.splice(at, 1);
    this.startExecute(channel, app);
  }

  /** `uuid_break [all]`: stops the playback playing; `all` also drops executes not started. Nothing playing: nothing happens. */
  breakPlayback(channel: FakeChannel, all: boolean): void {
    if (all) channel.pendingExecutes.length = 0;
    const playing = channel.inner;
    if (playing) this.host.later(() => channel.inner === playing && this.endPlayback(channel, 'break', 'FILE PLAYED'), 'soon');
  }

  private startExecute(channel: FakeChannel, app: RunningApp): void {
    const below = channel.inner;
    if (below) {
      // The playback loop runs the new execute inside the one playing, which waits for it.
      this.host.clock.clearTimer(below.timer);
      if (below.remainingMs !== undefined) below.remainingMs = Math.max(0, below.remainingMs - (this.host.clock.now() - (below.startedAt ?? this.host.clock.now())));
    }
    channel.playing.push(app);
    this.startPlayback(channel, app);
  }

  private startPlayback(channel: FakeChannel, app: RunningApp): void {
    channel.vars.set('playback_terminator_used', '');
    channel.vars.set('current_application', app.name);
    channel.vars.set('current_application_data', app.data);
    if (app.name !== 'playback') {
      this.endPlayback(channel, 'done', '-ERR unsupported application');
      return;
    }
    if (fileOnDisk(app.data) === null) {
      // switch_ivr_play_file cannot open it: the application ends at once, with no PLAYBACK_START / STOP (nor any loop).
      channel.playing.pop();
      this.host.executeComplete(channel, app, 'FILE NOT FOUND');
      const below = channel.inner;
      if (below && !channel.hangupCause) this.runPlayback(channel, below);
      return;
    }
    this.host.emit('PLAYBACK_START', channel, [['Playback-File-Path', app.data]]);
    app.remainingMs = durationMs(app.data);
    this.runPlayback(channel, app);
  }

  private runPlayback(channel: FakeChannel, app: RunningApp): void {
    app.startedAt = this.host.clock.now();
    const duration = app.remainingMs;
    if (duration === undefined) return; // streams (local_stream, endless tones) play until stopped
    app.timer = this.host.clock.setTimer(duration, () => {
      const loopsLeft = app.loops ?? 1;
      const full = durationMs(app.data) ?? 0;
      // FreeSWITCH stops looping an application that ran for under 0.5 s.
      if ((loopsLeft < 0 || loopsLeft > 1) && full >= 500) {
        app.loops = loopsLeft < 0 ? -1 : loopsLeft - 1;
        this.host.emit('PLAYBACK_STOP', channel, [
          ['Playback-File-Path', app.data],
          ['Playback-Status', 'done'],
        ]);
        this.host.emit('PLAYBACK_START', channel, [['Playback-File-Path', app.data]]);
        app.remainingMs = full;
        this.runPlayback(channel, app);
        return;
      }
      this.endPlayback(channel, 'done', 'FILE PLAYED');
    });
  }

  /** The playback playing ends: PLAYBACK_STOP, then CHANNEL_EXECUTE_COMPLETE with our event-uuid; the one below resumes. */
  endPlayback(channel: FakeChannel, status: 'done' | 'break', response: string): void {
    const app = channel.playing.pop();
    if (!app) return;
    this.host.clock.clearTimer(app.timer);
    this.host.emit('PLAYBACK_STOP', channel, [
      ['Playback-File-Path', app.data],
      ['Playback-Status', status],
    ]);
    this.host.executeComplete(channel, app, response);
    const below = channel.inner;
    if (below && !channel.hangupCause) this.runPlayback(channel, below);
  }

  /** Everything playing ends (the channel leaves for a bridge, park, or hangs up). */
  endAllPlaybacks(channel: FakeChannel): void {
    channel.pendingExecutes.length = 0;
    while (channel.inner) this.endPlayback(channel, 'done', 'PLAYBACK ERROR');
  }

  private readonly recordings = new Map<string, { channel: FakeChannel; startedAt: number; timer: ReturnType<Clock['setTimer']> | undefined }>();

  /** `uuid_record <uuid> start <path> <limit s>`: RECORD_START; RECORD_STOP at the limit, on stop, or on hang-up. */
  startRecording(channel: FakeChannel, path: string, limitS: number): void {
    const recording = { channel, startedAt: this.host.clock.now(), timer: undefined as ReturnType<Clock['setTimer']> | undefined };
    this.recordings.set(path, recording);
    this.host.emit('RECORD_START', channel, [['Record-File-Path', path]]);
    if (limitS > 0) recording.timer = this.host.clock.setTimer(limitS * 1000, () => this.endRecording(path, 'success-maxtime'));
  }

  stopRecording(channel: FakeChannel, path: string): boolean {
    const recording = this.recordings.get(path);
    if (!recording || recording.channel !== channel) return false;
    this.endRecording(path, 'success-maxtime');
    return true;
  }

  endRecording(path: string, cause: string): void {
    const recording = this.recordings.get(path);
    if (!recording) return;
    this.recordings.delete(path);
    this.host.clock.clearTimer(recording.timer);
    recording.channel.vars.set('record_ms', String(this.host.clock.now() - recording.startedAt));
    this.host.emit('RECORD_STOP', recording.channel, [
      ['Record-File-Path', path],
      ['Record-Completion-Cause', cause],
    ]);
  }

  /** `uuid_hold`: CHANNEL_HOLD on the channel; its partner gets the hold music (a broadcast playback). */
  hold(channel: FakeChannel): void {
    this.host.emit('CHANNEL_HOLD', channel);
    const partner = channel.bridge;
    if (partner && !partner.inner) this.execute(partner, 'playback', channel.vars.get('temp_hold_music') ?? channel.vars.get('hold_music') ?? 'local_stream://moh', undefined, -1);
  }
  /** A channel hangs up: its recordings end (FreeSWITCH reports `success-silence` then). */
  endRecordingsOf(channel: FakeChannel): void {
    for (const [path, recording] of this.recordings) if (recording.channel === channel) this.endRecording(path, 'success-silence');
  }
}
