import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors/errors.js';
import { concat, makeWav } from './test-audio.js';
import { parseWav, pcmWavHeader } from './wav.js';

function refusal(bytes: Uint8Array): string {
  try {
    parseWav(bytes);
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues[0]?.path).toBe('file');
    return (error as ValidationError).message;
  }
  throw new Error('accepted');
}

describe('parseWav', () => {
  it('reads 16-bit PCM mono: rate, channels and the duration from data size ÷ byte rate', () => {
    const wav = makeWav({ sampleRate: 8000, frames: 12_000 });
    expect(parseWav(wav)).toEqual({
      format: 'wav',
      codec: 'pcm',
      sampleRate: 8000,
      channels: 1,
      bitsPerSample: 16,
      blockAlign: 2,
      byteRate: 16_000,
      dataOffset: 44,
      dataLength: 24_000,
      durationMs: 1500,
    });
  });

  it('reads 8-bit PCM stereo, A-law and µ-law (telephony), and WAVE_FORMAT_EXTENSIBLE', () => {
    expect(parseWav(makeWav({ sampleRate: 22_050, channels: 2, bitsPerSample: 8, frames: 22_050 }))).toMatchObject({ codec: 'pcm', channels: 2, bitsPerSample: 8, durationMs: 1000 });
    expect(parseWav(makeWav({ formatCode: 6, bitsPerSample: 8, frames: 4000 }))).toMatchObject({ codec: 'alaw', sampleRate: 8000, durationMs: 500 });
    expect(parseWav(makeWav({ formatCode: 7, bitsPerSample: 8, frames: 800 }))).toMatchObject({ codec: 'mulaw', durationMs: 100 });
    expect(parseWav(makeWav({ extensible: true, sampleRate: 48_000, channels: 2, frames: 4800 }))).toMatchObject({ codec: 'pcm', sampleRate: 48_000, channels: 2, durationMs: 100 });
    expect(parseWav(makeWav({ extensible: true, formatCode: 7, bitsPerSample: 8 }))).toMatchObject({ codec: 'mulaw' });
  });

  it('skips other chunks (LIST, odd-sized with their pad byte) and finds the data after them', () => {
    const wav = makeWav({ before: [['LIST', new Uint8Array(13)], ['junk', new Uint8Array(4)]], frames: 8000 });
    expect(parseWav(wav)).toMatchObject({ dataOffset: 12 + 8 + 14 + 8 + 4 + 8 + 16 + 8, durationMs: 1000 });
  });

  it('ignores bytes after the RIFF chunk and tolerates a missing final pad byte the RIFF size counted', () => {
    expect(parseWav(concat([makeWav(), new Uint8Array([1, 2, 3])]))).toMatchObject({ durationMs: 1000 });
    const odd = makeWav({ bitsPerSample: 8, frames: 801 }); // an odd data chunk: one pad byte at the end
    const unpadded = odd.subarray(0, odd.length - 1);
    expect(parseWav(unpadded)).toMatchObject({ dataLength: 801 });
  });

  it('refuses what it cannot play, saying why', () => {
    expect(refusal(makeWav({ formatCode: 3, bitsPerSample: 32 }))).toMatch(/format code 3 \(IEEE floating point\) is not supported/);
    expect(refusal(makeWav({ formatCode: 0x55 }))).toMatch(/MP3 inside WAV/);
    expect(refusal(makeWav({ bitsPerSample: 24 }))).toMatch(/24 bits per sample is not supported/);
    expect(refusal(makeWav({ formatCode: 6, bitsPerSample: 16 }))).toMatch(/A-law samples have 8 bits/);
    expect(refusal(makeWav({ channels: 6 }))).toMatch(/6 channels/);
    expect(refusal(makeWav({ sampleRate: 100, frames: 100 }))).toMatch(/100 Hz is out of range/);
    expect(refusal(makeWav({ frames: 0 }))).toMatch(/data chunk is empty/);
  });

  it('refuses truncated and inconsistent files', () => {
    const wav = makeWav();
    expect(refusal(wav.subarray(0, wav.length - 100))).toMatch(/truncated: the RIFF header announces 16044 bytes, the file has 15944/);
    // A RIFF size patched to match the cut: now the data chunk itself runs past the end.
    const cut = wav.slice(0, wav.length - 100);
    new DataView(cut.buffer).setUint32(4, cut.length - 8, true);
    expect(refusal(cut)).toMatch(/the "data" chunk at byte 36 announces 16000 bytes, 15900 remain/);
    expect(refusal(makeWav({ byteRate: 12_345 }))).toMatch(/inconsistent fmt chunk: byte rate 12345/);
    expect(refusal(makeWav({ blockAlign: 4 }))).toMatch(/inconsistent fmt chunk: block align 4/);
    const halfSample = makeWav({ frames: 10 });
    new DataView(halfSample.buffer).setUint32(40, 19, true); // 19 bytes of 2-byte samples
    new DataView(halfSample.buffer).setUint32(4, halfSample.length - 8 - 1, true);
    expect(refusal(halfSample.subarray(0, halfSample.length - 1))).toMatch(/not a whole number of 2-byte sample frames/);
  });

  it('refuses RIFF files without fmt or data, and anything that is not RIFF/WAVE', () => {
    const noFmt = concat([Uint8Array.from('RIFF\x0c\x00\x00\x00WAVEdata\x00\x00\x00\x00', (c) => c.charCodeAt(0))]);
    expect(refusal(noFmt)).toMatch(/no fmt chunk/);
    expect(refusal(new TextEncoder().encode('RIFF\x04\x00\x00\x00WAVE'))).toMatch(/no fmt chunk/);
    expect(refusal(new TextEncoder().encode('hello, this is a text file'))).toMatch(/not a RIFF\/WAVE file/);
  });

  it('writes a canonical PCM header that reads back', () => {
    const header = pcmWavHeader({ sampleRate: 16_000, channels: 2, bitsPerSample: 16, dataLength: 64_000 });
    expect(header).toHaveLength(44);
    expect(parseWav(concat([header, new Uint8Array(64_000)]))).toMatchObject({ codec: 'pcm', sampleRate: 16_000, channels: 2, byteRate: 64_000, durationMs: 1000 });
  });
});
