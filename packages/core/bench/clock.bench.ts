/**
 * The virtual clock's timer queue (a binary heap) against the naive queue a
 * simple simulator uses (scan all pending timers for the earliest), with
 * 50,000 timers pending: the size of a busy day's calls, ringing and scripts.
 */
import { MinHeap } from '../src/collections/min-heap.js';
import { SeededRandom } from '../src/random/random.js';
import { VirtualClock } from '../src/clock/virtual-clock.js';
import { figure, medianMs } from './figure.js';

const PENDING = 50_000;
const random = new SeededRandom(3);
const dueTimes = Array.from({ length: PENDING }, () => random.int(0, 86_400_000));

interface Timer {
  dueAt: number;
  seq: number;
}
const byDue = (a: Timer, b: Timer) => a.dueAt - b.dueAt || a.seq - b.seq;

// Each round: take the earliest timer, fire it, and schedule a follow-up (steady state of a simulation).
const ROUNDS = 20_000;
const heapMs = await medianMs(5, () => {
  const heap = new MinHeap<Timer>(byDue);
  dueTimes.forEach((dueAt, seq) => heap.push({ dueAt, seq }));
  for (let i = 0; i < ROUNDS; i++) {
    const t = heap.pop()!;
    heap.push({ dueAt: t.dueAt + 1_000, seq: PENDING + i });
  }
});
const naiveMs = await medianMs(3, () => {
  const pending: Timer[] = dueTimes.map((dueAt, seq) => ({ dueAt, seq }));
  for (let i = 0; i < ROUNDS; i++) {
    let best = 0;
    for (let j = 1; j < pending.length; j++) if (byDue(pending[j]!, pending[best]!) < 0) best = j;
    const t = pending[best]!;
    pending[best] = pending[pending.length - 1]!;
    pending.pop();
    pending.push({ dueAt: t.dueAt + 1_000, seq: PENDING + i });
  }
});
figure('clock', 'heap_timer_ops_per_s_50k_pending', ROUNDS / (heapMs / 1000), '1/s');
figure('clock', 'naive_scan_timer_ops_per_s_50k_pending', ROUNDS / (naiveMs / 1000), '1/s');
figure('clock', 'heap_vs_naive_scan', naiveMs / heapMs, 'x');

// The whole VirtualClock, including letting promise continuations run after each timer.
const FIRED = 100_000;
const clockMs = await medianMs(3, async () => {
  const clock = new VirtualClock({ startAt: 0 });
  for (let i = 0; i < FIRED; i++) clock.setTimer(dueTimes[i % PENDING]!, () => {});
  await clock.runUntilIdle();
});
figure('clock', 'virtual_clock_timers_fired_per_s', FIRED / (clockMs / 1000), '1/s');
