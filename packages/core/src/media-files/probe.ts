import { describeUnknown, invalidAudio, sniffFormat, type AudioInfo } from './audio-info.js';
import { parseMp3 } from './mp3.js';
import { parseWav } from './wav.js';

/**
 * What an uploaded file is, judged by its content alone (never by its name or the
 * Content-Type the browser sent): a WAV or MP3 file's format, duration, sample rate and
 * channels. Anything else, and any WAV or MP3 that is truncated or inconsistent, is a
 * ValidationError whose message says why; nothing else is ever thrown.
 */
export function probeAudio(bytes: Uint8Array): AudioInfo {
  const format = sniffFormat(bytes);
  if (format === 'wav') return parseWav(bytes);
  if (format === 'mp3') return parseMp3(bytes);
  throw invalidAudio(describeUnknown(bytes));
}
