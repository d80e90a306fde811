import { MinHeap } from '../collections/min-heap.js';
import { IllegalStateError } from '../errors/errors.js';
import type { Clock, TimerHandle } from './clock.js';

interface VirtualTimer extends TimerHandle {
  dueAt: number;
  /** Insertion order: timers due at the same instant fire in the order they were set. */
  seq: number;
  callback: () => void;
  cancelled: boolean;
}

export interface VirtualClockOptions {
  /** Start time, epoch ms. Default: 2026-01-05T09:00:00Z (a Monday morning). */
  startAt?: number;
  /** `runUntilIdle` gives up after this many timers (a self-rescheduling timer never idles). */
  maxTimersPerRun?: number;
}

/** Let promise continuations run between timers, as they would between real ticks. */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Time that moves only when told to. Timers fire in due order (ties in the order
 * they were set), and after each one pending promise continuations run, so async
 * engine code behaves as it would on a real clock — just without the waiting.
 */
export class VirtualClock implements Clock {
  private current: number;
  private seq = 0;
  private readonly timers = new MinHeap<VirtualTimer>((a, b) => a.dueAt - b.dueAt || a.seq - b.seq);
  private readonly maxTimersPerRun: number;
  private running = false;

  constructor(options: VirtualClockOptions = {}) {
    this.current = options.startAt ?? Date.UTC(2026, 0, 5, 9, 0, 0);
    this.maxTimersPerRun = options.maxTimersPerRun ?? 10_000_000;
  }

  now(): number {
    return this.current;
  }

  setTimer(delayMs: number, callback: () => void): TimerHandle {
    const timer: VirtualTimer = {
      id: ++this.seq,
      seq: this.seq,
      dueAt: this.current + Math.max(0, delayMs),
      callback,
      cancelled: false,
    };
    this.timers.push(timer);
    return timer;
  }

  clearTimer(handle: TimerHandle | undefined): void {
    // Lazy deletion: the heap drops cancelled timers when they reach the top.
    if (handle && 'cancelled' in handle) (handle as VirtualTimer).cancelled = true;
  }

  sleep(delayMs: number): Promise<void> {
    return new Promise((resolve) => this.setTimer(delayMs, resolve));
  }

  /** Timers not yet fired or cancelled. */
  get pendingTimers(): number {
    this.dropCancelled();
    return this.timers.size;
  }

  /** When the next live timer is due, or undefined when none is pending. */
  nextDueAt(): number | undefined {
    this.dropCancelled();
    return this.timers.peek()?.dueAt;
  }

  /** Moves time forward by `ms`, firing every timer due on the way, in order. */
  async advance(ms: number): Promise<void> {
    if (!(ms >= 0)) throw new RangeError(`advance(ms) needs a non-negative number, got ${ms}`);
    await this.runTo(this.current + ms);
  }

  /** Moves time to `epochMs` (which must not be in the past). */
  async advanceTo(epochMs: number): Promise<void> {
    if (epochMs < this.current) throw new RangeError('advanceTo() cannot move time backwards');
    await this.runTo(epochMs);
  }

  /** Fires timers until none is pending; returns how many fired. */
  async runUntilIdle(): Promise<number> {
    return this.guard(async () => {
      await settle();
      let fired = 0;
      for (;;) {
        const timer = this.nextLive();
        if (!timer) return fired;
        if (++fired > this.maxTimersPerRun) {
          throw new IllegalStateError(`runUntilIdle() fired ${this.maxTimersPerRun} timers without going idle`);
        }
        await this.fire(timer);
      }
    });
  }

  private async runTo(target: number): Promise<void> {
    await this.guard(async () => {
      await settle();
      for (;;) {
        const timer = this.nextLive();
        if (!timer || timer.dueAt > target) break;
        await this.fire(timer);
      }
      this.current = target;
    });
  }

  private async fire(timer: VirtualTimer): Promise<void> {
    this.timers.pop();
    this.current = timer.dueAt;
    timer.cancelled = true;
    timer.callback();
    await settle();
  }

  private async guard<T>(run: () => Promise<T>): Promise<T> {
    // Two overlapping advances would interleave timers out of order.
    if (this.running) throw new IllegalStateError('VirtualClock is already advancing; await the previous call');
    this.running = true;
    try {
      return await run();
    } finally {
      this.running = false;
    }
  }

  private nextLive(): VirtualTimer | undefined {
    this.dropCancelled();
    return this.timers.peek();
  }

  private dropCancelled(): void {
    while (this.timers.peek()?.cancelled) this.timers.pop();
  }
}
