import { ascii, invalidAudio, printable, type WavInfo } from './audio-info.js';

const FORMAT_PCM = 0x0001;
const FORMAT_ALAW = 0x0006;
const FORMAT_MULAW = 0x0007;
const FORMAT_EXTENSIBLE = 0xfffe;

/** Format codes people meet, so a refusal can say what the file is. */
const FORMAT_NAMES: Record<number, string> = {
  0x0002: 'Microsoft ADPCM',
  0x0003: 'IEEE floating point',
  0x0011: 'IMA ADPCM',
  0x0031: 'GSM 6.10',
  0x0050: 'MPEG audio',
  0x0055: 'MP3 inside WAV',
};

const MIN_SAMPLE_RATE = 1_000;
const MAX_SAMPLE_RATE = 384_000;

/**
 * Reads a RIFF/WAVE file's chunks and returns what its `fmt ` chunk says, with the place
 * of its `data` chunk and the duration (data bytes ÷ byte rate). Accepted: PCM with 8 or 16
 * bits, A-law and µ-law with 8 (also inside WAVE_FORMAT_EXTENSIBLE), mono or stereo. Every
 * other file — another codec, a chunk that runs past the end, sizes that contradict each
 * other, no samples — is a ValidationError saying which.
 */
export function parseWav(bytes: Uint8Array): WavInfo {
  if (bytes.length < 12 || ascii(bytes, 0, 4) !== 'RIFF' || ascii(bytes, 8, 4) !== 'WAVE') throw invalidAudio('not a RIFF/WAVE file');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const announced = 8 + view.getUint32(4, true);
  // One byte short is the pad byte of an odd last chunk that a writer counted but did not write.
  if (announced > bytes.length + 1) throw invalidAudio(`truncated: the RIFF header announces ${announced} bytes, the file has ${bytes.length}`);
  const riffEnd = Math.min(announced, bytes.length);

  let fmt: Omit<WavInfo, 'format' | 'dataOffset' | 'dataLength' | 'durationMs'> | undefined;
  let data: { offset: number; length: number } | undefined;
  let offset = 12;
  while (offset + 8 <= riffEnd) {
    const id = ascii(bytes, offset, 4);
    const size = view.getUint32(offset + 4, true);
    const body = offset + 8;
    if (size > riffEnd - body) {
      throw invalidAudio(`truncated: the "${printable(id)}" chunk at byte ${offset} announces ${size} bytes, ${riffEnd - body} remain`);
    }
    if (id === 'fmt ') {
      if (fmt) throw invalidAudio('two fmt chunks');
      fmt = readFmt(view, body, size);
    } else if (id === 'data') {
      if (data) throw invalidAudio('two data chunks');
      data = { offset: body, length: size };
    }
    // Chunks are word-aligned: an odd size is followed by a pad byte (which a file may lack at its very end).
    offset = body + size + (size & 1);
  }
  for (let i = offset; i < riffEnd; i++) {
    if (bytes[i] !== 0) throw invalidAudio(`${riffEnd - offset} stray bytes at byte ${offset}, too few for a chunk`);
  }
  if (!fmt) throw invalidAudio('no fmt chunk: the file does not say how its samples are coded');
  if (!data) throw invalidAudio('no data chunk: the file holds no samples');
  if (data.length === 0) throw invalidAudio('the data chunk is empty: no audio');
  if (data.length % fmt.blockAlign !== 0) {
    throw invalidAudio(`the data chunk holds ${data.length} bytes, not a whole number of ${fmt.blockAlign}-byte sample frames`);
  }
  return { format: 'wav', ...fmt, dataOffset: data.offset, dataLength: data.length, durationMs: Math.round((data.length * 1000) / fmt.byteRate) };
}

function readFmt(view: DataView, at: number, size: number): Omit<WavInfo, 'format' | 'dataOffset' | 'dataLength' | 'durationMs'> {
  if (size < 16) throw invalidAudio(`the fmt chunk has ${size} bytes, fewer than the 16 every WAV needs`);
  let code = view.getUint16(at, true);
  const channels = view.getUint16(at + 2, true);
  const sampleRate = view.getUint32(at + 4, true);
  const byteRate = view.getUint32(at + 8, true);
  const blockAlign = view.getUint16(at + 12, true);
  const bitsPerSample = view.getUint16(at + 14, true);
  if (code === FORMAT_EXTENSIBLE) {
    // cbSize (2), valid bits (2), channel mask (4), then the sub-format GUID whose first two bytes are the format code.
    if (size < 40) throw invalidAudio(`a WAVE_FORMAT_EXTENSIBLE fmt chunk needs 40 bytes, this one has ${size}`);
    code = view.getUint16(at + 24, true);
  }
  const codec = code === FORMAT_PCM ? 'pcm' : code === FORMAT_ALAW ? 'alaw' : code === FORMAT_MULAW ? 'mulaw' : undefined;
  if (!codec) {
    const name = FORMAT_NAMES[code];
    throw invalidAudio(`WAV format code ${code}${name ? ` (${name})` : ''} is not supported: use PCM (8 or 16 bit), A-law or µ-law`);
  }
  if (codec === 'pcm' && bitsPerSample !== 8 && bitsPerSample !== 16) throw invalidAudio(`PCM with ${bitsPerSample} bits per sample is not supported: use 8 or 16`);
  if (codec !== 'pcm' && bitsPerSample !== 8) throw invalidAudio(`${codec === 'alaw' ? 'A-law' : 'µ-law'} samples have 8 bits, this file says ${bitsPerSample}`);
  if (channels !== 1 && channels !== 2) throw invalidAudio(`${channels} channels: only mono and stereo are played`);
  if (sampleRate < MIN_SAMPLE_RATE || sampleRate > MAX_SAMPLE_RATE) throw invalidAudio(`a sample rate of ${sampleRate} Hz is out of range`);
  const expectedAlign = (channels * bitsPerSample) / 8;
  if (blockAlign !== expectedAlign) throw invalidAudio(`inconsistent fmt chunk: block align ${blockAlign}, but ${channels} × ${bitsPerSample} bits make ${expectedAlign}`);
  if (byteRate !== sampleRate * blockAlign) throw invalidAudio(`inconsistent fmt chunk: byte rate ${byteRate}, but ${sampleRate} Hz × ${blockAlign} bytes make ${sampleRate * blockAlign}`);
  return { codec, sampleRate, channels, bitsPerSample, blockAlign, byteRate };
}

/** The 44-byte header of a canonical PCM WAV file holding `dataLength` bytes of samples. */
export function pcmWavHeader(options: { sampleRate: number; channels: number; bitsPerSample: 8 | 16; dataLength: number }): Uint8Array {
  const { sampleRate, channels, bitsPerSample, dataLength } = options;
  const blockAlign = (channels * bitsPerSample) / 8;
  const header = new Uint8Array(44);
  const view = new DataView(header.buffer);
  const text = (at: number, value: string) => {
    for (let i = 0; i < value.length; i++) header[at + i] = value.charCodeAt(i);
  };
  text(0, 'RIFF');
  view.setUint32(4, 36 + dataLength + (dataLength & 1), true);
  text(8, 'WAVE');
  text(12, 'fmt ');
  view.setUint32(16, 16, true);
  view.setUint16(20, FORMAT_PCM, true);
  view.setUint16(22, channels, true);
  view.setUint32(24, sampleRate, true);
  view.setUint32(28, sampleRate * blockAlign, true);
  view.setUint16(32, blockAlign, true);
  view.setUint16(34, bitsPerSample, true);
  text(36, 'data');
  view.setUint32(40, dataLength, true);
  return header;
}
