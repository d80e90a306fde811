import { funnelStageSchema } from '../../crm/contact-model.js';
import { ConflictError } from '../../errors/errors.js';
import { parseOrThrow } from '../../errors/zod.js';
import { TenantScopedRepository } from '../repository.js';
import { RowCodec, type Row } from '../row-codec.js';

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

/** Sales funnel stages (manual §3.15.2), per package. */
export class FunnelStageRepository extends TenantScopedRepository<StageRow> {
  protected readonly table = 'funnel_stages';
  protected readonly entityName = 'Sales funnel stage';
  protected readonly codec = new RowCodec<StageRow>({ id: 'text', tenantId: 'text', packageKey: 'text', name: 'text', score: 'number', status: 'text', createdAt: 'number', updatedAt: 'number' });

  async create(tenantId: string, input: unknown): Promise<FunnelStage> {
    const { packageId, ...values } = parseOrThrow(funnelStageSchema, input, 'sales funnel stage');
    return toStage(await this.insertOne(tenantId, { ...values, packageKey: packageId ?? '' }, { conflict: (cause) => nameTaken(values.name, cause) }));
  }

  async update(tenantId: string, id: string, patch: Record<string, unknown>): Promise<FunnelStage> {
    const current = toStage(await this.getById(tenantId, id));
    const { packageId, ...values } = parseOrThrow(funnelStageSchema, { ...current, ...patch, packageId: current.packageId }, 'sales funnel stage');
    return toStage(await this.updateOne(tenantId, id, { ...values, packageKey: packageId ?? '' }, { conflict: (cause) => nameTaken(values.name, cause) }));
  }

  async get(tenantId: string, id: string): Promise<FunnelStage> {
    return toStage(await this.getById(tenantId, id));
  }

  /** A package's stages by score, best first; agents see only enabled ones. */
  async list(tenantId: string, packageId: string | null, options: { agentView?: boolean } = {}): Promise<FunnelStage[]> {
    const rows = (await this.run(() => {
      const query = this.scoped(tenantId).where('package_key', packageId ?? '').orderBy([{ column: 'score', order: 'desc' }, { column: 'name' }]);
      if (options.agentView) query.where('status', 'enabled');
      return query;
    })) as Row[];
    return rows.map((row) => toStage(this.codec.fromRow(row)));
  }

  async delete(tenantId: string, id: string): Promise<void> {
    await this.deleteOne(tenantId, id);
  }
}

function toStage({ packageKey, ...row }: StageRow): FunnelStage {
  return { ...row, packageId: packageKey === '' ? null : packageKey };
}

function nameTaken(name: string, cause: unknown): ConflictError {
  return new ConflictError(`The package already has a sales funnel stage named ${name}`, { cause, details: { field: 'name', name } });
}
