/**
 * Real audio files built byte by byte for the tests (no fixtures): WAV files with a sine
 * tone, and MP3 streams of valid layer III frames whose side information is all zero — a
 * frame every decoder plays as silence.
 */

export interface WavSpec {
  sampleRate?: number;
  channels?: number;
  /** 8 or 16 for PCM; 8 for A-law and µ-law. */
  bitsPerSample?: number;
  /** 1 PCM, 6 A-law, 7 µ-law, or anything else to test refusals. */
  formatCode?: number;
  /** Wrap the format in WAVE_FORMAT_EXTENSIBLE. */
  extensible?: boolean;
  /** Sample frames (one sample per channel). */
  frames?: number;
  /** Chunks before `fmt ` (a LIST chunk, say), as [id, body]. */
  before?: Array<[string, Uint8Array]>;
  /** Override fields of the fmt chunk to make it inconsistent. */
  byteRate?: number;
  blockAlign?: number;
  /** The tone's frequency (default 440 Hz) and peak level (default 0.5 of full scale). */
  toneHz?: number;
  amplitude?: number;
}

const text = (value: string) => Uint8Array.from(value, (c) => c.charCodeAt(0));

function chunk(id: string, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(8 + body.length + (body.length & 1));
  out.set(text(id), 0);
  new DataView(out.buffer).setUint32(4, body.length, true);
  out.set(body, 8);
  return out;
}

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** ITU-T G.711 compression of a 16-bit sample, as Sun's reference g711.c does it. */
function g711(law: 'alaw' | 'mulaw', sample: number): number {
  const segment = (value: number, ends: number[]) => {
    const i = ends.findIndex((end) => value <= end);
    return i < 0 ? ends.length : i;
  };
  if (law === 'mulaw') {
    let value = sample >> 2;
    const mask = value < 0 ? 0x7f : 0xff;
    value = Math.min(Math.abs(value), 8159) + 0x21;
    const seg = segment(value, [0x3f, 0x7f, 0xff, 0x1ff, 0x3ff, 0x7ff, 0xfff, 0x1fff]);
    return seg >= 8 ? 0x7f ^ mask : ((seg << 4) | ((value >> (seg + 1)) & 0xf)) ^ mask;
  }
  let value = sample >> 3;
  const mask = value >= 0 ? 0xd5 : 0x55;
  if (value < 0) value = -value - 1;
  const seg = segment(value, [0x1f, 0x3f, 0x7f, 0xff, 0x1ff, 0x3ff, 0x7ff, 0xfff]);
  if (seg >= 8) return 0x7f ^ mask;
  return ((seg << 4) | ((seg < 2 ? value >> 1 : value >> seg) & 0xf)) ^ mask;
}

/** A WAV file with a tone (440 Hz at half of full scale unless told). */
export function makeWav(spec: WavSpec = {}): Uint8Array {
  const sampleRate = spec.sampleRate ?? 8000;
  const channels = spec.channels ?? 1;
  const bits = spec.bitsPerSample ?? 16;
  const code = spec.formatCode ?? 1;
  const frames = spec.frames ?? sampleRate; // one second
  const blockAlign = spec.blockAlign ?? (channels * bits) / 8;
  const fmt = new Uint8Array(spec.extensible ? 40 : 16);
  const view = new DataView(fmt.buffer);
  view.setUint16(0, spec.extensible ? 0xfffe : code, true);
  view.setUint16(2, channels, true);
  view.setUint32(4, sampleRate, true);
  view.setUint32(8, spec.byteRate ?? sampleRate * blockAlign, true);
  view.setUint16(12, blockAlign, true);
  view.setUint16(14, bits, true);
  if (spec.extensible) {
    view.setUint16(16, 22, true); // cbSize
    view.setUint16(18, bits, true); // valid bits
    view.setUint32(20, channels === 1 ? 0x4 : 0x3, true); // channel mask
    view.setUint16(24, code, true); // the sub-format GUID starts with the format code
    fmt.set([0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71], 26);
  }
  const data = new Uint8Array(frames * ((channels * bits) / 8));
  const samples = new DataView(data.buffer);
  for (let i = 0; i < frames; i++) {
    const value = Math.sin((2 * Math.PI * (spec.toneHz ?? 440) * i) / sampleRate) * (spec.amplitude ?? 0.5);
    for (let c = 0; c < channels; c++) {
      const at = (i * channels + c) * (bits / 8);
      if (bits === 16) samples.setInt16(at, Math.round(value * 32767), true);
      else if (code === 1) data[at] = Math.round(128 + value * 127); // 8-bit PCM is unsigned
      else if (code === 6 || code === 7) data[at] = g711(code === 6 ? 'alaw' : 'mulaw', Math.round(value * 32767));
      else data[at] = 0xd5;
    }
  }
  const body = concat([text('WAVE'), ...(spec.before ?? []).map(([id, b]) => chunk(id, b)), chunk('fmt ', fmt), chunk('data', data)]);
  const riff = new Uint8Array(8);
  riff.set(text('RIFF'));
  new DataView(riff.buffer).setUint32(4, body.length, true);
  return concat([riff, body]);
}

export interface Mp3Spec {
  version?: '1' | '2' | '2.5';
  bitrateKbps?: number;
  sampleRate?: number;
  channels?: 1 | 2;
  frames?: number;
  /** Bytes of an ID3v2 tag in front (0: none). */
  id3v2?: number;
  /** An ID3v1 tag at the end. */
  id3v1?: boolean;
  /** A VBR header frame in front announcing `announcedFrames` (default: `frames`). */
  vbrHeader?: 'Xing' | 'Info' | 'VBRI';
  announcedFrames?: number;
  /** Protected frames (a CRC after the header). */
  crc?: boolean;
}

const BITRATES_V1 = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320];
const BITRATES_V2 = [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160];
const RATES: Record<string, number[]> = { '1': [44_100, 48_000, 32_000], '2': [22_050, 24_000, 16_000], '2.5': [11_025, 12_000, 8_000] };

/** One silent layer III frame; `padding` adds the optional byte encoders use to keep 44.1 kHz streams at their bit rate. */
export function mp3Frame(spec: Mp3Spec, padding = false): Uint8Array {
  const version = spec.version ?? '1';
  const bitrate = spec.bitrateKbps ?? (version === '1' ? 128 : 32);
  const sampleRate = spec.sampleRate ?? RATES[version]![0]!;
  const channels = spec.channels ?? 1;
  const bitrateIndex = (version === '1' ? BITRATES_V1 : BITRATES_V2).indexOf(bitrate);
  const rateIndex = RATES[version]!.indexOf(sampleRate);
  if (bitrateIndex < 1 || rateIndex < 0) throw new Error(`no such MPEG-${version} layer III frame: ${bitrate} kbit/s, ${sampleRate} Hz`);
  const length = Math.floor(((version === '1' ? 144 : 72) * bitrate * 1000) / sampleRate) + (padding ? 1 : 0);
  const frame = new Uint8Array(length);
  const versionBits = version === '1' ? 3 : version === '2' ? 2 : 0;
  frame[0] = 0xff;
  frame[1] = 0xe0 | (versionBits << 3) | (1 << 1) | (spec.crc ? 0 : 1);
  frame[2] = (bitrateIndex << 4) | (rateIndex << 2) | (padding ? 2 : 0);
  frame[3] = (channels === 1 ? 3 : 0) << 6;
  return frame;
}

/** An MP3 stream of `frames` silent frames (default 100), optionally tagged and with a VBR header frame. */
export function makeMp3(spec: Mp3Spec = {}): Uint8Array {
  const frames = spec.frames ?? 100;
  const version = spec.version ?? '1';
  const sampleRate = spec.sampleRate ?? RATES[version]![0]!;
  const parts: Uint8Array[] = [];
  if (spec.id3v2) {
    const size = spec.id3v2;
    const tag = new Uint8Array(10 + size);
    tag.set(text('ID3'), 0);
    tag[3] = 4;
    tag.set([(size >> 21) & 0x7f, (size >> 14) & 0x7f, (size >> 7) & 0x7f, size & 0x7f], 6);
    tag.set(text('TIT2'), 10);
    parts.push(tag);
  }
  if (spec.vbrHeader) {
    const header = mp3Frame(spec);
    const view = new DataView(header.buffer);
    const announced = spec.announcedFrames ?? frames;
    if (spec.vbrHeader === 'VBRI') {
      header.set(text('VBRI'), 36);
      view.setUint32(36 + 14, announced);
    } else {
      const channels = spec.channels ?? 1;
      const sideInfo = version === '1' ? (channels === 1 ? 17 : 32) : channels === 1 ? 9 : 17;
      const at = 4 + (spec.crc ? 2 : 0) + sideInfo;
      header.set(text(spec.vbrHeader), at);
      view.setUint32(at + 4, 1); // flags: frame count present
      view.setUint32(at + 8, announced);
    }
    parts.push(header);
  }
  // Encoders pad 44.1 kHz-family frames now and then to hold the bit rate; so do we, every other frame.
  const pads = sampleRate % 11_025 === 0;
  for (let i = 0; i < frames; i++) parts.push(mp3Frame(spec, pads && i % 2 === 1));
  if (spec.id3v1) {
    const tag = new Uint8Array(128);
    tag.set(text('TAG'), 0);
    parts.push(tag);
  }
  return concat(parts);
}
