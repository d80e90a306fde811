import { customFieldSchema, type CustomFieldConfig } from '../../crm/model.js';
import { ConflictError } from '../../errors/errors.js';
import { parseOrThrow } from '../../errors/zod.js';
import { TenantScopedRepository } from '../repository.js';
import { RowCodec, type Row } from '../row-codec.js';

export interface CustomField extends CustomFieldConfig {
  id: string;
  tenantId: string;
  createdAt: number;
  updatedAt: number;
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

/** Custom fields (manual §3.2.1), per package ('' in the row: the default package), in display order. */
export class CustomFieldRepository extends TenantScopedRepository<FieldRow> {
  protected readonly table = 'custom_fields';
  protected readonly entityName = 'Custom field';
  protected readonly codec = new RowCodec<FieldRow>({ id: 'text', tenantId: 'text', packageKey: 'text', name: 'text', displayOrder: 'number', config: 'json', createdAt: 'number', updatedAt: 'number' });

  async create(tenantId: string, input: unknown): Promise<CustomField> {
    const config = parseOrThrow(customFieldSchema, input, 'custom field');
    await this.requirePackage(tenantId, config.packageId);
    const row = await this.insertOne(tenantId, this.values(config), { conflict: (cause) => nameTaken(config.name, cause) });
    return toField(row);
  }

  async update(tenantId: string, id: string, patch: Record<string, unknown>): Promise<CustomField> {
    const current = await this.getById(tenantId, id);
    // The name and package are what stored values are keyed by: they do not change.
    const config = parseOrThrow(customFieldSchema, { ...current.config, ...patch, name: current.config.name, packageId: current.config.packageId }, 'custom field');
    return toField(await this.updateOne(tenantId, id, this.values(config)));
  }

  async get(tenantId: string, id: string): Promise<CustomField> {
    return toField(await this.getById(tenantId, id));
  }

  /** A package's fields (null: the default package) in display order, then name. */
  async list(tenantId: string, packageId: string | null, options: { search?: string } = {}): Promise<CustomField[]> {
    const rows = (await this.run(() => {
      const query = this.scoped(tenantId).where('package_key', packageId ?? '').orderBy([{ column: 'display_order' }, { column: 'name' }]);
      const search = options.search?.trim().toLowerCase();
      if (search) query.whereRaw('lower(name) like ?', [`%${search.replace(/[%_\\]/g, (c) => `\\${c}`)}%`]);
      return query;
    })) as Row[];
    return rows.map((row) => toField(this.codec.fromRow(row)));
  }

  async delete(tenantId: string, id: string): Promise<void> {
    const field = await this.getById(tenantId, id);
    if (field.packageKey !== '') {
      const pkg = (await this.run(() => this.ctx.db('customer_packages').where({ tenant_id: tenantId, id: field.packageKey }).first())) as Row | undefined;
      const keys = pkg ? [...(JSON.parse(String(pkg.unique_key_fields)) as string[]), ...(JSON.parse(String(pkg.index_fields)) as string[])] : [];
      if (keys.includes(field.name)) throw new ConflictError(`Field ${field.name} is an index or unique key of its package: remove it there first`, { details: { field: 'name' } });
    }
    await this.deleteOne(tenantId, id);
  }

  private values(config: CustomFieldConfig): Omit<FieldRow, 'id' | 'tenantId' | 'createdAt' | 'updatedAt'> {
    return { packageKey: config.packageId ?? '', name: config.name, displayOrder: config.displayOrder, config };
  }

  private async requirePackage(tenantId: string, packageId: string | null): Promise<void> {
    if (packageId === null) return;
    const found = (await this.run(() => this.ctx.db('customer_packages').where({ tenant_id: tenantId, id: packageId }).first('id'))) as Row | undefined;
    if (!found) throw new ConflictError(`Customer package ${packageId} does not exist`, { details: { field: 'packageId' } });
  }
}

function toField(row: FieldRow): CustomField {
  return { ...row.config, id: row.id, tenantId: row.tenantId, createdAt: row.createdAt, updatedAt: row.updatedAt };
}

function nameTaken(name: string, cause: unknown): ConflictError {
  return new ConflictError(`The package already has a field named ${name}`, { cause, details: { field: 'name', name } });
}
