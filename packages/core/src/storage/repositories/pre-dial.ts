import { withStorageErrors } from '../db-errors.js';
import type { RepositoryContext } from '../repository.js';
import { withoutClosedPackages } from './customer-packages.js';

/** One customer waiting in the pre-dial list: the dialer's input (manual §3.2 "Import pre-dial"). */
export interface PreDialEntry {
  id: string;
  tenantId: string;
  /** null: the tenant's default package. */
  packageId: string | null;
  customerId: string;
  /** The number to dial: the customer's main number when it was listed. */
  number: string;
  taskId: string | null;
  /** The import that listed it, if one did. */
  importJobId: string | null;
  createdAt: number;
}

interface PreDialRow {
  id: string;
  tenant_id: string;
  package_key: string;
  customer_id: string;
  number: string;
  task_id: string | null;
  import_job_id: string | null;
  created_at: number;
}

const fromRow = (row: PreDialRow): PreDialEntry => ({
  id: row.id,
  tenantId: row.tenant_id,
  packageId: row.package_key === '' ? null : row.package_key,
  customerId: row.customer_id,
  number: row.number,
  taskId: row.task_id,
  importJobId: row.import_job_id,
  createdAt: Number(row.created_at),
});

/**
 * The pre-dial list. Imports write it in their own transactions (see the customer import);
 * this repository reads it and lets the dialer take entries off it.
 */
export class PreDialRepository {
  constructor(private readonly ctx: RepositoryContext) {}

  /** Oldest first, one package (null: the default one) or all, one import or all; none of a closed package (§3.2.2: nothing of it is dialled). */
  async list(tenantId: string, options: { packageId?: string | null; importJobId?: string; taskId?: string; limit?: number; offset?: number } = {}): Promise<PreDialEntry[]> {
    const rows = (await withStorageErrors(() => {
      const query = withoutClosedPackages(this.ctx.db('pre_dial_entries').where('tenant_id', tenantId), this.ctx.db, tenantId, 'package_key');
      if (options.packageId !== undefined) query.where('package_key', options.packageId ?? '');
      if (options.importJobId !== undefined) query.where('import_job_id', options.importJobId);
      if (options.taskId !== undefined) query.where('task_id', options.taskId);
      return query.orderBy([{ column: 'created_at' }, { column: 'id' }]).limit(options.limit ?? 100).offset(options.offset ?? 0);
    })) as PreDialRow[];
    return rows.map(fromRow);
  }

  async count(tenantId: string, options: { packageId?: string | null; importJobId?: string } = {}): Promise<number> {
    const row = (await withStorageErrors(() => {
      const query = withoutClosedPackages(this.ctx.db('pre_dial_entries').where('tenant_id', tenantId), this.ctx.db, tenantId, 'package_key');
      if (options.packageId !== undefined) query.where('package_key', options.packageId ?? '');
      if (options.importJobId !== undefined) query.where('import_job_id', options.importJobId);
      return query.count({ n: '*' }).first();
    })) as { n: number | string } | undefined;
    return Number(row?.n ?? 0);
  }

  /** Takes entries off the list (dialled, or removed by hand); returns how many went. */
  async remove(tenantId: string, ids: readonly string[]): Promise<number> {
    let removed = 0;
    for (let i = 0; i < ids.length; i += 500) {
      removed += await withStorageErrors(() => this.ctx.db('pre_dial_entries').where('tenant_id', tenantId).whereIn('id', ids.slice(i, i + 500)).delete());
    }
    return removed;
  }
}
