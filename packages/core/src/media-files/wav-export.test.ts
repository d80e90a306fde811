import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { probeAudio } from './probe.js';
import { concat, makeMp3, makeWav } from './test-audio.js';
import { wavRendition } from './wav-export.js';
import { parseWav } from './wav.js';

async function render(bytes: Uint8Array): Promise<{ byteLength: number; out: Uint8Array }> {
  const rendition = await wavRendition(bytes, probeAudio(bytes));
  const parts: Uint8Array[] = [];
  for await (const chunk of rendition.chunks) parts.push(chunk);
  return { byteLength: rendition.byteLength, out: concat(parts) };
}

describe('wavRendition', () => {
  it('gives a WAV file as stored', async () => {
    const wav = makeWav({ formatCode: 7, bitsPerSample: 8 });
    const { byteLength, out } = await render(wav);
    expect(byteLength).toBe(wav.length);
    expect(out).toEqual(wav);
  });

  it('decodes an MP3 to 16-bit PCM WAV with its rate, channels and every sample of its frames', async () => {
    const mp3 = makeMp3({ frames: 40, id3v2: 32, id3v1: true, vbrHeader: 'Info' });
    const { byteLength, out } = await render(mp3);
    expect(out.length).toBe(byteLength);
    const wav = parseWav(out);
    expect(wav).toMatchObject({ codec: 'pcm', bitsPerSample: 16, sampleRate: 44_100, channels: 1, dataLength: 40 * 1152 * 2 });
    expect(wav.durationMs).toBe(probeAudio(mp3).durationMs);
    // Silent frames decode to silence.
    expect(out.subarray(44).every((b) => b === 0)).toBe(true);
  });

  it('keeps stereo stereo and MPEG-2 rates', async () => {
    const { out } = await render(makeMp3({ frames: 30, channels: 2, version: '2', sampleRate: 16_000, bitrateKbps: 32 }));
    expect(parseWav(out)).toMatchObject({ sampleRate: 16_000, channels: 2, dataLength: 30 * 576 * 2 * 2, durationMs: 1080 });
  });

  it('streams a long MP3 slice by slice into a file of exactly the announced length', async () => {
    // 2,000 frames: about 52 s, 835 KB of MP3 decoded in 64 KiB slices.
    const mp3 = makeMp3({ frames: 2000 });
    const rendition = await wavRendition(mp3, probeAudio(mp3));
    let total = 0;
    let chunks = 0;
    for await (const chunk of rendition.chunks) {
      total += chunk.length;
      chunks++;
    }
    expect(total).toBe(rendition.byteLength);
    expect(total).toBe(44 + 2000 * 1152 * 2);
    expect(chunks).toBeGreaterThan(10);
  });

  it('an MP3 with garbage inside its frames still renders to exactly the length its header promised', async () => {
    const mp3 = makeMp3({ frames: 20, channels: 2 });
    const headerBytes = new Set<number>();
    for (let at = 0, i = 0; at < mp3.length; at += i++ % 2 === 1 ? 418 : 417) for (let k = 0; k < 4; k++) headerBytes.add(at + k);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.record({ at: fc.nat({ max: mp3.length - 1 }), value: fc.integer({ min: 0, max: 255 }) }), { maxLength: 200 }), async (flips) => {
        const damaged = mp3.slice();
        // Leave the frame headers alone so the file is still accepted; scramble side information and audio data.
        for (const { at, value } of flips) if (!headerBytes.has(at)) damaged[at] = value;
        const info = probeAudio(damaged);
        const { byteLength, out } = await render(damaged);
        expect(out.length).toBe(byteLength);
        expect(parseWav(out).durationMs).toBe(info.durationMs);
      }),
      { numRuns: 40 },
    );
  });
});
