import { ValidationError } from '../errors/errors.js';
import type { DictionaryEntry } from './catalog.js';
import { CsvReader } from './import/csv-reader.js';
import { decodeText, type ImportEncoding } from './import/text-decoding.js';

export interface DictionaryFile {
  /** The column whose values are the keys. */
  matchKey: string;
  entries: DictionaryEntry[];
  /** Lines without a key, or that could not be read. */
  skipped: Array<{ line: number; reason: string }>;
}

/**
 * Reads a dictionary file (manual §3.3.9 "Import dictionary"): a CSV whose first row names
 * the columns; the column named `matchKey` (by default the first one) holds the keys, the
 * other columns the values an import fills in. UTF-8 as the manual asks, GBK and Shift_JIS
 * detected too.
 */
export async function readDictionaryCsv(chunks: AsyncIterable<Uint8Array>, options: { matchKey?: string; encoding?: ImportEncoding | 'auto' } = {}): Promise<DictionaryFile> {
  const reader = new CsvReader('auto');
  let header: string[] | undefined;
  let keyIndex = 0;
  const entries = new Map<string, Record<string, string>>();
  const skipped: DictionaryFile['skipped'] = [];
  const take = (records: ReturnType<CsvReader['push']>) => {
    for (const record of records) {
      if (record.error) {
        skipped.push({ line: record.line, reason: record.error });
        continue;
      }
      if (!header) {
        header = record.cells.map((c) => c.trim());
        keyIndex = options.matchKey ? header.findIndex((h) => h === options.matchKey!.trim()) : 0;
        if (keyIndex < 0) throw new ValidationError(`No column "${options.matchKey}" in the dictionary file`, [{ path: 'matchKey', message: 'not a column of the file' }]);
        continue;
      }
      const key = record.cells[keyIndex]?.trim() ?? '';
      if (key === '') {
        skipped.push({ line: record.line, reason: `no value in ${header[keyIndex]}` });
        continue;
      }
      const data: Record<string, string> = { ...entries.get(key) };
      record.cells.forEach((cell, i) => {
        const column = header![i];
        if (i !== keyIndex && column && cell.trim() !== '') data[column] = cell.trim();
      });
      entries.set(key, data);
    }
  };
  for await (const text of decodeText(chunks, options.encoding ?? 'auto')) take(reader.push(text));
  take(reader.end());
  if (!header || header.length === 0) throw new ValidationError('The dictionary file is empty', [{ path: 'file', message: 'empty' }]);
  return { matchKey: header[keyIndex]!, entries: [...entries].map(([key, data]) => ({ key, data })), skipped };
}
