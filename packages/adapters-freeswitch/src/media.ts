import { MediaError, ValidationError, type MediaRef } from '@switchboard/core';
import { NAMED_TONES, toneToFreeSwitch } from './tones.js';

export interface FreeSwitchMediaOptions {
  /** Absolute directory of the tenant media files (`file` refs). */
  soundsDir: string;
  /** Absolute directory of call recordings (`recording` refs). Default: `soundsDir`. */
  recordingsDir?: string;
  /** Extension added to names that have none (FreeSWITCH does not guess it). Default `wav`. */
  fileExtension?: string;
  /** Language of the say module and of the prompts `say_string` picks. Default `en`. */
  language?: string;
  /** A TTS engine loaded in FreeSWITCH (`tts://engine|voice|text`); without one, `tts` refs are refused. */
  tts?: { engine: string; voice?: string };
  /** Named tones in core's tone syntax, added to / overriding the stock `us` ones. */
  tones?: Record<string, string>;
}

/** Stored names: path segments of safe characters, no `..`, no leading `/`, nothing FreeSWITCH parses (space ! ' { } $ , |). */
const SAFE_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*(?:\/[A-Za-z0-9_][A-Za-z0-9_.-]*)*$/;
const SAFE_TOKEN = /^[A-Za-z0-9_.-]+$/;

function checkName(name: string, what: string): void {
  if (!SAFE_NAME.test(name) || name.split('/').includes('..')) {
    throw new ValidationError(`Invalid ${what} name "${name}"`, [{ path: 'name', message: 'letters, digits, _ . - and / between segments' }]);
  }
}

function withExtension(name: string, ext: string): string {
  return /\.[A-Za-z0-9]{2,5}$/.test(name) ? name : `${name}.${ext}`;
}

function join(dir: string, name: string): string {
  return `${dir.replace(/\/+$/, '')}/${name}`;
}

/**
 * TTS text reaches FreeSWITCH through several parsers (the API's blank split,
 * variable expansion, file_string's `!` split, tts://'s `|` split). Characters
 * that are syntax there and mean nothing to a speech engine are replaced;
 * `$ { } \` are refused because FreeSWITCH would expand or unescape them.
 */
export function normaliseTtsText(text: string): string {
  if (/[${}\\]/.test(text)) {
    throw new MediaError('TTS text for FreeSWITCH may not contain $ { } or \\ (FreeSWITCH expands ${…} and unescapes \\)');
  }
  const out = text.replace(/'/g, '\u2019').replace(/!/g, '.').replace(/\|/g, '/').replace(/\s+/g, ' ').trim();
  if (out === '') throw new ValidationError('TTS text is empty');
  return out;
}

/**
 * One MediaRef → the string FreeSWITCH's `playback` (and every other file
 * argument) accepts:
 * - file / recording → an absolute path under the configured directory, `.wav` added when the name has no extension;
 * - tone → `tone_stream://` TGML converted from core's (Asterisk) tone syntax; several streams become a `file_string://` list;
 * - silence → `silence_stream://<ms>`;
 * - digits → `${say_string(en.wav en name_spelled iterated 12*#)}` (digit prompts, `ascii/42` and `ascii/35` for * and #);
 * - number → `${say_string(en.wav en number pronounced 42)}` (mod_say_en: 0 … 999 999 999);
 * - tts → `tts://<engine>|<voice>|<text>` (mod_dptools' tts file format).
 * The `${…}` forms are expanded by FreeSWITCH when the application runs (api-expansion must be on, the default).
 */
export function mediaRefToFreeSwitch(ref: MediaRef, options: FreeSwitchMediaOptions): string {
  const ext = options.fileExtension ?? 'wav';
  const lang = options.language ?? 'en';
  if (!SAFE_TOKEN.test(ext) || !SAFE_TOKEN.test(lang)) throw new ValidationError('Invalid fileExtension or language');
  switch (ref.kind) {
    case 'file':
      checkName(ref.name, 'media file');
      return join(options.soundsDir, withExtension(ref.name, ext));
    case 'recording':
      checkName(ref.name, 'recording');
      return join(options.recordingsDir ?? options.soundsDir, withExtension(ref.name, ext));
    case 'tone': {
      const spec = options.tones?.[ref.tone] ?? NAMED_TONES[ref.tone] ?? ref.tone;
      const streams = toneToFreeSwitch(spec, ref.durationMs);
      return streams.length === 1 ? streams[0]! : `file_string://${streams.join('!')}`;
    }
    case 'silence':
      return `silence_stream://${ref.durationMs}`;
    case 'digits':
      if (!/^[0-9*#]+$/.test(ref.digits)) throw new ValidationError(`Invalid digits "${ref.digits}"`);
      return `\${say_string(${lang}.${ext} ${lang} name_spelled iterated ${ref.digits})}`;
    case 'number':
      if (!Number.isInteger(ref.value) || ref.value < 0 || ref.value > 999_999_999) {
        throw new MediaError(`FreeSWITCH's say modules pronounce whole numbers from 0 to 999 999 999, not ${ref.value}`);
      }
      return `\${say_string(${lang}.${ext} ${lang} number pronounced ${ref.value})}`;
    case 'tts': {
      if (!options.tts) throw new MediaError('No TTS engine is configured for FreeSWITCH');
      const voice = ref.voice ?? options.tts.voice ?? 'default';
      if (!SAFE_TOKEN.test(options.tts.engine) || !SAFE_TOKEN.test(voice)) throw new ValidationError('Invalid TTS engine or voice name');
      return `tts://${options.tts.engine}|${voice}|${normaliseTtsText(ref.text)}`;
    }
  }
}

/**
 * A list of MediaRefs → one playable string: the item itself when there is
 * one, else `file_string://a!b!c` (played in order as one file, so one
 * PLAYBACK_STOP / CHANNEL_EXECUTE_COMPLETE for the list). No item contains `!`.
 */
export function freeSwitchPlaylist(media: MediaRef[], options: FreeSwitchMediaOptions): string {
  if (media.length === 0) throw new ValidationError('Nothing to play', [{ path: 'media', message: 'at least one item' }]);
  const items = media.map((ref) => mediaRefToFreeSwitch(ref, options));
  return items.length === 1 ? items[0]! : `file_string://${items.map((i) => i.replace(/^file_string:\/\//, '')).join('!')}`;
}

/**
 * Quotes one argument of a command FreeSWITCH splits on blanks (`uuid_broadcast`,
 * `play_and_get_digits` …): single quotes group it, `\` escapes `'` and `\`.
 */
export function quoteFreeSwitchArg(value: string): string {
  if (/[\r\n]/.test(value)) throw new ValidationError('A FreeSWITCH command argument cannot contain a line break');
  return /[\s'\\]/.test(value) || value === '' ? `'${value.replace(/[\\']/g, (c) => `\\${c}`)}'` : value;
}
