import { UnavailableError, type Logger } from '@switchboard/core';
import WebSocket from 'ws';
import type { AriClient } from './client.js';
import { parseAriMessage, type AriEvent } from './events.js';

export interface AriEventSocketHandlers {
  event(event: AriEvent): void;
  /** The socket closed or failed after it had opened (not after `close()`). */
  closed(reason: string): void;
}

/**
 * One `/ari/events?app=<app>` WebSocket. Opening it registers (or reactivates)
 * the Stasis application; Asterisk sends the events of the app's channels and
 * bridges as JSON text frames. A frame that is not a readable event is logged
 * and skipped.
 */
export class AriEventSocket {
  private socket: WebSocket | undefined;
  private closing = false;

  constructor(
    private readonly client: AriClient,
    private readonly app: string,
    private readonly logger: Logger,
    private readonly connectTimeoutMs: number,
  ) {}

  get open(): boolean {
    return this.socket?.readyState === WebSocket.OPEN;
  }

  /** Resolves once the socket is open; rejects with an UnavailableError when it cannot be. */
  connect(handlers: AriEventSocketHandlers): Promise<void> {
    this.closing = false;
    const url = this.client.eventsUrl(this.app);
    return new Promise<void>((resolve, reject) => {
      const socket = new WebSocket(url, { headers: { authorization: this.client.authHeader }, handshakeTimeout: this.connectTimeoutMs, perMessageDeflate: false });
      this.socket = socket;
      let opened = false;
      const fail = (message: string, cause?: unknown) => {
        if (opened) return;
        opened = true; // settle once
        socket.removeAllListeners();
        socket.on('error', () => {});
        socket.terminate();
        reject(new UnavailableError(`Cannot open the ARI event WebSocket ${url}: ${message}`, { cause, details: { vendor: 'asterisk', url } }));
      };
      socket.on('unexpected-response', (_request, response) => fail(`HTTP ${response.statusCode ?? '?'}`));
      socket.on('error', (error) => {
        if (!opened) fail(error.message, error);
        else this.logger.warn({ err: error }, 'ARI WebSocket error');
      });
      socket.on('open', () => {
        if (opened) return;
        opened = true;
        resolve();
      });
      socket.on('message', (data, isBinary) => {
        if (isBinary) {
          this.logger.warn({ bytes: (data as Buffer).length }, 'ARI WebSocket: binary frame skipped');
          return;
        }
        const text = Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data as ArrayBuffer).toString('utf8');
        const parsed = parseAriMessage(text);
        if (!parsed.ok) {
          this.logger.warn({ reason: parsed.reason, frame: text.slice(0, 500) }, 'ARI WebSocket: unreadable message skipped');
          return;
        }
        try {
          handlers.event(parsed.event);
        } catch (error) {
          this.logger.error({ err: error, type: parsed.event.type }, 'ARI event handling failed');
        }
      });
      socket.on('close', (code, reason) => {
        if (this.socket === socket) this.socket = undefined;
        if (!opened) return fail(`closed (${code})`);
        if (this.closing) return;
        handlers.closed(`WebSocket closed (${code}${reason.length > 0 ? ` ${reason.toString()}` : ''})`);
      });
    });
  }

  /** Closes the socket without reporting it as a drop. */
  close(): Promise<void> {
    this.closing = true;
    const socket = this.socket;
    this.socket = undefined;
    if (!socket || socket.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        socket.terminate();
        resolve();
      }, 1_000);
      timer.unref?.();
      socket.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      if (socket.readyState === WebSocket.CONNECTING) socket.terminate();
      else socket.close(1000, 'closing');
    });
  }
}
