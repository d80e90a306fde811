/** An opaque handle for a scheduled timer. */
export interface TimerHandle {
  readonly id: number;
}

/**
 * All time in core comes from a Clock, so that a VirtualClock can run a day of
 * traffic in seconds and the same seed gives the same result.
 * Times are UTC epoch milliseconds.
 */
export interface Clock {
  now(): number;
  /** Runs `callback` once after `delayMs` (clamped to >= 0). */
  setTimer(delayMs: number, callback: () => void): TimerHandle;
  /** Cancels a timer; cancelling one that already fired or was cancelled is harmless. */
  clearTimer(handle: TimerHandle | undefined): void;
  /** Resolves after `delayMs` of this clock's time. */
  sleep(delayMs: number): Promise<void>;
}
