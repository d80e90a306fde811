import { dictionarySchema, type Dictionary, type DictionaryEntry } from '../../crm/catalog.js';
import { ConflictError } from '../../errors/errors.js';
import { parseOrThrow } from '../../errors/zod.js';
import { insertInBatches, TenantScopedRepository } from '../repository.js';
import { RowCodec, type Row } from '../row-codec.js';
import { escapeLike } from './agents.js';

const patchSchema = dictionarySchema.partial();

export interface DictionarySummary extends Dictionary {
  /** How many keys it matches ("number of matching key values"). */
  entries: number;
}

/**
 * Dictionaries (manual §3.3.9): per dictionary, entries keyed by the value of its match key,
 * each holding the values an imported row gets where it has none.
 */
export class DictionaryRepository extends TenantScopedRepository<Dictionary> {
  protected readonly table = 'dictionaries';
  protected readonly entityName = 'Dictionary';
  protected readonly codec = new RowCodec<Dictionary>({ id: 'text', tenantId: 'text', name: 'text', matchKey: 'text', description: 'text', createdAt: 'number', updatedAt: 'number' });

  async create(tenantId: string, input: unknown): Promise<Dictionary> {
    const values = parseOrThrow(dictionarySchema, input, 'dictionary');
    return this.insertOne(tenantId, values, { conflict: (cause) => nameTaken(values.name, cause) });
  }

  async update(tenantId: string, id: string, patch: unknown): Promise<Dictionary> {
    const values = parseOrThrow(patchSchema, patch, 'dictionary');
    return this.updateOne(tenantId, id, values, { conflict: (cause) => nameTaken(values.name ?? '', cause) });
  }

  get(tenantId: string, id: string): Promise<Dictionary> {
    return this.getById(tenantId, id);
  }

  /** By name, with the number of entries of each; `search` matches the name. */
  async list(tenantId: string, options: { search?: string } = {}): Promise<DictionarySummary[]> {
    const rows = (await this.run(() => {
      const counts = this.ctx.db('dictionary_entries').where('tenant_id', tenantId).groupBy('dictionary_id').select('dictionary_id').count({ n: '*' }).as('c');
      const query = this.scoped(tenantId).leftJoin(counts, 'c.dictionary_id', 'dictionaries.id').select('dictionaries.*', 'c.n').orderBy('name');
      const search = options.search?.trim().toLowerCase();
      if (search) query.whereRaw("lower(name) like ? escape '\\'", [`%${escapeLike(search)}%`]);
      return query;
    })) as Row[];
    return rows.map((row) => ({ ...this.codec.fromRow(row), entries: Number(row['n'] ?? 0) }));
  }

  async delete(tenantId: string, id: string): Promise<void> {
    await this.deleteOne(tenantId, id);
  }

  /**
   * Adds entries (a key already there gets the new values, merged over the old), all in
   * one transaction; sets the match key when given. Returns how many keys were written.
   */
  async putEntries(tenantId: string, id: string, entries: Iterable<DictionaryEntry>, matchKey?: string): Promise<number> {
    const dictionary = await this.getById(tenantId, id);
    const byKey = new Map<string, Record<string, string>>();
    for (const entry of entries) byKey.set(entry.key, { ...byKey.get(entry.key), ...entry.data });
    return this.run(() =>
      this.ctx.db.transaction(async (trx) => {
        const keys = [...byKey.keys()];
        for (let i = 0; i < keys.length; i += 500) {
          const existing = (await trx('dictionary_entries').where('dictionary_id', id).whereIn('key', keys.slice(i, i + 500)).select('key', 'data')) as Array<{ key: string; data: string }>;
          for (const row of existing) byKey.set(row.key, { ...(JSON.parse(row.data) as Record<string, string>), ...byKey.get(row.key) });
          await trx('dictionary_entries').where('dictionary_id', id).whereIn('key', keys.slice(i, i + 500)).delete();
        }
        const rows = [...byKey].map(([key, data]) => ({ tenant_id: tenantId, dictionary_id: id, key, data: JSON.stringify(data) }));
        await insertInBatches(trx, this.ctx.dialect, 'dictionary_entries', rows);
        const next = matchKey !== undefined && matchKey !== '' ? matchKey : dictionary.matchKey;
        await trx('dictionaries').where({ tenant_id: tenantId, id }).update({ match_key: next, updated_at: this.ctx.clock.now() });
        return rows.length;
      }),
    );
  }

  /** A page of entries by key. */
  async entries(tenantId: string, id: string, options: { search?: string; limit?: number; offset?: number } = {}): Promise<DictionaryEntry[]> {
    await this.getById(tenantId, id);
    const rows = (await this.run(() => {
      const query = this.ctx.db('dictionary_entries').where({ tenant_id: tenantId, dictionary_id: id }).orderBy('key').limit(options.limit ?? 100).offset(options.offset ?? 0);
      const search = options.search?.trim().toLowerCase();
      if (search) query.whereRaw("lower(key) like ? escape '\\'", [`%${escapeLike(search)}%`]);
      return query.select('key', 'data');
    })) as Array<{ key: string; data: string }>;
    return rows.map((row) => ({ key: row.key, data: JSON.parse(row.data) as Record<string, string> }));
  }

  /** Every entry, for an import to look rows up in memory. */
  async allEntries(tenantId: string, id: string): Promise<Map<string, Record<string, string>>> {
    const rows = (await this.run(() => this.ctx.db('dictionary_entries').where({ tenant_id: tenantId, dictionary_id: id }).select('key', 'data'))) as Array<{ key: string; data: string }>;
    return new Map(rows.map((row) => [row.key, JSON.parse(row.data) as Record<string, string>]));
  }

  async removeEntry(tenantId: string, id: string, key: string): Promise<boolean> {
    const deleted = await this.run(() => this.ctx.db('dictionary_entries').where({ tenant_id: tenantId, dictionary_id: id, key }).delete());
    return deleted > 0;
  }
}

function nameTaken(name: string, cause: unknown): ConflictError {
  return new ConflictError(`Dictionary "${name}" already exists`, { cause, details: { field: 'name', name } });
}
