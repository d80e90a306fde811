import { z } from 'zod';
import { callTypes, hangupReasons, type CallDetailRecord } from '../../routing/cdr.js';
import { parseOrThrow } from '../../errors/zod.js';
import { withStorageErrors } from '../db-errors.js';
import { insertInBatches, type RepositoryContext } from '../repository.js';
import { RowCodec, type Row } from '../row-codec.js';
import { afterPosition, decodeCursor, encodeCursor, pageLimitSchema, withinTime } from './cursor.js';

const codec = new RowCodec<CallDetailRecord>({
  id: 'text',
  tenantId: 'text',
  callId: 'text',
  callType: 'text',
  direction: 'text',
  originalCallerNumber: 'text',
  originalCallerName: 'text',
  callerNumber: 'text',
  callerName: 'text',
  originalAccessNumber: 'text',
  accessNumber: 'text',
  originalCalledNumber: 'text',
  calledNumber: 'text',
  didId: 'text',
  didName: 'text',
  agentNumber: 'text',
  groupNumber: 'text',
  department: 'text',
  taskId: 'text',
  customerPackageId: 'text',
  weekday: 'number',
  holiday: 'boolean',
  hour: 'number',
  startedAt: 'number',
  answeredAt: 'number',
  endedAt: 'number',
  ringMs: 'number',
  talkMs: 'number',
  totalMs: 'number',
  holdCount: 'number',
  holdMs: 'number',
  dtmfInput: 'text',
  transferType: 'text',
  transferredTo: 'text',
  hangupReason: 'text',
  hangupParty: 'text',
  sipCode: 'number',
  sipDescription: 'text',
  route: 'json',
});

export const cdrFilterSchema = z.object({
  /** Part of any of the numbers (original or shown caller, access, called). */
  number: z.string().trim().regex(/^\+?[0-9]{1,20}$/).optional(),
  agentNumber: z.string().optional(),
  groupNumber: z.string().optional(),
  didId: z.string().optional(),
  department: z.string().optional(),
  taskId: z.string().optional(),
  callType: z.enum(callTypes).optional(),
  hangupReason: z.enum(hangupReasons).optional(),
  /** started at or after (epoch ms, inclusive) */
  from: z.number().int().optional(),
  /** started before (epoch ms, exclusive) */
  to: z.number().int().optional(),
});
export type CdrFilter = z.input<typeof cdrFilterSchema>;
const querySchema = cdrFilterSchema.extend({ limit: pageLimitSchema, cursor: z.string().optional() });

const STREAM_PAGE = 1000;

/** Call detail records (manual §3.3.4): one per call, searchable, exported page by page. */
export class CdrRepository {
  private readonly table = 'cdrs';

  constructor(private readonly ctx: RepositoryContext) {}

  /** Batched: the routing engine writes the CDRs of many ended calls in one statement. */
  async insertMany(records: readonly CallDetailRecord[]): Promise<number> {
    return withStorageErrors(() => insertInBatches(this.ctx.db, this.ctx.dialect, this.table, records.map((r) => codec.toRow(r))));
  }

  async findByCallId(tenantId: string, callId: string): Promise<CallDetailRecord | undefined> {
    const row = (await withStorageErrors(() => this.ctx.db(this.table).where({ tenant_id: tenantId, call_id: callId }).first())) as Row | undefined;
    return row ? codec.fromRow(row) : undefined;
  }

  /** A page, newest first, with an opaque cursor for the next. */
  async query(tenantId: string, options: z.input<typeof querySchema> = {}): Promise<{ items: CallDetailRecord[]; nextCursor: string | null }> {
    const { limit, cursor, ...filter } = parseOrThrow(querySchema, options, 'call history query');
    const rows = (await withStorageErrors(() => {
      const query = this.filtered(tenantId, filter);
      if (cursor !== undefined) afterPosition(query, 'id', decodeCursor(cursor, 'string'), 'desc', 'started_at');
      return query.orderBy([{ column: 'started_at', order: 'desc' }, { column: 'id', order: 'desc' }]).limit(limit + 1);
    })) as Row[];
    const items = rows.slice(0, limit).map((row) => codec.fromRow(row));
    const last = items.at(-1);
    return { items, nextCursor: rows.length > limit && last ? encodeCursor({ at: last.startedAt, key: last.id }) : null };
  }

  /** Every matching record, oldest first, read a page at a time: the CSV export's source. */
  async *stream(tenantId: string, options: CdrFilter = {}): AsyncIterable<CallDetailRecord> {
    const filter = parseOrThrow(cdrFilterSchema, options, 'call history filter');
    let after: { at: number; key: string } | undefined;
    for (;;) {
      const rows = (await withStorageErrors(() => {
        const query = this.filtered(tenantId, filter);
        if (after) afterPosition(query, 'id', after, 'asc', 'started_at');
        return query.orderBy([{ column: 'started_at' }, { column: 'id' }]).limit(STREAM_PAGE);
      })) as Row[];
      for (const row of rows) yield codec.fromRow(row);
      const last = rows.at(-1);
      if (!last || rows.length < STREAM_PAGE) return;
      after = { at: Number(last.started_at), key: String(last.id) };
    }
  }

  /** The agent who last talked with this caller (for "last agent first"), from the newest answered call. */
  async lastAgentOf(tenantId: string, callerNumber: string): Promise<string | undefined> {
    const row = (await withStorageErrors(() =>
      this.ctx
        .db(this.table)
        .where({ tenant_id: tenantId, original_caller_number: callerNumber })
        .whereNotNull('agent_number')
        .whereNotNull('answered_at')
        .orderBy('started_at', 'desc')
        .first('agent_number'),
    )) as { agent_number: string } | undefined;
    return row?.agent_number;
  }

  /** A DID's incoming calls and answered minutes in [from, to), and its last use. */
  async didUsage(tenantId: string, didIds: readonly string[], from: number, to: number): Promise<Map<string, { calls: number; talkMs: number; lastUsedAt: number | null }>> {
    const usage = new Map(didIds.map((id) => [id, { calls: 0, talkMs: 0, lastUsedAt: null as number | null }]));
    if (didIds.length === 0) return usage;
    const month = (await withStorageErrors(() =>
      withinTime(this.ctx.db(this.table).where('tenant_id', tenantId).whereIn('did_id', didIds), from, to, 'started_at')
        .groupBy('did_id')
        .select('did_id', this.ctx.db.raw('count(*) as calls'), this.ctx.db.raw('coalesce(sum(talk_ms), 0) as talk_ms')),
    )) as Array<{ did_id: string; calls: number | string; talk_ms: number | string }>;
    for (const row of month) Object.assign(usage.get(row.did_id)!, { calls: Number(row.calls), talkMs: Number(row.talk_ms) });
    const last = (await withStorageErrors(() =>
      this.ctx.db(this.table).where('tenant_id', tenantId).whereIn('did_id', didIds).groupBy('did_id').select('did_id', this.ctx.db.raw('max(started_at) as last')),
    )) as Array<{ did_id: string; last: number | string | null }>;
    for (const row of last) usage.get(row.did_id)!.lastUsedAt = row.last === null ? null : Number(row.last);
    return usage;
  }

  private filtered(tenantId: string, filter: z.output<typeof cdrFilterSchema>) {
    const query = withinTime(this.ctx.db(this.table).where('tenant_id', tenantId), filter.from, filter.to, 'started_at');
    const exact = { agentNumber: 'agent_number', groupNumber: 'group_number', didId: 'did_id', department: 'department', taskId: 'task_id', callType: 'call_type', hangupReason: 'hangup_reason' } as const;
    for (const [key, column] of Object.entries(exact)) {
      const value = filter[key as keyof typeof exact];
      if (value !== undefined) query.where(column, value);
    }
    if (filter.number !== undefined) {
      const like = `%${filter.number}%`;
      query.where((q) => q.where('original_caller_number', 'like', like).orWhere('caller_number', 'like', like).orWhere('access_number', 'like', like).orWhere('called_number', 'like', like));
    }
    return query;
  }
}
