import type { AudioInfo, Mp3Info, WavInfo } from './audio-info.js';
import { Resampler, resampledLength } from './resample.js';
import { openMp3Decoder, type WavRendition } from './wav-export.js';
import { pcmWavHeader } from './wav.js';

/** The rate every published media file has: what a telephone line carries, and what Asterisk's `.wav` format requires. */
export const TELEPHONY_SAMPLE_RATE = 8000;
/**
 * Names the rendition the publisher writes (8 kHz, mono, 16-bit PCM, this resampler). It is
 * stored beside each published file, so changing the rendition republishes every file.
 */
export const TELEPHONY_RENDITION = 'pcm16-8000-mono/1';

/**
 * Work is done in slices of about a second of audio (a few milliseconds of CPU each, the
 * writes between them yield), so converting a long file never holds up call control.
 */
const WAV_BLOCK_FRAMES = 16_384;
/** Bytes of MP3 decoded at once: about a second at 128 kbit/s. */
const MP3_SLICE = 16 * 1024;

/** Sample frames the source holds: a WAV's data chunk, or an MP3's frames walked × samples per frame (what the decoder yields with gapless trimming off). */
function sourceFrames(info: AudioInfo): number {
  return info.format === 'wav' ? info.dataLength / info.blockAlign : info.audioFrames * info.samplesPerFrame;
}

/** Samples of the telephony rendition of a file: its duration at 8 kHz, to one sample. */
export function telephonyFrames(info: AudioInfo): number {
  return resampledLength(sourceFrames(info), info.sampleRate, TELEPHONY_SAMPLE_RATE);
}

/**
 * A media file as the media servers play it: a canonical 8 kHz mono 16-bit PCM WAV
 * (FreeSWITCH's `playback` reads any rate, but Asterisk's `wav` format is 8 kHz signed
 * linear only, and a telephone line carries nothing above 4 kHz anyway). A WAV's PCM,
 * A-law or µ-law samples or an MP3's decoded ones are mixed down to mono (the channels'
 * mean) and resampled with an anti-aliasing low-pass (resample.ts), block by block, so a
 * long file never sits decoded in memory. Its length is known before the first byte.
 */
export async function telephonyWav(bytes: Uint8Array, info: AudioInfo): Promise<WavRendition> {
  const frames = telephonyFrames(info);
  const dataLength = frames * 2;
  const header = pcmWavHeader({ sampleRate: TELEPHONY_SAMPLE_RATE, channels: 1, bitsPerSample: 16, dataLength });
  const source = info.format === 'wav' ? wavBlocks(bytes, info) : mp3Blocks(bytes, info);
  return { byteLength: header.length + dataLength, chunks: render(header, source, info.sampleRate, frames) };
}

async function* render(header: Uint8Array, source: Iterable<Float32Array> | AsyncIterable<Float32Array>, inRate: number, frames: number): AsyncIterable<Uint8Array> {
  yield header;
  const resampler = new Resampler(inRate, TELEPHONY_SAMPLE_RATE);
  let written = 0;
  const take = (samples: Float32Array): Uint8Array => {
    const count = Math.min(samples.length, frames - written);
    written += count;
    return toPcm16(samples, count);
  };
  for await (const block of source) {
    const out = resampler.push(block);
    if (out.length > 0) yield take(out);
  }
  const tail = resampler.end();
  if (tail.length > 0) yield take(tail);
  // The resampler gives exactly `frames`; the header promised them, whatever happens.
  if (written < frames) yield new Uint8Array((frames - written) * 2);
}

/** Float samples → little-endian 16-bit PCM, clipped. */
function toPcm16(samples: Float32Array, count: number): Uint8Array {
  const out = new Uint8Array(count * 2);
  const view = new DataView(out.buffer);
  for (let i = 0; i < count; i++) {
    const value = Math.max(-1, Math.min(1, samples[i]!));
    view.setInt16(i * 2, Math.round(value < 0 ? value * 0x8000 : value * 0x7fff), true);
  }
  return out;
}

/** G.711 code → linear sample, as ITU-T G.711 (and Sun's reference g711.c) expand them. */
function g711Table(law: 'alaw' | 'mulaw'): Float32Array {
  const table = new Float32Array(256);
  for (let code = 0; code < 256; code++) {
    let sample: number;
    if (law === 'mulaw') {
      const u = ~code & 0xff;
      const magnitude = (((u & 0x0f) << 3) + 0x84) << ((u & 0x70) >> 4);
      sample = u & 0x80 ? 0x84 - magnitude : magnitude - 0x84;
    } else {
      const a = code ^ 0x55;
      const segment = (a & 0x70) >> 4;
      let magnitude = (a & 0x0f) << 4;
      magnitude = segment === 0 ? magnitude + 8 : (magnitude + 0x108) << (segment - 1);
      sample = a & 0x80 ? magnitude : -magnitude;
    }
    table[code] = sample / 32768;
  }
  return table;
}

let alaw: Float32Array | undefined;
let mulaw: Float32Array | undefined;

/** A WAV's samples, mixed down to mono floats, a block at a time. */
function* wavBlocks(bytes: Uint8Array, info: WavInfo): Iterable<Float32Array> {
  const view = new DataView(bytes.buffer, bytes.byteOffset + info.dataOffset, info.dataLength);
  const { channels, blockAlign } = info;
  const total = info.dataLength / blockAlign;
  const bytesPerSample = blockAlign / channels;
  const table = info.codec === 'alaw' ? (alaw ??= g711Table('alaw')) : info.codec === 'mulaw' ? (mulaw ??= g711Table('mulaw')) : undefined;
  const sampleAt = (at: number): number => {
    if (table) return table[view.getUint8(at)]!;
    return bytesPerSample === 2 ? view.getInt16(at, true) / 32768 : (view.getUint8(at) - 128) / 128;
  };
  for (let first = 0; first < total; first += WAV_BLOCK_FRAMES) {
    const count = Math.min(WAV_BLOCK_FRAMES, total - first);
    const block = new Float32Array(count);
    for (let i = 0; i < count; i++) {
      const at = (first + i) * blockAlign;
      let sum = 0;
      for (let c = 0; c < channels; c++) sum += sampleAt(at + c * bytesPerSample);
      block[i] = sum / channels;
    }
    yield block;
  }
}

/** An MP3's samples (mpg123 in WebAssembly), decoded slice by slice and mixed down to mono; cut or padded with silence to frames × samples per frame. */
async function* mp3Blocks(bytes: Uint8Array, info: Mp3Info): AsyncIterable<Float32Array> {
  // Opened here, so a rendition never read never holds a decoder.
  const decoder = await openMp3Decoder();
  try {
    const total = sourceFrames(info);
    let decoded = 0;
    for (let at = info.streamOffset; at < info.streamEnd && decoded < total; at += MP3_SLICE) {
      const result = decoder.decode(bytes.subarray(at, Math.min(at + MP3_SLICE, info.streamEnd)));
      const count = Math.min(result.samplesDecoded, total - decoded);
      if (count <= 0) continue;
      // The decoder gives two channels even for a mono stream (the same samples twice).
      const left = result.channelData[0];
      const right = info.channels === 2 ? result.channelData[1] : undefined;
      const block = new Float32Array(count);
      for (let i = 0; i < count; i++) block[i] = right ? ((left?.[i] ?? 0) + right[i]!) / 2 : (left?.[i] ?? 0);
      decoded += count;
      yield block;
    }
    // A damaged frame decodes to nothing: silence makes up the length the header promised.
    if (decoded < total) yield new Float32Array(total - decoded);
  } finally {
    decoder.free();
  }
}
