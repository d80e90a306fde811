import { describe, expect, it } from 'vitest';
import { probeAudio } from './probe.js';
import { resample, resampledLength, Resampler } from './resample.js';
import { makeWav } from './test-audio.js';
import { telephonyWav } from './telephony-wav.js';
import { parseWav } from './wav.js';

const tone = (hz: number, rate: number, seconds: number, amplitude = 0.5) => Float32Array.from({ length: Math.round(rate * seconds) }, (_, i) => amplitude * Math.sin((2 * Math.PI * hz * i) / rate));

/** Amplitude of the `hz` component (a single-bin DFT) over the signal's middle, away from the start and end transients. */
function amplitudeAt(signal: Float32Array, rate: number, hz: number): number {
  const from = Math.floor(signal.length / 4);
  const to = Math.floor((3 * signal.length) / 4);
  let re = 0;
  let im = 0;
  for (let i = from; i < to; i++) {
    re += signal[i]! * Math.cos((2 * Math.PI * hz * i) / rate);
    im += signal[i]! * Math.sin((2 * Math.PI * hz * i) / rate);
  }
  return (2 * Math.hypot(re, im)) / (to - from);
}

function rms(signal: Float32Array): number {
  const middle = signal.subarray(Math.floor(signal.length / 4), Math.floor((3 * signal.length) / 4));
  return Math.sqrt(middle.reduce((sum, v) => sum + v * v, 0) / middle.length);
}

/** Zero crossings per second over the signal's middle: twice the frequency of a pure tone. */
function frequencyOf(signal: Float32Array, rate: number): number {
  const middle = signal.subarray(Math.floor(signal.length / 4), Math.floor((3 * signal.length) / 4));
  let crossings = 0;
  for (let i = 1; i < middle.length; i++) if (middle[i - 1]! < 0 !== middle[i]! < 0) crossings++;
  return (crossings * rate) / middle.length / 2;
}

async function collect(chunks: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const chunk of chunks) parts.push(chunk);
  return Buffer.concat(parts);
}

/** A published file's samples as floats. */
function samplesOf(wav: Buffer): Float32Array {
  const info = parseWav(wav);
  return Float32Array.from({ length: info.dataLength / 2 }, (_, i) => wav.readInt16LE(info.dataOffset + i * 2) / 32768);
}

describe('resampling to 8 kHz', () => {
  it('keeps a 1 kHz tone at 16 kHz: the same frequency and amplitude, exactly half the samples', () => {
    const out = resample(tone(1000, 16_000, 1), 16_000, 8000);
    expect(out.length).toBe(8000);
    expect(frequencyOf(out, 8000)).toBeCloseTo(1000, -1);
    expect(amplitudeAt(out, 8000, 1000)).toBeCloseTo(0.5, 3);
  });

  it('removes a 6 kHz tone instead of folding it down to 2 kHz', () => {
    const input = tone(6000, 16_000, 1);
    const out = resample(input, 16_000, 8000);
    // Naive decimation (every other sample) would keep it at full strength as a 2 kHz alias.
    const decimated = input.filter((_, i) => i % 2 === 0);
    expect(amplitudeAt(decimated, 8000, 2000)).toBeGreaterThan(0.45);
    expect(rms(out)).toBeLessThan(0.5 * 1e-3); // more than 60 dB down
  });

  it('gives the same samples whether fed at once or in blocks of any size', () => {
    const input = tone(440, 44_100, 0.5);
    const whole = resample(input, 44_100, 8000);
    const resampler = new Resampler(44_100, 8000);
    const parts: Float32Array[] = [];
    for (let at = 0, size = 1; at < input.length; at += size, size = (size * 7 + 3) % 5000) parts.push(resampler.push(input.subarray(at, at + size)));
    parts.push(resampler.end());
    const streamed = Float32Array.from(parts.flatMap((p) => [...p]));
    expect(streamed.length).toBe(whole.length);
    expect(streamed.length).toBe(resampledLength(input.length, 44_100, 8000));
    for (let i = 0; i < whole.length; i++) expect(streamed[i]).toBeCloseTo(whole[i]!, 6);
  });

  it('has exactly ⌈frames × 8000 / rate⌉ output samples, for rates up and down', () => {
    for (const [rate, frames] of [
      [44_100, 44_100],
      [44_100, 1000],
      [11_025, 12_345],
      [48_000, 7],
      [22_050, 22_051],
      [6000, 3001],
      [44_101, 5000],
      [8000, 1234],
    ] as const) {
      const out = resample(tone(300, rate, frames / rate), rate, 8000);
      expect(out.length, `${frames} frames at ${rate} Hz`).toBe(Math.ceil((frames * 8000) / rate));
    }
  });

  it('interpolates a lower rate up: a 1 kHz tone at 6 kHz stays 1 kHz at the same level', () => {
    const out = resample(tone(1000, 6000, 1), 6000, 8000);
    expect(out.length).toBe(8000);
    expect(amplitudeAt(out, 8000, 1000)).toBeCloseTo(0.5, 3);
  });

  it('makes an 8 kHz mono 16-bit WAV from a 44.1 kHz stereo one, keeping a 1 kHz tone and the duration', async () => {
    const stereo = makeWav({ sampleRate: 44_100, channels: 2, frames: 44_100 * 2, toneHz: 1000, amplitude: 0.5 });
    const rendition = await telephonyWav(stereo, probeAudio(stereo));
    const wav = await collect(rendition.chunks);
    expect(wav.length).toBe(rendition.byteLength);
    expect(parseWav(wav)).toMatchObject({ codec: 'pcm', sampleRate: 8000, channels: 1, bitsPerSample: 16, durationMs: 2000, dataLength: 32_000 });
    const samples = samplesOf(wav);
    expect(frequencyOf(samples, 8000)).toBeCloseTo(1000, -1);
    expect(amplitudeAt(samples, 8000, 1000)).toBeCloseTo(0.5, 2);
  });

  it('decodes A-law and µ-law WAVs to the same tone as 16-bit PCM', async () => {
    for (const formatCode of [6, 7]) {
      const wav = makeWav({ sampleRate: 8000, formatCode, bitsPerSample: 8, frames: 8000, toneHz: 1000, amplitude: 0.5 });
      const out = samplesOf(await collect((await telephonyWav(wav, probeAudio(wav))).chunks));
      expect(out.length).toBe(8000);
      // G.711 quantises to about 1/30 of the level at this amplitude.
      expect(amplitudeAt(out, 8000, 1000), `format ${formatCode}`).toBeCloseTo(0.5, 1);
    }
  });
});
