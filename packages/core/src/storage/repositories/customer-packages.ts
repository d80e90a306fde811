import { customerPackageSchema, type CustomerPackageConfig } from '../../crm/model.js';
import { ConflictError } from '../../errors/errors.js';
import { parseOrThrow } from '../../errors/zod.js';
import type { StorageDialect } from '../config.js';
import { TenantScopedRepository } from '../repository.js';
import { RowCodec, type Row } from '../row-codec.js';

export interface CustomerPackage extends CustomerPackageConfig {
  id: string;
  tenantId: string;
  createdAt: number;
  updatedAt: number;
}

/** Standard customer fields a package may index, by their column. */
const STANDARD_COLUMNS: Record<string, string> = { name: 'name', email: 'email', gender: 'gender', age: 'age', address: 'address', area: 'area' };

/**
 * Customer packages (manual §3.2.2). Saving a package also creates the database indexes
 * its index fields and unique key fields ask for: partial expression indexes on the
 * customers of that package only (`json_extract` on SQLite, `->>` on PostgreSQL), unique
 * for unique key fields — so "unique" is enforced by the database, and a search by an
 * indexed custom field is an index lookup. Indexes no longer asked for are dropped.
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
    const saved = await this.insertOne(tenantId, config, { conflict: (cause) => keyTaken(config.key, cause) });
    await this.syncIndexes(saved);
    return saved;
  }

  async update(tenantId: string, id: string, patch: Record<string, unknown>): Promise<CustomerPackage> {
    const current = await this.getById(tenantId, id);
    const { id: _id, tenantId: _tenant, createdAt: _created, updatedAt: _updated, ...config } = current;
    const next = parseOrThrow(customerPackageSchema, { ...config, ...patch }, 'customer package');
    const saved = await this.updateOne(tenantId, id, next, { conflict: (cause) => keyTaken(next.key, cause) });
    await this.syncIndexes(saved);
    return saved;
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
    await this.dropIndexes(pkg, []);
    await this.deleteOne(tenantId, id);
  }

  /** Creates the package's wanted indexes and drops the ones no longer wanted. */
  private async syncIndexes(pkg: CustomerPackage): Promise<void> {
    const wanted = [...pkg.uniqueKeyFields.map((field) => ({ field, unique: true })), ...pkg.indexFields.filter((f) => !pkg.uniqueKeyFields.includes(f)).map((field) => ({ field, unique: false }))];
    await this.dropIndexes(pkg, wanted.map((w) => indexName(pkg.id, w.field, w.unique)));
    for (const { field, unique } of wanted) {
      if (field === 'phones') continue; // phone numbers are unique per package by their own table
      const sql = createIndexSql(this.ctx.dialect, indexName(pkg.id, field, unique), unique, pkg.tenantId, pkg.id, field);
      await this.run(() => this.ctx.db.raw(sql), {
        conflict: (cause) => new ConflictError(`Customers of package "${pkg.displayName}" already repeat values of ${field}: it cannot be a unique key`, { cause, details: { field: 'uniqueKeyFields', value: field } }),
      });
    }
  }

  private async dropIndexes(pkg: CustomerPackage, keep: readonly string[]): Promise<void> {
    const prefix = `cpx_${compact(pkg.id)}_`;
    for (const name of await this.indexNames(prefix)) if (!keep.includes(name)) await this.run(() => this.ctx.db.raw(`drop index if exists ${name}`));
  }

  private async indexNames(prefix: string): Promise<string[]> {
    const rows =
      this.ctx.dialect === 'sqlite'
        ? ((await this.ctx.db.raw("select name from sqlite_master where type = 'index' and name like ?", [`${prefix}%`])) as Array<{ name: string }>)
        : ((await this.ctx.db.raw('select indexname as name from pg_indexes where schemaname = current_schema() and indexname like ?', [`${prefix}%`])) as { rows: Array<{ name: string }> }).rows;
    return rows.map((r) => r.name);
  }
}

/** Index names carry the package, the field and uniqueness, so that syncing can tell them apart. */
function indexName(packageId: string, field: string, unique: boolean): string {
  return `cpx_${compact(packageId)}_${unique ? 'u' : 'i'}_${field}`.slice(0, 63);
}

const compact = (id: string): string => id.replace(/[^A-Za-z0-9]/g, '').slice(0, 24).toLowerCase();

/**
 * The expression must be written exactly as queries write it for the index to serve them
 * (customerValueSql). Names are validated identifiers and ids are UUID-like, so they are
 * safe to inline; DDL takes no bound parameters.
 */
function createIndexSql(dialect: StorageDialect, name: string, unique: boolean, tenantId: string, packageId: string, field: string): string {
  if (!/^[A-Za-z0-9-]+$/.test(tenantId) || !/^[A-Za-z0-9-]+$/.test(packageId)) throw new Error('unexpected id format');
  return `create ${unique ? 'unique ' : ''}index if not exists ${name} on customers (${customerValueSql(dialect, field)}) where tenant_id = '${tenantId}' and package_key = '${packageId}'`;
}

/** The SQL expression for a customer field, standard (a column) or custom (inside the JSON). */
export function customerValueSql(dialect: StorageDialect, field: string): string {
  const column = STANDARD_COLUMNS[field];
  if (column) return column;
  if (!/^[a-z][a-z0-9_]{0,39}$/.test(field)) throw new Error(`not a field name: ${field}`);
  return dialect === 'sqlite' ? `json_extract(custom, '$.${field}')` : `((custom::jsonb) ->> '${field}')`;
}

function keyTaken(key: string, cause: unknown): ConflictError {
  return new ConflictError(`A customer package with the id ${key} already exists`, { cause, details: { field: 'key', key } });
}

