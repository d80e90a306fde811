import { ValidationError } from '../errors/errors.js';
import type { AudioFormat } from './model.js';

/** What a WAV file holds, as its chunks say. */
export interface WavInfo {
  format: 'wav';
  /** Linear PCM, or the G.711 companded codes telephony records in (A-law format 6, µ-law format 7). */
  codec: 'pcm' | 'alaw' | 'mulaw';
  sampleRate: number;
  channels: number;
  bitsPerSample: number;
  /** Bytes of one sample for every channel. */
  blockAlign: number;
  byteRate: number;
  /** Where the samples are: the `data` chunk's body. */
  dataOffset: number;
  dataLength: number;
  durationMs: number;
}

/** What an MP3 (MPEG-1, -2 or -2.5 audio layer III) stream holds, as its frames say. */
export interface Mp3Info {
  format: 'mp3';
  mpegVersion: '1' | '2' | '2.5';
  sampleRate: number;
  channels: number;
  /** 1152 (MPEG-1) or 576 (MPEG-2 and 2.5). */
  samplesPerFrame: number;
  /** Frames carrying audio (an Xing/Info or VBRI header frame is not one). */
  audioFrames: number;
  /** The frame count an Xing/Info or VBRI header announces, when there is one. */
  announcedFrames: number | null;
  vbrHeader: 'xing' | 'info' | 'vbri' | null;
  /** Average bit rate over the audio frames, kbit/s. */
  bitrateKbps: number;
  /** From the first frame (after any ID3v2 tag) to the end of the last one. */
  streamOffset: number;
  streamEnd: number;
  durationMs: number;
}

export type AudioInfo = WavInfo | Mp3Info;

/** Every reason a file is refused comes as this ValidationError: the path `file` and the reason in words. */
export function invalidAudio(reason: string): ValidationError {
  return new ValidationError(`Not a usable audio file: ${reason}`, [{ path: 'file', message: reason }]);
}

/** Formats people upload by mistake, recognised by their first bytes, so the refusal can name them. */
const KNOWN_OTHERS: Array<[string, (b: Uint8Array) => boolean]> = [
  ['an Ogg file (Vorbis or Opus)', (b) => startsWith(b, 'OggS')],
  ['a FLAC file', (b) => startsWith(b, 'fLaC')],
  ['an MP4/M4A file', (b) => b.length >= 8 && ascii(b, 4, 4) === 'ftyp'],
  ['an AIFF file', (b) => startsWith(b, 'FORM')],
  ['a big-endian RIFX file', (b) => startsWith(b, 'RIFX')],
  ['an RF64 file', (b) => startsWith(b, 'RF64')],
  ['a Sun/NeXT .au file', (b) => startsWith(b, '.snd')],
  ['an AMR file', (b) => startsWith(b, '#!AMR')],
  ['a WebM/Matroska file', (b) => b.length >= 4 && b[0] === 0x1a && b[1] === 0x45 && b[2] === 0xdf && b[3] === 0xa3],
  ['a PDF document', (b) => startsWith(b, '%PDF')],
  ['a ZIP archive', (b) => startsWith(b, 'PK\x03\x04')],
];

export function ascii(bytes: Uint8Array, offset: number, length: number): string {
  let text = '';
  for (let i = offset; i < offset + length && i < bytes.length; i++) text += String.fromCharCode(bytes[i]!);
  return text;
}

function startsWith(bytes: Uint8Array, prefix: string): boolean {
  return ascii(bytes, 0, prefix.length) === prefix;
}

/** A chunk id or tag as it can be shown in a message: printable ASCII, the rest as \xNN. */
export function printable(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** True for bytes that look like text (what a renamed .txt or .csv is): no control bytes besides whitespace. */
function looksLikeText(bytes: Uint8Array): boolean {
  const sample = bytes.subarray(0, 512);
  if (sample.length === 0) return false;
  for (const byte of sample) if (byte < 0x09 || (byte > 0x0d && byte < 0x20) || byte === 0x7f) return false;
  return true;
}

/** The format a file's first bytes claim, before any parsing: RIFF/WAVE → wav, an ID3v2 tag or an MPEG frame sync → mp3. */
export function sniffFormat(bytes: Uint8Array): AudioFormat | undefined {
  if (bytes.length >= 12 && startsWith(bytes, 'RIFF') && ascii(bytes, 8, 4) === 'WAVE') return 'wav';
  if (startsWith(bytes, 'ID3')) return 'mp3';
  if (bytes.length >= 2 && bytes[0] === 0xff && (bytes[1]! & 0xe0) === 0xe0) return 'mp3';
  return undefined;
}

/** Why bytes that are neither WAV nor MP3 were refused, as precisely as their start allows. */
export function describeUnknown(bytes: Uint8Array): string {
  if (bytes.length === 0) return 'the file is empty';
  if (startsWith(bytes, 'RIFF')) return `a RIFF file of type "${printable(ascii(bytes, 8, 4))}", not WAVE`;
  const known = KNOWN_OTHERS.find(([, test]) => test(bytes));
  if (known) return `this is ${known[0]}; upload WAV or MP3`;
  if (looksLikeText(bytes)) return 'this is text, not audio; upload WAV or MP3';
  return 'neither WAV (RIFF/WAVE) nor MP3 (MPEG audio frames) content';
}
