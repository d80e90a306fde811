/**
 * A streaming CSV reader (RFC 4180 and what spreadsheets write): quoted fields with doubled
 * quotes and line breaks inside, CRLF, LF or CR line ends, `,` `;` or tab between fields
 * (or detected from the first line). It holds one record at a time, never the file.
 *
 * A record that cannot be read — a quote never closed, or more than MAX_RECORD_CHARS
 * characters — is reported as an error for the line it starts on, and reading goes on at
 * the next line, so one stray quote costs one line, not the rest of the file.
 */
export interface CsvRecord {
  /** The 1-based line the record starts on, counting every line of the file. */
  line: number;
  cells: string[];
  /** Set when the record could not be read; `cells` then holds the start of its text. */
  error?: string;
}

export type CsvDelimiter = ',' | ';' | '\t';

/** A record longer than this is refused (a quote left open would otherwise swallow the file). */
export const MAX_RECORD_CHARS = 200_000;

const QUOTE = 34;
const LF = 10;
const CR = 13;

export class CsvReader {
  private buf = '';
  /** The line `buf` starts on. */
  private line = 1;
  private delimiter: number | undefined;
  /** The rest of a refused record's first line is still to come: drop it. */
  private skipping = false;
  /** A line break skipped ended in CR: a LF right after it belongs to it. */
  private afterCr = false;

  constructor(delimiter: CsvDelimiter | 'auto' = ',') {
    this.delimiter = delimiter === 'auto' ? undefined : delimiter.charCodeAt(0);
  }

  /** The delimiter in use (once known). */
  get separator(): CsvDelimiter | undefined {
    return this.delimiter === undefined ? undefined : (String.fromCharCode(this.delimiter) as CsvDelimiter);
  }

  /** Reads the records `text` completes; blank lines are skipped. */
  push(text: string): CsvRecord[] {
    this.buf = this.buf === '' ? text : this.buf + text;
    return this.drain(false);
  }

  /** The records left at the end of the input. */
  end(): CsvRecord[] {
    return this.drain(true);
  }

  private drain(final: boolean): CsvRecord[] {
    const out: CsvRecord[] = [];
    if (this.afterCr && this.buf !== '') {
      if (this.buf.charCodeAt(0) === LF) this.buf = this.buf.slice(1);
      this.afterCr = false;
    }
    if (this.skipping) {
      const end = this.buf.search(/[\r\n]/);
      if (end === -1) {
        this.buf = '';
        return out;
      }
      this.skipping = false;
      if (this.buf.charCodeAt(end) === CR && end === this.buf.length - 1) this.afterCr = true;
      this.buf = this.buf.slice(this.buf.charCodeAt(end) === CR && this.buf.charCodeAt(end + 1) === LF ? end + 2 : end + 1);
      if (this.afterCr) return out;
    }
    if (this.delimiter === undefined) {
      const firstBreak = this.buf.search(/[\r\n]/);
      if (firstBreak === -1 && !final) return out;
      this.delimiter = detectDelimiter(firstBreak === -1 ? this.buf : this.buf.slice(0, firstBreak));
    }
    const buf = this.buf;
    const len = buf.length;
    const delim = this.delimiter;
    let start = 0;
    let line = this.line;
    records: while (start < len) {
      const cells: string[] = [];
      let i = start;
      let lines = 0;
      for (;;) {
        if (i - start > MAX_RECORD_CHARS) {
          ({ start, line } = this.skipLine(out, buf, start, line, `longer than ${MAX_RECORD_CHARS} characters (a quote left open?)`));
          continue records;
        }
        let c = i < len ? buf.charCodeAt(i) : -1;
        if (c === QUOTE) {
          let value = '';
          let j = i + 1;
          for (;;) {
            const q = buf.indexOf('"', j);
            if (q === -1 || (q === len - 1 && !final)) {
              if (!final && len - start > MAX_RECORD_CHARS) {
                ({ start, line } = this.skipLine(out, buf, start, line, `longer than ${MAX_RECORD_CHARS} characters (a quote left open?)`));
                continue records;
              }
              if (!final) break records;
              ({ start, line } = this.skipLine(out, buf, start, line, 'a quoted field is not closed'));
              continue records;
            }
            lines += countBreaks(buf, j, q);
            if (buf.charCodeAt(q + 1) === QUOTE) {
              value += buf.slice(j, q + 1);
              j = q + 2;
              continue;
            }
            value += buf.slice(j, q);
            i = q + 1;
            break;
          }
          // What follows the closing quote up to the delimiter is kept, as spreadsheets do.
          let k = i;
          while (k < len && (c = buf.charCodeAt(k)) !== delim && c !== LF && c !== CR) k++;
          if (k === len && !final) break records;
          cells.push(k === i ? value : value + buf.slice(i, k));
          i = k;
        } else {
          let k = i;
          while (k < len && (c = buf.charCodeAt(k)) !== delim && c !== LF && c !== CR) k++;
          if (k === len && !final) break records;
          cells.push(buf.slice(i, k));
          i = k;
        }
        if (i >= len) {
          break;
        }
        c = buf.charCodeAt(i);
        if (c === delim) {
          i++;
          if (i === len && final) {
            cells.push('');
            break;
          }
          continue;
        }
        if (c === CR) {
          if (i + 1 === len && !final) break records;
          i += buf.charCodeAt(i + 1) === LF ? 2 : 1;
        } else {
          i++;
        }
        lines++;
        break;
      }
      // Only a whole record gets here: one cut off by the end of the text waits (`break records`).
      if (!isBlank(cells)) out.push({ line, cells });
      line += lines;
      start = i;
    }
    this.buf = start >= len ? '' : buf.slice(start);
    this.line = line;
    return out;
  }

  /** Reports the record starting at `start` and goes on after the end of its first line. */
  private skipLine(out: CsvRecord[], buf: string, start: number, line: number, error: string): { start: number; line: number } {
    const lf = buf.indexOf('\n', start);
    const cr = buf.indexOf('\r', start);
    const end = lf === -1 ? (cr === -1 ? buf.length : cr) : cr === -1 ? lf : Math.min(lf, cr);
    out.push({ line, cells: [buf.slice(start, Math.min(end, start + 500))], error });
    if (end >= buf.length) {
      // The line goes on past what has arrived: drop the rest of it as it comes.
      this.skipping = true;
      return { start: buf.length, line: line + 1 };
    }
    if (buf.charCodeAt(end) === CR && end === buf.length - 1) this.afterCr = true;
    const next = buf.charCodeAt(end) === CR && buf.charCodeAt(end + 1) === LF ? end + 2 : end + 1;
    return { start: next, line: line + 1 };
  }
}

function countBreaks(buf: string, from: number, to: number): number {
  let n = 0;
  for (let k = from; k < to; k++) {
    const c = buf.charCodeAt(k);
    if (c === LF) n++;
    else if (c === CR && buf.charCodeAt(k + 1) !== LF) n++;
  }
  return n;
}

function isBlank(cells: string[]): boolean {
  for (const cell of cells) if (cell.trim() !== '') return false;
  return true;
}

/** The most frequent of `,` `;` tab outside quotes in the first line; `,` when none. */
export function detectDelimiter(firstLine: string): number {
  const counts = new Map<number, number>([
    [44, 0],
    [59, 0],
    [9, 0],
  ]);
  let quoted = false;
  for (let i = 0; i < firstLine.length; i++) {
    const c = firstLine.charCodeAt(i);
    if (c === QUOTE) quoted = !quoted;
    else if (!quoted && counts.has(c)) counts.set(c, counts.get(c)! + 1);
  }
  let best = 44;
  for (const [c, n] of counts) if (n > counts.get(best)!) best = c;
  return best;
}

/** Reads every record of a text stream, a batch per chunk. */
export async function* readCsv(text: AsyncIterable<string> | Iterable<string>, delimiter: CsvDelimiter | 'auto' = ','): AsyncIterable<CsvRecord[]> {
  const reader = new CsvReader(delimiter);
  for await (const chunk of text) {
    const records = reader.push(chunk);
    if (records.length > 0) yield records;
  }
  const rest = reader.end();
  if (rest.length > 0) yield rest;
}

/**
 * Counts the non-blank records of a CSV file from its bytes, without decoding, by the same
 * rules as the reader: a quote opens a quoted field only at the start of a field, and two
 * quotes inside one are a quote. Quotes, delimiters and line breaks never occur inside a
 * character of UTF-8, GBK or Shift_JIS, so the count holds for all of them. What a job
 * shows as its total before reading the file. The delimiter, when `auto`, is detected from
 * the first line like the reader does.
 */
export async function countCsvRecords(chunks: AsyncIterable<Uint8Array>, delimiter: CsvDelimiter | 'auto' = 'auto'): Promise<number> {
  const count: CountState = { delim: delimiter === 'auto' ? -1 : delimiter.charCodeAt(0), state: FIELD_START, records: 0, content: false, afterCr: false };
  let head: number[] | undefined = count.delim === -1 ? [] : undefined;
  for await (const bytes of chunks) {
    if (head) {
      // Until the first line is whole, the delimiter is not known: hold its bytes.
      let end = -1;
      for (let i = 0; i < bytes.length; i++) {
        if (bytes[i] === LF || bytes[i] === CR) {
          end = i;
          break;
        }
        head.push(bytes[i]!);
      }
      if (end === -1) continue;
      count.delim = detectDelimiter(String.fromCharCode(...head.slice(0, 10_000)));
      countBytes(count, Uint8Array.from(head), 0);
      head = undefined;
      countBytes(count, bytes, end);
      continue;
    }
    countBytes(count, bytes, 0);
  }
  if (head) {
    count.delim = detectDelimiter(String.fromCharCode(...head.slice(0, 10_000)));
    countBytes(count, Uint8Array.from(head), 0);
  }
  if (count.content) count.records++;
  return count.records;
}

const FIELD_START = 0;
const UNQUOTED = 1;
const QUOTED = 2;
const QUOTE_IN_QUOTED = 3;

interface CountState {
  delim: number;
  state: number;
  records: number;
  /** The record so far has a non-blank character. */
  content: boolean;
  afterCr: boolean;
}

/**
 * The counter's state machine over one chunk, in local variables (a function call per byte
 * cost a 1M-row import ~1 s of its 30). Inside a field already known to have content, it
 * only looks for what ends the field: the next quote of a quoted field, or the next
 * delimiter or line break of an unquoted one.
 */
function countBytes(count: CountState, bytes: Uint8Array, from: number): void {
  const { delim } = count;
  let { state, records, content, afterCr } = count;
  const n = bytes.length;
  for (let i = from; i < n; i++) {
    let b = bytes[i]!;
    if (state === QUOTE_IN_QUOTED) {
      if (b === QUOTE) {
        content = true;
        state = QUOTED;
        continue;
      }
      state = UNQUOTED;
    }
    if (state === QUOTED) {
      if (content) {
        while (b !== QUOTE && ++i < n) b = bytes[i]!;
        if (i < n) state = QUOTE_IN_QUOTED;
        continue;
      }
      if (b === QUOTE) state = QUOTE_IN_QUOTED;
      else if (b !== 32 && b !== 9 && b !== LF && b !== CR) content = true;
      continue;
    }
    if (afterCr) {
      afterCr = false;
      if (b === LF) continue;
    }
    if (state === UNQUOTED && content) {
      while (b !== LF && b !== CR && b !== delim) {
        if (++i === n) break;
        b = bytes[i]!;
      }
      if (i === n) break;
    }
    if (b === LF || b === CR) {
      if (content) records++;
      content = false;
      state = FIELD_START;
      afterCr = b === CR;
      continue;
    }
    if (b === delim) {
      state = FIELD_START;
      continue;
    }
    if (b === QUOTE && state === FIELD_START) {
      state = QUOTED;
      continue;
    }
    if (b !== 32 && b !== 9) content = true;
    state = UNQUOTED;
  }
  Object.assign(count, { state, records, content, afterCr });
}
