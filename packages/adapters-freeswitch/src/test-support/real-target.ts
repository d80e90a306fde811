import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exponentialBackoff, silentLogger, SystemClock, type Clock, type Endpoint, type Logger, type MediaAdapter } from '@switchboard/core';
import type { ConformanceSession, ConformanceTarget, PartyName } from '@switchboard/core/testing';
import { EslConnection } from '../esl/esl-connection.js';
import { FreeSwitchAdapter } from '../freeswitch-adapter.js';
import type { FreeSwitchAdapterOptions } from '../options.js';
import { EslProxy } from './esl-proxy.js';
import { formatTrace } from './trace-file.js';

/** The suite's parties: agents' phones are extensions, the rest outside numbers; both dialled over loopback. */
const EXTENSIONS: Partial<Record<PartyName, string>> = { agent1: '1001', agent2: '1002', supervisor: '2001' };

export function conformanceParty(name: PartyName): Endpoint {
  const extension = EXTENSIONS[name];
  return extension ? { kind: 'extension', extension } : { kind: 'external', number: name };
}

/**
 * The adapter's `soundsDir` in the suite: a fixed path (recorded traces name it), where the suite
 * publishes tenants' files and a FreeSWITCH on this machine reads them.
 */
export const CONFORMANCE_SOUNDS_DIR = '/tmp/switchboard-sounds';

/** Adapter options that reach the test dialplan's parties (`switchboard-test`) over loopback channels. */
export function conformanceAdapterOptions(host: string, port: number, password: string, clock: Clock, logger: Logger): FreeSwitchAdapterOptions {
  return {
    host,
    port,
    password,
    clock,
    logger,
    reconnect: exponentialBackoff({ initialMs: 100, maxMs: 1_000, jitter: 0 }),
    extensionDialString: 'loopback/{extension}/switchboard-test',
    // `directory` dials users of the test directory (1009 is never registered); `failing` is FreeSWITCH's
    // error endpoint (`error/call_rejected` refuses at once, no channel).
    trunks: { test: 'loopback/{number}/switchboard-test', directory: 'user/{number}@switchboard.test', failing: 'error/{number}' },
    defaultTrunk: 'test',
    inbound: { contexts: ['switchboard-inbound'] },
    soundsDir: CONFORMANCE_SOUNDS_DIR,
    recordingsDir: '/tmp/switchboard-recordings',
  };
}

/**
 * A second Event Socket connection playing the outside world: it places the
 * test's inbound calls (`loopback/<DID>/switchboard-inbound`: the b-leg parks
 * and is the inbound call; the a-leg is the caller waiting in
 * `switchboard-caller`) and hangs up what a session leaves behind.
 */
export class OutsideWorld {
  private connection: EslConnection | undefined;
  readonly placed = new Set<string>();

  constructor(
    private readonly host: string,
    private readonly port: number,
    private readonly password: string,
    private readonly clock: Clock,
  ) {}

  private async open(): Promise<EslConnection> {
    if (this.connection?.isOpen) return this.connection;
    this.connection = await EslConnection.open({
      host: this.host,
      port: this.port,
      password: this.password,
      clock: this.clock,
      logger: silentLogger,
      timeoutMs: 5_000,
      wedgedAfterMs: 30_000,
      onEvent: () => {},
      onLost: () => (this.connection = undefined),
    });
    return this.connection;
  }

  async placeInbound(dialed: string, callerNumber: string): Promise<void> {
    const connection = await this.open();
    const id = randomUUID();
    this.placed.add(id);
    const vars = `{origination_uuid=${id},origination_caller_id_number=${callerNumber},originate_timeout=120}`;
    const reply = await connection.send(`bgapi originate ${vars}loopback/${dialed}/switchboard-inbound wait XML switchboard-caller`);
    if (reply.type !== 'command-reply' || !reply.replyText.startsWith('+OK')) throw new Error(`placing the inbound call failed: ${JSON.stringify(reply)}`);
  }

  /** Hangs up the given channels (only ours: never the server's other calls). */
  async hangup(ids: Iterable<string>): Promise<void> {
    const connection = await this.open().catch(() => undefined);
    if (!connection) return;
    for (const id of ids) await connection.api(`uuid_kill ${id}`).catch(() => undefined);
  }

  async close(): Promise<void> {
    await this.connection?.close();
  }
}

/** The note a trace gets where a scenario ends and the clean-up begins. */
export const TEARDOWN = 'teardown: the scenario is over';

export function traceName(scenario: string): string {
  const name = (scenario.split(' > ').at(-1) ?? scenario)
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 80);
  return `${name || 'scenario'}.esl`;
}

export interface RealFreeSwitchTargetOptions {
  host: string;
  port: number;
  password?: string;
  /** Write what crossed the wire in each scenario here (see trace-file.ts). */
  recordTracesTo?: string;
  /** The running test's name, for the trace file (vitest: `expect.getState().currentTestName`). */
  scenarioName?: () => string | undefined;
  logger?: Logger;
}

/**
 * The suite against a real FreeSWITCH with the test dialplan
 * (examples/freeswitch). A TCP proxy sits between adapter and server so that
 * `dropConnection` can cut the Event Socket and refuse it for the outage.
 */
export function realFreeSwitchTarget(options: RealFreeSwitchTargetOptions): ConformanceTarget {
  const password = options.password ?? 'ClueCon';
  return {
    name: `FreeSWITCH at ${options.host}:${options.port}`,
    async start(): Promise<ConformanceSession> {
      const scenario = options.scenarioName?.() ?? 'scenario';
      const proxy = await EslProxy.start({ upstream: { host: options.host, port: options.port }, record: options.recordTracesTo !== undefined });
      const clock = new SystemClock();
      const adapter = new FreeSwitchAdapter(conformanceAdapterOptions(proxy.host, proxy.port, password, clock, options.logger ?? silentLogger));
      const outside = new OutsideWorld(proxy.host, proxy.port, password, clock);
      const ours = new Set<string>();
      adapter.events.on('call.created', (e) => ours.add(e.callId));
      await adapter.connect();
      return realSession(adapter, {
        placeInbound: (dialed, caller) => outside.placeInbound(dialed, caller),
        dropConnection: (outageMs) => proxy.cut(outageMs),
        async stop() {
          proxy.recording?.note('c0', TEARDOWN);
          await outside.hangup([...ours, ...outside.placed]);
          await adapter.close();
          await outside.close();
          await new Promise((resolve) => setTimeout(resolve, 300));
          await proxy.close();
          const recording = proxy.recording;
          if (recording && options.recordTracesTo) {
            mkdirSync(options.recordTracesTo, { recursive: true });
            const trace = recording.trace(scenario, [`recorded from a real FreeSWITCH at ${new Date().toISOString()} by the conformance suite`]);
            writeFileSync(join(options.recordTracesTo, traceName(scenario)), formatTrace(trace));
          }
        },
      });
    },
  };
}

function realSession(adapter: MediaAdapter, world: Pick<ConformanceSession, 'placeInbound' | 'dropConnection' | 'stop'>): ConformanceSession {
  const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
  return {
    adapter,
    traits: { sipCodes: false, patienceMs: 10_000 },
    soundsDir: CONFORMANCE_SOUNDS_DIR,
    party: conformanceParty,
    ...world,
    async until(done, timeoutMs, what) {
      const deadline = Date.now() + timeoutMs;
      while (!done()) {
        if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
        await sleep(20);
      }
    },
    pass: sleep,
  };
}

