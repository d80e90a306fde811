import { z } from 'zod';
import { queueLogEventNames, type QueueLogEntry } from '../../acd/records.js';
import { parseOrThrow } from '../../errors/zod.js';
import { withStorageErrors } from '../db-errors.js';
import { insertInBatches, type RepositoryContext } from '../repository.js';
import type { Row } from '../row-codec.js';
import { afterPosition, decodeCursor, encodeCursor, pageLimitSchema, withinTime, type LogPosition } from './cursor.js';

/** What the engine writes; the database numbers entries in insert order (that number is the id). */
export type NewQueueLogEntry = Omit<QueueLogEntry, 'id' | 'tenantId'>;

export interface QueueLogQuery {
  /** A group number. */
  queue?: string;
  /** Epoch ms, inclusive. */
  from?: number;
  /** Epoch ms, exclusive. */
  to?: number;
  /** 1-1000, default 100. */
  limit?: number;
  /** The `nextCursor` of the previous page. */
  cursor?: string;
}

export interface QueueLogPage {
  /** Newest first. */
  items: QueueLogEntry[];
  nextCursor: string | null;
}

/** Asterisk's queue_log has five data fields. */
const DATA_FIELDS = 5;
const DATA_COLUMNS = ['data1', 'data2', 'data3', 'data4', 'data5'] as const;
/** Rows per page of `stream`: large enough to amortise a round trip, small enough to hold. */
const STREAM_PAGE = 1000;

const field = (max: number) => z.string().min(1).max(max);
const entrySchema = z.object({
  at: z.number().int().nonnegative(),
  callId: field(128),
  queue: field(64),
  agent: field(64),
  event: z.enum(queueLogEventNames),
  data: z.array(z.string()).max(DATA_FIELDS),
});

const querySchema = z.object({
  queue: z.string().optional(),
  from: z.number().int().optional(),
  to: z.number().int().optional(),
  limit: pageLimitSchema,
  cursor: z.string().optional(),
});
const rangeSchema = querySchema.pick({ from: true, to: true });

/**
 * The Asterisk-compatible queue log. Entries are ordered by (at, seq): `seq` is the
 * database's insert counter, so entries of one millisecond keep the order the one writer
 * of the tenant gave them, which the file export and reporting tools rely on.
 */
export class QueueLogRepository {
  private readonly table = 'queue_log';

  constructor(private readonly ctx: RepositoryContext) {}

  /** Appends entries in order, in batched statements, all or none; returns how many. */
  async insertMany(tenantId: string, entries: Iterable<NewQueueLogEntry> | AsyncIterable<NewQueueLogEntry>): Promise<number> {
    return withStorageErrors(() => insertInBatches(this.ctx.db, this.ctx.dialect, this.table, toRows(tenantId, entries)));
  }

  /** A page of entries, newest first, for the queue log page and the API. */
  async query(tenantId: string, options: QueueLogQuery = {}): Promise<QueueLogPage> {
    const { queue, from, to, limit, cursor } = parseOrThrow(querySchema, options, 'queue log query');
    const rows = (await withStorageErrors(() => {
      const query = withinTime(this.scoped(tenantId), from, to);
      if (queue !== undefined) query.where('queue', queue);
      if (cursor !== undefined) afterPosition(query, 'seq', decodeCursor(cursor, 'number'), 'desc');
      return query.orderBy([{ column: 'at', order: 'desc' }, { column: 'seq', order: 'desc' }]).limit(limit + 1);
    })) as Row[];
    const items = rows.slice(0, limit).map(fromRow);
    const last = rows[limit - 1];
    return { items, nextCursor: rows.length > limit && last ? encodeCursor(positionOf(last)) : null };
  }

  /**
   * Every entry of the range in time order, read a page at a time (never the whole table):
   * the source of the Asterisk `queue_log` file export (`formatQueueLogLine`).
   */
  async *stream(tenantId: string, options: { from?: number; to?: number } = {}): AsyncIterable<QueueLogEntry> {
    const { from, to } = parseOrThrow(rangeSchema, options, 'queue log range');
    let after: LogPosition | undefined;
    for (;;) {
      const rows = (await withStorageErrors(() => {
        const query = withinTime(this.scoped(tenantId), from, to);
        if (after !== undefined) afterPosition(query, 'seq', after, 'asc');
        return query.orderBy([{ column: 'at' }, { column: 'seq' }]).limit(STREAM_PAGE);
      })) as Row[];
      for (const row of rows) yield fromRow(row);
      const last = rows.at(-1);
      if (last === undefined || rows.length < STREAM_PAGE) return;
      after = positionOf(last);
    }
  }

  private scoped(tenantId: string) {
    return this.ctx.db(this.table).where('tenant_id', tenantId);
  }
}

async function* toRows(tenantId: string, entries: Iterable<NewQueueLogEntry> | AsyncIterable<NewQueueLogEntry>): AsyncIterable<Row> {
  let index = 0;
  for await (const entry of entries) {
    const value = parseOrThrow(entrySchema, entry, 'queue log entry', `entries.${index}`);
    const row: Row = { tenant_id: tenantId, at: value.at, call_id: value.callId, queue: value.queue, agent: value.agent, event: value.event };
    // Every row names every data column (NULL past the entry's last field): see insertInBatches.
    DATA_COLUMNS.forEach((column, i) => (row[column] = value.data[i] ?? null));
    yield row;
    index += 1;
  }
}

function fromRow(row: Row): QueueLogEntry {
  const data: string[] = [];
  for (const column of DATA_COLUMNS) {
    const value = row[column];
    if (value === null || value === undefined) break;
    data.push(String(value));
  }
  return {
    id: String(row.seq),
    tenantId: String(row.tenant_id),
    at: Number(row.at),
    callId: String(row.call_id),
    queue: String(row.queue),
    agent: String(row.agent),
    event: row.event as QueueLogEntry['event'],
    data,
  };
}

function positionOf(row: Row): LogPosition {
  return { at: Number(row.at), key: Number(row.seq) };
}
