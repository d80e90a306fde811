import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VirtualClock } from '../../clock/virtual-clock.js';
import type { Endpoint } from '../../media/media-events.js';
import { SeededRandom } from '../../random/random.js';
import type { PartyScript } from '../../simulator/party-script.js';
import { SimulatedPbx } from '../../simulator/simulated-pbx.js';
import type { ConformanceSession, ConformanceTarget, PartyName } from './target.js';

const OUTSIDE: Partial<Record<PartyName, PartyScript>> = {
  answer: { answer: { afterMs: 300 } },
  busy: { answer: { probability: 0, otherwise: 'busy' } },
  reject: { answer: { probability: 0, otherwise: { sipCode: 603 } } },
  noanswer: { answer: { probability: 0, otherwise: 'no-answer' } },
  unallocated: { answer: { probability: 0, otherwise: { sipCode: 404 } } },
  dtmf123: { answer: { afterMs: 300 }, dtmf: [{ afterMs: 1_000, digits: '123' }] },
  hangup2s: { answer: { afterMs: 300 }, hangupAfterMs: 2_000 },
};
const EXTENSIONS: Partial<Record<PartyName, string>> = { agent1: '1001', agent2: '1002', supervisor: '2001' };

/** The suite's parties on the simulated PBX, on virtual time. */
export function simulatedTarget(seed = 1): ConformanceTarget {
  return {
    name: 'SimulatedPbx',
    async start(): Promise<ConformanceSession> {
      const clock = new VirtualClock();
      const pbx = new SimulatedPbx({ clock, random: new SeededRandom(seed) });
      for (const [name, script] of Object.entries(OUTSIDE)) pbx.scriptNumber(name, script);
      for (const extension of Object.values(EXTENSIONS)) pbx.setExtension(extension, { answer: 'auto' });
      await pbx.connect();
      // Nothing reads it (the simulator plays any file name), but what the suite publishes has a place to go.
      const soundsDir = mkdtempSync(join(tmpdir(), 'switchboard-sim-sounds-'));
      const step = 50;
      return {
        adapter: pbx,
        clock,
        traits: { sipCodes: true, patienceMs: 10_000 },
        soundsDir,
        party(name): Endpoint {
          const extension = EXTENSIONS[name];
          return extension ? { kind: 'extension', extension } : { kind: 'external', number: name };
        },
        async placeInbound(dialed, callerNumber) {
          pbx.placeCall({ from: { number: callerNumber }, to: dialed });
        },
        async until(done, timeoutMs, what) {
          for (let waited = 0; !done(); waited += step) {
            if (waited >= timeoutMs) throw new Error(`Timed out after ${timeoutMs} ms (virtual) waiting for ${what}`);
            await clock.advance(step);
          }
        },
        async pass(ms) {
          await clock.advance(ms);
        },
        async dropConnection(outageMs) {
          pbx.disconnect('conformance: connection dropped');
          clock.setTimer(outageMs, () => pbx.reconnect());
        },
        async stop() {
          for (const call of await pbx.listCalls().catch(() => [])) await pbx.hangup(call.callId).catch(() => {});
          await pbx.close();
          rmSync(soundsDir, { recursive: true, force: true });
        },
      };
    },
  };
}
