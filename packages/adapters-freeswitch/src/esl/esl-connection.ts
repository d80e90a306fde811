import { Socket } from 'node:net';
import { MediaError, UnavailableError, type Clock, type Logger, type TimerHandle } from '@switchboard/core';
import { EslFrameReader, isEslIssue, serializeCommand, type EslHeaders } from './esl-frame.js';
import { interpretFrame, type EslEvent, type EslMessage } from './esl-message.js';

export interface EslConnectionOptions {
  host: string;
  port: number;
  password: string;
  clock: Clock;
  logger: Logger;
  /** Connecting, the auth/request and the auth reply must each come within this. */
  timeoutMs: number;
  /**
   * Replies come back in the order commands were sent, with nothing to match
   * them by. A reply missing for this long means the stream is wedged: the
   * connection is dropped (and the adapter reconnects).
   */
  wedgedAfterMs: number;
  onEvent: (event: EslEvent) => void;
  /** The socket closed, for any reason but `close()`. */
  onLost: (reason: string) => void;
}

/** The reply to one command: `command/reply` or `api/response`. */
export type EslReply = Extract<EslMessage, { type: 'command-reply' | 'api-response' }>;

interface Pending {
  what: string;
  resolve: (reply: EslReply) => void;
  reject: (error: Error) => void;
}

/**
 * One inbound Event Socket session: connect, authenticate, then commands
 * (answered in order) and events. It does not reconnect; the adapter's
 * ReconnectLoop opens a new one. Frames it cannot read are logged and
 * skipped; the session goes on.
 */
export class EslConnection {
  private readonly socket = new Socket();
  private readonly reader = new EslFrameReader();
  private readonly pending: Pending[] = [];
  private wedgeTimer: TimerHandle | undefined;
  private closed = false;
  private closing = false;
  private onHandshake: ((message: EslMessage) => void) | undefined;
  private lostReason = 'connection closed';

  private constructor(private readonly options: EslConnectionOptions) {}

  /** Connects and authenticates; rejects with UnavailableError (unreachable) or MediaError (refused). */
  static async open(options: EslConnectionOptions): Promise<EslConnection> {
    const connection = new EslConnection(options);
    await connection.handshake();
    return connection;
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  private async handshake(): Promise<void> {
    const { host, port, password, clock, timeoutMs } = this.options;
    const where = `${host}:${port}`;
    await new Promise<void>((resolve, reject) => {
      let step = 'connect';
      const fail = (error: Error) => {
        clock.clearTimer(timer);
        this.onHandshake = undefined;
        this.destroy(error.message, false);
        reject(error);
      };
      const timer = clock.setTimer(timeoutMs, () => fail(new UnavailableError(`FreeSWITCH at ${where} did not answer (${step}) within ${timeoutMs} ms`)));
      this.socket.once('error', (error) => fail(new UnavailableError(`Cannot reach FreeSWITCH at ${where}: ${error.message}`, { cause: error })));
      this.socket.once('close', () => fail(new UnavailableError(`FreeSWITCH at ${where} closed the connection during ${step}`)));
      this.socket.on('data', (chunk: Buffer) => this.receive(chunk));
      this.socket.once('connect', () => (step = 'auth/request'));
      this.onHandshake = (message) => {
        if (step === 'auth/request' && message.type === 'auth-request') {
          step = 'auth';
          this.socket.write(serializeCommand({ line: `auth ${password}`, headers: [] }));
          return;
        }
        if (step === 'auth' && message.type === 'command-reply') {
          if (!message.replyText.startsWith('+OK')) return fail(new MediaError(`FreeSWITCH at ${where} refused the Event Socket password (${message.replyText})`));
          clock.clearTimer(timer);
          this.onHandshake = undefined;
          this.socket.removeAllListeners('error').removeAllListeners('close');
          this.socket.on('error', (error) => (this.lostReason = error.message));
          this.socket.on('close', () => this.destroy(this.lostReason, true));
          return resolve();
        }
        if (message.type === 'rude-rejection') return fail(new MediaError(`FreeSWITCH at ${where} refused the connection: ${message.body.trim()}`));
        if (message.type === 'disconnect-notice') return;
        this.options.logger.warn({ message: message.type, step }, 'unexpected ESL message during the handshake');
      };
      this.socket.setNoDelay(true);
      this.socket.setKeepAlive(true, 10_000);
      this.socket.connect(port, host);
    });
  }

  /**
   * Sends one command and resolves with its reply (`command/reply` or
   * `api/response`); -ERR replies resolve too, the caller reads them.
   * Rejects with UnavailableError when the connection is or goes down.
   */
  send(line: string, headers: EslHeaders = [], body?: string): Promise<EslReply> {
    if (this.closed) return Promise.reject(new UnavailableError('The FreeSWITCH connection is down'));
    const bytes = serializeCommand(body === undefined ? { line, headers } : { line, headers, body: Buffer.from(body, 'utf8') });
    return new Promise<EslReply>((resolve, reject) => {
      this.pending.push({ what: line.split(' ').slice(0, 2).join(' '), resolve, reject });
      if (this.pending.length === 1) this.armWedgeTimer();
      this.socket.write(bytes);
    });
  }

  /** `api <command>` → the response body. */
  async api(command: string): Promise<string> {
    const reply = await this.send(`api ${command}`);
    return reply.type === 'api-response' ? reply.body : reply.replyText;
  }

  /** Says goodbye (`exit`) and closes; no `onLost`. Waits a second at most for the reply (on the clock or in real time). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closing = true;
    const bye = this.send('exit').catch(() => undefined);
    const { clock } = this.options;
    await new Promise<void>((resolve) => {
      const timer = clock.setTimer(1_000, resolve);
      // A virtual clock may not be moving while a test closes the adapter.
      const real = setTimeout(resolve, 1_000);
      real.unref?.();
      void bye.then(() => {
        clock.clearTimer(timer);
        clearTimeout(real);
        resolve();
      });
    });
    this.destroy('closed by us', false);
  }

  /** Drops the connection at once. */
  destroy(reason: string, notify = true): void {
    if (this.closed) return;
    this.closed = true;
    this.options.clock.clearTimer(this.wedgeTimer);
    this.socket.removeAllListeners('data');
    this.socket.destroy();
    const error = new UnavailableError(`The FreeSWITCH connection was lost (${reason}); the command may or may not have run`);
    for (const p of this.pending.splice(0)) p.reject(error);
    const rest = this.reader.end();
    if (rest) this.options.logger.debug({ issue: rest.issue }, 'ESL stream ended mid-frame');
    if (notify && !this.closing) this.options.onLost(reason);
  }

  private armWedgeTimer(): void {
    const { clock, wedgedAfterMs } = this.options;
    clock.clearTimer(this.wedgeTimer);
    const head = this.pending[0];
    if (!head) return;
    this.wedgeTimer = clock.setTimer(wedgedAfterMs, () => {
      this.options.logger.error({ command: head.what, waitedMs: wedgedAfterMs }, 'FreeSWITCH stopped answering commands; dropping the connection');
      this.destroy(`no reply to ${head.what} for ${wedgedAfterMs} ms`, true);
    });
  }

  private receive(chunk: Buffer): void {
    for (const item of this.reader.push(chunk)) {
      if (this.closed) return;
      if (isEslIssue(item)) {
        this.options.logger.warn({ issue: item.issue, raw: item.raw }, 'skipped a malformed ESL frame');
        continue;
      }
      const message = interpretFrame(item);
      if ('issue' in message) {
        this.options.logger.warn({ issue: message.issue, raw: message.raw }, 'skipped a malformed ESL frame');
        continue;
      }
      this.dispatch(message);
    }
  }

  private dispatch(message: EslMessage): void {
    if (this.onHandshake) return this.onHandshake(message);
    switch (message.type) {
      case 'command-reply':
      case 'api-response': {
        const head = this.pending.shift();
        if (!head) {
          this.options.logger.warn({ message: message.type }, 'an ESL reply with no command waiting for it');
          return;
        }
        this.armWedgeTimer();
        head.resolve(message);
        return;
      }
      case 'event':
        try {
          this.options.onEvent(message.event);
        } catch (error) {
          this.options.logger.error({ err: error, event: message.event.name }, 'handling a FreeSWITCH event failed');
        }
        return;
      case 'disconnect-notice':
        this.lostReason = `FreeSWITCH said: ${message.body.trim().split('\n')[0] ?? 'disconnected'}`;
        return;
      case 'log':
      case 'auth-request':
      case 'rude-rejection':
        this.options.logger.debug({ message: message.type }, 'ignored ESL message');
        return;
    }
  }
}
