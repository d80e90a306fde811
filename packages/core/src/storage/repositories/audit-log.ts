import { z } from 'zod';
import { parseOrThrow } from '../../errors/zod.js';
import { TenantScopedRepository, type TenantScope } from '../repository.js';
import { RowCodec, type Row } from '../row-codec.js';

/** One thing someone did: who (actor), what (action) to which resource, when and from where. */
export interface AuditEntry {
  id: string;
  /** The tenant acted upon; null for platform-level actions. */
  tenantId: string | null;
  /** `user`, `api_key`, `system` … */
  actorType: string;
  actorId: string;
  /** e.g. `user.create`, `tenant.login_as`. */
  action: string;
  resource: string;
  resourceId: string | null;
  details: Record<string, unknown> | null;
  ip: string | null;
  /** Epoch ms. */
  at: number;
}

export interface NewAuditEntry {
  tenantId: string | null;
  actorType: string;
  actorId: string;
  action: string;
  resource: string;
  resourceId?: string | null;
  details?: Record<string, unknown> | null;
  ip?: string | null;
  /** Default: the clock's now. */
  at?: number;
}

export interface AuditListOptions {
  /** 1-1000, default 100. */
  limit?: number;
  /** Only entries strictly before this time (epoch ms): the next page after the last `at` seen. */
  before?: number;
}

const text = (max: number) => z.string().trim().min(1, 'required').max(max);

const newEntrySchema = z.object({
  tenantId: z.string().min(1).nullable(),
  actorType: text(32),
  actorId: text(64),
  action: text(200),
  resource: text(100),
  resourceId: z.string().max(128).nullable().default(null),
  details: z.record(z.string(), z.unknown()).nullable().default(null),
  ip: z.string().max(64).nullable().default(null),
  at: z.number().int().nonnegative().optional(),
});

const listSchema = z.object({
  limit: z.number().int().min(1).max(1000).default(100),
  before: z.number().int().optional(),
});

/** Append-only: there is no update; entries are read newest first. */
export class AuditLogRepository extends TenantScopedRepository<AuditEntry, TenantScope> {
  protected readonly table = 'audit_log';
  protected readonly entityName = 'Audit entry';
  protected readonly codec = new RowCodec<AuditEntry>({
    id: 'text',
    tenantId: 'text',
    actorType: 'text',
    actorId: 'text',
    action: 'text',
    resource: 'text',
    resourceId: 'text',
    details: 'json',
    ip: 'text',
    at: 'number',
  });

  async append(entry: NewAuditEntry): Promise<AuditEntry> {
    const { tenantId, at, ...values } = parseOrThrow(newEntrySchema, entry, 'audit entry');
    return this.insertOne(tenantId, { ...values, at: at ?? this.ctx.clock.now() });
  }

  /** Newest first. `tenantId` null lists platform-level entries. */
  async list(tenantId: TenantScope, options: AuditListOptions = {}): Promise<AuditEntry[]> {
    const { limit, before } = parseOrThrow(listSchema, options, 'audit list options');
    const rows = (await this.run(() => {
      const query = this.scoped(tenantId).orderBy([
        { column: 'at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ]);
      if (before !== undefined) query.where('at', '<', before);
      return query.limit(limit);
    })) as Row[];
    return rows.map((row) => this.codec.fromRow(row));
  }
}
