import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { SystemClock, type Clock } from '@switchboard/core';
import { EslCommandReader, headerOf, isEslIssue, serializeFrame, type EslCommand, type EslFrame, type EslHeaders } from '../esl/esl-frame.js';
import { apiResponseFrame, authRequestFrame, commandReplyFrame, disconnectNoticeFrame, eventJsonFrame } from '../esl/esl-message.js';
import { EventShapes } from './fake/event-shapes.js';
import { FakeSwitch, LATENCY_MS, type FiredEvent, type Latency } from './fake/fake-switch.js';
import { runApi } from './fake/fake-api.js';

export interface FakeFreeSwitchOptions {
  /** The clock the fake's channels run on (share a VirtualClock with the adapter in tests). Default: real time. */
  clock?: Clock;
  /** The Event Socket password. Default ClueCon. */
  password?: string;
  /** Where the recorded traces are (the shapes of the events). Default: the ones shipped with this package. */
  tracesDir?: string;
  /**
   * How a job's or an originate's thread waking up (20 ms on a real server)
   * passes: `settled` (default) in real time, waited for by settle(), so it
   * takes no virtual time and commands awaited on a frozen virtual clock
   * never wait for virtual time; `virtual` on the fake's clock, which shows
   * the window between CHANNEL_ANSWER and the originate returning (the test
   * must move the clock).
   */
  threadLatency?: 'settled' | 'virtual';
}

/** What the fake received, for tests to check what the adapter sent. */
export interface ReceivedCommand {
  session: number;
  line: string;
  headers: EslHeaders;
}

/** Malformed frames the fake can send, to prove the adapter skips them. */
export type MalformedFrame = 'bad-json' | 'unknown-content-type' | 'no-content-type' | 'bad-content-length' | 'not-a-header';

const MALFORMED: Record<MalformedFrame, string> = {
  'bad-json': 'Content-Length: 17\nContent-Type: text/event-json\n\n{"Event-Name": "C',
  'unknown-content-type': 'Content-Type: text/x-surprise\nContent-Length: 5\n\nhello',
  'no-content-type': 'Reply-Text: +OK orphan\n\n',
  'bad-content-length': 'Content-Type: api/response\nContent-Length: twelve\n\n',
  'not-a-header': 'Content-Type: command/reply\nthis line has no colon\n\n',
};

function defaultTracesDir(): string {
  for (const candidate of ['./traces/', '../src/test-support/traces/', '../../src/test-support/traces/']) {
    const dir = fileURLToPath(new URL(candidate, import.meta.url));
    if (existsSync(dir)) return dir;
  }
  throw new Error('Cannot find the recorded FreeSWITCH traces; pass tracesDir');
}

const shapesCache = new Map<string, EventShapes>();

class Session {
  authed = false;
  events = new Set<string>();
  format: 'json' | 'plain' = 'json';
  filters: Array<[string, string]> = [];
  readonly reader = new EslCommandReader();
  /** Frames waiting behind a held reply (a FreeSWITCH listener busy with a slow command sends nothing else). */
  readonly backlog: Buffer[] = [];
  holding = false;
  /** While the listener runs one of this session's commands, the events fired meanwhile wait behind its reply. */
  busy = false;
  releasing = false;
  /** Events queued behind a reply, sent after FreeSWITCH's event latency (later events join the queue, in order). */
  queuedEvents: Buffer[] | undefined;

  constructor(
    readonly id: number,
    readonly socket: Socket,
  ) {}
}

/**
 * A FreeSWITCH Event Socket on a real TCP port, for tests: it speaks the wire
 * format byte for byte (auth/request, command/reply, api/response,
 * text/event-json, BACKGROUND_JOB for bgapi, disconnect notices), runs the
 * test dialplan's parties on loopback channels (see fake/dialplan.ts), and
 * shapes every event after the traces recorded from a real FreeSWITCH
 * (src/test-support/traces). Faults on demand: drop every connection and
 * refuse new ones for a while, hold replies back, send malformed frames.
 */
export class FakeFreeSwitch {
  readonly password: string;
  readonly clock: Clock;
  readonly switch: FakeSwitch;
  readonly received: ReceivedCommand[] = [];
  private server: Server;
  private listeningPort = 0;
  private readonly sessions = new Set<Session>();
  private nextSession = 1;
  private refusing = false;
  private holdMatching: ((line: string) => boolean) | undefined;
  private activity = 0;
  private stopped = false;
  /** Work waiting for FreeSWITCH's processing latency (real time). */
  private inflight = 0;

  private constructor(options: FakeFreeSwitchOptions) {
    this.password = options.password ?? 'ClueCon';
    this.clock = options.clock ?? new SystemClock();
    const dir = options.tracesDir ?? defaultTracesDir();
    const shapes = shapesCache.get(dir) ?? EventShapes.load(dir);
    shapesCache.set(dir, shapes);
    const virtualThreads = options.threadLatency === 'virtual';
    this.switch = new FakeSwitch(
      this.clock,
      shapes,
      (event) => this.broadcast(event),
      (work, latency) => this.later(work, latency, virtualThreads),
    );
    this.server = createServer((socket) => this.accept(socket));
  }

  private later(work: () => void, latency: Latency, virtualThreads = false): void {
    const run = () => {
      this.activity++;
      if (!this.stopped) work();
      this.flushSoon();
    };
    if (latency === 'thread' && virtualThreads) {
      this.clock.setTimer(LATENCY_MS[latency], run);
      return;
    }
    // settle() waits for what FreeSWITCH does within milliseconds, not for a bridged channel's
    // lead-in (200 ms), which a test may well overtake, as it would on a real server.
    const counted = latency !== 'lead';
    if (counted) this.inflight++;
    setTimeout(() => {
      if (counted) this.inflight--;
      run();
    }, LATENCY_MS[latency]);
  }

  static async start(options: FakeFreeSwitchOptions = {}): Promise<FakeFreeSwitch> {
    const fake = new FakeFreeSwitch(options);
    await fake.listen(0);
    return fake;
  }

  get host(): string {
    return '127.0.0.1';
  }

  get port(): number {
    return this.listeningPort;
  }

  private listen(port: number): Promise<void> {
    this.server = createServer((socket) => this.accept(socket));
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => {
        this.listeningPort = (this.server.address() as AddressInfo).port;
        resolve();
      });
    });
  }

  // ---- test controls ----

  /** An inbound call for the adapter: the caller dials `dialed` into `switchboard-inbound`, where it parks. */
  placeInbound(dialed: string, callerNumber: string): string {
    const id = randomUUID();
    this.switch.originate(`{origination_uuid=${id},origination_caller_id_number=${callerNumber},originate_timeout=120}loopback/${dialed}/switchboard-inbound wait XML switchboard-caller`, randomUUID());
    this.flushSoon();
    return id;
  }

  /** Cuts every Event Socket connection now and refuses connections for `outageMs` of the fake's clock. Calls go on. */
  dropConnections(outageMs: number): void {
    this.refusing = true;
    this.server.close();
    for (const session of [...this.sessions]) session.socket.destroy();
    this.sessions.clear();
    this.clock.setTimer(outageMs, () => {
      this.refusing = false;
      void this.listen(this.listeningPort);
    });
  }

  /** Holds back the reply to each command matching (and everything after it, as a busy FreeSWITCH would) until `releaseReplies`. */
  holdReplies(matching: (commandLine: string) => boolean): void {
    this.holdMatching = matching;
  }

  releaseReplies(): void {
    this.holdMatching = undefined;
    for (const session of this.sessions) {
      session.holding = false;
      for (const chunk of session.backlog.splice(0)) session.socket.write(chunk);
    }
  }

  /** Writes a malformed frame to every connection. */
  sendMalformed(kind: MalformedFrame): void {
    for (const session of this.sessions) this.write(session, Buffer.from(MALFORMED[kind], 'utf8'));
  }

  /** Waits (in real time) until the sockets have gone quiet: what was sent has been read and answered. */
  async settle(): Promise<void> {
    let last = -1;
    for (let quiet = 0, i = 0; quiet < 3 && i < 200; i++) {
      await new Promise((resolve) => setTimeout(resolve, 1));
      quiet = this.activity === last && this.inflight === 0 ? quiet + 1 : 0;
      last = this.activity;
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const session of this.sessions) session.socket.destroy();
    this.sessions.clear();
    await new Promise<void>((resolve) => (this.server.listening ? this.server.close(() => resolve()) : resolve()));
  }

  // ---- the Event Socket ----

  private accept(socket: Socket): void {
    if (this.refusing) {
      socket.destroy();
      return;
    }
    const session = new Session(this.nextSession++, socket);
    this.sessions.add(session);
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      this.activity++;
      for (const item of session.reader.push(chunk)) {
        if (isEslIssue(item)) continue; // FreeSWITCH's reader skips what it cannot read
        session.busy = true;
        try {
          this.command(session, item as EslCommand);
        } finally {
          session.busy = false;
        }
        this.releaseEvents(session);
      }
      this.flushSoon();
    });
    socket.on('close', () => this.sessions.delete(session));
    socket.on('error', () => this.sessions.delete(session));
    this.send(session, authRequestFrame());
  }

  private command(session: Session, command: EslCommand): void {
    const line = command.line.trim();
    this.received.push({ session: session.id, line, headers: command.headers });
    const hold = this.holdMatching?.(line) ?? false;
    const reply = (frame: EslFrame) => this.send(session, frame, hold);
    if (/^(exit|\.\.\.)/.test(line)) {
      reply(commandReplyFrame('+OK bye'));
      this.send(session, disconnectNoticeFrame());
      this.endAfterFlush(session);
      return;
    }
    if (!session.authed) {
      if (!line.startsWith('auth ')) return reply(commandReplyFrame('-ERR command not found'));
      if (line.slice(5) !== this.password) {
        reply(commandReplyFrame('-ERR invalid'));
        this.send(session, disconnectNoticeFrame());
        this.endAfterFlush(session);
        return;
      }
      session.authed = true;
      return reply(commandReplyFrame('+OK accepted'));
    }
    const [verb = '', ...rest] = line.split(' ');
    const args = rest.join(' ');
    switch (verb) {
      case 'event': {
        const names = rest.filter((n) => n !== '');
        const format = names[0]?.toLowerCase();
        if (format === 'json' || format === 'plain') session.format = format;
        const events = names.slice(format === 'json' || format === 'plain' || format === 'xml' ? 1 : 0);
        if (events.length === 0) return reply(commandReplyFrame('-ERR no keywords supplied'));
        for (const name of events) session.events.add(name.toUpperCase());
        return reply(commandReplyFrame(`+OK event listener enabled ${session.format}`));
      }
      case 'noevents':
        session.events.clear();
        return reply(commandReplyFrame('+OK no longer listening for events'));
      case 'nixevent':
        for (const name of rest) session.events.delete(name.toUpperCase());
        return reply(commandReplyFrame('+OK events nixed'));
      case 'filter': {
        const [header, value] = rest;
        if (!header || value === undefined) return reply(commandReplyFrame('-ERR invalid syntax'));
        session.filters.push([header, value]);
        return reply(commandReplyFrame(`+OK filter added. [${header}]=[${value}]`));
      }
      case 'api':
        return reply(apiResponseFrame(runApi(this.switch, args)));
      case 'bgapi': {
        const jobId = headerOf(command.headers, 'Job-UUID') ?? randomUUID();
        reply(commandReplyFrame(`+OK Job-UUID: ${jobId}`, [['Job-UUID', jobId]]));
        const [apiVerb = '', ...apiArgs] = args.split(' ');
        if (apiVerb === 'originate') this.switch.originate(apiArgs.join(' '), jobId);
        else this.switch.backgroundApi(args, jobId, (body) => runApi(this.switch, body));
        return;
      }
      case 'sendmsg':
        return reply(commandReplyFrame(this.sendmsg(args.trim(), command)));
      case 'sendevent':
        return reply(commandReplyFrame(this.sendevent(command)));
      default:
        return reply(commandReplyFrame('-ERR command not found'));
    }
  }

  private sendmsg(uuid: string, command: EslCommand): string {
    const channel = this.switch.channels.get(uuid);
    if (!channel) return `-ERR invalid session id [${uuid}]`;
    const h = (name: string) => headerOf(command.headers, name);
    const callCommand = h('call-command');
    if (callCommand === 'hangup') {
      this.switch.hangup(channel, h('hangup-cause') ?? 'NORMAL_CLEARING');
      return '+OK';
    }
    if (callCommand !== 'execute') return '+OK';
    const arg = h('execute-app-arg') ?? (h('content-type') === 'text/plain' ? (command.body?.toString('utf8') ?? '') : '');
    this.switch.media.execute(channel, h('execute-app-name') ?? '', arg, h('event-uuid'), Number(h('loops') ?? 1));
    return '+OK';
  }

  /** `sendevent <NAME>` with `unique-id`: queued to that session (the eavesdrop loop reads `eavesdrop-command` from it). */
  private sendevent(command: EslCommand): string {
    const target = headerOf(command.headers, 'unique-id');
    const channel = target === undefined ? undefined : this.switch.channels.get(target);
    const mode = headerOf(command.headers, 'eavesdrop-command');
    if (channel?.app?.name === 'eavesdrop' && mode !== undefined) {
      channel.eavesdropMode = mode === '2' ? 'whisper' : mode === '3' ? 'barge' : mode === '0' ? 'listen' : channel.eavesdropMode;
    }
    return `+OK ${randomUUID()}`;
  }

  private broadcast(event: FiredEvent): void {
    for (const session of this.sessions) {
      if (!session.authed || (!session.events.has(event.name) && !session.events.has('ALL'))) continue;
      if (session.filters.length > 0 && !session.filters.some(([name, value]) => event.headers.some(([n, v]) => n === name && v === value))) continue;
      if (session.busy || session.queuedEvents) {
        this.activity++;
        (session.queuedEvents ??= []).push(serializeFrame(eventJsonFrame(event.headers, event.body)));
      } else {
        this.send(session, eventJsonFrame(event.headers, event.body));
      }
    }
    this.flushSoon();
  }

  /**
   * The events a command fired go out after its reply, about 20 ms later: the listener
   * thread runs an `api` command itself and only then gets back to its event queue (a
   * recorded uuid_answer: `+OK` at +33 ms, CHANNEL_ANSWER at +54 ms). Replies to the
   * commands sent meanwhile overtake them, as on the real server.
   */
  private releaseEvents(session: Session): void {
    if (!session.queuedEvents || session.releasing) return;
    session.releasing = true;
    this.later(() => {
      session.releasing = false;
      const events = session.queuedEvents ?? [];
      session.queuedEvents = undefined;
      if (!this.sessions.has(session) || this.ending.has(session)) return;
      for (const bytes of events) this.write(session, bytes);
    }, 'soon');
  }

  private send(session: Session, frame: EslFrame, startsHold = false): void {
    this.write(session, serializeFrame(frame), startsHold);
  }

  private pending = new Map<Session, Buffer[]>();
  private flushScheduled = false;

  /**
   * Frames go out after the current command's reply, as mod_event_socket
   * sends events only between commands.
   */
  private write(session: Session, bytes: Buffer, startsHold = false): void {
    this.activity++;
    if (session.holding && !startsHold) {
      session.backlog.push(bytes);
      return;
    }
    if (startsHold) {
      session.backlog.push(bytes);
      session.holding = true;
      return;
    }
    const queue = this.pending.get(session) ?? [];
    queue.push(bytes);
    this.pending.set(session, queue);
    this.flushSoon();
  }

  private readonly ending = new Set<Session>();

  /** Closes the socket once what was queued for it has gone out. */
  private endAfterFlush(session: Session): void {
    this.ending.add(session);
    this.flushSoon();
  }

  private flushSoon(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      for (const [session, chunks] of this.pending) {
        if (!session.socket.destroyed) session.socket.write(Buffer.concat(chunks));
      }
      this.pending.clear();
      for (const session of this.ending) session.socket.end();
      this.ending.clear();
    });
  }
}
