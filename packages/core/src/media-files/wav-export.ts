import type { MPEGDecoder } from 'mpg123-decoder';
import { UnavailableError } from '../errors/errors.js';
import type { AudioInfo, Mp3Info } from './audio-info.js';
import { pcmWavHeader } from './wav.js';

/** A WAV rendition of a media file: its exact size (for Content-Length) and its bytes, produced as they are read. */
export interface WavRendition {
  byteLength: number;
  chunks: AsyncIterable<Uint8Array>;
}

/** Bytes of MP3 handed to the decoder at once: the PCM for one such slice is a few MiB at most. */
const SLICE = 64 * 1024;

/**
 * The manual's "the saving format of the download media file is wav": a WAV file is given
 * as stored; an MP3 is decoded (mpg123 compiled to WebAssembly, loaded on first use) to
 * 16-bit PCM at its own sample rate and channel count, slice by slice, so a long file
 * never sits decoded in memory. The header is written first, so its length must be known:
 * it is the frames walked × samples per frame — exactly what the decoder yields with
 * gapless trimming off — and the stream is fitted to it (cut, or padded with silence if a
 * damaged frame decoded short), so the file is always consistent.
 */
export async function wavRendition(bytes: Uint8Array, info: AudioInfo): Promise<WavRendition> {
  if (info.format === 'wav') {
    return { byteLength: bytes.length, chunks: once(bytes) };
  }
  const decoder = await openMp3Decoder();
  const totalSamples = info.audioFrames * info.samplesPerFrame;
  const dataLength = totalSamples * info.channels * 2;
  const header = pcmWavHeader({ sampleRate: info.sampleRate, channels: info.channels, bitsPerSample: 16, dataLength });
  return { byteLength: header.length + dataLength, chunks: decodeToPcm(decoder, bytes, info, header, totalSamples) };
}

async function* once(bytes: Uint8Array): AsyncIterable<Uint8Array> {
  yield bytes;
}

/** mpg123 in WebAssembly, loaded on first use; gapless trimming off, so a stream decodes to frames × samples per frame. Free it after use. */
export async function openMp3Decoder(): Promise<MPEGDecoder> {
  try {
    const { MPEGDecoder } = await import('mpg123-decoder');
    const decoder = new MPEGDecoder({ enableGapless: false });
    await decoder.ready;
    return decoder;
  } catch (error) {
    throw new UnavailableError(`The MP3 decoder could not be loaded: ${(error as Error).message}`, { cause: error });
  }
}

async function* decodeToPcm(decoder: MPEGDecoder, bytes: Uint8Array, info: Mp3Info, header: Uint8Array, totalSamples: number): AsyncIterable<Uint8Array> {
  try {
    yield header;
    let written = 0;
    for (let at = info.streamOffset; at < info.streamEnd && written < totalSamples; at += SLICE) {
      const decoded = decoder.decode(bytes.subarray(at, Math.min(at + SLICE, info.streamEnd)));
      const take = Math.min(decoded.samplesDecoded, totalSamples - written);
      if (take > 0) yield interleave(decoded.channelData, info.channels, take);
      written += take;
    }
    // A damaged frame decodes to nothing: the header promised `totalSamples`, so silence makes up the rest.
    while (written < totalSamples) {
      const take = Math.min(totalSamples - written, SLICE);
      yield new Uint8Array(take * info.channels * 2);
      written += take;
    }
  } finally {
    decoder.free();
  }
}

/** Float samples (the decoder always gives two channels; a mono file's are the same) → interleaved little-endian 16-bit PCM. */
function interleave(channelData: readonly Float32Array[], channels: number, samples: number): Uint8Array {
  const out = new Uint8Array(samples * channels * 2);
  const view = new DataView(out.buffer);
  let offset = 0;
  for (let i = 0; i < samples; i++) {
    for (let c = 0; c < channels; c++) {
      const value = Math.max(-1, Math.min(1, channelData[c]?.[i] ?? 0));
      view.setInt16(offset, Math.round(value < 0 ? value * 0x8000 : value * 0x7fff), true);
      offset += 2;
    }
  }
  return out;
}
