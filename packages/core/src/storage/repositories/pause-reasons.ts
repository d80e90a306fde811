import { z } from 'zod';
import { newPauseReasonSchema, type NewPauseReason, type PauseReason } from '../../acd/model.js';
import { ConflictError } from '../../errors/errors.js';
import { parseOrThrow } from '../../errors/zod.js';
import { TenantScopedRepository } from '../repository.js';
import { RowCodec, type Row } from '../row-codec.js';
import { escapeLike } from './agents.js';

export type PauseReasonPatch = Partial<NewPauseReason>;

// Without defaults: a patch that leaves a field out leaves it as it is.
const patchSchema = z
  .object({ name: newPauseReasonSchema.shape.name, productive: z.boolean(), enabled: z.boolean() })
  .partial();

const nameTaken = (name: string, cause: unknown) =>
  new ConflictError(`A pause reason named "${name}" already exists`, { cause, details: { field: 'name', name } });

/** Pause reasons (manual §3.7.9): names unique in the tenant; the page searches by name. */
export class PauseReasonRepository extends TenantScopedRepository<PauseReason> {
  protected readonly table = 'pause_reasons';
  protected readonly entityName = 'Pause reason';
  protected readonly codec = new RowCodec<PauseReason>({
    id: 'text',
    tenantId: 'text',
    name: 'text',
    productive: 'boolean',
    enabled: 'boolean',
    createdAt: 'number',
    updatedAt: 'number',
  });

  async create(tenantId: string, input: NewPauseReason): Promise<PauseReason> {
    const values = parseOrThrow(newPauseReasonSchema, input, 'pause reason');
    return this.insertOne(tenantId, values, { conflict: (cause) => nameTaken(values.name, cause) });
  }

  async findByName(tenantId: string, name: string): Promise<PauseReason | undefined> {
    const row = (await this.run(() => this.scoped(tenantId).where('name', name.trim()).first())) as Row | undefined;
    return row === undefined ? undefined : this.codec.fromRow(row);
  }

  /** By name; `search` matches anywhere in the name, ignoring case. */
  async list(tenantId: string, options: { search?: string; enabledOnly?: boolean } = {}): Promise<PauseReason[]> {
    const rows = (await this.run(() => {
      const query = this.scoped(tenantId).orderBy('name');
      const search = options.search?.trim().toLowerCase();
      if (search) query.whereRaw("lower(name) like ? escape '\\'", [`%${escapeLike(search)}%`]);
      if (options.enabledOnly) query.where('enabled', true);
      return query;
    })) as Row[];
    return rows.map((row) => this.codec.fromRow(row));
  }

  async update(tenantId: string, id: string, patch: PauseReasonPatch): Promise<PauseReason> {
    const values = parseOrThrow(patchSchema, patch, 'pause reason');
    return this.updateOne(tenantId, id, values, { conflict: (cause) => nameTaken(values.name ?? '', cause) });
  }

  async delete(tenantId: string, id: string): Promise<void> {
    await this.deleteOne(tenantId, id);
  }
}
