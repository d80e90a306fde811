import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { silentLogger, VirtualClock, type Logger } from '@switchboard/core';
import type { ConformanceSession, ConformanceTarget } from '@switchboard/core/testing';
import { FreeSwitchAdapter } from '../freeswitch-adapter.js';
import { EslProxy } from './esl-proxy.js';
import { FakeFreeSwitch, type FakeFreeSwitchOptions } from './fake-freeswitch.js';
import { CONFORMANCE_SOUNDS_DIR, conformanceAdapterOptions, conformanceParty, OutsideWorld, TEARDOWN, traceName } from './real-target.js';
import { formatTrace } from './trace-file.js';

export interface FakeFreeSwitchTargetOptions extends Omit<FakeFreeSwitchOptions, 'clock'> {
  logger?: Logger;
  /** Record what crosses the wire in each scenario here, as the real target does (to compare the two). */
  recordTracesTo?: string;
  /** The running test's name, for the trace file. */
  scenarioName?: () => string | undefined;
}

/**
 * The suite against the fake FreeSWITCH: a real TCP Event Socket speaking the
 * wire format, its events shaped by recorded traces, on a VirtualClock shared
 * with the adapter (a scenario's seconds pass in milliseconds).
 */
export function fakeFreeSwitchTarget(options: FakeFreeSwitchTargetOptions = {}): ConformanceTarget {
  return {
    name: 'fake FreeSWITCH',
    async start(): Promise<ConformanceSession> {
      const scenario = options.scenarioName?.() ?? 'scenario';
      const clock = new VirtualClock();
      const fake = await FakeFreeSwitch.start({ ...(options.password ? { password: options.password } : {}), ...(options.tracesDir ? { tracesDir: options.tracesDir } : {}), clock });
      // With recording, the adapter and the outside world reach the fake through a recording relay.
      const proxy = options.recordTracesTo ? await EslProxy.start({ upstream: { host: fake.host, port: fake.port }, record: true }) : undefined;
      const host = proxy?.host ?? fake.host;
      const port = proxy?.port ?? fake.port;
      const logger = options.logger ?? silentLogger;
      const adapter = new FreeSwitchAdapter(conformanceAdapterOptions(host, port, fake.password, clock, logger));
      const outside = new OutsideWorld(host, port, fake.password, clock);
      await adapter.connect();
      const step = 50;
      return {
        adapter,
        traits: { sipCodes: false, patienceMs: 10_000 },
        soundsDir: CONFORMANCE_SOUNDS_DIR,
        party: conformanceParty,
        async placeInbound(dialed, callerNumber) {
          await outside.placeInbound(dialed, callerNumber);
          await fake.settle();
        },
        async until(done, timeoutMs, what) {
          await fake.settle();
          for (let waited = 0; !done(); waited += step) {
            if (waited >= timeoutMs) throw new Error(`Timed out after ${timeoutMs} ms (virtual) waiting for ${what}`);
            await clock.advance(step);
            await fake.settle();
          }
        },
        async pass(ms) {
          for (let passed = 0; passed < ms; passed += step) {
            await clock.advance(Math.min(step, ms - passed));
            await fake.settle();
          }
        },
        async dropConnection(outageMs) {
          fake.dropConnections(outageMs);
          await fake.settle();
        },
        async stop() {
          proxy?.recording?.note('c0', TEARDOWN);
          await adapter.close().catch(() => undefined);
          await outside.close().catch(() => undefined);
          await fake.settle();
          await proxy?.close();
          await fake.stop();
          const recording = proxy?.recording;
          if (recording && options.recordTracesTo) {
            mkdirSync(options.recordTracesTo, { recursive: true });
            writeFileSync(join(options.recordTracesTo, traceName(scenario)), formatTrace(recording.trace(scenario, ['recorded from the fake FreeSWITCH'])));
          }
        },
      };
    },
  };
}
