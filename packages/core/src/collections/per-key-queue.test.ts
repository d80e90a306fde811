import { describe, expect, it } from 'vitest';
import { PerKeyQueue } from './per-key-queue.js';

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('PerKeyQueue', () => {
  it('runs the tasks of one key one after another, in order, and other keys alongside', async () => {
    const queue = new PerKeyQueue();
    const log: string[] = [];
    const task = (name: string) => async () => {
      log.push(`${name} start`);
      await tick();
      log.push(`${name} end`);
      return name;
    };
    const results = await Promise.all([queue.run('a', task('a1')), queue.run('a', task('a2')), queue.run('b', task('b1'))]);
    expect(results).toEqual(['a1', 'a2', 'b1']);
    expect(log.indexOf('a1 end')).toBeLessThan(log.indexOf('a2 start'));
    // b did not wait for a.
    expect(log.indexOf('b1 start')).toBeLessThan(log.indexOf('a1 end'));
  });

  it('gives a failure to its caller only, runs the next task, and forgets idle keys', async () => {
    const queue = new PerKeyQueue();
    const failed = queue.run('a', async () => {
      throw new Error('boom');
    });
    const next = queue.run('a', async () => 'after');
    await expect(failed).rejects.toThrow('boom');
    await expect(next).resolves.toBe('after');
    await tick();
    expect(queue.busyKeys).toBe(0);
  });
});
