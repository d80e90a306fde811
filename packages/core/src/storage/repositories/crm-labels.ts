import type { Knex } from 'knex';
import { labelSchema, LABEL_PALETTE, type Label } from '../../crm/catalog.js';
import { ConflictError } from '../../errors/errors.js';
import { parseOrThrow } from '../../errors/zod.js';
import { TenantScopedRepository, type RepositoryContext } from '../repository.js';
import { RowCodec, type Row } from '../row-codec.js';
import { escapeLike } from './agents.js';

const patchSchema = labelSchema.partial();

/**
 * Customer tags (manual §3.3.6) and data sources (§3.3.7): a name unique in the tenant, a
 * colour, a description. Deleting one takes it off every customer that had it.
 */
export class LabelRepository extends TenantScopedRepository<Label> {
  protected readonly codec = new RowCodec<Label>({ id: 'text', tenantId: 'text', name: 'text', color: 'text', description: 'text', createdAt: 'number', updatedAt: 'number' });

  constructor(
    ctx: RepositoryContext,
    protected readonly table: 'customer_tags' | 'data_sources',
    protected readonly entityName: string,
  ) {
    super(ctx);
  }

  async create(tenantId: string, input: unknown): Promise<Label> {
    const values = parseOrThrow(labelSchema, input, this.entityName.toLowerCase());
    return this.insertOne(tenantId, values, { conflict: (cause) => this.nameTaken(values.name, cause) });
  }

  async update(tenantId: string, id: string, patch: unknown): Promise<Label> {
    const values = parseOrThrow(patchSchema, patch, this.entityName.toLowerCase());
    return this.updateOne(tenantId, id, values, { conflict: (cause) => this.nameTaken(values.name ?? '', cause) });
  }

  get(tenantId: string, id: string): Promise<Label> {
    return this.getById(tenantId, id);
  }

  async findByName(tenantId: string, name: string): Promise<Label | undefined> {
    const row = (await this.run(() => this.scoped(tenantId).where('name', name.trim()).first())) as Row | undefined;
    return row === undefined ? undefined : this.codec.fromRow(row);
  }

  /** By name; `search` matches anywhere in the name, ignoring case (the page's global search). */
  async list(tenantId: string, options: { search?: string; limit?: number; offset?: number } = {}): Promise<Label[]> {
    const rows = (await this.run(() => {
      const query = this.scoped(tenantId).orderBy([{ column: 'name' }, { column: 'id' }]);
      const search = options.search?.trim().toLowerCase();
      if (search) query.whereRaw("lower(name) like ? escape '\\'", [`%${escapeLike(search)}%`]);
      if (options.limit !== undefined) query.limit(options.limit).offset(options.offset ?? 0);
      return query;
    })) as Row[];
    return rows.map((row) => this.codec.fromRow(row));
  }

  async count(tenantId: string): Promise<number> {
    const row = (await this.run(() => this.scoped(tenantId).count({ n: '*' }).first())) as { n: number | string } | undefined;
    return Number(row?.n ?? 0);
  }

  /** The ones of these ids that exist in the tenant. */
  async byIds(tenantId: string, ids: readonly string[]): Promise<Label[]> {
    if (ids.length === 0) return [];
    const rows = (await this.run(() => this.scoped(tenantId).whereIn('id', [...ids]))) as Row[];
    return rows.map((row) => this.codec.fromRow(row));
  }

  /**
   * Creates a label named after the moment, in the next colour of the palette, unless one of
   * that name exists (then the name gets a suffix): what an import does when no data source is chosen.
   */
  async createStamped(tenantId: string, name: string, color?: string): Promise<Label> {
    const taken = new Set((await this.list(tenantId, { search: name })).map((l) => l.name));
    let unique = name.slice(0, 100);
    for (let n = 2; taken.has(unique); n++) unique = `${name.slice(0, 94)} (${n})`;
    const colour = color ?? LABEL_PALETTE[(await this.count(tenantId)) % LABEL_PALETTE.length]!;
    return this.create(tenantId, { name: unique, color: colour });
  }

  /** Deletes the label and takes it off customers (their tag list, or their data source). */
  async delete(tenantId: string, id: string): Promise<void> {
    await this.getById(tenantId, id);
    await this.run(() =>
      this.ctx.db.transaction(async (trx) => {
        if (this.table === 'data_sources') {
          await trx('customers').where({ tenant_id: tenantId, data_source_id: id }).update({ data_source_id: null, updated_at: this.ctx.clock.now() });
        } else {
          await untag(trx, tenantId, id, this.ctx.clock.now());
        }
        await this.scoped(tenantId, trx).where('id', id).delete();
      }),
    );
  }

  private nameTaken(name: string, cause: unknown): ConflictError {
    return new ConflictError(`${this.entityName} "${name}" already exists`, { cause, details: { field: 'name', name } });
  }
}

/** Removes a tag id from every customer's tag list, a page at a time. */
async function untag(trx: Knex, tenantId: string, tagId: string, now: number): Promise<void> {
  for (;;) {
    const rows = (await trx('customers')
      .where('tenant_id', tenantId)
      .whereRaw("tags like ? escape '\\'", [`%"${escapeLike(tagId)}"%`])
      .select('id', 'tags')
      .limit(1000)) as Array<{ id: string; tags: string }>;
    if (rows.length === 0) return;
    for (const row of rows) {
      const tags = (JSON.parse(row.tags) as string[]).filter((t) => t !== tagId);
      await trx('customers').where('id', row.id).update({ tags: JSON.stringify(tags), updated_at: now });
    }
  }
}
