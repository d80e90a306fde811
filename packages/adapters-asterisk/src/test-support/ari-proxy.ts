import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';
import { TRACE_FORMAT, type AriTrace, type TraceEntry } from './trace-format.js';

export interface AriProxyOptions {
  /** The real Asterisk, e.g. `http://127.0.0.1:8088`. */
  upstream: string;
  /** Keep a trace of what crosses (see trace-format.ts). */
  record?: boolean;
}

/**
 * A loopback pass-through between the adapter and a real Asterisk: HTTP
 * requests and the `/ari/events` WebSocket are forwarded as they are. It can
 * cut the WebSocket and refuse every connection for an outage (what a
 * network failure looks like to the adapter), and it records what crossed.
 */
export class AriProxy {
  private server: Server | undefined;
  private readonly wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  private readonly pairs = new Set<{ client: WebSocket; upstream: WebSocket }>();
  private readonly sockets = new Set<Socket>();
  private outageUntil = 0;
  private readonly started = Date.now();
  readonly entries: TraceEntry[] = [];
  private readonly upstream: string;

  constructor(private readonly options: AriProxyOptions) {
    this.upstream = options.upstream.replace(/\/+$/, '');
  }

  get url(): string {
    const address = this.server?.address() as AddressInfo | undefined;
    if (!address) throw new Error('The proxy is not listening');
    return `http://127.0.0.1:${address.port}`;
  }

  private get down(): boolean {
    return Date.now() < this.outageUntil;
  }

  private record(entry: DistributiveOmit<TraceEntry, 'at'> & { at?: number }): void {
    if (this.options.record) this.entries.push({ at: Date.now() - this.started, ...entry } as TraceEntry);
  }

  async listen(): Promise<void> {
    const server = createServer((req, res) => void this.forward(req, res));
    server.on('connection', (socket) => {
      if (this.down) {
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

  /** Cuts the WebSocket and refuses every connection for `outageMs`. */
  dropConnection(outageMs: number): void {
    this.outageUntil = Date.now() + outageMs;
    this.record({ kind: 'ws', what: 'dropped', detail: `outage of ${outageMs} ms` });
    for (const pair of this.pairs) {
      pair.client.terminate();
      pair.upstream.terminate();
    }
    this.pairs.clear();
    for (const socket of this.sockets) socket.destroy();
  }

  /** A marker in the trace (the harness starts cleaning up). */
  mark(what: string): void {
    this.record({ kind: 'mark', what });
  }

  /** A REST request made by the test harness itself (placing an inbound call), recorded as such. */
  async harness(method: string, path: string, query: Record<string, string>, auth: string): Promise<{ status: number; reply: unknown }> {
    const url = new URL(`${this.upstream}${path}`);
    for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
    const t0 = Date.now();
    const response = await fetch(url, { method, headers: { authorization: auth } });
    const text = await response.text();
    const reply = parse(text);
    this.record({ at: t0 - this.started, kind: 'rest', from: 'harness', method, path, query, status: response.status, ...(reply === undefined ? {} : { reply }), ms: Date.now() - t0 });
    return { status: response.status, reply };
  }

  private async forward(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const url = new URL(req.url ?? '/', this.upstream);
    const headers: Record<string, string> = {};
    for (const name of ['authorization', 'content-type', 'accept']) {
      const value = req.headers[name];
      if (typeof value === 'string') headers[name] = value;
    }
    const t0 = Date.now();
    try {
      const response = await fetch(`${this.upstream}${req.url ?? '/'}`, { method: req.method ?? 'GET', headers, ...(body.length > 0 ? { body } : {}) });
      const text = await response.text();
      const reply = parse(text);
      const requestBody = body.length > 0 ? parse(body.toString('utf8')) : undefined;
      this.record({
        at: t0 - this.started,
        kind: 'rest',
        from: 'adapter',
        method: req.method ?? 'GET',
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        ...(requestBody === undefined ? {} : { body: requestBody }),
        status: response.status,
        ...(reply === undefined ? {} : { reply }),
        ms: Date.now() - t0,
      });
      const contentType = response.headers.get('content-type');
      res.writeHead(response.status, contentType ? { 'content-type': contentType } : {});
      res.end(text);
    } catch (error) {
      res.writeHead(502, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ message: `proxy: ${(error as Error).message}` }));
    }
  }

  private upgrade(req: IncomingMessage, socket: Socket, head: Buffer): void {
    if (this.down) {
      this.record({ kind: 'ws', what: 'refused' });
      socket.destroy();
      return;
    }
    const target = `${this.upstream.replace(/^http/, 'ws')}${req.url ?? '/'}`;
    const auth = req.headers['authorization'];
    const upstream = new WebSocket(target, { headers: typeof auth === 'string' ? { authorization: auth } : {}, perMessageDeflate: false });
    upstream.on('unexpected-response', (_r, response) => {
      socket.end(`HTTP/1.1 ${response.statusCode ?? 502} Upstream refused\r\nConnection: close\r\n\r\n`);
    });
    upstream.on('error', () => socket.destroy());
    upstream.on('open', () => {
      this.wss.handleUpgrade(req, socket, head, (client) => {
        const pair = { client, upstream };
        this.pairs.add(pair);
        this.record({ kind: 'ws', what: 'open' });
        upstream.on('message', (data, isBinary) => {
          const text = isBinary ? undefined : Buffer.from(data as Buffer).toString('utf8');
          if (text !== undefined) {
            const event = parse(text);
            if (event && typeof event === 'object') this.record({ kind: 'event', event: event as Record<string, unknown> });
          }
          if (client.readyState === WebSocket.OPEN) client.send(data, { binary: isBinary });
        });
        client.on('message', (data, isBinary) => {
          if (upstream.readyState === WebSocket.OPEN) upstream.send(data, { binary: isBinary });
        });
        const close = () => {
          if (!this.pairs.delete(pair)) return;
          this.record({ kind: 'ws', what: 'closed' });
          client.terminate();
          upstream.close();
        };
        client.on('close', close);
        upstream.on('close', close);
      });
    });
  }

  trace(scenario: string, asterisk: Record<string, unknown> | undefined): AriTrace {
    return { format: TRACE_FORMAT, scenario, recordedAt: new Date(this.started).toISOString(), asterisk, entries: this.entries.slice() };
  }

  async close(): Promise<void> {
    for (const pair of this.pairs) {
      pair.client.terminate();
      pair.upstream.close();
    }
    this.pairs.clear();
    for (const socket of this.sockets) socket.destroy();
    this.wss.close();
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

function parse(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
