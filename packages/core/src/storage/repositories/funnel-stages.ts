import { funnelStageSchema } from '../../crm/contact-model.js';
import { ConflictError, NotFoundError } from '../../errors/errors.js';
import { parseOrThrow } from '../../errors/zod.js';
import { TenantScopedRepository } from '../repository.js';
import { RowCodec, type Row } from '../row-codec.js';
import { assertWritablePackage, withoutClosedPackages } from './customer-packages.js';

export interface FunnelStage {
  id: string;
  tenantId: string;
  packageId: string | null;
  name: string;
  score: number;
  status: 'enabled' | 'hidden' | 'closed';
  createdAt: number;
  updatedAt: number;
}

type StageRow = Omit<FunnelStage, 'packageId'> & { packageKey: string };

/** Sales funnel stages (manual §3.15.2), per package; a closed package's are not found (§3.2.2) until it is reopened. */
export class FunnelStageRepository extends TenantScopedRepository<StageRow> {
  protected readonly table = 'funnel_stages';
  protected readonly entityName = 'Sales funnel stage';
  protected readonly codec = new RowCodec<StageRow>({ id: 'text', tenantId: 'text', packageKey: 'text', name: 'text', score: 'number', status: 'text', createdAt: 'number', updatedAt: 'number' });

  async create(tenantId: string, input: unknown): Promise<FunnelStage> {
    const { packageId, ...values } = parseOrThrow(funnelStageSchema, input, 'sales funnel stage');
    await this.run(() => assertWritablePackage(this.ctx.db, tenantId, packageId ?? null));
    return toStage(await this.insertOne(tenantId, { ...values, packageKey: packageId ?? '' }, { conflict: (cause) => nameTaken(values.name, cause) }));
  }

  async update(tenantId: string, id: string, patch: Record<string, unknown>): Promise<FunnelStage> {
    const current = await this.get(tenantId, id);
    const { packageId, ...values } = parseOrThrow(funnelStageSchema, { ...current, ...patch, packageId: current.packageId }, 'sales funnel stage');
    return toStage(await this.updateOne(tenantId, id, { ...values, packageKey: packageId ?? '' }, { conflict: (cause) => nameTaken(values.name, cause) }));
  }

  async get(tenantId: string, id: string): Promise<FunnelStage> {
    const stage = await this.find(tenantId, id);
    if (!stage) throw new NotFoundError(this.entityName, id);
    return stage;
  }

  async find(tenantId: string, id: string): Promise<FunnelStage | undefined> {
    const row = (await this.run(() => this.visible(tenantId).where('id', id).first())) as Row | undefined;
    return row && toStage(this.codec.fromRow(row));
  }

  /**
   * Stages by package, then score (best first), then name: one package's (null: the default
   * package) or, when `packageId` is undefined, every package's. Agents see only enabled ones.
   */
  async list(tenantId: string, packageId: string | null | undefined, options: { agentView?: boolean; status?: FunnelStage['status'] } = {}): Promise<FunnelStage[]> {
    const rows = (await this.run(() => {
      const query = this.visible(tenantId).orderBy([{ column: 'package_key' }, { column: 'score', order: 'desc' }, { column: 'name' }]);
      if (packageId !== undefined) query.where('package_key', packageId ?? '');
      if (options.agentView) query.where('status', 'enabled');
      if (options.status) query.where('status', options.status);
      return query;
    })) as Row[];
    return rows.map((row) => toStage(this.codec.fromRow(row)));
  }

  /**
   * Deletes a stage nothing refers to. Call results that imply it, contact records and
   * customers at it would lose their meaning (the success view reads it), so such a stage is
   * refused, naming what uses it: close it instead.
   */
  async delete(tenantId: string, id: string): Promise<void> {
    const stage = await this.get(tenantId, id);
    const db = this.ctx.db;
    const count = async (table: string, column: string) => {
      const row = (await this.run(() => db(table).where({ tenant_id: tenantId, [column]: id }).count({ n: '*' }).first())) as { n: number | string } | undefined;
      return Number(row?.n ?? 0);
    };
    const results = (await this.run(() => db('call_results').where({ tenant_id: tenantId, funnel_stage_id: id }).orderBy('name').select('name'))) as Array<{ name: string }>;
    const [records, customers] = [await count('contact_records', 'funnel_stage_id'), await count('customers', 'funnel_stage')];
    const uses = [
      ...(results.length > 0 ? [`call results ${results.map((r) => `"${r.name}"`).join(', ')}`] : []),
      ...(records > 0 ? [`${records} contact record${records === 1 ? '' : 's'}`] : []),
      ...(customers > 0 ? [`${customers} customer${customers === 1 ? '' : 's'}`] : []),
    ];
    if (uses.length > 0) {
      throw new ConflictError(`Cannot delete the sales funnel stage "${stage.name}": still used by ${uses.join('; ')}. Close it instead`, {
        details: { callResults: results.map((r) => r.name), contactRecords: records, customers },
      });
    }
    await this.deleteOne(tenantId, id);
  }

  private visible(tenantId: string) {
    return withoutClosedPackages(this.scoped(tenantId), this.ctx.db, tenantId, 'package_key');
  }
}

function toStage({ packageKey, ...row }: StageRow): FunnelStage {
  return { ...row, packageId: packageKey === '' ? null : packageKey };
}

function nameTaken(name: string, cause: unknown): ConflictError {
  return new ConflictError(`The package already has a sales funnel stage named ${name}`, { cause, details: { field: 'name', name } });
}
