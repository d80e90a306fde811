import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { decodeText, detectEncoding, encodeText, type DetectedEncoding } from './text-decoding.js';

const CHINESE = '姓名,电话,公司\n张伟,13812345678,北京科技有限公司\n王芳,13987654321,上海贸易公司\n';
const JAPANESE = '氏名,電話番号,会社\n山田太郎,09012345678,株式会社サンプル\n佐藤花子,08098765432,東京システムズ\n';

async function decodeAll(bytes: Uint8Array, encoding: 'auto' | 'utf-8' | 'gbk' | 'shift_jis', size = 5): Promise<{ text: string; detected?: DetectedEncoding }> {
  async function* chunks() {
    for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
  }
  let detected: DetectedEncoding | undefined;
  let text = '';
  for await (const piece of decodeText(chunks(), encoding, (d) => (detected = d))) text += piece;
  return { text, ...(detected ? { detected } : {}) };
}

describe('text decoding', () => {
  it('detects UTF-8, UTF-8 with a BOM, GBK and Shift_JIS', () => {
    expect(detectEncoding(Buffer.from(CHINESE, 'utf8'))).toEqual({ encoding: 'utf-8', bom: false, confidence: 'certain' });
    expect(detectEncoding(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JAPANESE)]))).toMatchObject({ encoding: 'utf-8', bom: true });
    expect(detectEncoding(iconv.encode(CHINESE, 'gbk'))).toMatchObject({ encoding: 'gbk', confidence: 'likely' });
    expect(detectEncoding(iconv.encode(JAPANESE, 'shift_jis'))).toMatchObject({ encoding: 'shift_jis', confidence: 'likely' });
    expect(detectEncoding(Buffer.from('name,phone\nAnn,123\n'))).toMatchObject({ encoding: 'utf-8' });
  });

  it('decodes GBK and Shift_JIS byte streams cut in the middle of characters', async () => {
    for (const size of [1, 2, 3, 7, 64]) {
      expect(await decodeAll(iconv.encode(CHINESE, 'gbk'), 'auto', size)).toMatchObject({ text: CHINESE, detected: { encoding: 'gbk' } });
      expect(await decodeAll(iconv.encode(JAPANESE, 'shift_jis'), 'auto', size)).toMatchObject({ text: JAPANESE, detected: { encoding: 'shift_jis' } });
      expect((await decodeAll(iconv.encode(JAPANESE, 'shift_jis'), 'shift_jis', size)).text).toBe(JAPANESE);
    }
  });

  it('drops the UTF-8 byte order mark and keeps characters split across chunks', async () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(`${JAPANESE}😀\n`, 'utf8')]);
    expect(await decodeAll(bytes, 'auto', 1)).toMatchObject({ text: `${JAPANESE}😀\n`, detected: { encoding: 'utf-8', bom: true } });
    expect((await decodeAll(bytes, 'utf-8', 2)).text).toBe(`${JAPANESE}😀\n`);
  });

  it('encodes exports in the encoding asked for', () => {
    expect(iconv.decode(Buffer.from(encodeText(CHINESE, 'gbk')), 'gbk')).toBe(CHINESE);
    expect(iconv.decode(Buffer.from(encodeText(JAPANESE, 'shift_jis')), 'shift_jis')).toBe(JAPANESE);
    expect(Buffer.from(encodeText('é', 'utf-8')).toString('hex')).toBe('c3a9');
  });
});
