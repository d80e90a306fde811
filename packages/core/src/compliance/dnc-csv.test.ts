import { describe, expect, it } from 'vitest';
import { MAX_LINE_LENGTH, readDncCsv } from './dnc-csv.js';

async function read(source: Parameters<typeof readDncCsv>[0]) {
  const out: unknown[] = [];
  for await (const line of readDncCsv(source)) out.push(line);
  return out;
}

describe('readDncCsv', () => {
  it('reads number,reason lines, skipping a header and blank lines, with quoted reasons and CRLF', async () => {
    const text = '\ufeffNumber,Reason\r\n+33611111111,asked\r\n\r\n0622222222,"said ""never"", twice"\r\n0633333333\r\n0644444444,moved, far away\n"0655555555,broken';
    expect(await read(text)).toEqual([
      { line: 2, number: '+33611111111', reason: 'asked' },
      { line: 4, number: '0622222222', reason: 'said "never", twice' },
      { line: 5, number: '0633333333', reason: '' },
      { line: 6, number: '0644444444', reason: 'moved, far away' },
      { line: 7, text: '"0655555555,broken', message: 'a quoted field is not closed' },
    ]);
  });

  it('reads a stream of bytes split anywhere, multi-byte characters included, and reports over-long lines without holding them', async () => {
    const bytes = new TextEncoder().encode(`+33611111111,café crème\n${'9'.repeat(MAX_LINE_LENGTH * 3)}\n+33622222222,ok`);
    const chunks = Array.from({ length: Math.ceil(bytes.length / 7) }, (_, i) => bytes.subarray(i * 7, i * 7 + 7));
    expect(await read(chunks)).toEqual([
      { line: 1, number: '+33611111111', reason: 'café crème' },
      { line: 2, text: '9'.repeat(200), message: `longer than ${MAX_LINE_LENGTH} characters` },
      { line: 3, number: '+33622222222', reason: 'ok' },
    ]);
  });
});
