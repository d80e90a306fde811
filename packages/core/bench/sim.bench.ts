/**
 * A day of contact-center traffic on the simulated PBX and the virtual clock:
 * 20,000 callers over 24 hours, 25 agents, random patience and talk time.
 * Baseline: real time (a day takes 86,400 s on a wall clock).
 */
import { runSmallCenter } from '../src/simulator/test-support.js';
import { figure, medianMs } from './figure.js';

const CALLS = 20_000;
let events = 0;
const wallMs = await medianMs(3, async () => {
  const { events: seen, pbx } = await runSmallCenter({ seed: 1, calls: CALLS, agents: 25, channels: 500, traceCalls: false });
  if (pbx.liveCallCount !== 0) throw new Error('the day did not finish');
  events = seen.length;
});
figure('sim', 'day_20k_calls_wall_ms', wallMs, 'ms');
figure('sim', 'day_speedup_vs_realtime', 86_400_000 / wallMs, 'x');
figure('sim', 'media_events_per_s', events / (wallMs / 1000), '1/s');
