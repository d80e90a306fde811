import { callResultSchema } from '../../crm/contact-model.js';
import { ConflictError } from '../../errors/errors.js';
import { parseOrThrow } from '../../errors/zod.js';
import { TenantScopedRepository } from '../repository.js';
import { RowCodec, type Row } from '../row-codec.js';
import { escapeLike } from './agents.js';

export interface CallResult {
  id: string;
  tenantId: string;
  name: string;
  callStatus: 'answered' | 'unanswered' | 'any';
  funnelStageId: string | null;
  taskIds: string[];
  mandatoryAppointment: boolean;
  createdBy: string;
  createdAt: number;
  updatedAt: number;
}

/** Call results (manual §3.3.4 "Call Results"): names unique in the tenant. */
export class CallResultRepository extends TenantScopedRepository<CallResult> {
  protected readonly table = 'call_results';
  protected readonly entityName = 'Call result';
  protected readonly codec = new RowCodec<CallResult>({
    id: 'text',
    tenantId: 'text',
    name: 'text',
    callStatus: 'text',
    funnelStageId: 'text',
    taskIds: 'json',
    mandatoryAppointment: 'boolean',
    createdBy: 'text',
    createdAt: 'number',
    updatedAt: 'number',
  });

  async create(tenantId: string, input: unknown, createdBy: string): Promise<CallResult> {
    const values = parseOrThrow(callResultSchema, input, 'call result');
    return this.insertOne(tenantId, { ...values, createdBy }, { conflict: (cause) => nameTaken(values.name, cause), missingReference: () => missingStage() });
  }

  async update(tenantId: string, id: string, patch: Record<string, unknown>): Promise<CallResult> {
    const { id: _id, tenantId: _t, createdBy: _by, createdAt: _c, updatedAt: _u, ...current } = await this.getById(tenantId, id);
    const values = parseOrThrow(callResultSchema, { ...current, ...patch }, 'call result');
    return this.updateOne(tenantId, id, values, { conflict: (cause) => nameTaken(values.name, cause), missingReference: () => missingStage() });
  }

  /**
   * By name; `search` matches anywhere in it; `taskId`: the results that apply to the task
   * (those for every task included); `callStatus`: the results an agent may pick after a call
   * of that status (those for any status included); `funnelStageId`: the results implying it.
   */
  async list(tenantId: string, options: { search?: string; taskId?: string; callStatus?: 'answered' | 'unanswered'; funnelStageId?: string } = {}): Promise<CallResult[]> {
    const rows = (await this.run(() => {
      const query = this.scoped(tenantId).orderBy('name');
      if (options.search) query.whereRaw("lower(name) like ? escape '\\'", [`%${escapeLike(options.search.toLowerCase())}%`]);
      if (options.callStatus) query.whereIn('call_status', [options.callStatus, 'any']);
      if (options.funnelStageId) query.where('funnel_stage_id', options.funnelStageId);
      return query;
    })) as Row[];
    const results = rows.map((row) => this.codec.fromRow(row));
    return options.taskId ? results.filter((r) => r.taskIds.length === 0 || r.taskIds.includes(options.taskId!)) : results;
  }

  async delete(tenantId: string, id: string): Promise<void> {
    await this.deleteOne(tenantId, id);
  }
}

function nameTaken(name: string, cause: unknown): ConflictError {
  return new ConflictError(`A call result named ${name} already exists`, { cause, details: { field: 'name', name } });
}

function missingStage(): ConflictError {
  return new ConflictError('The sales funnel stage does not exist', { details: { field: 'funnelStageId' } });
}
