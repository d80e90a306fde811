import { describe, expect, it } from 'vitest';
import { ConflictError, UnavailableError } from '../errors/errors.js';
import { silentLogger, type Logger } from '../logging/logger.js';
import { BatchWriter } from './batch-writer.js';

/** A logger that keeps its error and warning lines. */
function recordingLogger(): Logger & { lines: Array<{ level: string; fields: Record<string, unknown>; message: string }> } {
  const lines: Array<{ level: string; fields: Record<string, unknown>; message: string }> = [];
  const at = (level: string) => (fields: unknown, message?: unknown) => void lines.push({ level, fields: fields as Record<string, unknown>, message: String(message) });
  return { ...silentLogger, error: at('error'), warn: at('warn'), child: () => recordingLogger(), lines };
}

describe('BatchWriter', () => {
  it('hands everything appended to the sink in one batch, in order, and flush waits for it', async () => {
    const stored: number[][] = [];
    const writer = new BatchWriter<number>(async (items) => void stored.push(items), silentLogger, 'numbers');
    for (let i = 0; i < 5; i++) writer.append(i);
    expect(writer.pending).toBe(5);
    await writer.flush();
    expect(stored).toEqual([[0, 1, 2, 3, 4]]);
    expect(writer.pending).toBe(0);
  });

  it('a record the database refuses loses only itself: the batch is stored again record by record', async () => {
    const stored: string[] = [];
    const logger = recordingLogger();
    const writer = new BatchWriter<string>(
      async (items) => {
        if (items.includes('bad')) throw new ConflictError('duplicate key');
        stored.push(...items);
      },
      logger,
      'CDRs',
    );
    for (const item of ['a', 'bad', 'c']) writer.append(item);
    await writer.flush();
    expect(stored).toEqual(['a', 'c']);
    expect(logger.lines.filter((l) => l.level === 'error').map((l) => l.fields['record'])).toEqual(['bad']);
    expect(logger.lines.find((l) => l.level === 'warn')?.fields).toMatchObject({ count: 3, lost: 1 });
  });

  it('while the database is unavailable (locked, reconnecting) the batch is tried again, and lands once it is back', async () => {
    const stored: string[] = [];
    let failures = 2;
    const logger = recordingLogger();
    const writer = new BatchWriter<string>(
      async (items) => {
        if (failures-- > 0) throw new UnavailableError('SQLITE_BUSY');
        stored.push(...items);
      },
      logger,
      'CDRs',
    );
    for (const item of ['a', 'b']) writer.append(item);
    const flushed = writer.flush();
    // Appended while the first batch waits: written after it, in order.
    writer.append('c');
    await flushed;
    await writer.flush();
    expect(stored).toEqual(['a', 'b', 'c']);
    expect(logger.lines.map((l) => l.level)).toEqual(['warn', 'warn']);
  });

  it('with the database away for good the batch is given up after ~2 s of tries, not tried record by record: one loud line', async () => {
    let calls = 0;
    const logger = recordingLogger();
    const writer = new BatchWriter<string>(
      async () => {
        calls++;
        throw new UnavailableError('the database is not reachable');
      },
      logger,
      'CDRs',
    );
    for (const item of ['a', 'b', 'c']) writer.append(item);
    await writer.flush();
    expect(calls).toBe(4);
    expect(logger.lines.filter((l) => l.level === 'error')).toMatchObject([{ fields: { count: 3 }, message: 'CDRs could not be stored' }]);
  });
});
