import iconv from 'iconv-lite';

/** The encodings an import reads (manual §3.2: files saved by Excel in China and Japan are GBK and Shift_JIS). */
export const importEncodings = ['utf-8', 'gbk', 'shift_jis'] as const;
export type ImportEncoding = (typeof importEncodings)[number];

/** How much of a file the detection looks at. */
export const DETECTION_BYTES = 64 * 1024;

export interface DetectedEncoding {
  encoding: ImportEncoding;
  /** The file starts with a UTF-8 byte order mark. */
  bom: boolean;
  /** How sure: `certain` (BOM, or plain ASCII/valid UTF-8), `likely` (scored between GBK and Shift_JIS), `guess` (neither fits well). */
  confidence: 'certain' | 'likely' | 'guess';
}

/**
 * Tells UTF-8 (with or without BOM), GBK and Shift_JIS apart from the first bytes of a file.
 * Valid UTF-8 is taken as UTF-8: the legacy double-byte encodings almost never form valid
 * UTF-8 sequences by chance. Otherwise both are scored on what real text in each looks like:
 * GBK text is mostly GB2312 hanzi (both bytes 0xA1–0xFE), while the same bytes read as
 * Shift_JIS are a run of half-width katakana, which real Japanese text rarely has; Japanese
 * text is full of kana (lead bytes 0x82/0x83 in Shift_JIS), which GBK reads as rare extension characters.
 */
export function detectEncoding(sample: Uint8Array): DetectedEncoding {
  if (sample.length >= 3 && sample[0] === 0xef && sample[1] === 0xbb && sample[2] === 0xbf) return { encoding: 'utf-8', bom: true, confidence: 'certain' };
  if (isUtf8(sample)) return { encoding: 'utf-8', bom: false, confidence: 'certain' };
  const gbk = gbkScore(sample);
  const sjis = shiftJisScore(sample);
  if (gbk <= 0 && sjis <= 0) return { encoding: gbk >= sjis ? 'gbk' : 'shift_jis', bom: false, confidence: 'guess' };
  return { encoding: gbk >= sjis ? 'gbk' : 'shift_jis', bom: false, confidence: 'likely' };
}

/** Valid UTF-8, allowing a sequence cut off by the end of the sample. */
function isUtf8(bytes: Uint8Array): boolean {
  const n = bytes.length;
  let i = 0;
  while (i < n) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    const extra = b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf4 ? 3 : -1;
    if (extra < 0) return false;
    for (let k = 1; k <= extra; k++) {
      if (i + k >= n) return true; // cut off by the sample's end
      const c = bytes[i + k]!;
      if (c < 0x80 || c > 0xbf) return false;
    }
    // Overlong three-byte forms and surrogates.
    if (b === 0xe0 && bytes[i + 1]! < 0xa0) return false;
    if (b === 0xed && bytes[i + 1]! > 0x9f) return false;
    i += extra + 1;
  }
  return true;
}

function gbkScore(bytes: Uint8Array): number {
  let score = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b < 0x80) continue;
    const t = bytes[i + 1];
    if (t === undefined) break;
    if (b >= 0x81 && b <= 0xfe && t >= 0x40 && t <= 0xfe && t !== 0x7f) {
      // GB2312's hanzi and symbols: what Chinese text is made of.
      score += b >= 0xa1 && b <= 0xf7 && t >= 0xa1 ? 2 : 0;
      i++;
    } else {
      score -= 10;
    }
  }
  return score;
}

function shiftJisScore(bytes: Uint8Array): number {
  let score = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b < 0x80) continue;
    if (b >= 0xa1 && b <= 0xdf) {
      score -= 1; // half-width katakana: rare in real text, typical of GBK misread
      continue;
    }
    const t = bytes[i + 1];
    if (t === undefined) break;
    if (((b >= 0x81 && b <= 0x9f) || (b >= 0xe0 && b <= 0xfc)) && t >= 0x40 && t <= 0xfc && t !== 0x7f) {
      score += b === 0x82 || b === 0x83 ? 2 : b === 0x81 || (b >= 0x88 && b <= 0x9f) ? 1 : 0;
      i++;
    } else {
      score -= 10;
    }
  }
  return score;
}

/** A streaming decoder: bytes in, text out, characters split across chunks kept for the next one. */
export interface TextChunkDecoder {
  write(bytes: Uint8Array): string;
  end(): string;
}

/** A decoder for the encoding; a UTF-8 byte order mark is dropped. GBK is read as GB18030, its superset. */
export function createDecoder(encoding: ImportEncoding): TextChunkDecoder {
  if (encoding === 'utf-8') {
    const decoder = new TextDecoder('utf-8');
    return { write: (bytes) => decoder.decode(bytes, { stream: true }), end: () => decoder.decode() };
  }
  const decoder = iconv.getDecoder(encoding === 'gbk' ? 'gb18030' : 'shift_jis');
  return { write: (bytes) => decoder.write(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)), end: () => decoder.end() ?? '' };
}

/**
 * Decodes a byte stream: the encoding given, or detected from the first 64 KiB
 * (`onDetected` says which). Holds at most that much before the first text comes out.
 */
export async function* decodeText(
  chunks: AsyncIterable<Uint8Array>,
  encoding: ImportEncoding | 'auto',
  onDetected?: (detected: DetectedEncoding) => void,
): AsyncIterable<string> {
  let decoder: TextChunkDecoder | undefined = encoding === 'auto' ? undefined : createDecoder(encoding);
  let head: Uint8Array[] = [];
  let headBytes = 0;
  const begin = (): string => {
    const sample = Buffer.concat(head, headBytes);
    head = [];
    const detected = detectEncoding(sample);
    onDetected?.(detected);
    decoder = createDecoder(detected.encoding);
    return decoder.write(sample);
  };
  for await (const chunk of chunks) {
    if (decoder) {
      const text = decoder.write(chunk);
      if (text !== '') yield text;
      continue;
    }
    head.push(chunk);
    headBytes += chunk.length;
    if (headBytes >= DETECTION_BYTES) {
      const text = begin();
      if (text !== '') yield text;
    }
  }
  const rest = (decoder ? '' : begin()) + decoder!.end();
  if (rest !== '') yield rest;
}

/** Text in an export encoding (§3.15.1 "Export file encoding"). */
export function encodeText(text: string, encoding: 'utf-8' | 'utf-8-bom' | 'gbk' | 'shift_jis'): Uint8Array {
  if (encoding === 'utf-8' || encoding === 'utf-8-bom') return Buffer.from(text, 'utf8');
  return iconv.encode(text, encoding === 'gbk' ? 'gbk' : 'shift_jis');
}
