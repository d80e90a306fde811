import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EslCommandReader, EslFrameReader, isEslIssue, serializeCommand, serializeFrame, type EslCommand, type EslFrame } from './esl-frame.js';
import { apiResponseFrame, commandReplyFrame, eventJsonFrame, interpretFrame } from './esl-message.js';

/** Splits bytes at the given cut points (any chunking of a TCP stream). */
function chunk(bytes: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let from = 0;
  for (const p of points) {
    out.push(bytes.subarray(from, p));
    from = p;
  }
  out.push(bytes.subarray(from));
  return out;
}

const headerName = fc.stringMatching(/^[A-Za-z][A-Za-z0-9_-]{0,20}$/);
// Values as FreeSWITCH writes them: one line, no blanks at the start (its reader skips them).
const headerValue = fc.string({ maxLength: 40, unit: 'binary' }).map((s) => s.replace(/[\r\n]/g, ' ').replace(/^[ \t]+/, ''));
const body = fc.option(fc.string({ maxLength: 200, unit: 'binary' }), { nil: undefined });

const arbFrame: fc.Arbitrary<EslFrame> = fc
  .tuple(fc.constantFrom('command/reply', 'api/response', 'text/event-json', 'text/event-plain', 'text/disconnect-notice', 'auth/request'), fc.array(fc.tuple(headerName, headerValue), { maxLength: 6 }), body)
  .map(([type, headers, text]) => {
    const clean = headers.filter(([n]) => !/^content-(type|length)$/i.test(n));
    const bytes = text === undefined ? undefined : Buffer.from(text, 'utf8');
    const all: Array<[string, string]> = [['Content-Type', type], ...clean];
    if (bytes && bytes.length > 0) return { headers: [...all, ['Content-Length', String(bytes.length)]], body: bytes };
    return { headers: all };
  });

const arbCommand: fc.Arbitrary<EslCommand> = fc
  .tuple(fc.stringMatching(/^[a-z]+( [!-~]{1,30}){0,3}$/), fc.array(fc.tuple(headerName, headerValue), { maxLength: 5 }), body)
  .map(([line, headers, text]) => {
    const clean = headers.filter(([n]) => n.toLowerCase() !== 'content-length');
    const bytes = text === undefined || text === '' ? undefined : Buffer.from(text, 'utf8');
    return bytes ? { line, headers: clean, body: bytes } : { line, headers: clean };
  });

function normalize(frame: EslFrame): { headers: Array<[string, string]>; body: string | undefined } {
  return { headers: frame.headers, body: frame.body && frame.body.length > 0 ? frame.body.toString('hex') : undefined };
}

describe('EslFrameReader', () => {
  it('reads the frames FreeSWITCH writes, Content-Length bodies included', () => {
    const reader = new EslFrameReader();
    const stream = Buffer.concat([
      serializeFrame({ headers: [['Content-Type', 'auth/request']] }),
      serializeFrame(commandReplyFrame('+OK Job-UUID: 7', [['Job-UUID', '7']])),
      serializeFrame(apiResponseFrame('+OK\n')),
      serializeFrame(eventJsonFrame([['Event-Name', 'BACKGROUND_JOB'], ['Job-UUID', '7']], '-ERR CALL_REJECTED\n')),
    ]);
    const items = reader.push(stream);
    expect(items.map((i) => (isEslIssue(i) ? 'issue' : interpretFrame(i as EslFrame)))).toMatchObject([
      { type: 'auth-request' },
      { type: 'command-reply', replyText: '+OK Job-UUID: 7' },
      { type: 'api-response', body: '+OK\n' },
      { type: 'event', event: { name: 'BACKGROUND_JOB', headers: { 'Job-UUID': '7' }, body: '-ERR CALL_REJECTED\n' } },
    ]);
  });

  it('decodes text/event-plain: URL-encoded headers and the event body after its own Content-Length', () => {
    const plain = 'Event-Name: BACKGROUND_JOB\nJob-UUID: 6503f8de\nJob-Command-Arg: %7Borigination_uuid%3Dtest-2%7Dloopback/dtmf123%20%26park()\nContent-Length: 11\n\n+OK test-2\n';
    const [frame] = new EslFrameReader().push(`Content-Length: ${Buffer.byteLength(plain)}\nContent-Type: text/event-plain\n\n${plain}`);
    expect(interpretFrame(frame as EslFrame)).toEqual({
      type: 'event',
      event: { name: 'BACKGROUND_JOB', headers: { 'Event-Name': 'BACKGROUND_JOB', 'Job-UUID': '6503f8de', 'Job-Command-Arg': '{origination_uuid=test-2}loopback/dtmf123 &park()' }, body: '+OK test-2\n' },
    });
  });

  it('keeps a header value that contains ": " whole (esl-lite cuts it there)', () => {
    const [frame] = new EslFrameReader().push('Content-Type: command/reply\nReply-Text: -ERR invalid: reason: here\n\n');
    expect(interpretFrame(frame as EslFrame)).toMatchObject({ replyText: '-ERR invalid: reason: here' });
  });

  it('survives any frames under any chunking: a round trip gives them back', () => {
    fc.assert(
      fc.property(fc.array(arbFrame, { minLength: 1, maxLength: 6 }), fc.array(fc.nat(), { maxLength: 12 }), (frames, cuts) => {
        const bytes = Buffer.concat(frames.map(serializeFrame));
        const reader = new EslFrameReader();
        const out = chunk(bytes, cuts).flatMap((c) => reader.push(c));
        expect(out.every((i) => !isEslIssue(i))).toBe(true);
        expect((out as EslFrame[]).map(normalize)).toEqual(frames.map(normalize));
        expect(reader.buffered).toBe(0);
      }),
      { numRuns: 300 },
    );
  });

  it('never throws on garbage, reports it, and finds the next frame after a blank line', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), arbFrame, fc.array(fc.nat(), { maxLength: 8 }), (garbage, frame, cuts) => {
        const junk = Buffer.from(garbage);
        // Garbage that declares a body swallows bytes up to its length: resynchronisation
        // is at the next header block, which FreeSWITCH's framing cannot do better.
        fc.pre(!/content-length/i.test(junk.toString('latin1')));
        const bytes = Buffer.concat([junk, Buffer.from('\n\n'), serializeFrame(frame)]);
        const reader = new EslFrameReader();
        const out = chunk(bytes, cuts).flatMap((c) => reader.push(c));
        const last = out.at(-1);
        expect(last && !isEslIssue(last) ? normalize(last as EslFrame) : last).toEqual(normalize(frame));
      }),
      { numRuns: 500 },
    );
  });

  it('turns anything at all into frames and issues without throwing', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 80 }), { maxLength: 10 }), (chunks) => {
        const reader = new EslFrameReader({ maxBodyBytes: 1_000, maxHeaderBytes: 200 });
        for (const c of chunks) {
          for (const item of reader.push(Buffer.from(c))) {
            if (!isEslIssue(item)) interpretFrame(item as EslFrame);
          }
        }
        reader.end();
      }),
      { numRuns: 500 },
    );
  });

  it('reports and skips a block that is not headers, a bad Content-Length, a frame with no Content-Type', () => {
    const reader = new EslFrameReader();
    const out = reader.push(
      'this is not a header\n\nContent-Type: api/response\nContent-Length: twelve\n\nReply-Text: orphan\n\nContent-Type: api/response\nContent-Length: 3\n\n+OK',
    );
    expect(out.map((i) => (isEslIssue(i) ? i.issue : 'a frame'))).toEqual([
      'not a header line: "this is not a header"',
      'invalid Content-Length "twelve"',
      'frame without Content-Type',
      'a frame',
    ]);
  });

  it('drops an endless header block instead of buffering it for ever', () => {
    const reader = new EslFrameReader({ maxHeaderBytes: 100 });
    const out = reader.push(`${'x'.repeat(150)}\nmore`);
    expect(out).toHaveLength(1);
    expect(isEslIssue(out[0])).toBe(true);
    expect(reader.buffered).toBe(4);
  });
});

describe('EslCommandReader', () => {
  it('survives any commands under any chunking: a round trip gives them back', () => {
    fc.assert(
      fc.property(fc.array(arbCommand, { minLength: 1, maxLength: 6 }), fc.array(fc.nat(), { maxLength: 12 }), (commands, cuts) => {
        const bytes = Buffer.concat(commands.map(serializeCommand));
        const reader = new EslCommandReader();
        const out = chunk(bytes, cuts).flatMap((c) => reader.push(c)) as EslCommand[];
        expect(out.map((c) => ({ line: c.line, headers: c.headers.filter(([n]) => n !== 'Content-Length'), body: c.body?.toString('hex') }))).toEqual(
          commands.map((c) => ({ line: c.line, headers: c.headers, body: c.body?.toString('hex') })),
        );
      }),
      { numRuns: 300 },
    );
  });

  it('reads a sendmsg with its headers and a text/plain body', () => {
    const bytes = serializeCommand({ line: 'sendmsg abc', headers: [['call-command', 'execute'], ['content-type', 'text/plain']], body: Buffer.from('silence_stream://100') });
    expect(bytes.toString()).toBe('sendmsg abc\ncall-command: execute\ncontent-type: text/plain\nContent-Length: 20\n\nsilence_stream://100');
    expect(new EslCommandReader().push(bytes)).toEqual([{ line: 'sendmsg abc', headers: [['call-command', 'execute'], ['content-type', 'text/plain'], ['Content-Length', '20']], body: Buffer.from('silence_stream://100') }]);
  });

  it('refuses to write what would break the framing', () => {
    expect(() => serializeCommand({ line: 'api a\nb', headers: [] })).toThrow(TypeError);
    expect(() => serializeFrame({ headers: [['Content-Type', 'x'], ['Bad', 'a\nb']] })).toThrow(TypeError);
    expect(() => serializeFrame({ headers: [['Content-Type', 'x'], ['Content-Length', '3']], body: Buffer.from('ab') })).toThrow(TypeError);
  });
});
