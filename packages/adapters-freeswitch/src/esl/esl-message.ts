import { headerOf, type EslFrame, type EslHeaders, type EslIssue } from './esl-frame.js';

/** An event FreeSWITCH sent, its headers decoded (URL-decoded for `text/event-plain`). */
export interface EslEvent {
  name: string;
  headers: Record<string, string>;
  /** The event body (`_body` in JSON): a BACKGROUND_JOB's result, for one. */
  body?: string;
}

/** What a frame from FreeSWITCH means. */
export type EslMessage =
  | { type: 'auth-request' }
  | { type: 'command-reply'; replyText: string; headers: EslHeaders }
  | { type: 'api-response'; body: string }
  | { type: 'event'; event: EslEvent }
  | { type: 'disconnect-notice'; body: string; headers: EslHeaders }
  | { type: 'log'; body: string }
  | { type: 'rude-rejection'; body: string };

/** FreeSWITCH's plain serialization writes multi-valued headers as `ARRAY::a|:b`; JSON gives an array. */
function jsonValue(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return `ARRAY::${value.join('|:')}`;
  return undefined;
}

function decodeJsonEvent(body: string): EslEvent | string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (error) {
    return `event body is not JSON (${(error as Error).message})`;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return 'event body is not a JSON object';
  const headers: Record<string, string> = {};
  let eventBody: string | undefined;
  for (const [name, value] of Object.entries(parsed as Record<string, unknown>)) {
    const text = jsonValue(value);
    if (text === undefined) return `event header ${name} is not a string`;
    if (name === '_body') eventBody = text;
    else headers[name] = text;
  }
  // With a body, FreeSWITCH adds its length as a key before `_body`: not an event header.
  if (eventBody !== undefined) delete headers['Content-Length'];
  const eventName = headers['Event-Name'];
  if (!eventName) return 'event without Event-Name';
  return eventBody === undefined ? { name: eventName, headers } : { name: eventName, headers, body: eventBody };
}

function urlDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** `text/event-plain`: URL-encoded `Name: value` lines, a blank line, then the event's own body. */
function decodePlainEvent(body: string): EslEvent | string {
  const split = body.indexOf('\n\n');
  const head = split < 0 ? body : body.slice(0, split);
  const headers: Record<string, string> = {};
  for (const line of head.split('\n')) {
    if (line === '') continue;
    const colon = line.indexOf(': ');
    if (colon <= 0) return `not a header line in a plain event: "${line.slice(0, 80)}"`;
    headers[line.slice(0, colon)] = urlDecode(line.slice(colon + 2));
  }
  const eventName = headers['Event-Name'];
  if (!eventName) return 'event without Event-Name';
  const length = headers['Content-Length'];
  if (length !== undefined && split >= 0) {
    delete headers['Content-Length'];
    return { name: eventName, headers, body: body.slice(split + 2, split + 2 + Number(length)) };
  }
  return { name: eventName, headers };
}

/** What a frame means, or why it cannot be understood. */
export function interpretFrame(frame: EslFrame): EslMessage | EslIssue {
  const contentType = headerOf(frame.headers, 'Content-Type') ?? '';
  const body = frame.body?.toString('utf8') ?? '';
  const raw = () => `${frame.headers.map(([n, v]) => `${n}: ${v}`).join('\n')}\n\n${body.slice(0, 200)}`;
  switch (contentType) {
    case 'auth/request':
      return { type: 'auth-request' };
    case 'command/reply':
      return { type: 'command-reply', replyText: headerOf(frame.headers, 'Reply-Text') ?? '', headers: frame.headers };
    case 'api/response':
      return { type: 'api-response', body };
    case 'text/event-json':
    case 'text/event-plain': {
      const event = contentType === 'text/event-json' ? decodeJsonEvent(body) : decodePlainEvent(body);
      return typeof event === 'string' ? { issue: event, raw: raw() } : { type: 'event', event };
    }
    case 'text/disconnect-notice':
      return { type: 'disconnect-notice', body, headers: frame.headers };
    case 'log/data':
      return { type: 'log', body };
    case 'text/rude-rejection':
      return { type: 'rude-rejection', body };
    default:
      return { issue: `unknown Content-Type "${contentType}"`, raw: raw() };
  }
}

// ---- frames as FreeSWITCH writes them (mod_event_socket) ----

const frame = (headers: EslHeaders, body?: string): EslFrame => (body === undefined ? { headers } : { headers, body: Buffer.from(body, 'utf8') });

export const authRequestFrame = (): EslFrame => frame([['Content-Type', 'auth/request']]);

/** `command/reply`: `Reply-Text` first, then any extra headers (`Job-UUID` for bgapi). */
export const commandReplyFrame = (replyText: string, extra: EslHeaders = []): EslFrame =>
  frame([['Content-Type', 'command/reply'], ['Reply-Text', replyText], ...extra]);

export const apiResponseFrame = (body: string): EslFrame =>
  frame([['Content-Type', 'api/response'], ['Content-Length', String(Buffer.byteLength(body))]], body);

/** An event in `event json` form: Content-Length comes first here. Keys keep their order. */
export function eventJsonFrame(headers: Array<[string, string]>, body?: string): EslFrame {
  const object: Record<string, string> = {};
  for (const [name, value] of headers) object[name] = value;
  if (body !== undefined) {
    object['Content-Length'] = String(Buffer.byteLength(body));
    object['_body'] = body;
  }
  const json = JSON.stringify(object);
  return frame([['Content-Length', String(Buffer.byteLength(json))], ['Content-Type', 'text/event-json']], json);
}

export const disconnectNoticeFrame = (message = 'Disconnected, goodbye.\nSee you at ClueCon! http://www.cluecon.com/\n'): EslFrame =>
  frame([['Content-Type', 'text/disconnect-notice'], ['Content-Length', String(Buffer.byteLength(message))]], message);
