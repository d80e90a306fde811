import { z } from 'zod';
import { parseOrThrow } from '../../errors/zod.js';
import { insertInBatches, TenantScopedRepository } from '../repository.js';
import { RowCodec, type Row } from '../row-codec.js';
import { afterPosition, decodeCursor, encodeCursor, pageLimitSchema } from './cursor.js';

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

type RecordRow = Omit<ContactRecord, 'packageId'> & { packageKey: string };
export type NewContactRecord = Omit<ContactRecord, 'id' | 'tenantId' | 'createdAt' | 'updatedAt' | 'qcRequired' | 'qcResult' | 'qcNotes' | 'qcFirstAt' | 'qcLastAt'>;

const querySchema = z.object({
  customerId: z.string().optional(),
  agentNumber: z.string().optional(),
  packageId: z.string().nullable().optional(),
  kind: z.enum(['call', 'submission']).optional(),
  limit: pageLimitSchema,
  cursor: z.string().optional(),
});

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

  async query(tenantId: string, options: z.input<typeof querySchema> = {}): Promise<{ items: ContactRecord[]; nextCursor: string | null }> {
    const q = parseOrThrow(querySchema, options, 'contact history query');
    const rows = (await this.run(() => {
      const query = this.scoped(tenantId);
      if (q.customerId) query.where('customer_id', q.customerId);
      if (q.agentNumber) query.where('agent_number', q.agentNumber);
      if (q.packageId !== undefined) query.where('package_key', q.packageId ?? '');
      if (q.kind) query.where('kind', q.kind);
      if (q.cursor) afterPosition(query, 'id', decodeCursor(q.cursor, 'string'), 'desc', 'created_at');
      return query.orderBy([{ column: 'created_at', order: 'desc' }, { column: 'id', order: 'desc' }]).limit(q.limit + 1);
    })) as Row[];
    const items = rows.slice(0, q.limit).map((row) => toRecord(this.codec.fromRow(row)));
    const last = items.at(-1);
    return { items, nextCursor: rows.length > q.limit && last ? encodeCursor({ at: last.createdAt, key: last.id }) : null };
  }
}

function toRecord({ packageKey, ...row }: RecordRow): ContactRecord {
  return { ...row, packageId: packageKey === '' ? null : packageKey };
}
