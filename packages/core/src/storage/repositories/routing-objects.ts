import type { Knex } from 'knex';
import type { ZodType, z } from 'zod';
import { ConflictError } from '../../errors/errors.js';
import { parseOrThrow } from '../../errors/zod.js';
import { TenantScopedRepository, type RepositoryContext } from '../repository.js';
import { RowCodec, type Row } from '../row-codec.js';
import { escapeLike } from './agents.js';

/** A stored routing object: its validated configuration with the row's identity and stamps. */
export interface RoutingObjectRecord<T> {
  id: string;
  tenantId: string;
  name: string;
  extension: string | null;
  config: T;
  createdAt: number;
  updatedAt: number;
}

/** The API's view of one: the configuration's fields beside id and stamps. */
export type RoutingObject<T> = T & { id: string; createdAt: number; updatedAt: number };

export function flatten<T>(record: RoutingObjectRecord<T>): RoutingObject<T> {
  return { ...record.config, id: record.id, createdAt: record.createdAt, updatedAt: record.updatedAt };
}

/**
 * IVR menus, voice broadcasts, ring groups, time conditions, incoming routes and DIDs:
 * each is a name, an optional internal number (unique in the tenant, a database
 * constraint) and a configuration validated by its zod schema on every write. Checks that
 * need the whole routing graph (references, loops) are the routing store's, above this.
 */
export class RoutingObjectRepository<S extends ZodType<{ name: string; extension?: string | null }>> extends TenantScopedRepository<
  RoutingObjectRecord<z.output<S>>
> {
  protected readonly codec = new RowCodec<RoutingObjectRecord<z.output<S>>>({
    id: 'text',
    tenantId: 'text',
    name: 'text',
    extension: 'text',
    config: 'json',
    createdAt: 'number',
    updatedAt: 'number',
  });

  constructor(
    ctx: RepositoryContext,
    protected readonly table: string,
    protected readonly entityName: string,
    readonly schema: S,
  ) {
    super(ctx);
  }

  /** Validates without storing: what a save would store, for checks that come first. */
  parse(input: unknown): z.output<S> {
    return parseOrThrow(this.schema, input, this.entityName.toLowerCase());
  }

  async create(tenantId: string, input: unknown, db?: Knex): Promise<RoutingObjectRecord<z.output<S>>> {
    const config = this.parse(input);
    return this.on(db).insertOne(tenantId, this.values(config), { conflict: (cause) => this.extensionTaken(config, cause) });
  }

  /** Replaces the configuration; the caller merges a partial change first (see the routing store). */
  async replace(tenantId: string, id: string, input: unknown, db?: Knex): Promise<RoutingObjectRecord<z.output<S>>> {
    const config = this.parse(input);
    return this.on(db).updateOne(tenantId, id, this.values(config), { conflict: (cause) => this.extensionTaken(config, cause) });
  }

  async delete(tenantId: string, id: string, db?: Knex): Promise<void> {
    await this.on(db).deleteOne(tenantId, id);
  }

  /** By name; `search` matches anywhere in the name, ignoring case. */
  async list(tenantId: string, options: { search?: string } = {}): Promise<Array<RoutingObjectRecord<z.output<S>>>> {
    const rows = (await this.run(() => {
      const query = this.scoped(tenantId).orderBy([{ column: 'name' }, { column: 'id' }]);
      const search = options.search?.trim().toLowerCase();
      if (search) query.whereRaw("lower(name) like ? escape '\\'", [`%${escapeLike(search)}%`]);
      return query;
    })) as Row[];
    return rows.map((row) => this.codec.fromRow(row));
  }

  async findByExtension(tenantId: string, extension: string): Promise<RoutingObjectRecord<z.output<S>> | undefined> {
    const row = (await this.run(() => this.scoped(tenantId).where('extension', extension).first())) as Row | undefined;
    return row === undefined ? undefined : this.codec.fromRow(row);
  }

  private values(config: z.output<S>): Omit<RoutingObjectRecord<z.output<S>>, 'id' | 'tenantId' | 'createdAt' | 'updatedAt'> {
    return { name: config.name, extension: config.extension ?? null, config };
  }

  private on(db: Knex | undefined): this {
    if (db === undefined) return this;
    return new RoutingObjectRepository({ ...this.ctx, db }, this.table, this.entityName, this.schema) as this;
  }

  private extensionTaken(config: z.output<S>, cause: unknown): ConflictError {
    return new ConflictError(`Internal number ${config.extension ?? ''} is already used by another ${this.entityName.toLowerCase()}`, {
      cause,
      details: { field: 'extension', extension: config.extension },
    });
  }
}
