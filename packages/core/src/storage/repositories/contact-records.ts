import type { Knex } from 'knex';
import { z } from 'zod';
import { NotFoundError } from '../../errors/errors.js';
import { parseOrThrow } from '../../errors/zod.js';
import { insertInBatches, TenantScopedRepository } from '../repository.js';
import { RowCodec, type Row } from '../row-codec.js';
import { withoutClosedPackages } from './customer-packages.js';
import { afterPosition, decodeCursor, encodeCursor, pageLimitSchema, withinTime } from './cursor.js';

export interface ContactRecord {
  id: string;
  tenantId: string;
  packageId: string | null;
  customerId: string;
  /** call: written when an agent connected with the customer; submission: the agent saved a result. */
  kind: 'call' | 'submission';
  callId: string | null;
  agentNumber: string | null;
  phoneNumber: string | null;
  callStatus: 'answered' | 'unanswered' | null;
  callResultId: string | null;
  funnelStageId: string | null;
  /** The stage's score when submitted: above 0 is a success. */
  score: number | null;
  notes: string | null;
  dataSourceId: string | null;
  appointmentAt: number | null;
  qcRequired: boolean;
  qcResult: string | null;
  qcNotes: string | null;
  qcFirstAt: number | null;
  qcLastAt: number | null;
  createdAt: number;
  updatedAt: number;
}

/** A record as the contact history page lists it: with its customer's name. */
export interface ContactHistoryEntry extends ContactRecord {
  customerName: string;
}

type RecordRow = Omit<ContactRecord, 'packageId'> & { packageKey: string };
export type NewContactRecord = Omit<ContactRecord, 'id' | 'tenantId' | 'createdAt' | 'updatedAt' | 'qcRequired' | 'qcResult' | 'qcNotes' | 'qcFirstAt' | 'qcLastAt'>;

/** The contact history page's filters (§3.3.5). */
export const contactRecordFilterSchema = z.object({
  customerId: z.string().min(1).optional(),
  /** The agent who made the call or the submission. */
  agentNumber: z.string().min(1).optional(),
  /** A package; null: the default package; absent: every package. */
  packageId: z.string().min(1).nullable().optional(),
  kind: z.enum(['call', 'submission']).optional(),
  callId: z.string().min(1).optional(),
  callStatus: z.enum(['answered', 'unanswered']).optional(),
  callResultId: z.string().min(1).optional(),
  funnelStageId: z.string().min(1).optional(),
  dataSourceId: z.string().min(1).optional(),
  /** Created at or after (epoch ms, inclusive). */
  from: z.number().int().optional(),
  /** Created before (epoch ms, exclusive). */
  to: z.number().int().optional(),
  /** An agent's own view: records of the customers allocated to this agent, and this agent's own calls and submissions. */
  visibleTo: z.string().min(1).optional(),
});
export type ContactRecordFilter = z.input<typeof contactRecordFilterSchema>;
const querySchema = contactRecordFilterSchema.extend({ limit: pageLimitSchema, cursor: z.string().optional() });

const STREAM_PAGE = 1000;

/** Contact records (manual §3.3.5): a customer's history with the center, newest first. */
export class ContactRecordRepository extends TenantScopedRepository<RecordRow> {
  protected readonly table = 'contact_records';
  protected readonly entityName = 'Contact record';
  protected readonly codec = new RowCodec<RecordRow>({
    id: 'text',
    tenantId: 'text',
    packageKey: 'text',
    customerId: 'text',
    kind: 'text',
    callId: 'text',
    agentNumber: 'text',
    phoneNumber: 'text',
    callStatus: 'text',
    callResultId: 'text',
    funnelStageId: 'text',
    score: 'number',
    notes: 'text',
    dataSourceId: 'text',
    appointmentAt: 'number',
    qcRequired: 'boolean',
    qcResult: 'text',
    qcNotes: 'text',
    qcFirstAt: 'number',
    qcLastAt: 'number',
    createdAt: 'number',
    updatedAt: 'number',
  });

  async add(tenantId: string, record: NewContactRecord): Promise<ContactRecord> {
    const { packageId, ...rest } = record;
    return toRecord(await this.insertOne(tenantId, { ...rest, packageKey: packageId ?? '', qcRequired: false, qcResult: null, qcNotes: null, qcFirstAt: null, qcLastAt: null }));
  }

  /**
   * Many records of one tenant in batched statements (the connected-call recorder). `createdAt`
   * (default now) dates records brought from elsewhere: a migrated history, the demo's.
   */
  async addMany(tenantId: string, records: ReadonlyArray<NewContactRecord & { createdAt?: number }>): Promise<number> {
    const now = this.ctx.clock.now();
    const rows = records.map(({ packageId, createdAt, ...rest }) =>
      this.codec.toRow({
        ...rest,
        id: this.ctx.newId(),
        tenantId,
        packageKey: packageId ?? '',
        qcRequired: false,
        qcResult: null,
        qcNotes: null,
        qcFirstAt: null,
        qcLastAt: null,
        createdAt: createdAt ?? now,
        updatedAt: createdAt ?? now,
      }),
    );
    return this.run(() => insertInBatches(this.ctx.db, this.ctx.dialect, this.table, rows));
  }

  async get(tenantId: string, id: string, filter: Pick<ContactRecordFilter, 'visibleTo'> = {}): Promise<ContactHistoryEntry> {
    const row = (await this.run(() => this.filtered(tenantId, parseOrThrow(contactRecordFilterSchema, filter, 'contact record filter')).where('r.id', id).first())) as Row | undefined;
    if (!row) throw new NotFoundError(this.entityName, id);
    return this.entry(row);
  }

  /** A page, newest first, with an opaque cursor for the next. */
  async query(tenantId: string, options: z.input<typeof querySchema> = {}): Promise<{ items: ContactHistoryEntry[]; nextCursor: string | null }> {
    const { limit, cursor, ...filter } = parseOrThrow(querySchema, options, 'contact history query');
    const rows = (await this.run(() => {
      const query = this.filtered(tenantId, filter);
      if (cursor) afterPosition(query, 'r.id', decodeCursor(cursor, 'string'), 'desc', 'r.created_at');
      return query.orderBy([{ column: 'r.created_at', order: 'desc' }, { column: 'r.id', order: 'desc' }]).limit(limit + 1);
    })) as Row[];
    const items = rows.slice(0, limit).map((row) => this.entry(row));
    const last = items.at(-1);
    return { items, nextCursor: rows.length > limit && last ? encodeCursor({ at: last.createdAt, key: last.id }) : null };
  }

  /** How many records an export of `filter` covers: those created up to `until`. */
  async countFor(tenantId: string, filter: ContactRecordFilter, until: number): Promise<number> {
    const parsed = parseOrThrow(contactRecordFilterSchema, filter, 'contact record filter');
    const row = (await this.run(() => this.filtered(tenantId, parsed, false).where('r.created_at', '<=', until).count({ total: '*' }).first())) as { total: number | string } | undefined;
    return Number(row?.total ?? 0);
  }

  /** Every record `filter` finds that was created up to `until`, oldest first, read by keyset a page at a time: an export's source. */
  async *stream(tenantId: string, filter: ContactRecordFilter, until: number, pageSize = STREAM_PAGE): AsyncIterable<ContactHistoryEntry> {
    const parsed = parseOrThrow(contactRecordFilterSchema, filter, 'contact record filter');
    let after: { at: number; key: string } | undefined;
    for (;;) {
      const rows = (await this.run(() => {
        const query = this.filtered(tenantId, parsed).where('r.created_at', '<=', until);
        if (after) afterPosition(query, 'r.id', after, 'asc', 'r.created_at');
        return query.orderBy([{ column: 'r.created_at' }, { column: 'r.id' }]).limit(pageSize);
      })) as Row[];
      const entries = rows.map((row) => this.entry(row));
      yield* entries;
      const last = entries.at(-1);
      if (!last || rows.length < pageSize) return;
      after = { at: last.createdAt, key: last.id };
    }
  }

  /**
   * The records with their customer (the foreign key cascades: every record has one), filtered;
   * none of a closed package, nor of a customer in one (§3.2.2: hidden until it is reopened).
   */
  private filtered(tenantId: string, filter: z.output<typeof contactRecordFilterSchema>, select = true): Knex.QueryBuilder {
    const query = withinTime(this.ctx.db('contact_records as r').join('customers as c', 'c.id', 'r.customer_id').where('r.tenant_id', tenantId), filter.from, filter.to, 'r.created_at');
    withoutClosedPackages(query, this.ctx.db, tenantId, 'r.package_key');
    withoutClosedPackages(query, this.ctx.db, tenantId, 'c.package_key');
    if (select) query.select('r.*', 'c.name as customer_name');
    const exact = {
      customerId: 'r.customer_id',
      agentNumber: 'r.agent_number',
      kind: 'r.kind',
      callId: 'r.call_id',
      callStatus: 'r.call_status',
      callResultId: 'r.call_result_id',
      funnelStageId: 'r.funnel_stage_id',
      dataSourceId: 'r.data_source_id',
    } as const;
    for (const [key, column] of Object.entries(exact)) {
      const value = filter[key as keyof typeof exact];
      if (value !== undefined) query.where(column, value);
    }
    if (filter.packageId !== undefined) query.where('r.package_key', filter.packageId ?? '');
    if (filter.visibleTo !== undefined) {
      const agent = filter.visibleTo;
      query.where((q) => q.where('c.agent_number', agent).orWhere('r.agent_number', agent));
    }
    return query;
  }

  private entry(row: Row): ContactHistoryEntry {
    return { ...toRecord(this.codec.fromRow(row)), customerName: String(row['customer_name'] ?? '') };
  }
}

function toRecord({ packageKey, ...row }: RecordRow): ContactRecord {
  return { ...row, packageId: packageKey === '' ? null : packageKey };
}
