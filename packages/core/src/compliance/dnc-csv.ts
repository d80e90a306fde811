/**
 * Reads a DNC import file line by line as it streams in: `number,reason` per line (the
 * reason may be quoted as in RFC 4180, or simply contain further commas), a header line
 * allowed, blank lines ignored, UTF-8 with or without a BOM. Holds one line at a time.
 */
export interface CsvLine {
  /** 1-based, counting every line of the file. */
  line: number;
  number: string;
  reason: string;
}

export interface CsvLineError {
  line: number;
  /** The line as read (its first 200 characters). */
  text: string;
  message: string;
}

/** Lines longer than this are reported, not held: a file without line breaks cannot exhaust memory. */
export const MAX_LINE_LENGTH = 10_000;

export async function* readDncCsv(source: string | Iterable<string | Uint8Array> | AsyncIterable<string | Uint8Array>): AsyncIterable<CsvLine | CsvLineError> {
  const decoder = new TextDecoder('utf-8');
  let pending = '';
  let overlong = false;
  let line = 0;
  let first = true;
  const chunks = typeof source === 'string' ? [source] : source;

  function* lines(text: string, final: boolean): Generator<CsvLine | CsvLineError> {
    let start = 0;
    for (;;) {
      const end = text.indexOf('\n', start);
      if (end === -1) break;
      const piece = text.slice(start, end);
      start = end + 1;
      line++;
      if (overlong) {
        overlong = false;
        yield { line, text: (pending + piece).slice(0, 200), message: `longer than ${MAX_LINE_LENGTH} characters` };
        pending = '';
        continue;
      }
      const parsed = parseLine(line, pending + piece);
      pending = '';
      if (parsed) yield parsed;
    }
    const rest = text.slice(start);
    if (!overlong) {
      pending += rest;
      if (pending.length > MAX_LINE_LENGTH) {
        overlong = true;
        pending = pending.slice(0, 200);
      }
    }
    if (final && (pending !== '' || overlong)) {
      line++;
      if (overlong) yield { line, text: pending, message: `longer than ${MAX_LINE_LENGTH} characters` };
      else {
        const parsed = parseLine(line, pending);
        if (parsed) yield parsed;
      }
      pending = '';
      overlong = false;
    }
  }

  function parseLine(at: number, raw: string): CsvLine | CsvLineError | undefined {
    let text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (text.length > MAX_LINE_LENGTH) return { line: at, text: text.slice(0, 200), message: `longer than ${MAX_LINE_LENGTH} characters` };
    if (first) {
      first = false;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      // A header names the columns; a number always has a digit.
      if (!/[0-9]/.test(text.split(',')[0] ?? '')) return undefined;
    }
    if (text.trim() === '') return undefined;
    const fields = splitFields(text);
    if (!fields) return { line: at, text: text.slice(0, 200), message: 'a quoted field is not closed' };
    return { line: at, number: fields[0]!.trim(), reason: fields.slice(1).join(',').trim() };
  }

  for await (const chunk of chunks) {
    yield* lines(typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true }), false);
  }
  yield* lines(decoder.decode(), true);
}

export function isCsvLineError(value: CsvLine | CsvLineError): value is CsvLineError {
  return 'message' in value;
}

/** RFC 4180 fields of one line; undefined when a quote is left open. */
function splitFields(text: string): string[] | undefined {
  if (!text.includes('"')) return text.split(',');
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    if (text[i] === '"') {
      let value = '';
      i++;
      for (;;) {
        const quote = text.indexOf('"', i);
        if (quote === -1) return undefined;
        value += text.slice(i, quote);
        if (text[quote + 1] === '"') {
          value += '"';
          i = quote + 2;
        } else {
          i = quote + 1;
          break;
        }
      }
      const comma = text.indexOf(',', i);
      // Anything between the closing quote and the comma is kept, as spreadsheets do.
      fields.push(value + (comma === -1 ? text.slice(i) : text.slice(i, comma)));
      if (comma === -1) return fields;
      i = comma + 1;
    } else {
      const comma = text.indexOf(',', i);
      if (comma === -1) {
        fields.push(text.slice(i));
        return fields;
      }
      fields.push(text.slice(i, comma));
      i = comma + 1;
    }
  }
}
