import type { Storage, StorageRepositories } from '../storage/storage.js';
import { didKey } from '../storage/repositories/dids.js';
import type { RoutingObjectRecord } from '../storage/repositories/routing-objects.js';
import { RegionLookup } from './region-lookup.js';
import type { RoutingConfig, Stored } from './routing-graph.js';

/**
 * One tenant's routing configuration held in memory: calls are routed without a database
 * read per step. Loaded on the first call of the tenant and replaced whole after every
 * change through the routing store (`Routing.reload`), so a call never sees half a change.
 */
export class TenantRouting {
  readonly ivrs: ReadonlyMap<string, RoutingConfig['ivrs'][number]>;
  readonly broadcasts: ReadonlyMap<string, RoutingConfig['broadcasts'][number]>;
  readonly ringGroups: ReadonlyMap<string, RoutingConfig['ringGroups'][number]>;
  readonly conditions: ReadonlyMap<string, RoutingConfig['conditions'][number]>;
  /** IVRs and ring groups by their internal number. */
  readonly byExtension: ReadonlyMap<string, { kind: 'ivr' | 'ring-group'; id: string }>;
  /** DIDs by each of their numbers (digits only). */
  readonly didByNumber: ReadonlyMap<string, RoutingConfig['dids'][number]>;

  constructor(
    readonly tenantId: string,
    readonly timeZone: string,
    readonly country: string | undefined,
    readonly config: RoutingConfig,
    readonly regions: RegionLookup,
  ) {
    this.ivrs = byId(config.ivrs);
    this.broadcasts = byId(config.broadcasts);
    this.ringGroups = byId(config.ringGroups);
    this.conditions = byId(config.conditions);
    const extensions = new Map<string, { kind: 'ivr' | 'ring-group'; id: string }>();
    for (const ivr of config.ivrs) if (ivr.extension) extensions.set(ivr.extension, { kind: 'ivr', id: ivr.id });
    for (const group of config.ringGroups) if (group.extension) extensions.set(group.extension, { kind: 'ring-group', id: group.id });
    this.byExtension = extensions;
    this.didByNumber = new Map(config.dids.flatMap((did) => did.numbers.map((number) => [didKey(number), did] as const)));
  }

  get settings(): RoutingConfig['settings'] {
    return this.config.settings;
  }

  isHoliday(isoDate: string): boolean {
    return this.config.settings.holidays.includes(isoDate);
  }
}

/** Reads a tenant's whole routing configuration: a constant number of queries, whatever its size. */
export async function loadRoutingConfig(storage: StorageRepositories, tenantId: string): Promise<RoutingConfig> {
  const [dids, routes, ivrs, broadcasts, ringGroups, conditions, agentGroups, settings] = await Promise.all([
    storage.dids.list(tenantId),
    storage.incomingRoutes.list(tenantId),
    storage.ivrMenus.list(tenantId),
    storage.voiceBroadcasts.list(tenantId),
    storage.ringGroups.list(tenantId),
    storage.timeConditions.list(tenantId),
    storage.agentGroups.listAll(tenantId),
    storage.routingSettings.get(tenantId),
  ]);
  return {
    dids: dids.map(stored),
    routes: routes.map(stored),
    ivrs: ivrs.map(stored),
    broadcasts: broadcasts.map(stored),
    ringGroups: ringGroups.map(stored),
    conditions: conditions.map(stored),
    agentGroups: agentGroups.map((group) => ({ number: group.number, name: group.name, queue: group.queue })),
    settings,
  };
}

export async function loadTenantRouting(storage: Storage, tenantId: string): Promise<TenantRouting> {
  const tenant = await storage.tenants.get(tenantId);
  const [config, regions] = await Promise.all([loadRoutingConfig(storage, tenantId), storage.routingSettings.regions(tenantId)]);
  return new TenantRouting(tenantId, tenant.timeZone, tenant.defaultCountry, config, new RegionLookup(regions, tenant.defaultCountry));
}

function stored<T>(record: RoutingObjectRecord<T>): Stored<T> {
  return { ...record.config, id: record.id };
}

function byId<T extends { id: string }>(items: readonly T[]): ReadonlyMap<string, T> {
  return new Map(items.map((item) => [item.id, item]));
}
