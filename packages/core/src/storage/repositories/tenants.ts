import { z } from 'zod';
import { ConflictError, NotFoundError } from '../../errors/errors.js';
import { parseOrThrow } from '../../errors/zod.js';
import { withStorageErrors } from '../db-errors.js';
import type { RepositoryContext } from '../repository.js';
import { RowCodec, type Row } from '../row-codec.js';

export type TenantStatus = 'active' | 'suspended';

/** One company's call center. */
export interface Tenant {
  id: string;
  /** URL-safe handle: lowercase letters, digits and hyphens. */
  slug: string;
  name: string;
  /** IANA name; "today" in reports and calling windows is measured here. */
  timeZone: string;
  /** ISO 3166-1 alpha-2; numbers without a country code are read as this country's. */
  defaultCountry: string;
  status: TenantStatus;
  createdAt: number;
  updatedAt: number;
}

export interface NewTenant {
  slug: string;
  name: string;
  /** Default `UTC`. */
  timeZone?: string;
  /** Default `US`. */
  defaultCountry?: string;
  /** Default `active`. */
  status?: TenantStatus;
}

export type TenantPatch = Partial<NewTenant>;

const SLUG = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** The canonical IANA name for a zone Intl knows (e.g. `utc` → `UTC`), or undefined. */
function canonicalTimeZone(zone: string): string | undefined {
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

const tenantFields = {
  slug: z
    .string()
    .regex(SLUG, 'use 1-63 lowercase letters, digits and hyphens, starting and ending with a letter or digit'),
  name: z.string().trim().min(1, 'required').max(200),
  timeZone: z.string().transform((zone, ctx) => {
    const canonical = canonicalTimeZone(zone);
    if (canonical === undefined) {
      ctx.addIssue({ code: 'custom', message: `unknown time zone "${zone}"; use an IANA name such as Europe/Paris` });
      return z.NEVER;
    }
    return canonical;
  }),
  defaultCountry: z
    .string()
    .regex(/^[A-Za-z]{2}$/, 'use an ISO 3166-1 alpha-2 country code such as US or FR')
    .transform((code) => code.toUpperCase()),
  status: z.enum(['active', 'suspended']),
};

const newTenantSchema = z.object({
  ...tenantFields,
  timeZone: tenantFields.timeZone.default('UTC'),
  defaultCountry: tenantFields.defaultCountry.default('US'),
  status: tenantFields.status.default('active'),
});

const tenantPatchSchema = z.object(tenantFields).partial();

const codec = new RowCodec<Tenant>({
  id: 'text',
  slug: 'text',
  name: 'text',
  timeZone: 'text',
  defaultCountry: 'text',
  status: 'text',
  createdAt: 'number',
  updatedAt: 'number',
});

/** Tenants are the root of scoping, so this repository is the one that is not tenant-scoped. */
export class TenantRepository {
  constructor(private readonly ctx: RepositoryContext) {}

  async create(input: NewTenant): Promise<Tenant> {
    const values = parseOrThrow(newTenantSchema, input, 'tenant');
    const now = this.ctx.clock.now();
    const tenant: Tenant = { id: this.ctx.newId(), ...values, createdAt: now, updatedAt: now };
    await withStorageErrors(() => this.ctx.db('tenants').insert(codec.toRow(tenant)), {
      conflict: (cause) => slugTaken(values.slug, cause),
    });
    return tenant;
  }

  async get(id: string): Promise<Tenant> {
    const row = (await withStorageErrors(() => this.ctx.db('tenants').where('id', id).first())) as Row | undefined;
    if (row === undefined) throw new NotFoundError('Tenant', id);
    return codec.fromRow(row);
  }

  async getBySlug(slug: string): Promise<Tenant> {
    const row = (await withStorageErrors(() => this.ctx.db('tenants').where('slug', slug).first())) as Row | undefined;
    if (row === undefined) throw new NotFoundError('Tenant', slug);
    return codec.fromRow(row);
  }

  /** Every tenant, by slug. */
  async list(): Promise<Tenant[]> {
    const rows = (await withStorageErrors(() => this.ctx.db('tenants').orderBy('slug'))) as Row[];
    return rows.map((row) => codec.fromRow(row));
  }

  async update(id: string, patch: TenantPatch): Promise<Tenant> {
    const values = parseOrThrow(tenantPatchSchema, patch, 'tenant');
    const row = codec.toRow({ ...values, updatedAt: this.ctx.clock.now() });
    const updated = (await withStorageErrors(() => this.ctx.db('tenants').where('id', id).update(row).returning('*'), {
      conflict: (cause) => slugTaken(values.slug ?? '', cause),
    })) as Row[];
    const first = updated[0];
    if (first === undefined) throw new NotFoundError('Tenant', id);
    return codec.fromRow(first);
  }
}

function slugTaken(slug: string, cause: unknown): ConflictError {
  return new ConflictError(`Tenant slug "${slug}" is already taken`, { cause, details: { field: 'slug', slug } });
}
