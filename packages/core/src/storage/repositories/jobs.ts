import type { Knex } from 'knex';
import type { Job, JobError, JobProgress, JobStatus } from '../../jobs/model.js';
import { orderedId } from '../ordered-id.js';
import { TenantScopedRepository } from '../repository.js';
import { RowCodec, type Row } from '../row-codec.js';
import { escapeLike } from './agents.js';

export interface NewJob {
  kind: string;
  fileName?: string;
  options: Record<string, unknown>;
  createdBy?: string | null;
  total?: number | null;
}

export interface JobListOptions {
  kind?: string;
  status?: JobStatus;
  /** The job's id or file name, in part (the page's global search). */
  search?: string;
  limit?: number;
  offset?: number;
}

/**
 * Background jobs and the records they could not process. Progress is written with the
 * work it reports, in the caller's transaction (`saveProgress(trx, …)`), and only by the
 * runner that holds the job: a job cancelled or taken over meanwhile refuses the write, so
 * the work of that batch rolls back with it.
 */
export class JobRepository extends TenantScopedRepository<Job> {
  protected readonly table = 'jobs';
  protected readonly entityName = 'Job';
  protected readonly codec = new RowCodec<Job>({
    id: 'text',
    tenantId: 'text',
    kind: 'text',
    status: 'text',
    fileName: 'text',
    options: 'json',
    state: 'json',
    total: 'number',
    processed: 'number',
    succeeded: 'number',
    failed: 'number',
    result: 'json',
    error: 'text',
    createdBy: 'text',
    runnerId: 'text',
    leaseUntil: 'number',
    createdAt: 'number',
    updatedAt: 'number',
    startedAt: 'number',
    finishedAt: 'number',
  });

  /** A queued job. Its id sorts by creation (UUID v7), so jobs created in the same millisecond still run in order. */
  async create(tenantId: string, input: NewJob): Promise<Job> {
    const now = this.ctx.clock.now();
    const job: Job = {
      id: orderedId(now),
      tenantId,
      kind: input.kind,
      status: 'queued',
      fileName: input.fileName ?? '',
      options: input.options,
      state: {},
      total: input.total ?? null,
      processed: 0,
      succeeded: 0,
      failed: 0,
      result: null,
      error: null,
      createdBy: input.createdBy ?? null,
      runnerId: null,
      leaseUntil: null,
      createdAt: now,
      updatedAt: now,
      startedAt: null,
      finishedAt: null,
    };
    await this.run(() => this.ctx.db(this.table).insert(this.codec.toRow(job)));
    return job;
  }

  get(tenantId: string, id: string): Promise<Job> {
    return this.getById(tenantId, id);
  }

  /** Any tenant's job by id: for the runner, which works for every tenant. */
  async findAnyById(id: string, db: Knex = this.ctx.db): Promise<Job | undefined> {
    const row = (await this.run(() => db(this.table).where('id', id).first())) as Row | undefined;
    return row === undefined ? undefined : this.codec.fromRow(row);
  }

  /** Newest first. */
  async list(tenantId: string, options: JobListOptions = {}): Promise<{ items: Job[]; total: number }> {
    const build = () => {
      const query = this.scoped(tenantId);
      if (options.kind) query.where('kind', options.kind);
      if (options.status) query.where('status', options.status);
      const search = options.search?.trim().toLowerCase();
      if (search) query.where((w) => w.where('id', search).orWhereRaw("lower(file_name) like ? escape '\\'", [`%${escapeLike(search)}%`]));
      return query;
    };
    const [rows, count] = (await Promise.all([
      this.run(() => build().orderBy([{ column: 'created_at', order: 'desc' }, { column: 'id', order: 'desc' }]).limit(options.limit ?? 100).offset(options.offset ?? 0)),
      this.run(() => build().count({ n: '*' }).first()),
    ])) as [Row[], { n: number | string } | undefined];
    return { items: rows.map((row) => this.codec.fromRow(row)), total: Number(count?.n ?? 0) };
  }

  /** Jobs a runner could take: queued ones, and running ones whose lease ran out (their runner is gone). Oldest first. */
  async claimable(kinds: readonly string[], now: number, limit = 10): Promise<Job[]> {
    if (kinds.length === 0) return [];
    const rows = (await this.run(() =>
      this.ctx
        .db(this.table)
        .whereIn('kind', [...kinds])
        .where((w) => w.where('status', 'queued').orWhere((r) => r.where('status', 'running').where('lease_until', '<', now)))
        .orderBy([{ column: 'created_at' }, { column: 'id' }])
        .limit(limit),
    )) as Row[];
    return rows.map((row) => this.codec.fromRow(row));
  }

  /** Takes the job if it is still claimable; true when this runner now holds it. */
  async claim(id: string, runnerId: string, now: number, leaseMs: number): Promise<boolean> {
    const updated = await this.run(() =>
      this.ctx
        .db(this.table)
        .where('id', id)
        .where((w) => w.where('status', 'queued').orWhere((r) => r.where('status', 'running').where('lease_until', '<', now)))
        .update({ status: 'running', runner_id: runnerId, lease_until: now + leaseMs, updated_at: now, started_at: this.ctx.db.raw('coalesce(started_at, ?)', [now]) }),
    );
    return updated === 1;
  }

  /**
   * Records progress in `db` (the transaction of the batch it reports), renewing the lease.
   * False when the runner no longer holds the job (cancelled, or taken over): roll back.
   */
  async saveProgress(db: Knex, id: string, runnerId: string, progress: JobProgress, now: number, leaseMs: number): Promise<boolean> {
    const values: Row = {
      processed: progress.processed,
      succeeded: progress.succeeded,
      failed: progress.failed,
      lease_until: now + leaseMs,
      updated_at: now,
    };
    if (progress.total !== undefined) values['total'] = progress.total;
    if (progress.state !== undefined) values['state'] = JSON.stringify(progress.state);
    const updated = await db(this.table).where({ id, runner_id: runnerId, status: 'running' }).update(values);
    return updated === 1;
  }

  /** Ends a job this runner holds: done or failed, with its summary or reason. */
  async finish(id: string, runnerId: string, status: 'done' | 'failed', now: number, outcome: { result?: Record<string, unknown>; error?: string }): Promise<boolean> {
    const updated = await this.run(() =>
      this.ctx
        .db(this.table)
        .where({ id, runner_id: runnerId, status: 'running' })
        .update({ status, result: outcome.result === undefined ? null : JSON.stringify(outcome.result), error: outcome.error ?? null, lease_until: null, updated_at: now, finished_at: now }),
    );
    return updated === 1;
  }

  /** Gives a job back to the queue (its runner is shutting down): the next runner continues from its checkpoint. */
  async release(id: string, runnerId: string, now: number): Promise<void> {
    await this.run(() => this.ctx.db(this.table).where({ id, runner_id: runnerId, status: 'running' }).update({ status: 'queued', runner_id: null, lease_until: null, updated_at: now }));
  }

  /** Cancels a job that has not finished; false when it had. */
  async cancel(tenantId: string, id: string, now: number): Promise<boolean> {
    await this.getById(tenantId, id);
    const updated = await this.run(() =>
      this.scoped(tenantId).where('id', id).whereIn('status', ['queued', 'running']).update({ status: 'cancelled', lease_until: null, updated_at: now, finished_at: now }),
    );
    return updated === 1;
  }

  /** Deletes a job and its errors. */
  async delete(tenantId: string, id: string): Promise<void> {
    await this.deleteOne(tenantId, id);
  }

  /** Records the lines a batch could not import, in the batch's transaction. A line recorded before is left as it is. */
  async addErrors(db: Knex, tenantId: string, jobId: string, errors: readonly JobError[]): Promise<void> {
    if (errors.length === 0) return;
    const rows = errors.map((e) => ({ tenant_id: tenantId, job_id: jobId, line: e.line, reason: e.reason, cells: JSON.stringify(e.cells) }));
    for (let i = 0; i < rows.length; i += 500) await db('job_errors').insert(rows.slice(i, i + 500)).onConflict(['job_id', 'line']).ignore();
  }

  /** Every error of a job by line, a page at a time: what the error file streams. */
  async *streamErrors(tenantId: string, jobId: string, pageSize = 2_000): AsyncIterable<JobError> {
    let after = -1;
    for (;;) {
      const rows = (await this.run(() =>
        this.ctx.db('job_errors').where({ tenant_id: tenantId, job_id: jobId }).where('line', '>', after).orderBy('line').limit(pageSize).select('line', 'reason', 'cells'),
      )) as Array<{ line: number | string; reason: string; cells: string }>;
      for (const row of rows) yield { line: Number(row.line), reason: row.reason, cells: JSON.parse(row.cells) as string[] };
      if (rows.length < pageSize) return;
      after = Number(rows.at(-1)!.line);
    }
  }

  async countErrors(tenantId: string, jobId: string): Promise<number> {
    const row = (await this.run(() => this.ctx.db('job_errors').where({ tenant_id: tenantId, job_id: jobId }).count({ n: '*' }).first())) as { n: number | string } | undefined;
    return Number(row?.n ?? 0);
  }
}
