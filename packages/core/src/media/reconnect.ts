import type { Clock, TimerHandle } from '../clock/clock.js';
import type { Logger } from '../logging/logger.js';
import type { Random } from '../random/random.js';

/** How long to wait before reconnect attempt `attempt` (1-based); undefined = give up. */
export interface ReconnectPolicy {
  delayMs(attempt: number): number | undefined;
}

export interface BackoffOptions {
  /** First delay. Default 250 ms. */
  initialMs?: number;
  /** Ceiling of the delay. Default 30 s. */
  maxMs?: number;
  /** Growth per attempt. Default 2. */
  factor?: number;
  /** Spread each delay by ±this fraction so many clients do not reconnect in step. Default 0.2. */
  jitter?: number;
  /** Give up after this many attempts. Default: never. */
  maxAttempts?: number;
}

/** Exponential backoff with jitter drawn from the seeded Random (so tests are repeatable). */
export function exponentialBackoff(options: BackoffOptions = {}, random?: Random): ReconnectPolicy {
  const { initialMs = 250, maxMs = 30_000, factor = 2, jitter = 0.2, maxAttempts = Number.POSITIVE_INFINITY } = options;
  return {
    delayMs(attempt) {
      if (attempt > maxAttempts) return undefined;
      const base = Math.min(maxMs, initialMs * factor ** (attempt - 1));
      const spread = random && jitter > 0 ? 1 + jitter * (2 * random.next() - 1) : 1;
      return Math.round(Math.min(maxMs, base * spread));
    },
  };
}

export interface ReconnectLoopOptions {
  clock: Clock;
  policy: ReconnectPolicy;
  /** One attempt: resolves when connected (subscriptions restored), rejects on failure. */
  attempt: () => Promise<void>;
  /** After a successful reconnect (reconcile calls here). */
  onConnected: (attempts: number) => void | Promise<void>;
  /** The policy gave up. */
  onGiveUp: (lastError: unknown) => void;
  logger?: Logger;
}

/**
 * Re-establishes a dropped connection on the clock's timers: attempt, wait the
 * policy's delay, attempt again. One loop at a time; `stop()` ends it.
 */
export class ReconnectLoop {
  private timer: TimerHandle | undefined;
  private running = false;
  private stopped = false;

  constructor(private readonly options: ReconnectLoopOptions) {}

  get active(): boolean {
    return this.running;
  }

  /** Starts reconnecting unless a loop is already running. */
  start(): void {
    if (this.running || this.stopped) return;
    this.running = true;
    this.schedule(1, undefined);
  }

  stop(): void {
    this.stopped = true;
    this.running = false;
    this.options.clock.clearTimer(this.timer);
  }

  private schedule(attempt: number, lastError: unknown): void {
    const delay = this.options.policy.delayMs(attempt);
    if (delay === undefined) {
      this.running = false;
      this.options.onGiveUp(lastError);
      return;
    }
    this.timer = this.options.clock.setTimer(delay, () => void this.run(attempt));
  }

  private async run(attempt: number): Promise<void> {
    if (this.stopped) return;
    try {
      await this.options.attempt();
    } catch (error) {
      this.options.logger?.warn({ err: error, attempt }, 'reconnect attempt failed');
      if (!this.stopped) this.schedule(attempt + 1, error);
      return;
    }
    this.running = false;
    await this.options.onConnected(attempt);
  }
}
