import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import type { Clock } from '../clock/clock.js';
import { IllegalStateError, isSwitchboardError } from '../errors/errors.js';
import { createEmitter, type TypedEmitter } from '../events/typed-emitter.js';
import { silentLogger, type Logger } from '../logging/logger.js';
import type { NewJob } from '../storage/repositories/jobs.js';
import type { Storage } from '../storage/storage.js';
import type { Job, JobProgress } from './model.js';

/** What a handler works with while it runs one job. */
export interface JobContext {
  /** Aborted when the job is cancelled or the runner closes: stop at the next batch boundary. */
  readonly signal: AbortSignal;
  readonly storage: Storage;
  /**
   * Runs `work` in one transaction together with the job's new progress: both commit or
   * neither does, so the checkpoint always describes exactly the work stored. Throws
   * `JobInterrupted` (rolling back) when the job was cancelled or taken over meanwhile.
   */
  commit(work: (trx: Knex) => Promise<JobProgress>): Promise<Job>;
}

export interface JobHandler {
  /** Does the job from its checkpoint (`job.state`) on; returns its summary. */
  run(job: Job, context: JobContext): Promise<Record<string, unknown> | void>;
  /** Called once the job is finished (done, failed or cancelled), e.g. to delete its source file. */
  finished?(job: Job): Promise<void> | void;
}

export type JobEvents = {
  /** A job was queued, started, finished, failed or was cancelled (or given back to the queue). */
  'job.status': (job: Job) => void;
  /** A batch of a running job committed. */
  'job.progress': (job: Job) => void;
};

export interface JobRunnerOptions {
  storage: Storage;
  clock: Clock;
  logger?: Logger;
  /** Jobs run at the same time by this runner. Default 1 (imports are database-bound). */
  concurrency?: number;
  /** How long a running job stays this runner's without progress; after that another runner may take it over. Default 2 min. */
  leaseMs?: number;
  /** How often to look for jobs whose runner vanished (real time). Default 30 s; 0: never. */
  pollMs?: number;
}

/** The job was cancelled or taken over while a batch ran: the batch rolled back. */
export class JobInterrupted extends Error {
  constructor(readonly jobId: string) {
    super(`Job ${jobId} is no longer running here`);
  }
}

/**
 * Runs background jobs (manual §3.15.3) from the `jobs` table: queued jobs in creation
 * order, `concurrency` at a time, each by the handler registered for its kind. A job is
 * held under a lease renewed with every batch; a runner that stops cleanly gives its jobs
 * back to the queue, and a job whose runner died is taken over once its lease runs out
 * (at once on SQLite, which only one process writes). Handlers commit work and progress
 * together, so a job taken over continues from its last committed checkpoint and never
 * repeats or loses a batch.
 */
export class JobRunner {
  readonly events: TypedEmitter<JobEvents> = createEmitter<JobEvents>();
  /** This runner's id in the jobs it holds. */
  readonly id = randomUUID();
  private readonly handlers = new Map<string, JobHandler>();
  private readonly active = new Map<string, AbortController>();
  private readonly logger: Logger;
  private readonly concurrency: number;
  private readonly leaseMs: number;
  private readonly pollMs: number;
  private started = false;
  private closing = false;
  private pumping: Promise<void> | undefined;
  private again = false;
  private poller: ReturnType<typeof setInterval> | undefined;
  private readonly running = new Set<Promise<void>>();

  constructor(private readonly options: JobRunnerOptions) {
    this.logger = (options.logger ?? silentLogger).child({ component: 'jobs' });
    this.concurrency = options.concurrency ?? 1;
    this.leaseMs = options.leaseMs ?? 120_000;
    this.pollMs = options.pollMs ?? 30_000;
  }

  /** Registers the handler of a kind of job; jobs of kinds without one wait. */
  register(kind: string, handler: JobHandler): void {
    if (this.handlers.has(kind)) throw new IllegalStateError(`A handler for ${kind} jobs is registered already`);
    this.handlers.set(kind, handler);
    if (this.started) this.wake();
  }

  /**
   * Starts running jobs, beginning with those left over: queued ones, and on SQLite those a
   * stopped process held (`takeOver`, default: on SQLite only).
   */
  async start(options: { takeOver?: boolean } = {}): Promise<void> {
    if (this.started) return;
    this.started = true;
    if (options.takeOver ?? this.options.storage.dialect === 'sqlite') {
      const now = this.options.clock.now();
      // Nothing else writes this database: every job marked running belongs to a process that is gone.
      await this.options.storage.knex('jobs').where('status', 'running').whereNot('runner_id', this.id).update({ lease_until: now - 1 });
    }
    if (this.pollMs > 0) {
      this.poller = setInterval(() => this.wake(), this.pollMs);
      this.poller.unref?.();
    }
    this.wake();
  }

  /** Queues a job; it starts as soon as a slot is free. */
  async enqueue(tenantId: string, input: NewJob): Promise<Job> {
    if (this.closing) throw new IllegalStateError('The job runner is closing');
    const job = await this.options.storage.jobs.create(tenantId, input);
    this.events.emit('job.status', job);
    this.wake();
    return job;
  }

  /** Cancels a queued or running job; work already committed stays. False when it had finished. */
  async cancel(tenantId: string, id: string): Promise<boolean> {
    const cancelled = await this.options.storage.jobs.cancel(tenantId, id, this.options.clock.now());
    if (cancelled) {
      this.active.get(id)?.abort(new JobInterrupted(id));
      const job = await this.options.storage.jobs.get(tenantId, id);
      this.events.emit('job.status', job);
      if (!this.active.has(id)) await this.cleanup(job);
    }
    return cancelled;
  }

  /** Resolves when no job is running and none is waiting that this runner could take (tests, tools). */
  async idle(): Promise<void> {
    for (;;) {
      await this.pumping;
      await Promise.all(this.running);
      if (this.running.size === 0 && this.pumping === undefined) {
        const waiting = await this.options.storage.jobs.claimable([...this.handlers.keys()], this.options.clock.now(), 1);
        if (waiting.length === 0 || this.closing) return;
        this.wake();
      }
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  /** Stops taking jobs, interrupts the running ones at their next batch and gives them back to the queue. */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    clearInterval(this.poller);
    for (const controller of this.active.values()) controller.abort(new Error('the job runner is closing'));
    await this.pumping;
    await Promise.all(this.running);
  }

  private wake(): void {
    if (!this.started || this.closing) return;
    if (this.pumping) {
      this.again = true;
      return;
    }
    this.pumping = this.pump()
      .catch((error: unknown) => this.logger.error({ err: error }, 'could not look for jobs'))
      .finally(() => {
        this.pumping = undefined;
        if (this.again) {
          this.again = false;
          this.wake();
        }
      });
  }

  private async pump(): Promise<void> {
    const { storage, clock } = this.options;
    while (!this.closing && this.active.size < this.concurrency) {
      const candidates = await storage.jobs.claimable([...this.handlers.keys()], clock.now(), this.concurrency * 4);
      let claimed: Job | undefined;
      for (const candidate of candidates) {
        if (this.active.has(candidate.id)) continue;
        if (await storage.jobs.claim(candidate.id, this.id, clock.now(), this.leaseMs)) {
          claimed = await storage.jobs.findAnyById(candidate.id);
          break;
        }
      }
      if (!claimed) return;
      const job = claimed;
      const controller = new AbortController();
      this.active.set(job.id, controller);
      const run = this.execute(job, controller).finally(() => {
        this.active.delete(job.id);
        this.running.delete(run);
        this.wake();
      });
      this.running.add(run);
    }
  }

  private async execute(job: Job, controller: AbortController): Promise<void> {
    const { storage, clock } = this.options;
    const handler = this.handlers.get(job.kind)!;
    this.events.emit('job.status', job);
    this.logger.info({ jobId: job.id, kind: job.kind, tenantId: job.tenantId, resumedAt: job.processed }, 'job started');
    const context: JobContext = {
      signal: controller.signal,
      storage,
      commit: async (work) => {
        if (controller.signal.aborted) throw controller.signal.reason instanceof Error ? controller.signal.reason : new JobInterrupted(job.id);
        await storage.knex.transaction(async (trx) => {
          const progress = await work(trx);
          if (!(await storage.jobs.saveProgress(trx, job.id, this.id, progress, clock.now(), this.leaseMs))) throw new JobInterrupted(job.id);
        });
        const now = (await storage.jobs.findAnyById(job.id))!;
        this.events.emit('job.progress', now);
        return now;
      },
    };
    try {
      const result = await handler.run(job, context);
      if (controller.signal.aborted) throw controller.signal.reason;
      await storage.jobs.finish(job.id, this.id, 'done', clock.now(), result ? { result } : {});
    } catch (error) {
      const current = await storage.jobs.findAnyById(job.id);
      if (current?.status === 'cancelled' || current?.runnerId !== this.id) {
        // Cancelled, or another runner has it now: nothing more to record here.
      } else if (this.closing) {
        await storage.jobs.release(job.id, this.id, clock.now());
        this.logger.info({ jobId: job.id, processed: current.processed }, 'job given back to the queue');
      } else {
        const message = isSwitchboardError(error) ? error.message : 'Internal error';
        if (!isSwitchboardError(error)) this.logger.error({ err: error, jobId: job.id }, 'job failed');
        await storage.jobs.finish(job.id, this.id, 'failed', clock.now(), { error: message });
      }
    }
    const final = await storage.jobs.findAnyById(job.id);
    if (!final) {
      // Deleted while it ran.
      await this.cleanup(job);
      return;
    }
    this.events.emit('job.status', final);
    this.logger.info({ jobId: job.id, status: final.status, processed: final.processed, failed: final.failed }, 'job stopped');
    if (final.status === 'done' || final.status === 'failed' || final.status === 'cancelled') await this.cleanup(final);
  }

  private async cleanup(job: Job): Promise<void> {
    try {
      await this.handlers.get(job.kind)?.finished?.(job);
    } catch (error) {
      this.logger.warn({ err: error, jobId: job.id }, 'job clean-up failed');
    }
  }
}
