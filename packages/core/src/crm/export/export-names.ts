import { DateTime } from 'luxon';
import type { Storage } from '../../storage/storage.js';

/** How exports write what records hold as ids: by name (the id when it is gone), and times in the tenant's zone. */
export interface ExportNames {
  package(id: string | null): string;
  tag(id: string): string;
  dataSource(id: string | null): string | null;
  funnelStage(id: string | null): string | null;
  callResult(id: string | null): string | null;
  time(ms: number | null): string | null;
}

/** Reads the tenant's packages, tags, data sources, stages and results once, before an export streams. */
export async function exportNames(storage: Storage, tenantId: string): Promise<ExportNames> {
  const [tenant, packages, tags, sources, stages, results] = await Promise.all([
    storage.tenants.get(tenantId),
    storage.customerPackages.list(tenantId, { includeClosed: true }),
    storage.customerTags.list(tenantId),
    storage.dataSources.list(tenantId),
    storage.funnelStages.list(tenantId, undefined),
    storage.callResults.list(tenantId),
  ]);
  const byId = (items: ReadonlyArray<{ id: string; name: string }>) => new Map(items.map((item) => [item.id, item.name]));
  const packageNames = new Map(packages.map((p) => [p.id, p.displayName]));
  const [tagNames, sourceNames, stageNames, resultNames] = [byId(tags), byId(sources), byId(stages), byId(results)];
  const named = (names: Map<string, string>) => (id: string | null) => (id === null ? null : (names.get(id) ?? id));
  return {
    package: (id) => (id === null ? 'Default' : (packageNames.get(id) ?? id)),
    tag: (id) => tagNames.get(id) ?? id,
    dataSource: named(sourceNames),
    funnelStage: named(stageNames),
    callResult: named(resultNames),
    time: (ms) => (ms === null ? null : DateTime.fromMillis(ms, { zone: tenant.timeZone }).toFormat('yyyy-MM-dd HH:mm:ss')),
  };
}
