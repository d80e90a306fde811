import type { Knex } from 'knex';
import { ConflictError, IllegalStateError, NotFoundError } from '../../errors/errors.js';
import { TenantScopedRepository } from '../repository.js';
import { RowCodec, type Row } from '../row-codec.js';
import { assertWritablePackage, withoutClosedPackages } from './customer-packages.js';

export interface PopupWarning {
  id: string;
  tenantId: string;
  packageId: string | null;
  number: string;
  content: string;
  status: 'enabled' | 'disabled' | 'pending' | 'rejected';
  source: 'tenant' | 'agent';
  createdBy: string;
  reviewedBy: string | null;
  reviewedAt: number | null;
  createdAt: number;
  updatedAt: number;
}

/** A warning as the list shows it (§3.3.8 "Customer Name"): with the package's customer who has the number, if any. */
export interface ListedPopupWarning extends PopupWarning {
  customer: { id: string; name: string } | null;
}

type WarningRow = Omit<PopupWarning, 'packageId'> & { packageKey: string };

/**
 * Pop-up warnings (manual §3.3.8): a text shown to the agent who opens, calls or is called
 * by a number. Tenant users' warnings are in force at once; agents' wait for review. The
 * warnings of a closed package are not found (§3.2.2) by any read or change until it is reopened.
 */
export class PopupWarningRepository extends TenantScopedRepository<WarningRow> {
  protected readonly table = 'popup_warnings';
  protected readonly entityName = 'Pop-up warning';
  protected readonly codec = new RowCodec<WarningRow>({
    id: 'text',
    tenantId: 'text',
    packageKey: 'text',
    number: 'text',
    content: 'text',
    status: 'text',
    source: 'text',
    createdBy: 'text',
    reviewedBy: 'text',
    reviewedAt: 'number',
    createdAt: 'number',
    updatedAt: 'number',
  });

  /** One warning per number given (normalised by the caller), in force at once unless disabled. */
  async add(tenantId: string, input: { packageId: string | null; numbers: string[]; content: string; status: 'enabled' | 'disabled'; source: 'tenant' | 'agent'; by: string }): Promise<PopupWarning[]> {
    await this.run(() => assertWritablePackage(this.ctx.db, tenantId, input.packageId));
    const status = input.source === 'agent' ? 'pending' : input.status;
    const added: PopupWarning[] = [];
    for (const number of [...new Set(input.numbers)]) {
      const row = await this.insertOne(tenantId, { packageKey: input.packageId ?? '', number, content: input.content, status, source: input.source, createdBy: input.by, reviewedBy: null, reviewedAt: null });
      added.push(toWarning(row));
    }
    return added;
  }

  async review(tenantId: string, id: string, approve: boolean, by: string): Promise<PopupWarning> {
    const current = await this.visibleRow(tenantId, id);
    if (current.status !== 'pending') throw new IllegalStateError(`The pop-up warning for ${current.number} is ${current.status}, not waiting for review`);
    return toWarning(await this.updateOne(tenantId, id, { status: approve ? 'enabled' : 'rejected', reviewedBy: by, reviewedAt: this.ctx.clock.now() }));
  }

  async update(tenantId: string, id: string, patch: { content?: string; enabled?: boolean }): Promise<PopupWarning> {
    const current = await this.visibleRow(tenantId, id);
    if (patch.enabled !== undefined && (current.status === 'pending' || current.status === 'rejected')) throw new ConflictError('Review the warning first', { details: { field: 'enabled' } });
    return toWarning(await this.updateOne(tenantId, id, { ...(patch.content === undefined ? {} : { content: patch.content }), ...(patch.enabled === undefined ? {} : { status: patch.enabled ? 'enabled' : 'disabled' }) }));
  }

  async delete(tenantId: string, id: string): Promise<void> {
    const deleted = await this.run(() => this.visible(tenantId).where('id', id).delete());
    if (deleted === 0) throw new NotFoundError(this.entityName, id);
  }

  async get(tenantId: string, id: string): Promise<PopupWarning> {
    return toWarning(await this.visibleRow(tenantId, id));
  }

  /**
   * Newest first; `search` matches digits of the number; `createdBy`: one user's warnings (an
   * agent's own submissions). `customersOf`: name only customers allocated to this agent (an
   * agent listing its submissions must not learn whose a number is otherwise).
   */
  async list(
    tenantId: string,
    options: { packageId?: string | null; status?: PopupWarning['status']; search?: string; createdBy?: string; customersOf?: string; limit?: number; offset?: number } = {},
  ): Promise<ListedPopupWarning[]> {
    const rows = (await this.run(() => {
      const query = this.visible(tenantId).orderBy([{ column: 'created_at', order: 'desc' }, { column: 'id' }]);
      if (options.packageId !== undefined) query.where('package_key', options.packageId ?? '');
      if (options.status) query.where('status', options.status);
      if (options.createdBy) query.where('created_by', options.createdBy);
      if (options.search) query.where('number', 'like', `%${options.search.replace(/[^0-9+]/g, '')}%`);
      return query.limit(Math.min(options.limit ?? 1000, 1000)).offset(options.offset ?? 0);
    })) as Row[];
    return this.withCustomers(tenantId, rows.map((row) => toWarning(this.codec.fromRow(row))), options.customersOf);
  }

  /** Each warning with the customer of its package who has its number (a package's numbers are unique: one at most). */
  private async withCustomers(tenantId: string, warnings: PopupWarning[], agentNumber: string | undefined): Promise<ListedPopupWarning[]> {
    const numbers = [...new Set(warnings.map((w) => w.number))];
    const owners = new Map<string, { id: string; name: string }>();
    for (let i = 0; i < numbers.length; i += 500) {
      const found = (await this.run(() =>
        this.ctx
          .db('customer_phones as p')
          .join('customers as c', 'c.id', 'p.customer_id')
          .where('p.tenant_id', tenantId)
          .whereIn('p.number', numbers.slice(i, i + 500))
          .modify((query) => {
            if (agentNumber !== undefined) query.where('c.agent_number', agentNumber);
          })
          .select('p.number', 'p.package_key', 'c.id', 'c.name'),
      )) as Array<{ number: string; package_key: string; id: string; name: string }>;
      for (const row of found) owners.set(`${row.package_key}\u0000${row.number}`, { id: row.id, name: row.name });
    }
    return warnings.map((w) => ({ ...w, customer: owners.get(`${w.packageId ?? ''}\u0000${w.number}`) ?? null }));
  }

  /** The warnings in force for a number in a package: what the agent's screen pops up. One indexed read. */
  async forNumber(tenantId: string, packageId: string | null, number: string): Promise<PopupWarning[]> {
    const rows = (await this.run(() => this.visible(tenantId).where({ package_key: packageId ?? '', number, status: 'enabled' }).orderBy('created_at'))) as Row[];
    return rows.map((row) => toWarning(this.codec.fromRow(row)));
  }

  /** The tenant's warnings without those of closed packages: hidden with the rest of the package's data (§3.2.2). */
  private visible(tenantId: string): Knex.QueryBuilder {
    return withoutClosedPackages(this.scoped(tenantId), this.ctx.db, tenantId, 'package_key');
  }

  /** A warning of an open package (or the default one): one of a closed package is not found, like a missing one. */
  private async visibleRow(tenantId: string, id: string): Promise<WarningRow> {
    const row = (await this.run(() => this.visible(tenantId).where('id', id).first())) as Row | undefined;
    if (!row) throw new NotFoundError(this.entityName, id);
    return this.codec.fromRow(row);
  }
}

function toWarning({ packageKey, ...row }: WarningRow): PopupWarning {
  return { ...row, packageId: packageKey === '' ? null : packageKey };
}
