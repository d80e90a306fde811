import { existsSync, readFileSync } from 'node:fs';
import { parseWav, type Clock, type TimerHandle } from '@switchboard/core';
import { AriHttpError, type FakeChannel } from './fake-model.js';

export interface FakePlayback {
  id: string;
  channel: FakeChannel;
  media: string[];
  index: number;
  state: 'queued' | 'playing' | 'continuing' | 'done' | 'failed';
  timer: TimerHandle | undefined;
}

export interface FakeRecording {
  name: string;
  format: string;
  channel: FakeChannel;
  state: 'queued' | 'recording' | 'done' | 'failed' | 'canceled';
  startedAt: number;
  timer: TimerHandle | undefined;
}

export interface FakeMediaHooks {
  publish(type: string, fields: Record<string, unknown>, channel: FakeChannel): void;
}

/** Stock sounds the test server has (core sounds): anything else fails to play, as on a server without the file. */
const KNOWN_SOUNDS = new Set(['beep', 'hello-world', 'tt-monkeys', 'demo-congrats', ...Array.from({ length: 10 }, (_, i) => `silence/${i + 1}`)]);
const FORMATS = new Set(['wav', 'gsm', 'ulaw', 'alaw', 'sln', 'g722', 'wav16']);

/**
 * An absolute `sound:` path names a file without its extension; Asterisk plays the first
 * file in a format it has (`.wav`, `.gsm`, …). Its `wav` format reads 8 kHz mono 16-bit
 * signed linear only (format_wav.c refuses other rates and sample sizes): such a file plays
 * for as long as its header says, another WAV fails. Undefined: no such file on disk.
 */
function soundOnDisk(path: string): number | null | undefined {
  if (!path.startsWith('/')) return undefined;
  for (const format of FORMATS) {
    const file = `${path}.${format}`;
    if (!existsSync(file)) continue;
    if (format !== 'wav') return 1_000;
    try {
      const wav = parseWav(readFileSync(file));
      return wav.codec === 'pcm' && wav.sampleRate === 8000 && wav.channels === 1 && wav.bitsPerSample === 16 ? wav.durationMs : null;
    } catch {
      return null;
    }
  }
  return undefined;
}

/** How long a media URI plays in the fake; undefined: until stopped (tones); null: it cannot be played. */
function mediaDurationMs(uri: string, stored: Set<string>): number | undefined | null {
  const colon = uri.indexOf(':');
  const scheme = uri.slice(0, colon);
  const rest = uri.slice(colon + 1);
  switch (scheme) {
    case 'sound': {
      const onDisk = soundOnDisk(rest);
      if (onDisk !== undefined) return onDisk;
      const name = rest.replace(/^.*\/sounds\//, '');
      if (/^silence\/\d+$/.test(name)) return Number(name.slice('silence/'.length)) * 1000;
      return KNOWN_SOUNDS.has(name) ? 1_000 : null;
    }
    case 'recording':
      return stored.has(rest) ? 1_000 : null;
    case 'digits':
      return /^[0-9*#]+$/.test(rest) ? rest.length * 500 : null;
    case 'number':
      return /^-?\d+$/.test(rest) ? 1_000 : null;
    case 'tone':
      return undefined;
    default:
      return null;
  }
}

/** Playbacks and live recordings of the fake Asterisk, with ARI's replies and events. */
export class FakeMedia {
  readonly playbacks = new Map<string, FakePlayback>();
  readonly recordings = new Map<string, FakeRecording>();
  readonly stored = new Set<string>();

  constructor(
    private readonly clock: Clock,
    private readonly hooks: FakeMediaHooks,
  ) {}

  playbackJson(playback: FakePlayback): Record<string, unknown> {
    const next = playback.media[playback.index + 1];
    return {
      id: playback.id,
      media_uri: playback.media[playback.index] ?? playback.media[playback.media.length - 1],
      ...(next === undefined ? {} : { next_media_uri: next }),
      target_uri: `channel:${playback.channel.id}`,
      language: 'en',
      state: playback.state,
    };
  }

  recordingJson(recording: FakeRecording): Record<string, unknown> {
    const done = recording.state === 'done' || recording.state === 'canceled';
    return {
      name: recording.name,
      format: recording.format,
      state: recording.state,
      target_uri: `channel:${recording.channel.id}`,
      // Whole seconds; talking/silence durations only come with maxSilenceSeconds.
      ...(done ? { duration: Math.round((this.clock.now() - recording.startedAt) / 1000) } : {}),
    };
  }

  play(channel: FakeChannel, id: string, media: string[]): FakePlayback {
    if (media.length === 0) throw new AriHttpError(400, 'media: at least one item is required');
    if (this.playbacks.has(id)) throw new AriHttpError(400, 'Playback with the same ID already exists');
    const playback: FakePlayback = { id, channel, media, index: 0, state: 'queued', timer: undefined };
    this.playbacks.set(id, playback);
    this.clock.setTimer(0, () => this.startItem(playback, true));
    return playback;
  }

  private startItem(playback: FakePlayback, first: boolean): void {
    if (playback.state === 'done' || playback.state === 'failed') return;
    const duration = mediaDurationMs(playback.media[playback.index]!, this.stored);
    if (duration === null) {
      if (playback.index + 1 < playback.media.length) {
        playback.index++;
        return this.startItem(playback, first);
      }
      // Asterisk reports the playback started, then failed, in the same instant.
      if (first) {
        playback.state = 'playing';
        this.hooks.publish('PlaybackStarted', { playback: this.playbackJson(playback) }, playback.channel);
      }
      return this.end(playback, first ? 'failed' : 'done');
    }
    playback.state = first ? 'playing' : 'continuing';
    this.hooks.publish(first ? 'PlaybackStarted' : 'PlaybackContinuing', { playback: this.playbackJson(playback) }, playback.channel);
    playback.state = 'playing';
    if (duration === undefined) return;
    playback.timer = this.clock.setTimer(duration, () => {
      if (playback.index + 1 < playback.media.length) {
        playback.index++;
        this.startItem(playback, false);
      } else this.end(playback, 'done');
    });
  }

  end(playback: FakePlayback, state: 'done' | 'failed'): void {
    if (!this.playbacks.delete(playback.id)) return;
    this.clock.clearTimer(playback.timer);
    playback.state = state;
    this.hooks.publish('PlaybackFinished', { playback: this.playbackJson(playback) }, playback.channel);
  }

  stopPlayback(id: string): void {
    const playback = this.playbacks.get(id);
    if (!playback) throw new AriHttpError(404, 'Playback not found');
    this.end(playback, 'done');
  }

  record(channel: FakeChannel, query: URLSearchParams): FakeRecording {
    const name = query.get('name') ?? '';
    const format = query.get('format') ?? '';
    if (name === '' || format === '') throw new AriHttpError(400, 'Invalid parameters');
    if (!FORMATS.has(format)) throw new AriHttpError(422, 'The format specified is unknown on this system');
    if (channel.bridge) throw new AriHttpError(409, 'Channel is bridged');
    const ifExists = query.get('ifExists') ?? 'fail';
    if (this.recordings.has(name) || (ifExists === 'fail' && this.stored.has(name))) {
      throw new AriHttpError(409, 'A recording with the same name already exists on the system and can not be overwritten because it is in progress or ifExists=fail');
    }
    const recording: FakeRecording = { name, format, channel, state: 'queued', startedAt: this.clock.now(), timer: undefined };
    this.recordings.set(name, recording);
    const maxS = Number(query.get('maxDurationSeconds') ?? '0');
    this.clock.setTimer(0, () => {
      if (recording.state !== 'queued') return;
      recording.state = 'recording';
      recording.startedAt = this.clock.now();
      this.hooks.publish('RecordingStarted', { recording: this.recordingJson(recording) }, channel);
      if (maxS > 0) recording.timer = this.clock.setTimer(maxS * 1000, () => this.finishRecording(recording, 'done'));
    });
    return recording;
  }

  finishRecording(recording: FakeRecording, state: 'done' | 'failed' | 'canceled'): void {
    if (!this.recordings.delete(recording.name)) return;
    this.clock.clearTimer(recording.timer);
    recording.state = state;
    if (state === 'done') this.stored.add(recording.name);
    this.hooks.publish(state === 'failed' ? 'RecordingFailed' : 'RecordingFinished', { recording: this.recordingJson(recording) }, recording.channel);
  }

  liveRecording(name: string): FakeRecording {
    const recording = this.recordings.get(name);
    if (!recording) throw new AriHttpError(404, 'Recording not found');
    return recording;
  }

  /** A channel ended: its playbacks and recordings end with it. */
  channelGone(channel: FakeChannel): void {
    for (const playback of [...this.playbacks.values()]) if (playback.channel === channel) this.end(playback, 'done');
    for (const recording of [...this.recordings.values()]) if (recording.channel === channel) this.finishRecording(recording, 'done');
  }
}
