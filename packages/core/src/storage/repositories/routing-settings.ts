import { parseOrThrow } from '../../errors/zod.js';
import { routingSettingsSchema, type RoutingSettings } from '../../routing/model.js';
import { withStorageErrors } from '../db-errors.js';
import { insertInBatches, type RepositoryContext } from '../repository.js';

/**
 * A tenant's routing settings (manual §3.15.1 call settings: the blacklist treatment,
 * holidays, ring timeouts) and its region table (number prefix → region, §3.6.1). A
 * tenant that never saved settings has the defaults.
 */
export class RoutingSettingsRepository {
  constructor(private readonly ctx: RepositoryContext) {}

  async get(tenantId: string): Promise<RoutingSettings> {
    const row = (await withStorageErrors(() => this.ctx.db('routing_settings').where('tenant_id', tenantId).first('config'))) as { config: string } | undefined;
    return routingSettingsSchema.parse(row ? JSON.parse(row.config) : {});
  }

  async put(tenantId: string, input: unknown): Promise<RoutingSettings> {
    const settings = parseOrThrow(routingSettingsSchema, input, 'routing settings');
    const row = { tenant_id: tenantId, config: JSON.stringify(settings), updated_at: this.ctx.clock.now() };
    await withStorageErrors(() => this.ctx.db('routing_settings').insert(row).onConflict('tenant_id').merge(['config', 'updated_at']));
    return settings;
  }

  async regions(tenantId: string): Promise<Array<{ prefix: string; region: string }>> {
    return (await withStorageErrors(() => this.ctx.db('region_prefixes').where('tenant_id', tenantId).orderBy('prefix').select('prefix', 'region'))) as Array<{ prefix: string; region: string }>;
  }

  /** Replaces the whole table in one transaction, batched. */
  async replaceRegions(tenantId: string, entries: ReadonlyArray<{ prefix: string; region: string }>): Promise<number> {
    const unique = new Map(entries.map((e) => [e.prefix.replace(/^\+/, ''), e.region]));
    return withStorageErrors(() =>
      this.ctx.db.transaction(async (trx) => {
        await trx('region_prefixes').where('tenant_id', tenantId).delete();
        return insertInBatches(trx, this.ctx.dialect, 'region_prefixes', [...unique].map(([prefix, region]) => ({ tenant_id: tenantId, prefix, region })));
      }),
    );
  }
}
