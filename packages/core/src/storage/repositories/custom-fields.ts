import { customFieldSchema, newCustomFieldSchema, type CustomFieldConfig } from '../../crm/model.js';
import { ConflictError, NotFoundError } from '../../errors/errors.js';
import { parseOrThrow } from '../../errors/zod.js';
import { TenantScopedRepository } from '../repository.js';
import { RowCodec, type Row } from '../row-codec.js';
import { withoutClosedPackages } from './customer-packages.js';
import { refuseRepeatedValues, syncPackageIndexes, type IndexedPackage } from './package-indexes.js';

export interface CustomField extends CustomFieldConfig {
  id: string;
  tenantId: string;
  createdAt: number;
  updatedAt: number;
}

/** A field the global search covers, with its package (null: the default package). */
export interface GlobalSearchField {
  name: string;
  packageId: string | null;
}

interface FieldRow {
  id: string;
  tenantId: string;
  packageKey: string;
  name: string;
  displayOrder: number;
  config: CustomFieldConfig;
  createdAt: number;
  updatedAt: number;
}

/** What the package of a field is, when the field's uniqueness needs its indexes. */
type FieldPackage = (IndexedPackage & { status: string }) | undefined;

/**
 * Custom fields (manual §3.2.1), per package ('' in the row: the default package), in display
 * order. A field marked `unique` is a unique index of its package (package-indexes.ts) when
 * the package is a stored one; the default package's are checked by `CustomerService` and
 * the import. The fields of a closed package are hidden (§3.2.2) until it is reopened.
 */
export class CustomFieldRepository extends TenantScopedRepository<FieldRow> {
  protected readonly table = 'custom_fields';
  protected readonly entityName = 'Custom field';
  protected readonly codec = new RowCodec<FieldRow>({ id: 'text', tenantId: 'text', packageKey: 'text', name: 'text', displayOrder: 'number', config: 'json', createdAt: 'number', updatedAt: 'number' });

  async create(tenantId: string, input: unknown): Promise<CustomField> {
    const config = parseOrThrow(newCustomFieldSchema, input, 'custom field');
    const pkg = await this.packageOf(tenantId, config.packageId);
    if (config.packageId !== null && !pkg) throw new ConflictError(`Customer package ${config.packageId} does not exist`, { details: { field: 'packageId' } });
    // Hidden from writes like its customers (§3.2.2): refused as a customer of a closed package is.
    if (pkg?.status === 'closed') throw new ConflictError(`Customer package "${pkg.displayName}" is closed`, { details: { field: 'packageId' } });
    // Values of a deleted field of the same name stay on customers: they would break the new index.
    if (config.unique) await refuseRepeatedValues(this.ctx.db, this.ctx.dialect, tenantId, config.packageId, pkg?.displayName ?? 'Default', config.name, true);
    return this.inTransaction(async (repo) => {
      const row = await repo.insertOne(tenantId, repo.values(config), { conflict: (cause) => nameTaken(config.name, cause) });
      if (config.unique && pkg) await syncPackageIndexes(repo.ctx.db, repo.ctx.dialect, pkg, { newlyUnique: [config.name], logger: repo.ctx.logger });
      return toField(row);
    });
  }

  async update(tenantId: string, id: string, patch: Record<string, unknown>): Promise<CustomField> {
    const current = await this.visibleRow(tenantId, id);
    // The name and package are what stored values are keyed by: they do not change.
    const config = parseOrThrow(customFieldSchema, { ...current.config, ...patch, name: current.config.name, packageId: current.config.packageId }, 'custom field');
    const pkg = await this.packageOf(tenantId, config.packageId);
    const madeUnique = config.unique && !current.config.unique;
    if (madeUnique) await refuseRepeatedValues(this.ctx.db, this.ctx.dialect, tenantId, config.packageId, pkg?.displayName ?? 'Default', config.name, true);
    return this.inTransaction(async (repo) => {
      const saved = toField(await repo.updateOne(tenantId, id, repo.values(config)));
      if (config.unique !== current.config.unique && pkg) await syncPackageIndexes(repo.ctx.db, repo.ctx.dialect, pkg, { newlyUnique: madeUnique ? [config.name] : [], logger: repo.ctx.logger });
      return saved;
    });
  }

  async get(tenantId: string, id: string): Promise<CustomField> {
    return toField(await this.visibleRow(tenantId, id));
  }

  /**
   * A package's fields (null: the default package) in display order, then name; none for a
   * closed package unless `includeClosed` (an administrator's export of it).
   */
  async list(tenantId: string, packageId: string | null, options: { search?: string; includeClosed?: boolean } = {}): Promise<CustomField[]> {
    const rows = (await this.run(() => {
      const query = this.scoped(tenantId).where('package_key', packageId ?? '').orderBy([{ column: 'display_order' }, { column: 'name' }]);
      if (!options.includeClosed) withoutClosedPackages(query, this.ctx.db, tenantId, 'package_key');
      const search = options.search?.trim().toLowerCase();
      if (search) query.whereRaw('lower(name) like ?', [`%${search.replace(/[%_\\]/g, (c) => `\\${c}`)}%`]);
      return query;
    })) as Row[];
    return rows.map((row) => toField(this.codec.fromRow(row)));
  }

  /**
   * The fields the customers page's global search covers: of one package (null: the default
   * one), or — `undefined` — of every open package, each with its package, so that a field
   * marked in one package does not make another package's field of the same name searched.
   */
  /** `role`: leave out the fields hidden from it — a match on a value the caller may not see would tell it the value. */
  async globalSearchFields(tenantId: string, packageId?: string | null, role?: string): Promise<GlobalSearchField[]> {
    const rows = (await this.run(() => {
      const query = withoutClosedPackages(this.scoped(tenantId), this.ctx.db, tenantId, 'package_key').orderBy([{ column: 'package_key' }, { column: 'name' }]);
      if (packageId !== undefined) query.where('package_key', packageId ?? '');
      return query;
    })) as Row[];
    return rows
      .map((row) => this.codec.fromRow(row))
      .filter((row) => row.config.globalSearch && (role === undefined || row.config.permissions[role] !== 'hidden'))
      .map((row) => ({ name: row.name, packageId: row.packageKey === '' ? null : row.packageKey }));
  }

  async delete(tenantId: string, id: string): Promise<void> {
    const field = await this.visibleRow(tenantId, id);
    const pkg = await this.packageOf(tenantId, field.config.packageId);
    if (pkg && [...pkg.uniqueKeyFields, ...pkg.indexFields].includes(field.name)) {
      throw new ConflictError(`Field ${field.name} is an index or unique key of its package: remove it there first`, { details: { field: 'name' } });
    }
    await this.inTransaction(async (repo) => {
      await repo.deleteOne(tenantId, id);
      // Its values stay on customers (validation and views ignore them), its unique index goes.
      if (field.config.unique && pkg) await syncPackageIndexes(repo.ctx.db, repo.ctx.dialect, pkg, { logger: repo.ctx.logger });
    });
  }

  /** Runs `fn` with this repository bound to one transaction (a savepoint inside a caller's transaction): a field and its package's indexes change together. */
  private inTransaction<T>(fn: (repo: CustomFieldRepository) => Promise<T>): Promise<T> {
    return this.run(() => this.ctx.db.transaction((trx) => fn(new CustomFieldRepository({ ...this.ctx, db: trx }))));
  }

  private values(config: CustomFieldConfig): Omit<FieldRow, 'id' | 'tenantId' | 'createdAt' | 'updatedAt'> {
    return { packageKey: config.packageId ?? '', name: config.name, displayOrder: config.displayOrder, config };
  }

  /** A field of an open package (or the default one): those of a closed package are not found. */
  private async visibleRow(tenantId: string, id: string): Promise<FieldRow> {
    const row = (await this.run(() => withoutClosedPackages(this.scoped(tenantId).where('id', id), this.ctx.db, tenantId, 'package_key').first())) as Row | undefined;
    if (!row) throw new NotFoundError(this.entityName, id);
    return this.codec.fromRow(row);
  }

  /** The field's stored package: undefined for the default package (or one deleted since). */
  private async packageOf(tenantId: string, packageId: string | null): Promise<FieldPackage> {
    if (packageId === null) return undefined;
    const row = (await this.run(() => this.ctx.db('customer_packages').where({ tenant_id: tenantId, id: packageId }).first())) as Row | undefined;
    if (!row) return undefined;
    return {
      id: packageId,
      tenantId,
      displayName: String(row['display_name']),
      status: String(row['status']),
      uniqueKeyFields: JSON.parse(String(row['unique_key_fields'])) as string[],
      indexFields: JSON.parse(String(row['index_fields'])) as string[],
    };
  }
}

function toField(row: FieldRow): CustomField {
  return { ...row.config, id: row.id, tenantId: row.tenantId, createdAt: row.createdAt, updatedAt: row.updatedAt };
}

function nameTaken(name: string, cause: unknown): ConflictError {
  return new ConflictError(`The package already has a field named ${name}`, { cause, details: { field: 'name', name } });
}
