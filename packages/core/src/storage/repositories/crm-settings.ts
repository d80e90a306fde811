import { crmSettingsSchema, type CrmSettings } from '../../crm/catalog.js';
import { parseOrThrow } from '../../errors/zod.js';
import { withStorageErrors } from '../db-errors.js';
import type { RepositoryContext } from '../repository.js';

/** A tenant's data preferences (manual §3.15.1 "3 Data"); a tenant that never saved them has the defaults. */
export class CrmSettingsRepository {
  constructor(private readonly ctx: RepositoryContext) {}

  async get(tenantId: string): Promise<CrmSettings> {
    const row = (await withStorageErrors(() => this.ctx.db('crm_settings').where('tenant_id', tenantId).first('config'))) as { config: string } | undefined;
    return crmSettingsSchema.parse(row ? JSON.parse(row.config) : {});
  }

  /** Merges `patch` over the current settings. */
  async put(tenantId: string, patch: unknown): Promise<CrmSettings> {
    const current = await this.get(tenantId);
    const settings = parseOrThrow(crmSettingsSchema, { ...current, ...(patch as object) }, 'data settings');
    const row = { tenant_id: tenantId, config: JSON.stringify(settings), updated_at: this.ctx.clock.now() };
    await withStorageErrors(() => this.ctx.db('crm_settings').insert(row).onConflict('tenant_id').merge(['config', 'updated_at']));
    return settings;
  }
}
