import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Request } from 'express';
import { WebSocket, WebSocketServer } from 'ws';
import { isSwitchboardError, publicJob, type AcdEvents, type Job, type JobEvents } from '@switchboard/core';
import type { AppContext } from '../context.js';
import { STATUS_OF } from '../http/problem.js';
import { tenantOf } from '../routes/tenant-scope.js';

/** The subprotocol clients offer beside `bearer.<token>` when they pass the token that way (browsers cannot set headers). */
export const REALTIME_PROTOCOL = 'switchboard.v1';
const BEARER_PROTOCOL = 'bearer.';

/**
 * Every ACD event the socket relays. A record keyed by the core's event map rather than a
 * list: `satisfies` on a list only checks that each name exists, while a record must name
 * every event, so an event added to `AcdEvents` fails the build until it is relayed here.
 * Each payload must also carry its tenant, or the socket could not keep tenants apart.
 */
const RELAYED_ACD_EVENTS = { 'agent.state': true, 'agent.membership': true, 'agent.event': true, 'queue.log': true, 'queue.ended': true } satisfies {
  [K in keyof AcdEvents]: Parameters<AcdEvents[K]>[0] extends { tenantId: string } ? true : never;
};
/** The ACD event types a client receives, as `type` of each message. */
export const ACD_EVENTS = Object.keys(RELAYED_ACD_EVENTS) as Array<keyof AcdEvents>;
/** Background jobs (imports): each status change, and each batch committed. */
const JOB_EVENTS = ['job.status', 'job.progress'] as const satisfies ReadonlyArray<keyof JobEvents>;

export interface RealtimeOptions {
  /** The URL path of the socket, e.g. `/api/v1/realtime`. */
  path: string;
  /** How often the server pings; a client that has not answered the previous ping by then is dropped. Default 30 s. */
  pingIntervalMs?: number;
}

export interface Realtime {
  /** Clients connected now. */
  readonly clientCount: number;
  /** Closes every socket (1001 going away) and stops accepting new ones. */
  close(): Promise<void>;
}

/**
 * The realtime WebSocket: after the same authentication as the REST API (`Authorization`
 * header, `?token=` or the `bearer.<token>` subprotocol), every ACD event of the caller's
 * tenant arrives as JSON `{type, data}`, and every change of the tenant's background jobs
 * (`job.status`, `job.progress`).
 */
export function attachRealtime(server: Server, ctx: AppContext, options: RealtimeOptions): Realtime {
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: 64 * 1024,
    handleProtocols: (protocols) => (protocols.has(REALTIME_PROTOCOL) ? REALTIME_PROTOCOL : false),
  });
  const alive = new WeakMap<WebSocket, boolean>();
  let closing = false;

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== options.path) return refuse(socket, 404, 'No WebSocket here');
    if (closing) return refuse(socket, 503, 'Shutting down');
    void authenticate(ctx, req, url).then(
      (tenantId) => wss.handleUpgrade(req, socket, head, (ws) => connected(ws, tenantId)),
      (error: unknown) => {
        const status = isSwitchboardError(error) ? STATUS_OF[error.code] : 500;
        if (!isSwitchboardError(error)) ctx.logger.error({ err: error }, 'realtime authentication failed');
        refuse(socket, status, isSwitchboardError(error) ? error.message : 'Internal error');
      },
    );
  };
  server.on('upgrade', onUpgrade);

  const connected = (ws: WebSocket, tenantId: string) => {
    alive.set(ws, true);
    const unsubscribe: Array<() => void> = [];
    for (const type of ACD_EVENTS) {
      const listener = (data: { tenantId: string }) => {
        if (data.tenantId !== tenantId || ws.readyState !== WebSocket.OPEN) return;
        ws.send(JSON.stringify({ type, data }));
      };
      ctx.switchboard.acd.events.on(type, listener);
      unsubscribe.push(() => ctx.switchboard.acd.events.off(type, listener));
    }
    for (const type of JOB_EVENTS) {
      const listener = (job: Job) => {
        if (job.tenantId !== tenantId || ws.readyState !== WebSocket.OPEN) return;
        ws.send(JSON.stringify({ type, data: publicJob(job) }));
      };
      ctx.switchboard.jobs.events.on(type, listener);
      unsubscribe.push(() => ctx.switchboard.jobs.events.off(type, listener));
    }
    ws.on('pong', () => alive.set(ws, true));
    ws.on('error', (error) => ctx.logger.debug({ err: error }, 'realtime socket error'));
    ws.on('close', () => unsubscribe.forEach((off) => off()));
    ws.send(JSON.stringify({ type: 'hello', data: { tenantId, at: ctx.switchboard.clock.now() } }));
  };

  const pinger = setInterval(() => {
    for (const ws of wss.clients) {
      if (alive.get(ws) === false) {
        ws.terminate();
        continue;
      }
      alive.set(ws, false);
      ws.ping();
    }
  }, options.pingIntervalMs ?? 30_000);
  pinger.unref();

  return {
    get clientCount() {
      return wss.clients.size;
    },
    async close() {
      if (closing) return;
      closing = true;
      clearInterval(pinger);
      server.off('upgrade', onUpgrade);
      const closed = [...wss.clients].map(
        (ws) =>
          new Promise<void>((resolve) => {
            ws.once('close', () => resolve());
            ws.close(1001, 'server shutting down');
            // A client that does not answer the close handshake is cut off.
            setTimeout(() => ws.terminate(), 2_000).unref();
          }),
      );
      await Promise.all(closed);
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}

/** The tenant of the caller, from the same credentials the REST API takes. */
async function authenticate(ctx: AppContext, req: IncomingMessage, url: URL): Promise<string> {
  const offered = String(req.headers['sec-websocket-protocol'] ?? '')
    .split(',')
    .map((p) => p.trim());
  const fromProtocol = offered.find((p) => p.startsWith(BEARER_PROTOCOL))?.slice(BEARER_PROTOCOL.length);
  const token = url.searchParams.get('token') ?? fromProtocol;
  const headers: Record<string, string | undefined> = {
    authorization: token ? `Bearer ${token}` : (req.headers.authorization ?? undefined),
    'x-api-key': typeof req.headers['x-api-key'] === 'string' ? req.headers['x-api-key'] : undefined,
    'x-switchboard-tenant': url.searchParams.get('tenant') ?? (req.headers['x-switchboard-tenant'] as string | undefined),
  };
  // The auth service reads headers the Express way.
  const shim = { get: (name: string) => headers[name.toLowerCase()] } as unknown as Request;
  const principal = await ctx.auth.authenticate(shim);
  return tenantOf(ctx.switchboard.storage, principal, shim);
}

function refuse(socket: Duplex, status: number, message: string): void {
  const body = JSON.stringify({ status, detail: message });
  socket.end(
    `HTTP/1.1 ${status} ${status === 401 ? 'Unauthorized' : status === 403 ? 'Forbidden' : status === 404 ? 'Not Found' : 'Error'}\r\n` +
      'Connection: close\r\nContent-Type: application/problem+json\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}
