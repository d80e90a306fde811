import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { SystemClock, type Clock } from '@switchboard/core';
import WebSocket, { WebSocketServer } from 'ws';
import { FakeMedia } from './fake-media.js';
import { AriHttpError, FakeModel, subscribers, type Publication } from './fake-model.js';
import { ariRoutes, type AriRoute } from './fake-routes.js';
import { eventJson } from './fake-shapes.js';
import { TRACE_FORMAT, type AriTrace, type TraceEntry } from './trace-format.js';

export interface FakeAsteriskOptions {
  username?: string;
  password?: string;
  /** Times the dialplan, ring timeouts and media. Default: the system clock. */
  clock?: Clock;
}

interface Client {
  socket: WebSocket;
  apps: string[];
}


/**
 * A protocol-faithful fake Asterisk for tests: `node:http` serving the ARI
 * REST paths the adapter uses and `ws` serving `/ari/events`, with ARI's
 * status codes, `{"message": …}` errors and JSON shapes, around a model of
 * Local channels running the test dialplan (see fake-model.ts). Faults on
 * demand: drop the WebSocket and refuse connections for an outage, delay or
 * withhold replies, send a malformed frame.
 */
export class FakeAsterisk {
  readonly model: FakeModel;
  readonly media: FakeMedia;
  private readonly clock: Clock;
  private readonly username: string;
  private readonly password: string;
  private server: Server | undefined;
  private readonly wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  private readonly clients = new Set<Client>();
  private readonly sockets = new Set<Socket>();
  private outageUntil = 0;
  private replyDelayMs = 0;
  private withheld: Array<() => void> | undefined;
  private readonly routes: AriRoute[];
  /** Every request the fake answered: method and path (for assertions). */
  readonly requests: Array<{ method: string; path: string; query: Record<string, string>; status: number }> = [];
  /** What crossed, in the recorded traces' format (compared with them by trace-fidelity.ts). */
  private readonly entries: TraceEntry[] = [];
  private readonly started = Date.now();

  constructor(options: FakeAsteriskOptions = {}) {
    this.clock = options.clock ?? new SystemClock();
    this.username = options.username ?? 'switchboard';
    this.password = options.password ?? 'switchboard';
    this.model = new FakeModel(this.clock, {
      publish: (p) => this.publish(p),
      channelGone: (channel) => this.media.channelGone(channel),
    });
    this.media = new FakeMedia(this.clock, { publish: (type, fields, channel) => this.publish({ type, fields, channels: [channel] }) });
    this.routes = ariRoutes(this.model, this.media, (p) => this.publish(p));
  }

  get url(): string {
    const address = this.server?.address() as AddressInfo | undefined;
    if (!address) throw new Error('The fake Asterisk is not listening');
    return `http://127.0.0.1:${address.port}`;
  }

  async listen(): Promise<void> {
    const server = createServer((req, res) => void this.handle(req, res));
    server.on('connection', (socket) => {
      if (Date.now() < this.outageUntil) {
        socket.destroy();
        return;
      }
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    server.on('upgrade', (req, socket, head) => this.upgrade(req, socket as Socket, head));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.server = server;
  }

  async close(): Promise<void> {
    for (const client of this.clients) client.socket.terminate();
    this.clients.clear();
    for (const socket of this.sockets) socket.destroy();
    this.wss.close();
    this.model.destroyAll();
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  // ---- faults ----

  /** Cuts every WebSocket and refuses connections (HTTP and WebSocket) for `outageMs`. Events meanwhile are lost. */
  dropConnection(outageMs: number): void {
    this.outageUntil = Date.now() + outageMs;
    this.entries.push({ at: this.since(), kind: 'ws', what: 'dropped', detail: `outage of ${outageMs} ms` });
    for (const client of this.clients) client.socket.terminate();
    this.clients.clear();
    for (const socket of this.sockets) socket.destroy();
  }

  /** Delays every REST reply by `ms` (0: answer at once). */
  delayReplies(ms: number): void {
    this.replyDelayMs = ms;
  }

  /** Keeps REST replies back until `releaseReplies()` (the request is carried out; only the answer waits). */
  withholdReplies(): void {
    this.withheld ??= [];
  }

  releaseReplies(): void {
    const held = this.withheld ?? [];
    this.withheld = undefined;
    for (const reply of held) reply();
  }

  /** Sends a raw frame to every connected application (malformed messages): text, or binary when asked. */
  sendRaw(data: string | Buffer, binary = false): void {
    for (const client of this.clients) client.socket.send(data, { binary });
  }

  /** Sends an event to the clients of `app` as Asterisk would. */
  sendEvent(app: string, type: string, fields: Record<string, unknown>): void {
    const message = JSON.stringify(eventJson(type, this.clock.now(), fields, app));
    for (const client of this.clients) if (client.apps.includes(app)) client.socket.send(message);
  }

  /** Everything that crossed so far, as a trace (format of trace-format.ts). */
  trace(scenario: string): AriTrace {
    return { format: TRACE_FORMAT, scenario, recordedAt: new Date(this.started).toISOString(), asterisk: { system: { version: 'fake' } }, entries: this.entries.slice() };
  }

  /** A marker in the fake's trace (the test harness starts cleaning up). */
  mark(what: string): void {
    this.entries.push({ at: this.since(), kind: 'mark', what });
  }

  private since(): number {
    return Date.now() - this.started;
  }

  get connectedApps(): string[] {
    return [...this.clients].flatMap((c) => c.apps);
  }

  /** A REST call made from the test itself (e.g. placing an inbound call), as a client of the fake would. */
  async request(method: string, path: string, query: Record<string, string> = {}): Promise<{ status: number; reply: unknown }> {
    const url = new URL(`${this.url}${path}`);
    for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
    const response = await fetch(url, {
      method,
      headers: { authorization: `Basic ${Buffer.from(`${this.username}:${this.password}`).toString('base64')}`, 'x-switchboard-harness': '1' },
    });
    const text = await response.text();
    return { status: response.status, reply: text === '' ? undefined : JSON.parse(text) };
  }

  // ---- events ----

  /** Events caused by the request being handled: Asterisk publishes them on its message bus, so they reach the client after the reply. */
  private deferred: Array<Publication & { apps: Set<string> }> | undefined;

  private publish(p: Publication): void {
    // Who hears an event is decided when it happens (a channel leaving Stasis stops its application hearing it).
    const apps = new Set<string>();
    for (const channel of p.channels) for (const app of subscribers(channel)) apps.add(app);
    if (p.bridge) for (const app of p.bridge.apps) apps.add(app);
    const routed = { ...p, apps };
    if (this.deferred) this.deferred.push(routed);
    else this.send(routed);
  }

  private send(p: Publication & { apps: Set<string> }): void {
    for (const app of p.apps) {
      const event = eventJson(p.type, this.clock.now(), p.fields, app);
      const message = JSON.stringify(event);
      let sent = false;
      for (const client of this.clients) {
        if (!client.apps.includes(app) || client.socket.readyState !== WebSocket.OPEN) continue;
        client.socket.send(message);
        sent = true;
      }
      if (sent) this.entries.push({ at: this.since(), kind: 'event', event: JSON.parse(message) as Record<string, unknown> });
    }
  }

  private authorized(req: IncomingMessage, query: URLSearchParams): boolean {
    const header = req.headers['authorization'];
    const expected = `${this.username}:${this.password}`;
    if (typeof header === 'string' && header.startsWith('Basic ')) return Buffer.from(header.slice(6), 'base64').toString('utf8') === expected;
    return query.get('api_key') === expected;
  }

  private upgrade(req: IncomingMessage, socket: Socket, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://fake');
    const refuse = (status: number, text: string): void => void socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    if (Date.now() < this.outageUntil) {
      this.entries.push({ at: this.since(), kind: 'ws', what: 'refused' });
      return void socket.destroy();
    }
    if (url.pathname !== '/ari/events') return refuse(404, 'Not Found');
    if (!this.authorized(req, url.searchParams)) return refuse(401, 'Unauthorized');
    const apps = (url.searchParams.get('app') ?? '').split(',').filter((a) => a !== '');
    if (apps.length === 0) return refuse(400, 'Bad Request');
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      const client = { socket: ws, apps };
      this.clients.add(client);
      this.entries.push({ at: this.since(), kind: 'ws', what: 'open' });
      ws.on('close', () => this.clients.delete(client));
      ws.on('error', () => this.clients.delete(client));
    });
  }

  // ---- REST ----

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? '/', 'http://fake');
    const method = req.method ?? 'GET';
    let result: { status: number; body?: unknown };
    let events: Array<Publication & { apps: Set<string> }> = [];
    if (!this.authorized(req, url.searchParams)) result = { status: 401, body: { message: 'Authentication required' } };
    else {
      let body: Record<string, unknown> = {};
      if (chunks.length > 0) {
        try {
          body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
        } catch {
          result = { status: 400, body: { message: 'Invalid JSON body' } };
        }
      }
      this.deferred = [];
      try {
        result ??= this.route(method, url.pathname, url.searchParams, body, req.socket);
      } finally {
        events = this.deferred;
        this.deferred = undefined;
      }
    }
    this.requests.push({ method, path: url.pathname, query: Object.fromEntries(url.searchParams), status: result.status });
    let requestBody: unknown;
    try {
      requestBody = chunks.length > 0 ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : undefined;
    } catch {
      requestBody = Buffer.concat(chunks).toString('utf8');
    }
    this.entries.push({
      at: this.since(),
      kind: 'rest',
      from: req.headers['x-switchboard-harness'] ? 'harness' : 'adapter',
      method,
      path: url.pathname,
      query: Object.fromEntries([...url.searchParams].filter(([k]) => k !== 'api_key')),
      ...(requestBody === undefined ? {} : { body: requestBody }),
      status: result.status,
      ...(result.body === undefined ? {} : { reply: result.body }),
      ms: 0,
    });
    const send = () => {
      if (res.destroyed) return;
      const text = result.body === undefined ? '' : JSON.stringify(result.body);
      res.writeHead(result.status, text === '' ? {} : { 'content-type': 'application/json' });
      res.end(text);
    };
    const flush = () => {
      for (const p of events) this.send(p);
    };
    // An origination dials in its own thread: its first events often beat the reply. Everything else follows it.
    if (method === 'POST' && url.pathname === '/ari/channels') flush();
    else setImmediate(flush);
    if (this.withheld) this.withheld.push(send);
    else if (this.replyDelayMs > 0) setTimeout(send, this.replyDelayMs);
    else send();
  }

  private route(method: string, path: string, query: URLSearchParams, body: Record<string, unknown>, socket: Socket): { status: number; body?: unknown } {
    const relative = path.startsWith('/ari/') ? path.slice(4) : undefined;
    if (relative === undefined) return { status: 404, body: { message: 'Resource not found' } };
    // Parameters may come in the JSON body too (ARI merges them), except `variables`.
    for (const [key, value] of Object.entries(body)) if (key !== 'variables' && key !== 'media' && !query.has(key)) query.set(key, String(value));
    let pathMatched = false;
    for (const [verb, pattern, handler] of this.routes) {
      const m = pattern.exec(relative);
      if (!m) continue;
      pathMatched = true;
      if (verb !== method) continue;
      try {
        return handler(m, query, body);
      } catch (error) {
        if (!(error instanceof AriHttpError)) return { status: 500, body: { message: (error as Error).message } };
        return this.refusal(error, socket, verb === 'POST' && relative === '/channels');
      }
    }
    return pathMatched ? { status: 405, body: { message: 'Method not allowed' } } : { status: 404, body: { message: 'Resource not found' } };
  }

  /** An error reply, with Asterisk's quirks: `{"error": …}` for allocation failures, and a stale 409 after a duplicate id. */
  private refusal(error: AriHttpError, socket: Socket, originate: boolean): { status: number; body: unknown } {
    const state = socket as Socket & { ariDuplicateSeen?: boolean };
    if (originate && error.status === 409) state.ariDuplicateSeen = true;
    if (originate && error.status === 500) {
      // ast_channel_errno() is per thread and never reset: once this connection's thread saw a duplicate id,
      // every later allocation failure on it is reported as that duplicate.
      if (state.ariDuplicateSeen) return { status: 409, body: { message: 'Channel with given unique ID already exists' } };
      return { status: 500, body: { error: error.message } };
    }
    return { status: error.status, body: { message: error.message } };
  }
}
