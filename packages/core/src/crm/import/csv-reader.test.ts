import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CsvReader, countCsvRecords, MAX_RECORD_CHARS, type CsvRecord } from './csv-reader.js';

function readAll(chunks: readonly string[], delimiter: ',' | ';' | '\t' | 'auto' = ','): CsvRecord[] {
  const reader = new CsvReader(delimiter);
  return [...chunks.flatMap((chunk) => reader.push(chunk)), ...reader.end()];
}

async function* bytes(text: string, size = 7): AsyncIterable<Uint8Array> {
  const all = new TextEncoder().encode(text);
  for (let i = 0; i < all.length; i += size) yield all.subarray(i, i + size);
}

describe('CSV reader', () => {
  it('reads quoted fields, doubled quotes and line breaks inside quotes, numbering records by the line they start on', () => {
    const text = 'name,notes\r\n"Lee, Ann","said ""hi""\r\nand left"\r\nBob,plain\n\n"Cy",\nlast,"x"tail';
    expect(readAll([text])).toEqual([
      { line: 1, cells: ['name', 'notes'] },
      { line: 2, cells: ['Lee, Ann', 'said "hi"\r\nand left'] },
      { line: 4, cells: ['Bob', 'plain'] },
      { line: 6, cells: ['Cy', ''] },
      { line: 7, cells: ['last', 'xtail'] },
    ]);
  });

  it('reads the same records however the text is cut into chunks', () => {
    const sample = 'a,b,c\r\n"1,2","x""y",3\n\n4,"line\nbreak",6\r7,8,9\r\n,,\n"",x,\n';
    const whole = readAll([sample]);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: sample.length }), { maxLength: 8 }), (cuts) => {
        const points = [...new Set(cuts)].sort((a, b) => a - b);
        const chunks = [0, ...points].map((from, i) => sample.slice(from, points[i] ?? sample.length));
        expect(readAll(chunks)).toEqual(whole);
      }),
    );
    expect(whole.map((r) => r.line)).toEqual([1, 2, 4, 6, 8]);
  });

  it('reports a quote left open for its line and reads on at the next line', () => {
    expect(readAll(['a,b\n1,"open\n2,two\n'])).toEqual([
      { line: 1, cells: ['a', 'b'] },
      { line: 2, cells: ['1,"open'], error: 'a quoted field is not closed' },
      { line: 3, cells: ['2', 'two'] },
    ]);
  });

  it('refuses a record longer than the limit without holding the file, then goes on', () => {
    const reader = new CsvReader(',');
    const out: CsvRecord[] = [];
    out.push(...reader.push('a,"'));
    for (let i = 0; i < 30; i++) out.push(...reader.push('x'.repeat(10_000)));
    out.push(...reader.push('\nnext,row\n'), ...reader.end());
    expect(out[0]).toMatchObject({ line: 1, error: expect.stringContaining(`longer than ${MAX_RECORD_CHARS}`) });
    expect(out.at(-1)).toEqual({ line: 2, cells: ['next', 'row'] });
  });

  it('detects ; and tab delimiters from the first line', () => {
    expect(readAll(['name;phone;"a;b"\nAnn;0612;x\n'], 'auto').map((r) => r.cells)).toEqual([
      ['name', 'phone', 'a;b'],
      ['Ann', '0612', 'x'],
    ]);
    const reader = new CsvReader('auto');
    reader.push('name\tphone\n');
    expect(reader.separator).toBe('\t');
  });

  it('counts the records of a file from its bytes, quotes and blank lines included', async () => {
    expect(await countCsvRecords(bytes('a,b\r\n"x\ny",1\n\n,,\n2,3'))).toBe(3);
    expect(await countCsvRecords(bytes(''))).toBe(0);
    expect(await countCsvRecords(bytes('one\r\ntwo\r\n'))).toBe(2);
    // A quote in the middle of a field is a character; one left open closes at the next quote, as the reader reads it.
    const tricky = 'a,b\n5" tall,x\n"open,1\n2,"q"\n3,"x""\ny"\n4;4\n';
    expect(await countCsvRecords(bytes(tricky, 3))).toBe(readAll([tricky], ',').length);
    expect(await countCsvRecords(bytes('x;y\n1;"a;b"\n', 2), 'auto')).toBe(2);
  });

  it('counts as many records as the reader reads, however the bytes are cut', async () => {
    const cell = fc.oneof(fc.stringMatching(/^[a-z ,;"\r\n\t]{0,6}$/), fc.constantFrom('', ' ', 'é', '"', '""'));
    // Well-formed files (quoted where needed, doubled quotes), and every kind of line end, blank lines among them.
    const file = fc.array(fc.tuple(fc.array(cell, { minLength: 1, maxLength: 4 }), fc.constantFrom('\r\n', '\n', '\r', '\n\n', '\r\n \r\n')), { maxLength: 12 }).map((records) =>
      records.map(([cells, end]) => cells.map((c) => (/[",\r\n]/.test(c) || c.startsWith(' ') ? `"${c.replace(/"/g, '""')}"` : c)).join(',') + end).join(''),
    );
    await fc.assert(
      fc.asyncProperty(file, fc.integer({ min: 1, max: 9 }), async (text, size) => {
        expect(await countCsvRecords(bytes(text, size), ',')).toBe(readAll([text], ',').length);
      }),
      { numRuns: 500 },
    );
  });
});
