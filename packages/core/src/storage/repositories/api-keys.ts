import { z } from 'zod';
import { ConflictError, NotFoundError } from '../../errors/errors.js';
import { parseOrThrow } from '../../errors/zod.js';
import { TenantScopedRepository, type TenantScope } from '../repository.js';
import { RowCodec, type Row } from '../row-codec.js';

/**
 * A key an integration authenticates with. The key is `prefix` + secret: the prefix finds
 * the row, the secret is checked against `secretHash`. Generating and hashing keys is the
 * server's job; storage keeps what it is given.
 */
export interface ApiKey {
  id: string;
  /** The owning user's tenant (null for a platform user's key). */
  tenantId: string | null;
  userId: string;
  name: string;
  prefix: string;
  secretHash: string;
  createdAt: number;
  lastUsedAt: number | null;
  expiresAt: number | null;
  revokedAt: number | null;
}

export interface NewApiKey {
  userId: string;
  name: string;
  prefix: string;
  secretHash: string;
  /** Epoch ms; default never. */
  expiresAt?: number | null;
}

const newApiKeySchema = z.object({
  userId: z.string().min(1, 'required'),
  name: z.string().trim().min(1, 'required').max(200),
  prefix: z.string().regex(/^[A-Za-z0-9_-]{4,64}$/, 'use 4-64 letters, digits, "_" or "-"'),
  secretHash: z.string().min(1, 'required'),
  expiresAt: z.number().int().positive().nullable().default(null),
});

/** Writing last_used_at on every request would make each read a write; once a minute is enough to show activity. */
const DEFAULT_TOUCH_INTERVAL_MS = 60_000;

export class ApiKeyRepository extends TenantScopedRepository<ApiKey, TenantScope> {
  protected readonly table = 'api_keys';
  protected readonly entityName = 'API key';
  protected readonly codec = new RowCodec<ApiKey>({
    id: 'text',
    tenantId: 'text',
    userId: 'text',
    name: 'text',
    prefix: 'text',
    secretHash: 'text',
    createdAt: 'number',
    lastUsedAt: 'number',
    expiresAt: 'number',
    revokedAt: 'number',
  });

  /** The user must belong to `tenantId` (or be a platform user when it is null), else NotFoundError. */
  async create(tenantId: TenantScope, input: NewApiKey): Promise<ApiKey> {
    const values = parseOrThrow(newApiKeySchema, input, 'API key');
    const owner = await this.run(() => this.scopedUsers(tenantId).where('id', values.userId).first('id'));
    if (owner === undefined) throw new NotFoundError('User', values.userId);
    return this.insertOne(
      tenantId,
      { ...values, lastUsedAt: null, revokedAt: null },
      {
        conflict: (cause) => new ConflictError('An API key with this prefix already exists', { cause, details: { field: 'prefix' } }),
        // The user was deleted between the check and the insert.
        missingReference: (cause) => new NotFoundError('User', values.userId, { cause }),
      },
    );
  }

  /**
   * The authentication lookup, by the key's public prefix. Deliberately not scoped: the
   * tenant is not known until the key is found. Revoked and expired keys are returned too;
   * the caller checks `revokedAt` / `expiresAt`.
   */
  async findByPrefix(prefix: string): Promise<ApiKey | undefined> {
    const row = (await this.run(() => this.ctx.db(this.table).where('prefix', prefix).first())) as Row | undefined;
    return row === undefined ? undefined : this.codec.fromRow(row);
  }

  /** One user's keys, oldest first. */
  async list(tenantId: TenantScope, userId: string): Promise<ApiKey[]> {
    const rows = (await this.run(() => this.scoped(tenantId).where('user_id', userId).orderBy([{ column: 'created_at' }, { column: 'id' }]))) as Row[];
    return rows.map((row) => this.codec.fromRow(row));
  }

  /** Revoking twice keeps the first revocation time. */
  async revoke(tenantId: TenantScope, id: string): Promise<ApiKey> {
    const key = await this.getById(tenantId, id);
    if (key.revokedAt !== null) return key;
    return this.updateOne(tenantId, id, { revokedAt: this.ctx.clock.now() });
  }

  /**
   * Records that the key was just used, at most once per `minIntervalMs` (one conditional
   * UPDATE, no read). Unscoped like findByPrefix, whose result it follows.
   */
  async touchLastUsed(id: string, minIntervalMs = DEFAULT_TOUCH_INTERVAL_MS): Promise<void> {
    const now = this.ctx.clock.now();
    await this.run(() =>
      this.ctx
        .db(this.table)
        .where('id', id)
        .andWhere((q) => q.whereNull('last_used_at').orWhere('last_used_at', '<=', now - minIntervalMs))
        .update({ last_used_at: now }),
    );
  }

  private scopedUsers(tenantId: TenantScope) {
    const query = this.ctx.db('users');
    return tenantId === null ? query.whereNull('tenant_id') : query.where('tenant_id', tenantId);
  }
}
