import { sampleDuration, type Clock, type Distribution, type Logger, type Random, type TimerHandle } from '@switchboard/core';

export interface TrafficQueue {
  groupNumber: string;
  /** Mean arrival rate: arrivals are a Poisson process (exponential gaps). */
  callsPerHour: number;
}

export interface TrafficPlan {
  tenantId: string;
  queues: readonly TrafficQueue[];
  /** How long a caller waits before hanging up unanswered. */
  patience: Distribution;
  /** How long a caller talks once connected. */
  talk: Distribution;
  /** Stop after this long; runs until stopped when absent. */
  durationMs?: number | undefined;
}

export interface TrafficStatus {
  tenantId: string;
  startedAt: number;
  endsAt: number | null;
  queues: Array<TrafficQueue & { placed: number; failed: number }>;
}

/** What the generator drives: the simulated PBX and the ACD, through two functions. */
export interface TrafficDeps {
  clock: Clock;
  /** The generator's own stream (e.g. `switchboard.random.fork('traffic')`), so traffic is reproducible from the seed. */
  random: Random;
  placeCall: (request: { from: { number: string }; to: string; script: { patienceMs: number; talkMs: number } }) => string;
  enqueue: (tenantId: string, request: { callId: string; groupNumber: string; callerNumber: string }) => Promise<unknown>;
  /** When a call could not be queued: end it. */
  hangup?: (callId: string) => Promise<void> | void;
  logger: Logger;
}

interface Run {
  status: TrafficStatus;
  timers: Set<TimerHandle>;
}

const HOUR_MS = 3_600_000;

/**
 * Simulated callers for the demo and load tests: per queue, Poisson arrivals (exponential
 * inter-arrival times) scheduled on the Switchboard clock, so a virtual clock replays them
 * exactly. Each caller is placed on the simulated PBX with a sampled patience and talk
 * time and put in the group's queue. One plan per tenant; starting again replaces it.
 */
export class TrafficGenerator {
  private readonly runs = new Map<string, Run>();

  constructor(private readonly deps: TrafficDeps) {}

  start(plan: TrafficPlan): TrafficStatus {
    this.stop(plan.tenantId);
    const { clock } = this.deps;
    const now = clock.now();
    const run: Run = {
      status: {
        tenantId: plan.tenantId,
        startedAt: now,
        endsAt: plan.durationMs === undefined ? null : now + plan.durationMs,
        queues: plan.queues.map((q) => ({ ...q, placed: 0, failed: 0 })),
      },
      timers: new Set(),
    };
    this.runs.set(plan.tenantId, run);
    const schedule = (delayMs: number, fn: () => void) => {
      const handle = clock.setTimer(delayMs, () => {
        run.timers.delete(handle);
        fn();
      });
      run.timers.add(handle);
    };
    for (const queue of run.status.queues) {
      if (queue.callsPerHour <= 0) continue;
      const meanGapMs = HOUR_MS / queue.callsPerHour;
      const arrive = () => {
        if (this.runs.get(plan.tenantId) !== run) return;
        if (run.status.endsAt !== null && clock.now() >= run.status.endsAt) return;
        void this.placeOne(plan, queue);
        schedule(this.gap(meanGapMs), arrive);
      };
      schedule(this.gap(meanGapMs), arrive);
    }
    if (run.status.endsAt !== null) schedule(run.status.endsAt - now, () => this.stop(plan.tenantId));
    return this.status(plan.tenantId)!;
  }

  /** Stops the tenant's traffic (calls already placed play out); false when none ran. */
  stop(tenantId: string): boolean {
    const run = this.runs.get(tenantId);
    if (!run) return false;
    this.runs.delete(tenantId);
    for (const handle of run.timers) this.deps.clock.clearTimer(handle);
    run.timers.clear();
    return true;
  }

  stopAll(): void {
    for (const tenantId of [...this.runs.keys()]) this.stop(tenantId);
  }

  status(tenantId: string): TrafficStatus | undefined {
    const run = this.runs.get(tenantId);
    return run && structuredClone(run.status);
  }

  private gap(meanMs: number): number {
    // 1 - next() is in (0, 1]: the log is finite.
    return Math.max(1, Math.round(-meanMs * Math.log(1 - this.deps.random.next())));
  }

  private async placeOne(plan: TrafficPlan, queue: TrafficStatus['queues'][number]): Promise<void> {
    const { random } = this.deps;
    const callerNumber = `+1555${String(Math.floor(random.next() * 10_000_000)).padStart(7, '0')}`;
    const script = { patienceMs: sampleDuration(plan.patience, random), talkMs: sampleDuration(plan.talk, random) };
    let callId: string | undefined;
    try {
      callId = this.deps.placeCall({ from: { number: callerNumber }, to: queue.groupNumber, script });
      queue.placed += 1;
      await this.deps.enqueue(plan.tenantId, { callId, groupNumber: queue.groupNumber, callerNumber });
    } catch (error) {
      queue.failed += 1;
      this.deps.logger.warn({ err: error, groupNumber: queue.groupNumber, tenantId: plan.tenantId }, 'simulated traffic: could not queue a call');
      if (callId !== undefined) await Promise.resolve(this.deps.hangup?.(callId)).catch(() => undefined);
    }
  }
}
