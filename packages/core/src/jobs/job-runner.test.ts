import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors/errors.js';
import { storageTargets, useStorage } from '../storage/test-support.js';
import { JobInterrupted, JobRunner, type JobContext } from './job-runner.js';
import type { Job } from './model.js';

describe.each(storageTargets())('job runner on $name', (target) => {
  const db = useStorage(target, { tenants: ['a', 'b'] });

  it('runs queued jobs one at a time in order, with status and progress events, results and failures', async () => {
    const runner = new JobRunner({ storage: db.storage, clock: db.clock, pollMs: 0 });
    const order: string[] = [];
    const seen: Array<[string, string, number]> = [];
    runner.events.on('job.status', (job) => seen.push([job.fileName, job.status, job.processed]));
    runner.events.on('job.progress', (job) => seen.push([job.fileName, 'progress', job.processed]));
    runner.register('count', {
      async run(job: Job, context: JobContext) {
        order.push(job.fileName);
        if (job.fileName === 'bad') throw new ValidationError('the file has no rows');
        if (job.fileName === 'bug') throw new Error('oops');
        for (let n = 1; n <= 2; n++) await context.commit(async (trx) => {
          await trx('jobs').where('id', job.id).select('id');
          return { processed: n, succeeded: n, failed: 0, total: 2, state: { at: n } };
        });
        return { counted: 2 };
      },
    });
    const first = await runner.enqueue(db.tenants.a, { kind: 'count', fileName: 'one', options: {} });
    await runner.enqueue(db.tenants.a, { kind: 'count', fileName: 'bad', options: {} });
    await runner.enqueue(db.tenants.b, { kind: 'count', fileName: 'bug', options: {} });
    await runner.enqueue(db.tenants.a, { kind: 'other', fileName: 'nobody runs me', options: {} });
    await runner.start();
    await runner.idle();
    await runner.close();
    expect(order).toEqual(['one', 'bad', 'bug']);
    expect(await db.storage.jobs.get(db.tenants.a, first.id)).toMatchObject({ status: 'done', total: 2, processed: 2, succeeded: 2, state: { at: 2 }, result: { counted: 2 }, runnerId: runner.id, leaseUntil: null });
    const jobs = (await db.storage.jobs.list(db.tenants.a)).items;
    expect(jobs.map((j) => [j.fileName, j.status, j.error])).toEqual([
      ['nobody runs me', 'queued', null],
      ['bad', 'failed', 'the file has no rows'],
      ['one', 'done', null],
    ]);
    expect((await db.storage.jobs.list(db.tenants.b)).items[0]).toMatchObject({ status: 'failed', error: 'Internal error' });
    expect(seen.filter(([name]) => name === 'one')).toEqual([
      ['one', 'queued', 0],
      ['one', 'running', 0],
      ['one', 'progress', 1],
      ['one', 'progress', 2],
      ['one', 'done', 2],
    ]);
    // The list searches by file name and filters by status.
    expect((await db.storage.jobs.list(db.tenants.a, { search: 'BAD' })).items.map((j) => j.fileName)).toEqual(['bad']);
    expect((await db.storage.jobs.list(db.tenants.a, { status: 'queued' })).total).toBe(1);
  });

  it('takes over a job whose runner vanished once its lease ran out; the old runner can no longer commit', async () => {
    const started: string[] = [];
    let release: (() => void) | undefined;
    const blocked = new Promise<void>((resolve) => (release = resolve));
    const handler = (name: string) => ({
      async run(job: Job, context: JobContext) {
        started.push(name);
        if (name === 'first') await blocked;
        await context.commit(async () => ({ processed: 1, succeeded: 1, failed: 0 }));
      },
    });
    const first = new JobRunner({ storage: db.storage, clock: db.clock, pollMs: 0, leaseMs: 60_000 });
    first.register('work', handler('first'));
    const job = await first.enqueue(db.tenants.a, { kind: 'work', options: {} });
    await first.start({ takeOver: false });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(started).toEqual(['first']);

    const second = new JobRunner({ storage: db.storage, clock: db.clock, pollMs: 0, leaseMs: 60_000 });
    second.register('work', handler('second'));
    await second.start({ takeOver: false });
    await second.idle();
    expect(started).toEqual(['first']); // the lease still holds
    await db.clock.advance(61_000);
    await second.close();
    const third = new JobRunner({ storage: db.storage, clock: db.clock, pollMs: 0, leaseMs: 60_000 });
    third.register('work', handler('third'));
    await third.start({ takeOver: false });
    await third.idle();
    expect(started).toEqual(['first', 'third']);
    expect(await db.storage.jobs.get(db.tenants.a, job.id)).toMatchObject({ status: 'done', runnerId: third.id, processed: 1 });
    // The first runner wakes up: its commit is refused and it records nothing.
    const statuses: string[] = [];
    first.events.on('job.status', (j) => statuses.push(j.status));
    release!();
    await new Promise((resolve) => setTimeout(resolve, 100));
    await first.close();
    expect(await db.storage.jobs.get(db.tenants.a, job.id)).toMatchObject({ status: 'done', runnerId: third.id, processed: 1 });
    await third.close();
    expect(new JobInterrupted('x').message).toContain('x');
  });
});
