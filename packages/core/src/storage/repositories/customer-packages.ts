import type { Knex } from 'knex';
import { customerPackageSchema, type CustomerPackageConfig } from '../../crm/model.js';
import { ConflictError } from '../../errors/errors.js';
import { parseOrThrow } from '../../errors/zod.js';
import { TenantScopedRepository } from '../repository.js';
import { RowCodec, type Row } from '../row-codec.js';
import { dropPackageIndexes, isStandardColumn, refuseRepeatedValues, syncPackageIndexes, uniqueCustomFields } from './package-indexes.js';

export { customerValueSql } from './package-indexes.js';

export interface CustomerPackage extends CustomerPackageConfig {
  id: string;
  tenantId: string;
  createdAt: number;
  updatedAt: number;
}

/**
 * Customer packages (manual §3.2.2). Saving a package also creates the database indexes
 * its index fields, unique key fields and unique custom fields ask for: partial expression
 * indexes on the customers of that package only (`json_extract` on SQLite, `->>` on
 * PostgreSQL), unique for the unique ones — so "unique" is enforced by the database, and a
 * search by an indexed custom field is an index lookup. Indexes no longer asked for are
 * dropped (package-indexes.ts).
 */
export class CustomerPackageRepository extends TenantScopedRepository<CustomerPackage> {
  protected readonly table = 'customer_packages';
  protected readonly entityName = 'Customer package';
  protected readonly codec = new RowCodec<CustomerPackage>({
    id: 'text',
    tenantId: 'text',
    displayName: 'text',
    key: 'text',
    status: 'text',
    phoneUniqueness: 'text',
    uniqueKeyFields: 'json',
    indexFields: 'json',
    createdAt: 'number',
    updatedAt: 'number',
  });

  async create(tenantId: string, input: unknown): Promise<CustomerPackage> {
    const config = parseOrThrow(customerPackageSchema, input, 'customer package');
    return this.inTransaction(async (repo) => {
      const saved = await repo.insertOne(tenantId, config, { conflict: (cause) => keyTaken(config.key, cause) });
      await syncPackageIndexes(repo.ctx.db, repo.ctx.dialect, saved, { newlyUnique: saved.uniqueKeyFields, logger: repo.ctx.logger });
      return saved;
    });
  }

  /**
   * Checked before anything is saved: a field made a unique key while customers repeat its
   * values, and numbers made globally unique while other packages' customers hold some of
   * them, are refused naming a few, and the package stays as it was.
   */
  async update(tenantId: string, id: string, patch: Record<string, unknown>): Promise<CustomerPackage> {
    const current = await this.getById(tenantId, id);
    const { id: _id, tenantId: _tenant, createdAt: _created, updatedAt: _updated, ...config } = current;
    const next = parseOrThrow(customerPackageSchema, { ...config, ...patch }, 'customer package');
    // What is unique already, over the same expression: a custom field named like a standard one is unique over its custom value, not the column.
    const uniqueBefore = [...current.uniqueKeyFields, ...(await uniqueCustomFields(this.ctx.db, tenantId, id)).filter((field) => !isStandardColumn(field))];
    for (const field of next.uniqueKeyFields) {
      if (field !== 'phones' && !uniqueBefore.includes(field)) await refuseRepeatedValues(this.ctx.db, this.ctx.dialect, tenantId, id, next.displayName, field);
    }
    if (next.phoneUniqueness === 'global' && current.phoneUniqueness !== 'global') {
      const repeated = await this.numbersHeldElsewhere(tenantId, id, 6);
      if (repeated.length > 0) {
        const shown = repeated.slice(0, 5).join(', ');
        throw new ConflictError(`Numbers of package "${next.displayName}" are held by customers of other packages too (${shown}${repeated.length > 5 ? ', …' : ''}): they cannot be globally unique until each number is in one package only`, {
          details: { field: 'phoneUniqueness', numbers: repeated.slice(0, 5) },
        });
      }
    }
    // The row and its indexes change together: a refused index takes the row's change back.
    const newlyUnique = next.uniqueKeyFields.filter((field) => !uniqueBefore.includes(field));
    return this.inTransaction(async (repo) => {
      const saved = await repo.updateOne(tenantId, id, next, { conflict: (cause) => keyTaken(next.key, cause) });
      await syncPackageIndexes(repo.ctx.db, repo.ctx.dialect, saved, { newlyUnique, logger: repo.ctx.logger });
      return saved;
    });
  }

  async list(tenantId: string, options: { includeClosed?: boolean } = {}): Promise<CustomerPackage[]> {
    const rows = (await this.run(() => {
      const query = this.scoped(tenantId).orderBy('display_name');
      if (!options.includeClosed) query.where('status', 'open');
      return query;
    })) as Row[];
    return rows.map((row) => this.codec.fromRow(row));
  }

  async delete(tenantId: string, id: string): Promise<void> {
    const pkg = await this.getById(tenantId, id);
    const used = (await this.run(() => this.ctx.db('customers').where({ tenant_id: tenantId, package_key: id }).first('id'))) as Row | undefined;
    if (used) throw new ConflictError(`Customer package "${pkg.displayName}" still has customers: close it instead`, { details: { field: 'id' } });
    await this.inTransaction(async (repo) => {
      await dropPackageIndexes(repo.ctx.db, repo.ctx.dialect, pkg.id);
      await repo.deleteOne(tenantId, id);
    });
  }

  /** Runs `fn` with this repository bound to one transaction (a savepoint inside a caller's transaction). */
  private inTransaction<T>(fn: (repo: CustomerPackageRepository) => Promise<T>): Promise<T> {
    return this.run(() => this.ctx.db.transaction((trx) => fn(new CustomerPackageRepository({ ...this.ctx, db: trx }))));
  }

  /**
   * Numbers of the package that customers of other packages hold too: what "globally unique"
   * would forbid. From the package's customers (their index) to their numbers, then each
   * number's index for another package's holder, so it reads only this package's numbers.
   */
  private async numbersHeldElsewhere(tenantId: string, packageId: string, limit: number): Promise<string[]> {
    const rows = (await this.run(() =>
      this.ctx
        .db('customers as c')
        .join('customer_phones as p', 'p.customer_id', 'c.id')
        .where('c.tenant_id', tenantId)
        .where('c.package_key', packageId)
        .whereExists((other) => other.select(this.ctx.db.raw('1')).from('customer_phones as o').whereRaw('o.number = p.number').where('o.tenant_id', tenantId).whereNot('o.package_key', packageId))
        .distinct('p.number')
        .orderBy('p.number')
        .limit(limit),
    )) as Array<{ number: string }>;
    return rows.map((r) => r.number);
  }
}

/**
 * A query of a package's data without the data of the tenant's closed packages (§3.2.2
 * "Status": closing a package hides its data everywhere until it is reopened). `column`
 * holds the package key ('' for the default package, which is never closed). A tenant has
 * few closed packages, so the subquery is a short list.
 */
export function withoutClosedPackages(query: Knex.QueryBuilder, db: Knex, tenantId: string, column: string): Knex.QueryBuilder {
  return query.whereNotIn(column, db('customer_packages').where({ tenant_id: tenantId, status: 'closed' }).select('id'));
}

/**
 * Refuses a new row for a package that does not exist, or is closed (§3.2.2: a closed
 * package is hidden from writes as from reads), as a customer of such a package is refused.
 * Null is the default package, which always exists and is never closed.
 */
export async function assertWritablePackage(db: Knex, tenantId: string, packageId: string | null): Promise<void> {
  if (packageId === null) return;
  const row = (await db('customer_packages').where({ tenant_id: tenantId, id: packageId }).first('display_name', 'status')) as { display_name: string; status: string } | undefined;
  if (!row) throw new ConflictError(`Customer package ${packageId} does not exist`, { details: { field: 'packageId' } });
  if (row.status === 'closed') throw new ConflictError(`Customer package "${row.display_name}" is closed`, { details: { field: 'packageId' } });
}

function keyTaken(key: string, cause: unknown): ConflictError {
  return new ConflictError(`A customer package with the id ${key} already exists`, { cause, details: { field: 'key', key } });
}

