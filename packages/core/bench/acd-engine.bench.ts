/**
 * A simulated hour of a large contact center through the whole ACD engine: 2,000 agents
 * in 100 groups (each agent in 3), callers arriving faster than agents can serve them so
 * that about 5,000 calls are in the system at once (talking or waiting), on the
 * SimulatedPbx and the VirtualClock, with every queue_log line and agent event written to
 * SQLite. Baseline: real time (an hour takes 3,600 s on a wall clock).
 */
import { VirtualClock } from '../src/clock/virtual-clock.js';
import { agentRecord } from '../src/acd/test-support/acd-harness.js';
import { SeededRandom } from '../src/random/random.js';
import { createSwitchboard } from '../src/switchboard.js';
import { figure } from './figure.js';

const AGENTS = 2_000;
const GROUPS = 100;
const GROUPS_PER_AGENT = 3;
// SWITCHBOARD_BENCH_ACD_MINUTES shortens the run while profiling.
const HOUR_MS = Number(process.env.SWITCHBOARD_BENCH_ACD_MINUTES ?? 60) * 60_000;
const ARRIVALS_PER_S = 17;

const clock = new VirtualClock({ startAt: Date.UTC(2026, 10, 23, 8, 0) });
const sb = await createSwitchboard({ clock, seed: 11, storage: ':memory:', media: { simulated: { trace: false, trunks: [{ name: 'sim', channels: 20_000 }] } } });
const pbx = sb.simulator!;
const random = new SeededRandom(5);
const tenant = await sb.storage.tenants.create({ slug: 'big', name: 'Big' });
const numbers = Array.from({ length: AGENTS }, (_, i) => String(10_000 + i));
for (const number of numbers) {
  await sb.storage.agents.create(tenant.id, agentRecord(number));
  pbx.setExtension(number, { answer: { kind: 'uniform', minMs: 1_000, maxMs: 3_000 } });
}
const membersOf = new Map<number, string[]>();
numbers.forEach((number, i) => {
  for (let k = 0; k < GROUPS_PER_AGENT; k++) {
    const group = (i + k * 37) % GROUPS;
    membersOf.set(group, [...(membersOf.get(group) ?? []), number]);
  }
});
for (let g = 0; g < GROUPS; g++) {
  await sb.storage.agentGroups.create(tenant.id, {
    name: `Group ${g}`,
    number: String(5_000 + g),
    members: (membersOf.get(g) ?? []).map((agentNumber) => ({ agentNumber, kind: 'static' })),
    wrapUpSec: 5,
    queue: { strategy: 'longest-idle', agentRingTimeoutSec: 15, retrySec: 2 },
  });
}
const acd = sb.acd;
const tenantAcd = await acd.tenant(tenant.id);
for (const number of numbers) await acd.login(tenant.id, number);

let peak = 0;
let arrivals = 0;
let concurrentSum = 0;
let samples = 0;

function arrive(): void {
  clock.setTimer(-Math.log(1 - random.next()) * (1000 / ARRIVALS_PER_S), arrive);
  if (clock.now() - start >= HOUR_MS) return;
  const groupNumber = String(5_000 + random.int(0, GROUPS - 1));
  const from = `+1555${String(random.int(0, 9_999_999)).padStart(7, '0')}`;
  const callId = pbx.placeCall({ from: { number: from }, to: groupNumber, script: { patienceMs: { kind: 'uniform', minMs: 300_000, maxMs: 900_000 }, talkMs: { kind: 'uniform', minMs: 60_000, maxMs: 180_000 } } });
  arrivals++;
  void acd.enqueue(tenant.id, { callId, groupNumber, callerNumber: from });
}
/** Calls in the system: callers waiting, and callers talking to (or held by) an agent. */
function sample(): void {
  let inSystem = 0;
  for (const group of tenantAcd.groups.values()) inSystem += group.line.length;
  for (const agent of tenantAcd.agents.values()) if (agent.state.kind === 'on-call' || agent.state.kind === 'on-hold') inSystem++;
  peak = Math.max(peak, inSystem);
  if (clock.now() - start >= HOUR_MS / 2) {
    concurrentSum += inSystem;
    samples++;
  }
  if (clock.now() - start < HOUR_MS) clock.setTimer(10_000, sample);
}

const start = clock.now();
clock.setTimer(0, arrive);
clock.setTimer(0, sample);
const wallStart = performance.now();
for (let t = 0; t < HOUR_MS; t += 60_000) {
  await clock.advance(60_000);
  // Let the batched writer keep up, as the event loop would in a server.
  await acd.flush();
  pbx.forgetEnded();
}
const wallMs = performance.now() - wallStart;
const snapshot = await acd.snapshot(tenant.id);
const answered = snapshot.groups.reduce((sum, g) => sum + g.today.answered, 0);
figure('acd', 'hour_2000_agents_wall_ms', Math.round(wallMs), 'ms');
figure('acd', 'hour_2000_agents_speedup_vs_realtime', HOUR_MS / wallMs, 'x');
figure('acd', 'hour_calls_arrived', arrivals, 'calls');
figure('acd', 'hour_calls_answered', answered, 'calls');
figure('acd', 'hour_concurrent_calls_mean_2nd_half', Math.round(concurrentSum / Math.max(samples, 1)), 'calls');
figure('acd', 'hour_concurrent_calls_peak', peak, 'calls');
await sb.close();
