/**
 * Background jobs (manual §3.15.3 "Backstage tasks"): long work such as imports, with the
 * counts the page shows — total, processed ("number of progresses"), succeeded, failed.
 */
export const jobStatuses = ['queued', 'running', 'done', 'failed', 'cancelled'] as const;
export type JobStatus = (typeof jobStatuses)[number];

/** Statuses a job never leaves. */
export const FINISHED_STATUSES: readonly JobStatus[] = ['done', 'failed', 'cancelled'];

export interface Job {
  id: string;
  tenantId: string;
  /** Which handler runs it: `customer-import`, … */
  kind: string;
  status: JobStatus;
  /** The file it reads or writes, as the user named it. */
  fileName: string;
  /** What it was asked to do (the handler's options). */
  options: Record<string, unknown>;
  /** Where it is: the handler's checkpoint, committed with the work it describes. */
  state: Record<string, unknown>;
  /** Records to process; null until known. */
  total: number | null;
  processed: number;
  succeeded: number;
  failed: number;
  /** The handler's summary once done. */
  result: Record<string, unknown> | null;
  /** Why it failed. */
  error: string | null;
  /** Who started it (a user name). */
  createdBy: string | null;
  runnerId: string | null;
  leaseUntil: number | null;
  createdAt: number;
  updatedAt: number;
  startedAt: number | null;
  finishedAt: number | null;
}

/** What a job's progress is after a batch: absolute counts and the checkpoint, committed with the batch. */
export interface JobProgress {
  processed: number;
  succeeded: number;
  failed: number;
  total?: number | null;
  state?: Record<string, unknown>;
}

/** One record a job could not process: its line in the source and why. */
export interface JobError {
  line: number;
  reason: string;
  /** The record's cells as read. */
  cells: string[];
}

/** A job as clients see it: without the runner's bookkeeping, its private checkpoint or where its file lies on the server. */
export type PublicJob = Omit<Job, 'runnerId' | 'leaseUntil' | 'state'>;

export function publicJob(job: Job): PublicJob {
  const { runnerId: _runner, leaseUntil: _lease, state: _state, options, ...rest } = job;
  const { source: _source, ...visible } = options as { source?: unknown };
  return { ...rest, options: visible };
}
