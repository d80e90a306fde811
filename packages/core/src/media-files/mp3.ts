import { ascii, invalidAudio, type Mp3Info } from './audio-info.js';

type MpegVersion = Mp3Info['mpegVersion'];

/** kbit/s by bit-rate index, layer III; index 0 is "free format", 15 is invalid. */
const BITRATES: Record<'v1' | 'v2', readonly number[]> = {
  v1: [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
  v2: [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
};
const SAMPLE_RATES: Record<MpegVersion, readonly number[]> = {
  '1': [44_100, 48_000, 32_000],
  '2': [22_050, 24_000, 16_000],
  '2.5': [11_025, 12_000, 8_000],
};
/** How far past an ID3v2 tag the first frame may start (some taggers leave padding outside the tag). */
const MAX_SYNC_SEARCH = 64 * 1024;

interface FrameHeader {
  version: MpegVersion;
  crc: boolean;
  bitrateKbps: number;
  sampleRate: number;
  channels: 1 | 2;
  /** The whole frame, header included. */
  length: number;
  samples: number;
  /** Bytes of side information after the header (and CRC): where an Xing/Info tag sits. */
  sideInfo: number;
}

/** The layer III frame header at `at`, or why there is none. */
function readHeader(bytes: Uint8Array, at: number): FrameHeader | string {
  if (at + 4 > bytes.length) return `${bytes.length - at} bytes left, fewer than a frame header`;
  const b1 = bytes[at + 1]!;
  const b2 = bytes[at + 2]!;
  const b3 = bytes[at + 3]!;
  if (bytes[at] !== 0xff || (b1 & 0xe0) !== 0xe0) return 'no frame sync';
  const versionBits = (b1 >> 3) & 3;
  if (versionBits === 1) return 'reserved MPEG version';
  const version: MpegVersion = versionBits === 3 ? '1' : versionBits === 2 ? '2' : '2.5';
  const layerBits = (b1 >> 1) & 3;
  if (layerBits === 0) return 'reserved layer';
  if (layerBits === 2) return 'MPEG layer II audio (MP2), not MP3 (layer III)';
  if (layerBits === 3) return 'MPEG layer I audio (MP1), not MP3 (layer III)';
  const bitrateIndex = b2 >> 4;
  if (bitrateIndex === 0) return 'free-format bit rate, which is not supported';
  if (bitrateIndex === 15) return 'invalid bit-rate index';
  const rateIndex = (b2 >> 2) & 3;
  if (rateIndex === 3) return 'reserved sample-rate index';
  if ((b3 & 3) === 2) return 'reserved emphasis';
  const bitrateKbps = BITRATES[version === '1' ? 'v1' : 'v2'][bitrateIndex]!;
  const sampleRate = SAMPLE_RATES[version][rateIndex]!;
  const channels = b3 >> 6 === 3 ? 1 : 2;
  const padding = (b2 >> 1) & 1;
  const v1 = version === '1';
  return {
    version,
    crc: (b1 & 1) === 0,
    bitrateKbps,
    sampleRate,
    channels,
    length: Math.floor(((v1 ? 144 : 72) * bitrateKbps * 1000) / sampleRate) + padding,
    samples: v1 ? 1152 : 576,
    sideInfo: v1 ? (channels === 1 ? 17 : 32) : channels === 1 ? 9 : 17,
  };
}

/** Skips ID3v2 tags at the start (there may be several); returns where the audio begins. */
function skipId3v2(bytes: Uint8Array): number {
  let offset = 0;
  while (ascii(bytes, offset, 3) === 'ID3') {
    if (offset + 10 > bytes.length) throw invalidAudio(`truncated ID3v2 tag at byte ${offset}`);
    if (bytes[offset + 3] === 0xff || bytes[offset + 4] === 0xff) throw invalidAudio(`the ID3v2 tag at byte ${offset} has an invalid version`);
    let size = 0;
    for (let i = 6; i < 10; i++) {
      const byte = bytes[offset + i]!;
      // A "synchsafe" integer: seven bits per byte, the top bit always clear.
      if (byte >= 0x80) throw invalidAudio(`the ID3v2 tag at byte ${offset} has a malformed size`);
      size = size * 128 + byte;
    }
    const footer = (bytes[offset + 5]! & 0x10) !== 0 ? 10 : 0;
    const end = offset + 10 + size + footer;
    if (end > bytes.length) throw invalidAudio(`truncated: the ID3v2 tag at byte ${offset} announces ${size} bytes, ${bytes.length - offset - 10} remain`);
    offset = end;
  }
  return offset;
}

const sameStream = (a: FrameHeader, b: FrameHeader) => a.version === b.version && a.sampleRate === b.sampleRate && a.channels === b.channels;

/** Whether a frame at `at` is confirmed by the next one (or ends the file exactly): one sync word alone is too easy to meet by chance. */
function confirmed(bytes: Uint8Array, at: number, header: FrameHeader): boolean {
  const next = at + header.length;
  if (next > bytes.length) return false;
  const following = readHeader(bytes, next);
  return typeof following === 'string' ? isTrailer(bytes, next) : sameStream(header, following);
}

/** What may follow the last frame: ID3v1, APEv2 and Lyrics3 tags, an ID3v2 tag appended at the end, or zero padding. */
function isTrailer(bytes: Uint8Array, at: number): boolean {
  const rest = bytes.length - at;
  if (rest === 128 && ascii(bytes, at, 3) === 'TAG') return true;
  if (ascii(bytes, at, 8) === 'APETAGEX' || ascii(bytes, at, 11) === 'LYRICSBEGIN' || ascii(bytes, at, 3) === 'ID3') return true;
  for (let i = at; i < bytes.length; i++) if (bytes[i] !== 0) return false;
  return true;
}

/** The frame count an Xing/Info or VBRI header in the first frame announces. */
function vbrHeader(bytes: Uint8Array, at: number, header: FrameHeader): { kind: 'xing' | 'info' | 'vbri'; frames: number | null } | undefined {
  const end = at + header.length;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const xing = at + 4 + (header.crc ? 2 : 0) + header.sideInfo;
  const tag = ascii(bytes, xing, 4);
  if ((tag === 'Xing' || tag === 'Info') && xing + 8 <= end) {
    const flags = view.getUint32(xing + 4);
    const frames = (flags & 1) !== 0 && xing + 12 <= end ? view.getUint32(xing + 8) : null;
    return { kind: tag === 'Xing' ? 'xing' : 'info', frames: frames || null };
  }
  // Fraunhofer's VBRI sits 32 bytes after the header whatever the version: id, version, delay, quality, bytes, frames.
  const vbri = at + 36;
  if (ascii(bytes, vbri, 4) === 'VBRI' && vbri + 18 <= end) return { kind: 'vbri', frames: view.getUint32(vbri + 14) || null };
  return undefined;
}

/**
 * Reads an MP3 stream frame by frame: skips ID3v2 tags, finds the first layer III frame
 * (confirmed by the next), then walks every frame to the end, so a file that is cut short,
 * changes its sample rate or holds anything but frames (besides end tags) is refused with
 * the byte where it went wrong. The duration is the frame count × samples per frame: the
 * count an Xing/Info or VBRI header announces when it agrees with the walk (within the
 * header frame itself), else the frames walked; announcing more than the file holds means
 * it was truncated.
 */
export function parseMp3(bytes: Uint8Array): Mp3Info {
  const tagEnd = skipId3v2(bytes);
  if (tagEnd >= bytes.length) throw invalidAudio('an ID3 tag with no MPEG audio frames after it');

  let start = tagEnd;
  let head = readHeader(bytes, start);
  if (typeof head === 'string' || !confirmed(bytes, start, head)) {
    // Only after a tag: some taggers leave padding between the tag and the first frame.
    const limit = tagEnd > 0 ? Math.min(bytes.length - 4, tagEnd + MAX_SYNC_SEARCH) : -1;
    for (let at = tagEnd + 1; at <= limit; at++) {
      if (bytes[at] !== 0xff) continue;
      const candidate = readHeader(bytes, at);
      if (typeof candidate !== 'string' && confirmed(bytes, at, candidate)) {
        start = at;
        head = candidate;
        break;
      }
    }
    // Nothing better found: a header that is there but unconfirmed goes on to the walk, which says what is wrong after it.
    if (typeof head === 'string') throw invalidAudio(`no MPEG audio frame at byte ${tagEnd}: ${head}`);
  }

  let frames = 0;
  let at = start;
  while (at < bytes.length) {
    const header = readHeader(bytes, at);
    if (typeof header === 'string') {
      if (isTrailer(bytes, at)) break;
      throw invalidAudio(`no valid MPEG audio frame at byte ${at} after ${frames} frames (${header})`);
    }
    if (!sameStream(head, header)) {
      throw invalidAudio(
        `inconsistent stream: the frame at byte ${at} is MPEG-${header.version} ${header.sampleRate} Hz ${header.channels === 1 ? 'mono' : 'stereo'}, the first MPEG-${head.version} ${head.sampleRate} Hz ${head.channels === 1 ? 'mono' : 'stereo'}`,
      );
    }
    if (at + header.length > bytes.length) throw invalidAudio(`truncated: the frame at byte ${at} needs ${header.length} bytes, ${bytes.length - at} remain`);
    frames++;
    at += header.length;
  }

  const vbr = vbrHeader(bytes, start, head);
  const audioFrames = vbr ? frames - 1 : frames;
  if (audioFrames < 1) throw invalidAudio('no audio frames, only a VBR header');
  const announced = vbr?.frames ?? null;
  if (announced !== null && announced > audioFrames + 1) {
    throw invalidAudio(`truncated: the ${vbr!.kind === 'vbri' ? 'VBRI' : 'Xing/Info'} header announces ${announced} frames, the file has ${audioFrames}`);
  }
  const counted = announced !== null && Math.abs(announced - audioFrames) <= 1 ? announced : audioFrames;
  const audioStart = vbr ? start + head.length : start;
  const seconds = (audioFrames * head.samples) / head.sampleRate;
  return {
    format: 'mp3',
    mpegVersion: head.version,
    sampleRate: head.sampleRate,
    channels: head.channels,
    samplesPerFrame: head.samples,
    audioFrames,
    announcedFrames: announced,
    vbrHeader: vbr?.kind ?? null,
    bitrateKbps: Math.round((at - audioStart) * 8 / seconds / 1000),
    streamOffset: start,
    streamEnd: at,
    durationMs: Math.round((counted * head.samples * 1000) / head.sampleRate),
  };
}
