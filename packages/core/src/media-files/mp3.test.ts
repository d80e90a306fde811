import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors/errors.js';
import { parseMp3 } from './mp3.js';
import { concat, makeMp3, mp3Frame } from './test-audio.js';

function refusal(bytes: Uint8Array): string {
  try {
    parseMp3(bytes);
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as ValidationError).message;
  }
  throw new Error('accepted');
}

describe('parseMp3', () => {
  it('counts the frames of a constant bit-rate MPEG-1 stream (padded frames included) for the duration', () => {
    const mp3 = makeMp3({ frames: 100 }); // 44.1 kHz, 128 kbit/s, mono
    const info = parseMp3(mp3);
    expect(info).toMatchObject({
      format: 'mp3',
      mpegVersion: '1',
      sampleRate: 44_100,
      channels: 1,
      samplesPerFrame: 1152,
      audioFrames: 100,
      announcedFrames: null,
      vbrHeader: null,
      streamOffset: 0,
      streamEnd: mp3.length,
      durationMs: Math.round((100 * 1152 * 1000) / 44_100),
    });
    expect(info.bitrateKbps).toBe(128);
  });

  it('reads MPEG-2 and MPEG-2.5 (576 samples a frame), stereo, and protected frames', () => {
    expect(parseMp3(makeMp3({ version: '2', sampleRate: 16_000, bitrateKbps: 32, frames: 50 }))).toMatchObject({ mpegVersion: '2', samplesPerFrame: 576, durationMs: 1800 });
    expect(parseMp3(makeMp3({ version: '2.5', sampleRate: 8000, bitrateKbps: 8, frames: 25 }))).toMatchObject({ mpegVersion: '2.5', sampleRate: 8000, durationMs: 1800, bitrateKbps: 8 });
    expect(parseMp3(makeMp3({ channels: 2, sampleRate: 48_000, bitrateKbps: 320, frames: 10 }))).toMatchObject({ channels: 2, durationMs: 240 });
    expect(parseMp3(makeMp3({ crc: true, frames: 5 }))).toMatchObject({ audioFrames: 5 });
  });

  it('skips an ID3v2 tag in front (and padding after it) and end tags', () => {
    const tagged = makeMp3({ id3v2: 2000, id3v1: true, frames: 20 });
    expect(parseMp3(tagged)).toMatchObject({ streamOffset: 2010, streamEnd: tagged.length - 128, audioFrames: 20 });
    const padded = concat([makeMp3({ id3v2: 100, frames: 0 }), new Uint8Array(300), makeMp3({ frames: 10 })]);
    expect(parseMp3(padded)).toMatchObject({ streamOffset: 410, audioFrames: 10 });
    expect(parseMp3(concat([makeMp3({ frames: 10 }), new Uint8Array(50)]))).toMatchObject({ audioFrames: 10 });
  });

  it('takes the frame count of an Xing, Info or VBRI header, which is not itself audio', () => {
    for (const vbrHeader of ['Xing', 'Info', 'VBRI'] as const) {
      const info = parseMp3(makeMp3({ vbrHeader, frames: 200 }));
      expect(info).toMatchObject({ vbrHeader: vbrHeader.toLowerCase(), announcedFrames: 200, audioFrames: 200, durationMs: Math.round((200 * 1152 * 1000) / 44_100) });
      expect(info.streamOffset).toBe(0);
    }
    // VBRI encoders may count the header frame too: one frame more is still consistent.
    expect(parseMp3(makeMp3({ vbrHeader: 'VBRI', frames: 200, announcedFrames: 201 }))).toMatchObject({ durationMs: Math.round((201 * 1152 * 1000) / 44_100) });
    // A header that announces fewer frames than there are (files joined): the frames walked win.
    expect(parseMp3(makeMp3({ vbrHeader: 'Xing', frames: 200, announcedFrames: 50 }))).toMatchObject({ durationMs: Math.round((200 * 1152 * 1000) / 44_100) });
  });

  it('refuses a file cut short: in a frame, or with fewer frames than its Xing header announces', () => {
    const mp3 = makeMp3({ frames: 10 });
    expect(refusal(mp3.subarray(0, mp3.length - 100))).toMatch(/truncated: the frame at byte \d+ needs 41[78] bytes, \d+ remain/);
    expect(refusal(makeMp3({ vbrHeader: 'Xing', frames: 100, announcedFrames: 400 }))).toMatch(/truncated: the Xing\/Info header announces 400 frames, the file has 100/);
    expect(refusal(makeMp3({ id3v2: 5000 }).subarray(0, 1000))).toMatch(/truncated: the ID3v2 tag at byte 0 announces 5000 bytes/);
  });

  it('refuses junk between frames, streams that change rate, other layers and tags without audio', () => {
    const junk = concat([makeMp3({ frames: 5 }), new TextEncoder().encode('garbage in the middle'), makeMp3({ frames: 5 })]);
    expect(refusal(junk)).toMatch(/no valid MPEG audio frame at byte \d+ after 5 frames \(no frame sync\)/);
    const mixed = concat([makeMp3({ frames: 5 }), makeMp3({ frames: 5, sampleRate: 48_000 })]);
    expect(refusal(mixed)).toMatch(/inconsistent stream: the frame at byte \d+ is MPEG-1 48000 Hz mono, the first MPEG-1 44100 Hz mono/);
    const layer2 = makeMp3({ frames: 3 }).slice();
    layer2[1] = 0xfd; // layer bits 10
    expect(refusal(layer2)).toMatch(/MPEG layer II audio \(MP2\), not MP3/);
    expect(refusal(makeMp3({ id3v2: 100, frames: 0 }))).toMatch(/ID3 tag with no MPEG audio frames/);
    expect(refusal(makeMp3({ vbrHeader: 'Xing', frames: 0 }))).toMatch(/no audio frames, only a VBR header/);
    const free = mp3Frame({});
    free[2] = 0x00; // bit-rate index 0
    expect(refusal(concat([free, free]))).toMatch(/free-format bit rate/);
  });

  it('does not take a lone sync word for a stream', () => {
    // Starts like a frame, but what follows the first "frame" is not another one.
    const fake = concat([mp3Frame({}), new TextEncoder().encode('and then some text that is not a frame at all')]);
    expect(refusal(fake)).toMatch(/no valid MPEG audio frame at byte 417 after 1 frames/);
  });
});
