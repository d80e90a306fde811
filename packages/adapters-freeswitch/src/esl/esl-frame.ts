/**
 * The Event Socket wire format, both directions.
 *
 * FreeSWITCH → client: a *frame* is a block of `Name: value` lines ended by a
 * blank line, then `Content-Length` bytes of body when that header is present
 * (mod_event_socket writes `\n` only). The `Content-Type` says what it is:
 * `auth/request`, `command/reply` (with `Reply-Text`), `api/response`,
 * `text/event-json` / `text/event-plain` (an event in the body),
 * `text/disconnect-notice`, `log/data`, `text/rude-rejection`.
 *
 * Client → FreeSWITCH: a *command* is a first line (`api uuid_kill …`,
 * `sendmsg <uuid>` …), then optional `Name: value` lines, a blank line, and a
 * body when `Content-Length` is given.
 *
 * The readers are incremental (any chunking of the stream gives the same
 * result), never throw on input, and report what they could not read as
 * issues, then carry on at the next blank line.
 */

export type EslHeaders = Array<[name: string, value: string]>;

/** A frame from FreeSWITCH. */
export interface EslFrame {
  headers: EslHeaders;
  body?: Buffer;
}

/** A command to FreeSWITCH. */
export interface EslCommand {
  line: string;
  headers: EslHeaders;
  body?: Buffer;
}

/** Something the reader could not make sense of; the bytes are skipped. */
export interface EslIssue {
  issue: string;
  /** The bytes skipped (truncated to a few hundred for logs). */
  raw: string;
}

export const isEslIssue = (item: unknown): item is EslIssue => typeof item === 'object' && item !== null && 'issue' in item;

export interface EslReaderOptions {
  /** A body larger than this is refused (mod_event_socket's own reader stops at 10 MiB). */
  maxBodyBytes?: number;
  /** A header block larger than this without its blank line is dropped. */
  maxHeaderBytes?: number;
}

const DEFAULT_MAX_BODY = 64 * 1024 * 1024;
const DEFAULT_MAX_HEADER = 256 * 1024;
const EMPTY = Buffer.alloc(0);

function preview(bytes: Buffer): string {
  const text = bytes.subarray(0, 300).toString('utf8');
  return bytes.length > 300 ? `${text}…` : text;
}

/** Splits a header line at its first colon; FreeSWITCH skips the blanks after it. */
function splitHeaderLine(line: string): [string, string] | undefined {
  const colon = line.indexOf(':');
  if (colon <= 0) return undefined;
  const name = line.slice(0, colon);
  if (/^\s|\s$/.test(name)) return undefined;
  return [name, line.slice(colon + 1).replace(/^ +/, '')];
}

interface Block {
  lines: string[];
  raw: Buffer;
}

/**
 * The part both readers share: header blocks ended by an empty line (a line
 * ending in CR counts as the same line without it), then a body whose length a
 * header gave.
 */
abstract class BlockReader<T> {
  private buffer: Buffer = EMPTY;
  private bodyWanted: number | undefined;
  private pendingHead: Block | undefined;
  private pendingLength = 0;
  protected readonly maxBody: number;
  private readonly maxHeader: number;

  constructor(options: EslReaderOptions = {}) {
    this.maxBody = options.maxBodyBytes ?? DEFAULT_MAX_BODY;
    this.maxHeader = options.maxHeaderBytes ?? DEFAULT_MAX_HEADER;
  }

  /** Feeds bytes; returns what became complete. */
  push(chunk: Buffer | string): Array<T | EslIssue> {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    this.buffer = this.buffer.length === 0 ? bytes : Buffer.concat([this.buffer, bytes]);
    const out: Array<T | EslIssue> = [];
    for (;;) {
      if (this.bodyWanted !== undefined) {
        if (this.buffer.length < this.bodyWanted) break;
        const body = this.buffer.subarray(0, this.bodyWanted);
        this.buffer = this.buffer.subarray(this.bodyWanted);
        this.bodyWanted = undefined;
        const head = this.pendingHead!;
        this.pendingHead = undefined;
        out.push(this.complete(head, Buffer.from(body), this.pendingLength));
        continue;
      }
      // Blank lines between blocks carry nothing (FreeSWITCH's reader skips them too).
      let start = 0;
      while (start < this.buffer.length && (this.buffer[start] === 0x0a || this.buffer[start] === 0x0d)) start++;
      if (start > 0) this.buffer = this.buffer.subarray(start);
      const end = findBlockEnd(this.buffer);
      if (end === undefined) {
        if (this.buffer.length > this.maxHeader) {
          const lastLf = this.buffer.lastIndexOf(0x0a);
          const cut = lastLf >= 0 ? lastLf + 1 : this.buffer.length;
          out.push({ issue: `header block longer than ${this.maxHeader} bytes without its blank line`, raw: preview(this.buffer.subarray(0, cut)) });
          this.buffer = this.buffer.subarray(cut);
        }
        break;
      }
      const raw = this.buffer.subarray(0, end.headEnd);
      const lines = raw
        .toString('utf8')
        .split('\n')
        .map((l) => l.replace(/\r$/, ''));
      this.buffer = this.buffer.subarray(end.next);
      const block: Block = { lines, raw: Buffer.from(raw) };
      const length = this.contentLength(block);
      if (typeof length === 'string') {
        out.push({ issue: length, raw: preview(block.raw) });
        continue;
      }
      if (length > 0) {
        this.bodyWanted = length;
        this.pendingHead = block;
        this.pendingLength = length;
        continue;
      }
      out.push(this.complete(block, undefined, 0));
    }
    if (this.buffer.length === 0) this.buffer = EMPTY;
    return out;
  }

  /** Bytes held back waiting for the rest of a frame. */
  get buffered(): number {
    return this.buffer.length;
  }

  /** The stream ended: anything half-read is reported. */
  end(): EslIssue | undefined {
    const left = this.buffer;
    const waiting = this.bodyWanted;
    this.buffer = EMPTY;
    this.bodyWanted = undefined;
    this.pendingHead = undefined;
    if (waiting !== undefined) return { issue: `stream ended inside a body (${left.length} of ${waiting} bytes)`, raw: preview(left) };
    if (left.length > 0) return { issue: 'stream ended inside a header block', raw: preview(left) };
    return undefined;
  }

  /** The body length a block declares (0 = none), or why it cannot be read. */
  private contentLength(block: Block): number | string {
    let length = 0;
    for (const line of this.headerLines(block)) {
      const pair = splitHeaderLine(line);
      if (!pair || pair[0].toLowerCase() !== 'content-length') continue;
      if (!/^\d{1,12}$/.test(pair[1].trim())) return `invalid Content-Length "${pair[1].slice(0, 40)}"`;
      length = Number(pair[1].trim());
      if (length > this.maxBody) return `Content-Length ${length} is over the limit of ${this.maxBody} bytes`;
    }
    return length;
  }

  /** The lines of a block that are `Name: value` headers. */
  protected abstract headerLines(block: Block): string[];
  protected abstract complete(block: Block, body: Buffer | undefined, length: number): T | EslIssue;
}

function findBlockEnd(buffer: Buffer): { headEnd: number; next: number } | undefined {
  let from = 0;
  for (;;) {
    const lf = buffer.indexOf(0x0a, from);
    if (lf < 0) return undefined;
    // The line after this LF is empty if it is LF, or CR LF.
    const after = lf + 1;
    if (after < buffer.length && buffer[after] === 0x0a) return { headEnd: lf, next: after + 1 };
    if (after + 1 < buffer.length && buffer[after] === 0x0d && buffer[after + 1] === 0x0a) return { headEnd: lf, next: after + 2 };
    if (after >= buffer.length || (after + 1 >= buffer.length && buffer[after] === 0x0d)) return undefined;
    from = after;
  }
}

function parseHeaders(lines: string[]): EslHeaders | string {
  const headers: EslHeaders = [];
  for (const line of lines) {
    if (line === '') continue;
    const pair = splitHeaderLine(line);
    if (!pair) return `not a header line: "${line.slice(0, 80)}"`;
    headers.push(pair);
  }
  return headers;
}

/** Reads what FreeSWITCH sends. */
export class EslFrameReader extends BlockReader<EslFrame> {
  protected headerLines(block: Block): string[] {
    return block.lines;
  }

  protected complete(block: Block, body: Buffer | undefined): EslFrame | EslIssue {
    const headers = parseHeaders(block.lines);
    if (typeof headers === 'string') return { issue: headers, raw: preview(block.raw) };
    if (!headers.some(([name]) => name.toLowerCase() === 'content-type')) return { issue: 'frame without Content-Type', raw: preview(block.raw) };
    return body === undefined ? { headers } : { headers, body };
  }
}

/** Reads what a client sends (the fake server's side, and trace tooling). */
export class EslCommandReader extends BlockReader<EslCommand> {
  protected headerLines(block: Block): string[] {
    return block.lines.slice(1);
  }

  protected complete(block: Block, body: Buffer | undefined): EslCommand | EslIssue {
    const [line = '', ...rest] = block.lines;
    const headers = parseHeaders(rest);
    if (typeof headers === 'string') return { issue: headers, raw: preview(block.raw) };
    return body === undefined ? { line, headers } : { line, headers, body };
  }
}

// ---- header access ----

export function headerOf(headers: EslHeaders, name: string): string | undefined {
  const lower = name.toLowerCase();
  return headers.find(([n]) => n.toLowerCase() === lower)?.[1];
}

// ---- writing ----

function checkHeader(name: string, value: string): void {
  if (name === '' || /[:\r\n]/.test(name) || /^\s|\s$/.test(name)) throw new TypeError(`Invalid ESL header name ${JSON.stringify(name)}`);
  if (/[\r\n]/.test(value)) throw new TypeError(`ESL header ${name} cannot hold a line break`);
}

function headerBlock(first: string | undefined, headers: EslHeaders): string {
  const lines = first === undefined ? [] : [first];
  for (const [name, value] of headers) {
    checkHeader(name, value);
    lines.push(`${name}: ${value}`);
  }
  return `${lines.join('\n')}\n\n`;
}

/**
 * A frame as FreeSWITCH writes it. Headers go out as given: the caller puts
 * `Content-Length` where FreeSWITCH does (first for events, second for
 * `api/response`); it must match the body.
 */
export function serializeFrame(frame: EslFrame): Buffer {
  const declared = headerOf(frame.headers, 'Content-Length');
  const bodyLength = frame.body?.length ?? 0;
  if ((declared === undefined ? 0 : Number(declared)) !== bodyLength) {
    throw new TypeError(`Content-Length ${declared ?? '(none)'} does not match a body of ${bodyLength} bytes`);
  }
  const head = Buffer.from(headerBlock(undefined, frame.headers), 'utf8');
  return frame.body && frame.body.length > 0 ? Buffer.concat([head, frame.body]) : head;
}

/** A command as a client writes it; `Content-Length` is added for a body. */
export function serializeCommand(command: EslCommand): Buffer {
  if (/[\r\n]/.test(command.line) || command.line === '') throw new TypeError('An ESL command line must be one non-empty line');
  const headers = command.headers.filter(([name]) => name.toLowerCase() !== 'content-length');
  if (command.body && command.body.length > 0) headers.push(['Content-Length', String(command.body.length)]);
  const head = Buffer.from(headerBlock(command.line, headers), 'utf8');
  return command.body && command.body.length > 0 ? Buffer.concat([head, command.body]) : head;
}
