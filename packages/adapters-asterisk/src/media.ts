import { MediaError, ValidationError, type MediaRef } from '@switchboard/core';

export interface AriMediaOptions {
  /**
   * Directory of the tenant media files: absolute, or relative to Asterisk's
   * sounds directory (`astdatadir/sounds`). Default: relative, no prefix.
   */
  soundsDir?: string;
  /** Tone zone for named tones (`tone:ring;tonezone=fr`); default the channel's zone. */
  toneZone?: string;
  /** Tone names defined in indications.conf besides the standard ones. */
  toneNames?: string[];
}

/** Tone names every indications.conf zone defines. */
const STANDARD_TONES = new Set(['dial', 'busy', 'ring', 'congestion', 'callwaiting', 'dialrecall', 'record', 'info', 'stutter']);
/** indications.conf: `element = [!]freq[+|*freq2][/duration]`, comma separated. */
const TONE_LIST = /^!?\d+(?:\.\d+)?(?:[+*]\d+(?:\.\d+)?)?(?:\/\d+)?(?:,!?\d+(?:\.\d+)?(?:[+*]\d+(?:\.\d+)?)?(?:\/\d+)?)*$/;
const SAFE_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*(?:\/[A-Za-z0-9_][A-Za-z0-9_.-]*)*$/;
/** The stock core sounds ship silence/1 … silence/10 (whole seconds). */
const STOCK_SILENCE_MAX_S = 10;
const INT32_MAX = 2_147_483_647;

function checkName(name: string, what: string): void {
  if (!SAFE_NAME.test(name) || name.split('/').includes('..')) {
    throw new ValidationError(`Invalid ${what} name "${name}"`, [{ path: 'name', message: 'letters, digits, _ . - and / between segments' }]);
  }
}

/** Asterisk picks the file format itself: sound: and recording: URIs name files without their extension. */
function stripExtension(name: string): string {
  return name.replace(/\.(wav|WAV|gsm|ulaw|alaw|sln\d*|g722|g729|mp3|ogg|opus)$/, '');
}

function toneUri(ref: Extract<MediaRef, { kind: 'tone' }>, options: AriMediaOptions): string {
  const named = STANDARD_TONES.has(ref.tone) || (options.toneNames ?? []).includes(ref.tone);
  if (!named && !TONE_LIST.test(ref.tone)) {
    throw new ValidationError(`Invalid tone "${ref.tone}"`, [{ path: 'tone', message: 'a tone name or [!]freq[+freq2][/ms],…' }]);
  }
  if (options.toneZone !== undefined && !/^[a-z]{2}[a-z-]*$/.test(options.toneZone)) throw new ValidationError(`Invalid tone zone "${options.toneZone}"`);
  return `tone:${ref.tone}${named && options.toneZone ? `;tonezone=${options.toneZone}` : ''}`;
}

/**
 * One MediaRef → one ARI `media` URI that ends by itself:
 * - file → `sound:<soundsDir>/<name>` (extension dropped); recording → `recording:<name>` (stored recordings);
 * - silence of 1 … 10 whole seconds → `sound:silence/<N>` (stock core sounds);
 * - digits → `digits:<digits>` (say.c: digits/0-9, digits/star, digits/pound); number → `number:<n>` (32-bit);
 * - a tone only as part of a plan: Asterisk's `tone:` playback never ends by itself.
 * Refs that need the adapter to stop the playback (a tone, other silences) and
 * text to speech (ARI has none) throw a MediaError; `planAriPlayback` handles
 * the former.
 */
export function mediaRefToAri(ref: MediaRef, options: AriMediaOptions = {}): string {
  switch (ref.kind) {
    case 'file': {
      checkName(ref.name, 'media file');
      const dir = options.soundsDir?.replace(/\/+$/, '');
      return `sound:${dir ? `${dir}/` : ''}${stripExtension(ref.name)}`;
    }
    case 'recording':
      checkName(ref.name, 'recording');
      return `recording:${stripExtension(ref.name)}`;
    case 'silence': {
      const seconds = ref.durationMs / 1000;
      if (Number.isInteger(seconds) && seconds >= 1 && seconds <= STOCK_SILENCE_MAX_S) return `sound:silence/${seconds}`;
      throw new MediaError(`${ref.durationMs} ms of silence is not a stock Asterisk sound; planAriPlayback plays it as timed silence`);
    }
    case 'digits':
      if (!/^[0-9*#]+$/.test(ref.digits)) throw new ValidationError(`Invalid digits "${ref.digits}"`);
      return `digits:${ref.digits}`;
    case 'number':
      if (!Number.isInteger(ref.value) || Math.abs(ref.value) > INT32_MAX) throw new MediaError(`Asterisk says numbers within ±${INT32_MAX}, not ${ref.value}`);
      return `number:${ref.value}`;
    case 'tone':
      throw new MediaError('An Asterisk tone: playback never ends by itself; planAriPlayback plays it with a timed stop');
    case 'tts':
      throw new MediaError('Asterisk has no text to speech in ARI playback');
  }
}

/** One `POST /channels/{id}/play` (media as a JSON array, so commas inside URIs are safe) and when the adapter must stop it. */
export interface AriPlaybackStep {
  media: string[];
  /** Stop the playback (DELETE /playbacks/{id}) this long after it started; undefined: it ends by itself, or (a tone without duration) plays until stopped. */
  stopAfterMs?: number;
  /** A tone without duration: nothing after it would ever play. */
  endless?: boolean;
}

function toneOnceDuration(tone: string): number | undefined {
  // A list made only of `!` elements with durations is time-limited (indications.conf).
  if (!TONE_LIST.test(tone)) return undefined;
  let total = 0;
  for (const element of tone.split(',')) {
    const m = /^!(?:[^/]+)\/(\d+)$/.exec(element);
    if (!m) return undefined;
    total += Number(m[1]);
  }
  return total;
}

/**
 * A list of MediaRefs → the ARI playbacks that play it in order. URIs that end
 * by themselves are grouped into one playback; a tone or a silence that is
 * not a stock sound gets its own playback that the adapter stops on time
 * (`tone:0` is silence). Silence in whole seconds longer than 10 s is several
 * stock files. A tone without duration must be last: it never ends.
 */
export function planAriPlayback(media: MediaRef[], options: AriMediaOptions = {}): AriPlaybackStep[] {
  if (media.length === 0) throw new ValidationError('Nothing to play', [{ path: 'media', message: 'at least one item' }]);
  const steps: AriPlaybackStep[] = [];
  const append = (uri: string) => {
    const last = steps[steps.length - 1];
    if (last && last.stopAfterMs === undefined && !last.endless) last.media.push(uri);
    else steps.push({ media: [uri] });
  };
  media.forEach((ref, i) => {
    if (steps[steps.length - 1]?.endless) throw new MediaError(`Item ${i} would never play: a tone without duration plays until stopped`);
    if (ref.kind === 'silence') {
      const seconds = ref.durationMs / 1000;
      if (Number.isInteger(seconds)) {
        for (let left = seconds; left > 0; left -= STOCK_SILENCE_MAX_S) append(`sound:silence/${Math.min(left, STOCK_SILENCE_MAX_S)}`);
      } else {
        steps.push({ media: ['tone:0'], stopAfterMs: ref.durationMs });
      }
      return;
    }
    if (ref.kind === 'tone') {
      const uri = toneUri(ref, options);
      const once = ref.durationMs ?? toneOnceDuration(ref.tone);
      steps.push(once === undefined ? { media: [uri], endless: true } : { media: [uri], stopAfterMs: once });
      return;
    }
    append(mediaRefToAri(ref, options));
  });
  return steps;
}
