import { csvLine } from '../../csv/csv-writer.js';
import type { ExportEncoding } from '../catalog.js';
import { encodeText } from '../import/text-decoding.js';
import { zipStream } from './zip-writer.js';

/** One column of an export: its header and how a record gives its cell. */
export interface ExportColumn<T> {
  header: string;
  value: (record: T) => unknown;
}

/**
 * Something exportable (customers, successfully submitted customers, contact history): its
 * columns, how many records it has, and its records in a stable order, streamed.
 */
export interface ExportSource<T> {
  /** The base of the file names: `customers` → `customers.csv`, or `customers.zip` of `customers-001.csv`… */
  name: string;
  columns: ReadonlyArray<ExportColumn<T>>;
  count(): Promise<number>;
  records(): AsyncIterable<T>;
}

export interface ExportSettings {
  encoding: ExportEncoding;
  /** An export with more rows becomes a ZIP of files of at most this many rows each (§3.15.1). */
  maxRowsPerFile: number;
  /** When the export was made: the ZIP entries' time. */
  at: Date;
}

export interface ExportFile {
  filename: string;
  contentType: string;
  /** How many records it holds (counted before streaming). */
  rows: number;
  /** How many CSV files: 1, or the ZIP's entries. */
  files: number;
  body: AsyncIterable<Uint8Array>;
}

const CHUNK_CHARS = 64 * 1024;

/**
 * Streams an export as CSV in the tenant's encoding (§3.15.1 "Export file encoding"; the
 * UTF-8 BOM variant is what Excel opens without asking): one file, or — past the maximum
 * rows per file — a ZIP of numbered files, each with the header row. Every cell goes
 * through `csvCell`, so no cell can run as a formula in a spreadsheet. One record and one
 * 64 KiB buffer are held at a time.
 */
export async function exportCsv<T>(source: ExportSource<T>, settings: ExportSettings): Promise<ExportFile> {
  const rows = await source.count();
  const files = Math.max(1, Math.ceil(rows / settings.maxRowsPerFile));
  const header = csvLine(source.columns.map((c) => c.header));
  const encode = (text: string) => encodeText(text, settings.encoding);
  const bom = settings.encoding === 'utf-8-bom' ? '\ufeff' : '';
  const iterator = source.records()[Symbol.asyncIterator]();
  let held: { value: T } | undefined;
  let exhausted = false;
  const next = async (): Promise<{ value: T } | undefined> => {
    if (held) {
      const value = held;
      held = undefined;
      return value;
    }
    if (exhausted) return undefined;
    const result = await iterator.next();
    if (result.done) {
      exhausted = true;
      return undefined;
    }
    return { value: result.value };
  };

  /** The next `limit` records as encoded chunks, after the header (and the BOM). */
  async function* part(limit: number): AsyncIterable<Uint8Array> {
    let buffer = bom + header;
    for (let n = 0; n < limit; n++) {
      const record = await next();
      if (!record) break;
      buffer += csvLine(source.columns.map((c) => c.value(record.value)));
      if (buffer.length >= CHUNK_CHARS) {
        yield encode(buffer);
        buffer = '';
      }
    }
    if (buffer !== '') yield encode(buffer);
  }

  if (files === 1) {
    return { filename: `${source.name}.csv`, contentType: contentTypeOf(settings.encoding), rows, files, body: part(Number.MAX_SAFE_INTEGER) };
  }
  const width = Math.max(3, String(files).length);
  async function* entries() {
    for (let i = 1; ; i++) {
      // A file only when a record is left for it.
      held = await next();
      if (!held) return;
      yield { name: `${source.name}-${String(i).padStart(width, '0')}.csv`, data: part(settings.maxRowsPerFile) };
    }
  }
  return { filename: `${source.name}.zip`, contentType: 'application/zip', rows, files, body: zipStream(entries(), settings.at) };
}

function contentTypeOf(encoding: ExportEncoding): string {
  return `text/csv; charset=${encoding === 'gbk' ? 'GBK' : encoding === 'shift_jis' ? 'Shift_JIS' : 'utf-8'}`;
}
