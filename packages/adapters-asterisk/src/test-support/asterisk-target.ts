import { exponentialBackoff, silentLogger, type Endpoint, type Logger } from '@switchboard/core';
import type { ConformanceSession, ConformanceTarget, PartyName } from '@switchboard/core/testing';
import { AsteriskAdapter } from '../adapter/asterisk-adapter.js';
import { AriProxy } from './ari-proxy.js';
import { FakeAsterisk } from './fake-asterisk.js';
import { sequenceDifferences, shapeDifferences } from './trace-fidelity.js';
import { readTraces, traceFileName, writeTrace, type AriTrace } from './trace-format.js';

/** `SWITCHBOARD_TEST_ASTERISK=http://127.0.0.1:8088` runs the suite against that Asterisk too. */
export const ASTERISK_ENV = 'SWITCHBOARD_TEST_ASTERISK';
export const ASTERISK_USER_ENV = 'SWITCHBOARD_TEST_ASTERISK_USER';
export const ASTERISK_PASSWORD_ENV = 'SWITCHBOARD_TEST_ASTERISK_PASSWORD';
/** `SWITCHBOARD_RECORD_TRACES=1` writes each scenario's traffic with the real server to test-support/traces/. */
export const RECORD_ENV = 'SWITCHBOARD_RECORD_TRACES';

const AGENTS: Partial<Record<PartyName, string>> = { agent1: '1001', agent2: '1002', supervisor: '2001' };
const PATIENCE_MS = 10_000;
/**
 * The adapter's `soundsDir` in the suite: a fixed absolute path (recorded traces name it), where
 * the suite publishes tenants' files and an Asterisk on this machine reads them.
 */
export const CONFORMANCE_SOUNDS_DIR = '/tmp/switchboard-sounds';

export interface AsteriskTargetOptions {
  /** The running test's name (for trace files): `() => expect.getState().currentTestName`. */
  scenario?: () => string | undefined;
  logger?: Logger;
}

/** The suite's parties on the test dialplan: every party is an extension of `[switchboard-test]`. */
export function partyEndpoint(name: PartyName): Endpoint {
  return { kind: 'extension', extension: AGENTS[name] ?? name };
}

/** A conformance session whose adapter is the AsteriskAdapter (its ARI client is there for raw requests). */
export interface AsteriskSession extends ConformanceSession {
  adapter: AsteriskAdapter;
  /** The callers of `placeInbound` hang up (the harness deletes their Local channels). */
  hangUpCallers(): Promise<void>;
}

export interface AsteriskTarget extends ConformanceTarget {
  start(): Promise<AsteriskSession>;
}

/** What differs between the fake and a real server behind the proxy. */
interface Backend {
  /** Where the adapter connects. */
  url: string;
  username: string;
  password: string;
  /** A REST call by the harness itself (not the adapter). */
  harness(method: string, path: string, query: Record<string, string>): Promise<{ status: number; reply: unknown }>;
  drop(outageMs: number): void;
  /** Marks the trace where the harness starts cleaning up. */
  mark(what: string): void;
  close(): Promise<void>;
}

function session(name: string, backend: Backend, options: AsteriskTargetOptions): Promise<AsteriskSession> {
  const adapter = new AsteriskAdapter({
    url: backend.url,
    username: backend.username,
    password: backend.password,
    app: 'switchboard',
    extensionEndpoint: 'Local/{extension}@switchboard-test',
    // `inbound` dials into the Stasis dialplan (both Local halves enter Stasis); `pjsip` is absent on the test servers.
    trunks: { test: 'Local/{number}@switchboard-test', inbound: 'Local/{number}@switchboard-inbound', pjsip: 'PJSIP/{number}@nowhere' },
    defaultTrunk: 'test',
    reconnect: exponentialBackoff({ initialMs: 200, maxMs: 1_000, jitter: 0 }),
    media: { soundsDir: CONFORMANCE_SOUNDS_DIR },
    logger: options.logger ?? silentLogger,
  });
  const callers: string[] = [];
  const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
  return adapter.connect().then((): AsteriskSession => ({
    adapter,
    traits: { sipCodes: false, patienceMs: PATIENCE_MS },
    soundsDir: CONFORMANCE_SOUNDS_DIR,
    party: partyEndpoint,
    async placeInbound(dialed, callerNumber) {
      // The caller is a Local channel whose ;2 half enters Stasis as the inbound call; its ;1 half answers like a phone.
      const { status, reply } = await backend.harness('POST', '/ari/channels', {
        endpoint: `Local/${dialed}@switchboard-inbound`,
        context: 'switchboard-test',
        extension: 'answer',
        callerId: `"Caller" <${callerNumber}>`,
      });
      if (status !== 200) throw new Error(`${name}: placing an inbound call failed: ${status} ${JSON.stringify(reply)}`);
      callers.push((reply as { id: string }).id);
    },
    async until(done, timeoutMs, what) {
      const deadline = Date.now() + timeoutMs;
      while (!done()) {
        if (Date.now() >= deadline) throw new Error(`${name}: timed out after ${timeoutMs} ms waiting for ${what}`);
        await sleep(20);
      }
    },
    pass: sleep,
    async hangUpCallers() {
      for (const id of callers.splice(0)) await backend.harness('DELETE', `/ari/channels/${encodeURIComponent(id)}`, {});
    },
    async dropConnection(outageMs) {
      backend.drop(outageMs);
    },
    async stop() {
      backend.mark('cleanup');
      try {
        if (adapter.isConnected()) {
          for (const call of await adapter.listCalls().catch(() => [])) await adapter.hangup(call.callId).catch(() => {});
        }
        for (const id of callers) await backend.harness('DELETE', `/ari/channels/${encodeURIComponent(id)}`, {}).catch(() => {});
        await sleep(200); // let the hang-ups arrive (and be recorded)
        await adapter.close();
      } finally {
        await backend.close();
      }
    },
  }));
}

/** Event types the fake sends that no trace has recorded yet (Asterisk sends them in situations the scenarios do not reach). */
const UNRECORDED = new Set(['ChannelHold', 'ChannelUnhold', 'PlaybackContinuing', 'RecordingFailed']);

/**
 * The fake's trace of a scenario against the trace recorded from Asterisk:
 * the same events per channel, every event shaped like a recorded one.
 */
export function fidelityProblems(fake: AriTrace, recorded: AriTrace[]): string[] {
  const same = recorded.find((t) => traceFileName(t.scenario) === traceFileName(fake.scenario));
  return [...(same ? sequenceDifferences(same, fake) : []), ...shapeDifferences(fake, recorded, UNRECORDED)];
}

let recordedTraces: AriTrace[] | undefined;

/** The suite against the fake Asterisk (always); each scenario is also checked against its recorded trace. */
export function fakeAsteriskTarget(options: AsteriskTargetOptions = {}): AsteriskTarget {
  return {
    name: 'Asterisk (fake ARI server)',
    async start() {
      const fake = new FakeAsterisk({ username: 'switchboard', password: 'switchboard' });
      await fake.listen();
      const scenario = options.scenario?.();
      return session('fake Asterisk', {
        url: fake.url,
        username: 'switchboard',
        password: 'switchboard',
        harness: (method, path, query) => fake.request(method, path, query),
        drop: (ms) => fake.dropConnection(ms),
        mark: (what) => fake.mark(what),
        async close() {
          await fake.close();
          if (!scenario) return;
          recordedTraces ??= readTraces();
          const problems = fidelityProblems(fake.trace(scenario), recordedTraces);
          if (problems.length > 0) throw new Error(`The fake Asterisk departs from the recorded trace of "${scenario}":\n  ${problems.join('\n  ')}`);
        },
      }, options);
    },
  };
}

/** The suite against a real Asterisk, through a loopback proxy that can cut the connection and records traces. */
export function realAsteriskTarget(url: string, username: string, password: string, options: AsteriskTargetOptions & { record?: boolean } = {}): AsteriskTarget {
  const auth = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
  let info: Promise<Record<string, unknown> | undefined> | undefined;
  return {
    name: `Asterisk at ${url}`,
    async start() {
      info ??= fetch(`${url.replace(/\/+$/, '')}/ari/asterisk/info`, { headers: { authorization: auth } })
        .then((r) => r.json() as Promise<Record<string, unknown>>)
        .then((body) => ({ system: body['system'], build: body['build'] }))
        .catch(() => undefined);
      const proxy = new AriProxy({ upstream: url, record: options.record ?? false });
      await proxy.listen();
      const scenario = options.scenario?.();
      return session(`Asterisk at ${url}`, {
        url: proxy.url,
        username,
        password,
        harness: (method, path, query) => proxy.harness(method, path, query, auth),
        drop: (ms) => proxy.dropConnection(ms),
        mark: (what) => proxy.mark(what),
        async close() {
          try {
            if (options.record && scenario) await writeTrace(proxy.trace(scenario, await info));
          } finally {
            await proxy.close();
          }
        },
      }, options);
    },
  };
}

/** The targets of this run: the fake always, a real Asterisk when SWITCHBOARD_TEST_ASTERISK is set. */
export function asteriskTargets(options: AsteriskTargetOptions = {}): AsteriskTarget[] {
  const url = process.env[ASTERISK_ENV]?.trim();
  const targets = [fakeAsteriskTarget(options)];
  if (url) {
    targets.push(
      realAsteriskTarget(url, process.env[ASTERISK_USER_ENV]?.trim() || 'switchboard', process.env[ASTERISK_PASSWORD_ENV] ?? 'switchboard', {
        ...options,
        record: process.env[RECORD_ENV] === '1',
      }),
    );
  }
  return targets;
}
