import { MediaError, ReconnectLoop, UnavailableError, withReplyTimeout, type CallId } from '@switchboard/core';
import { EslConnection } from '../esl/esl-connection.js';
import type { EslHeaders } from '../esl/esl-frame.js';
import type { EslEvent } from '../esl/esl-message.js';
import type { ResolvedOptions } from '../options.js';
import { parseFreeSwitchReply } from '../reply.js';

/** The events the adapter subscribes to (docs/media-adapter.md §1). */
export const SUBSCRIBED_EVENTS = [
  'CHANNEL_CREATE',
  'CHANNEL_PROGRESS',
  'CHANNEL_PROGRESS_MEDIA',
  'CHANNEL_ANSWER',
  'CHANNEL_PARK',
  'CHANNEL_BRIDGE',
  'CHANNEL_UNBRIDGE',
  'CHANNEL_HOLD',
  'CHANNEL_UNHOLD',
  'CHANNEL_EXECUTE_COMPLETE',
  'CHANNEL_HANGUP_COMPLETE',
  'DTMF',
  'PLAYBACK_START',
  'PLAYBACK_STOP',
  'RECORD_START',
  'RECORD_STOP',
  'BACKGROUND_JOB',
] as const;

export interface EslSessionHooks {
  event(event: EslEvent): void;
  /** The connection dropped (not on close()); reconnecting has begun. */
  lost(reason: string): void;
  /** Connected again and subscribed: reconcile, then announce it. Throwing drops the connection again. */
  reconnected(attempts: number): Promise<void>;
}

/**
 * The adapter's Event Socket: one connection at a time, opened and
 * subscribed (`event json …`) on connect and again after every drop, on the
 * ReconnectPolicy's schedule and the adapter's clock. Commands go out only
 * while it is up (else UnavailableError) and time out after replyTimeoutMs
 * with a MediaError. Nothing is queued across a drop: a command that was in
 * flight fails, since it may or may not have run.
 */
export class EslSession {
  private connection: EslConnection | undefined;
  private reconnectLoop: ReconnectLoop | undefined;
  private closed = true;

  constructor(
    private readonly options: ResolvedOptions,
    private readonly hooks: EslSessionHooks,
  ) {}

  get isConnected(): boolean {
    return this.connection?.isOpen ?? false;
  }

  /** Connects and subscribes. */
  async open(): Promise<void> {
    if (this.connection?.isOpen) return;
    this.closed = false;
    await this.connect();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.reconnectLoop?.stop();
    this.reconnectLoop = undefined;
    const connection = this.connection;
    this.connection = undefined;
    await connection?.close();
  }

  /** Drops the connection as if it had been lost (the reconnect follows). */
  drop(reason: string): void {
    this.connection?.destroy(reason, true);
  }

  private async connect(): Promise<void> {
    const { host, port, password, clock, logger, replyTimeoutMs } = this.options;
    const self: { connection?: EslConnection } = {};
    const connection = await EslConnection.open({
      host,
      port,
      password,
      clock,
      logger,
      timeoutMs: replyTimeoutMs,
      wedgedAfterMs: 2 * replyTimeoutMs,
      onEvent: (event) => this.hooks.event(event),
      onLost: (reason) => {
        if (self.connection !== undefined && self.connection === this.connection) this.lost(reason);
      },
    });
    self.connection = connection;
    try {
      const reply = await withReplyTimeout(clock, replyTimeoutMs, 'the event subscription', connection.send(`event json ${SUBSCRIBED_EVENTS.join(' ')}`));
      if (reply.type !== 'command-reply' || !reply.replyText.startsWith('+OK')) {
        throw new MediaError(`FreeSWITCH refused the event subscription: ${reply.type === 'command-reply' ? reply.replyText : reply.body}`);
      }
    } catch (error) {
      connection.destroy('subscription failed', false);
      throw error;
    }
    if (this.closed) {
      await connection.close();
      throw new UnavailableError('The adapter was closed while connecting');
    }
    this.connection = connection;
  }

  private lost(reason: string): void {
    this.connection = undefined;
    const { clock, logger, reconnect } = this.options;
    logger.warn({ reason }, 'lost the FreeSWITCH connection; reconnecting');
    this.hooks.lost(reason);
    if (this.closed) return;
    this.reconnectLoop?.stop();
    this.reconnectLoop = new ReconnectLoop({
      clock,
      policy: reconnect,
      logger,
      attempt: () => this.connect(),
      onConnected: async (attempts) => {
        try {
          await this.hooks.reconnected(attempts);
        } catch (error) {
          logger.error({ err: error }, 'reconciling calls after the reconnect failed; reconnecting again');
          this.drop('reconcile failed');
        }
      },
      onGiveUp: (error) => logger.error({ err: error }, 'gave up reconnecting to FreeSWITCH'),
    });
    this.reconnectLoop.start();
  }

  // ---- commands ----

  requireConnection(): EslConnection {
    const connection = this.connection;
    if (!connection?.isOpen) throw new UnavailableError('Not connected to FreeSWITCH');
    return connection;
  }

  /** A command and its reply text (`Reply-Text` or the api/response body), with the reply timeout. */
  async send(line: string, headers: EslHeaders = [], what = `"${line.split(' ')[0]}"`): Promise<string> {
    const connection = this.requireConnection();
    const reply = await withReplyTimeout(this.options.clock, this.options.replyTimeoutMs, what, connection.send(line, headers));
    return reply.type === 'command-reply' ? reply.replyText : reply.body;
  }

  /** `api <command>` → its text, or a MediaError for -ERR. */
  async api(command: string): Promise<string> {
    const connection = this.requireConnection();
    const verb = command.split(' ')[0] ?? command;
    const body = await withReplyTimeout(this.options.clock, this.options.replyTimeoutMs, `"${verb}"`, connection.api(command));
    const parsed = parseFreeSwitchReply(body, command);
    if (!parsed.ok) throw parsed.error;
    return parsed.text;
  }

  /** `sendmsg <uuid>` with the given headers (an application to execute on the leg). */
  async sendmsg(callId: CallId, headers: EslHeaders): Promise<void> {
    const parsed = parseFreeSwitchReply(await this.send(`sendmsg ${callId}`, headers), 'sendmsg');
    if (!parsed.ok) throw parsed.error;
  }

  /** Waits for `work` at most replyTimeoutMs of the adapter's clock; says whether it settled. */
  within(work: Promise<unknown>): Promise<boolean> {
    const { clock, replyTimeoutMs } = this.options;
    return new Promise((resolve) => {
      const timer = clock.setTimer(replyTimeoutMs, () => resolve(false));
      void work.then(() => {
        clock.clearTimer(timer);
        resolve(true);
      });
    });
  }
}
