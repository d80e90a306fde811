import { EslCommandReader, EslFrameReader, isEslIssue, serializeCommand, serializeFrame, type EslCommand, type EslFrame } from '../esl/esl-frame.js';

/**
 * Recorded Event Socket traffic: what crossed the wire between the adapter
 * (or a test's control connection) and a real FreeSWITCH during one
 * conformance scenario. These files are test fixtures: the fake FreeSWITCH
 * takes the shape of its events from them.
 *
 * Format (text, UTF-8, one file per scenario):
 *
 *     # switchboard ESL trace v1
 *     # scenario: <the test's full name>
 *     # <any other comment line>
 *     <<< c1 +120 412
 *     <exactly 412 bytes, as FreeSWITCH sent them (a whole frame)>
 *     >>> c1 +121 58
 *     <exactly 58 bytes, as the client sent them (a whole command)>
 *     --- c1 +3000 cut by the test
 *
 * `<<<` is FreeSWITCH → client, `>>>` client → FreeSWITCH, `---` a note about
 * connection `c<n>` (opened, closed, cut). `+ms` counts from the start of the
 * scenario. After the bytes of a record comes one newline, then the next
 * marker line. Each record holds one frame or command (the stream is split
 * with the same readers the adapter and the fake use), so the file reads like
 * the protocol. The `auth` password is replaced by `********`.
 */
export interface TraceRecord {
  direction: 'in' | 'out' | 'note';
  connection: string;
  atMs: number;
  /** The bytes of a frame or command; the text of a note. */
  data: string;
}

export interface Trace {
  scenario: string;
  comments: string[];
  records: TraceRecord[];
}

const MARKER = /^(<<<|>>>|---) (c\d+) \+(\d+) (.*)$/;

export function formatTrace(trace: Trace): string {
  const out: string[] = ['# switchboard ESL trace v1', `# scenario: ${trace.scenario}`, ...trace.comments.map((c) => `# ${c}`)];
  for (const record of trace.records) {
    if (record.direction === 'note') {
      out.push(`--- ${record.connection} +${record.atMs} ${record.data}`);
      continue;
    }
    const arrow = record.direction === 'in' ? '<<<' : '>>>';
    out.push(`${arrow} ${record.connection} +${record.atMs} ${Buffer.byteLength(record.data)}`);
    out.push(record.data);
  }
  return `${out.join('\n')}\n`;
}

export function parseTrace(text: string): Trace {
  const bytes = Buffer.from(text, 'utf8');
  const trace: Trace = { scenario: '', comments: [], records: [] };
  let offset = 0;
  const line = (): string | undefined => {
    if (offset >= bytes.length) return undefined;
    const end = bytes.indexOf(0x0a, offset);
    const stop = end < 0 ? bytes.length : end;
    const value = bytes.subarray(offset, stop).toString('utf8');
    offset = stop + 1;
    return value;
  };
  for (let current = line(); current !== undefined; current = line()) {
    if (current === '') continue;
    if (current.startsWith('#')) {
      const comment = current.replace(/^#\s?/, '');
      if (comment.startsWith('scenario: ')) trace.scenario = comment.slice(10);
      else if (!comment.startsWith('switchboard ESL trace')) trace.comments.push(comment);
      continue;
    }
    const m = MARKER.exec(current);
    if (!m) throw new Error(`Trace: unexpected line at byte ${offset}: ${current.slice(0, 80)}`);
    const [, arrow, connection, at, rest] = m as unknown as [string, string, string, string, string];
    if (arrow === '---') {
      trace.records.push({ direction: 'note', connection, atMs: Number(at), data: rest });
      continue;
    }
    const length = Number(rest);
    if (!Number.isInteger(length) || offset + length > bytes.length) throw new Error(`Trace: bad byte count in "${current}"`);
    trace.records.push({ direction: arrow === '<<<' ? 'in' : 'out', connection, atMs: Number(at), data: bytes.subarray(offset, offset + length).toString('utf8') });
    offset += length;
    if (bytes[offset] === 0x0a) offset++;
  }
  return trace;
}

/** Splits one connection's two byte streams into records, one frame or command each. */
export class TraceRecorder {
  private readonly records: TraceRecord[] = [];
  private readonly started = Date.now();
  private next = 1;
  private readonly streams = new Map<string, { frames: EslFrameReader; commands: EslCommandReader }>();

  openConnection(): string {
    const id = `c${this.next++}`;
    this.streams.set(id, { frames: new EslFrameReader(), commands: new EslCommandReader() });
    this.note(id, 'opened');
    return id;
  }

  note(connection: string, text: string): void {
    this.records.push({ direction: 'note', connection, atMs: Date.now() - this.started, data: text });
  }

  fromServer(connection: string, chunk: Buffer): void {
    const stream = this.streams.get(connection);
    if (!stream) return;
    for (const item of stream.frames.push(chunk)) {
      const data = isEslIssue(item) ? item.raw : serializeFrame(item as EslFrame).toString('utf8');
      this.records.push({ direction: 'in', connection, atMs: Date.now() - this.started, data });
    }
  }

  fromClient(connection: string, chunk: Buffer): void {
    const stream = this.streams.get(connection);
    if (!stream) return;
    for (const item of stream.commands.push(chunk)) {
      if (isEslIssue(item)) {
        this.records.push({ direction: 'out', connection, atMs: Date.now() - this.started, data: item.raw });
        continue;
      }
      const command = item as EslCommand;
      const line = command.line.startsWith('auth ') ? 'auth ********' : command.line;
      this.records.push({ direction: 'out', connection, atMs: Date.now() - this.started, data: serializeCommand({ ...command, line }).toString('utf8') });
    }
  }

  trace(scenario: string, comments: string[]): Trace {
    return { scenario, comments, records: this.records.slice() };
  }
}
