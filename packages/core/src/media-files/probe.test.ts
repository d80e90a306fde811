import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors/errors.js';
import { probeAudio } from './probe.js';
import { makeMp3, makeWav } from './test-audio.js';

const text = (value: string) => new TextEncoder().encode(value);

/** Runs the probe and says what happened: accepted, or refused with a ValidationError. Anything else fails the property. */
function outcome(bytes: Uint8Array): 'accepted' | 'refused' {
  try {
    const info = probeAudio(bytes);
    // Whatever is accepted is described sanely.
    if (!(info.durationMs >= 0 && info.sampleRate >= 1000 && (info.channels === 1 || info.channels === 2))) throw new Error(`odd info ${JSON.stringify(info)}`);
    return 'accepted';
  } catch (error) {
    if (error instanceof ValidationError) return 'refused';
    throw error;
  }
}

describe('probeAudio', () => {
  it('judges by content: a WAV is a WAV and an MP3 an MP3, whatever they are called', () => {
    expect(probeAudio(makeWav())).toMatchObject({ format: 'wav', durationMs: 1000 });
    expect(probeAudio(makeMp3({ id3v2: 64 }))).toMatchObject({ format: 'mp3' });
  });

  it('names what people upload by mistake', () => {
    const reason = (bytes: Uint8Array) => {
      try {
        probeAudio(bytes);
        return 'accepted';
      } catch (error) {
        return (error as ValidationError).issues[0]?.message;
      }
    };
    expect(reason(text('Hello,\nthis is a text file renamed to .wav\n'))).toBe('this is text, not audio; upload WAV or MP3');
    expect(reason(new Uint8Array(0))).toBe('the file is empty');
    expect(reason(text('OggS\x00\x02'))).toBe('this is an Ogg file (Vorbis or Opus); upload WAV or MP3');
    expect(reason(text('fLaC\x00\x00\x00\x22'))).toBe('this is a FLAC file; upload WAV or MP3');
    expect(reason(text('\x00\x00\x00\x20ftypM4A '))).toBe('this is an MP4/M4A file; upload WAV or MP3');
    expect(reason(text('RIFF\x04\x00\x00\x00AVI '))).toBe('a RIFF file of type "AVI ", not WAVE');
    expect(reason(Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]))).toBe('neither WAV (RIFF/WAVE) nor MP3 (MPEG audio frames) content');
  });

  it('random bytes never throw anything but a ValidationError', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 2048 }), (bytes) => void outcome(bytes)), { numRuns: 2000 });
  });

  it('random bytes behind a RIFF/WAVE, ID3 or MPEG frame header never throw anything but a ValidationError', () => {
    const prefixes = [text('RIFF'), text('RIFF\x24\x00\x00\x00WAVEfmt '), text('ID3\x04\x00\x00'), Uint8Array.from([0xff, 0xfb]), Uint8Array.from([0xff, 0xf3, 0x40])];
    fc.assert(
      fc.property(fc.constantFrom(...prefixes), fc.uint8Array({ maxLength: 4096 }), (prefix, rest) => {
        const bytes = new Uint8Array(prefix.length + rest.length);
        bytes.set(prefix);
        bytes.set(rest, prefix.length);
        outcome(bytes);
      }),
      { numRuns: 2000 },
    );
  });

  it('valid files with bytes flipped, cut or spliced never throw anything but a ValidationError', () => {
    const samples = [
      makeWav({ frames: 200 }),
      makeWav({ extensible: true, channels: 2, frames: 50 }),
      makeMp3({ frames: 8, id3v2: 20, id3v1: true }),
      makeMp3({ frames: 8, vbrHeader: 'Xing' }),
      makeMp3({ frames: 8, vbrHeader: 'VBRI', version: '2', sampleRate: 22_050, bitrateKbps: 64 }),
    ];
    const damage = fc.oneof(
      fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
      fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }),
      fc.record({ kind: fc.constant('splice' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 64 }) }),
    );
    fc.assert(
      fc.property(fc.constantFrom(...samples), fc.array(damage, { minLength: 1, maxLength: 4 }), (sample, damages) => {
        let bytes = sample.slice();
        for (const d of damages) {
          const at = d.at % (bytes.length + 1);
          if (d.kind === 'flip' && at < bytes.length) bytes[at] = d.value;
          if (d.kind === 'cut') bytes = bytes.slice(0, at);
          if (d.kind === 'splice') bytes = Uint8Array.from([...bytes.subarray(0, at), ...d.bytes, ...bytes.subarray(at)]);
        }
        outcome(bytes);
      }),
      { numRuns: 3000 },
    );
  });

  it('a cut anywhere inside the samples is always noticed', () => {
    const wav = makeWav({ frames: 500 });
    const mp3 = makeMp3({ frames: 12 });
    fc.assert(
      fc.property(fc.integer({ min: 45, max: wav.length - 2 }), fc.integer({ min: 5, max: mp3.length - 1 }), (wavCut, mp3Cut) => {
        expect(outcome(wav.subarray(0, wavCut))).toBe('refused');
        // Cutting an MP3 exactly at a frame boundary leaves a shorter, valid stream; anywhere else is refused.
        const frameStarts = new Set<number>();
        for (let at = 0, i = 0; at < mp3.length; i++) {
          frameStarts.add(at);
          at += i % 2 === 1 ? 418 : 417;
        }
        expect(outcome(mp3.subarray(0, mp3Cut))).toBe(frameStarts.has(mp3Cut) ? 'accepted' : 'refused');
      }),
      { numRuns: 500 },
    );
  });
});
