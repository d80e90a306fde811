import { PerKeyQueue } from '../collections/per-key-queue.js';
import { ConflictError, ValidationError } from '../errors/errors.js';
import type { Storage } from '../storage/storage.js';
import { flatten, type RoutingObject, type RoutingObjectRepository } from '../storage/repositories/routing-objects.js';
import { routingSettingsSchema, type RoutingSettings } from './model.js';
import { routePatternError } from './route-match.js';
import { danglingReferences, findInputFreeCycle, referrersOf, type Referrer, type RoutingConfig } from './routing-graph.js';
import { loadRoutingConfig } from './tenant-routing.js';

/** The routing objects the REST API manages, by their path name. */
export const routingObjectKinds = ['dids', 'incoming-routes', 'ivr-menus', 'voice-broadcasts', 'ring-groups', 'time-conditions'] as const;
export type RoutingObjectKind = (typeof routingObjectKinds)[number];

type ConfigList = 'dids' | 'routes' | 'ivrs' | 'broadcasts' | 'ringGroups' | 'conditions';
/** Where each kind sits in the graph: its list in RoutingConfig, its name in edges, and whether destinations can name it. */
const KINDS: Record<RoutingObjectKind, { list: ConfigList; edge: string; target: boolean }> = {
  dids: { list: 'dids', edge: 'did', target: false },
  'incoming-routes': { list: 'routes', edge: 'route', target: false },
  'ivr-menus': { list: 'ivrs', edge: 'ivr', target: true },
  'voice-broadcasts': { list: 'broadcasts', edge: 'voice-broadcast', target: true },
  'ring-groups': { list: 'ringGroups', edge: 'ring-group', target: true },
  'time-conditions': { list: 'conditions', edge: 'condition', target: true },
};

/** Told after every change, so running calls keep their snapshot and the next call sees the new configuration. */
export interface RoutingReloader {
  reload(tenantId: string): void;
  /** After the routing settings were saved, with what was saved (`reload` included). */
  settingsChanged(tenantId: string, settings: RoutingSettings): void;
}

/**
 * Saves routing objects with the checks that need the whole graph (manual §3.6–3.7 and
 * the issue's safety rules): every destination must name an object that exists; no loop a
 * call could go round without the caller pressing a key; an internal number is unique
 * across IVRs, ring groups, agent groups and agents; an object something still refers to
 * cannot be deleted, and the refusal lists who refers to it.
 */
export class RoutingStore {
  /** A tenant's changes one at a time: each is checked against the graph as the one before it left it. */
  private readonly writes = new PerKeyQueue();

  constructor(
    private readonly storage: Storage,
    private readonly reloader: RoutingReloader,
  ) {}

  private repo(kind: RoutingObjectKind): RoutingObjectRepository<never> {
    const repos = {
      dids: this.storage.dids,
      'incoming-routes': this.storage.incomingRoutes,
      'ivr-menus': this.storage.ivrMenus,
      'voice-broadcasts': this.storage.voiceBroadcasts,
      'ring-groups': this.storage.ringGroups,
      'time-conditions': this.storage.timeConditions,
    } as const;
    return repos[kind] as unknown as RoutingObjectRepository<never>;
  }

  async list(kind: RoutingObjectKind, tenantId: string, search?: string): Promise<Array<RoutingObject<unknown>>> {
    return (await this.repo(kind).list(tenantId, search === undefined ? {} : { search })).map(flatten);
  }

  async get(kind: RoutingObjectKind, tenantId: string, id: string): Promise<RoutingObject<unknown>> {
    return flatten(await this.repo(kind).getById(tenantId, id));
  }

  async create(kind: RoutingObjectKind, tenantId: string, input: unknown): Promise<RoutingObject<unknown>> {
    const config = this.repo(kind).parse(input) as Record<string, unknown>;
    return this.writes.run(tenantId, async () => {
      await this.check(kind, tenantId, 'new', config);
      const saved = await this.repo(kind).create(tenantId, config);
      this.reloader.reload(tenantId);
      return flatten(saved);
    });
  }

  /** A partial change: the fields given replace the stored ones; the result is validated whole. */
  async update(kind: RoutingObjectKind, tenantId: string, id: string, patch: Record<string, unknown>): Promise<RoutingObject<unknown>> {
    return this.writes.run(tenantId, async () => {
      const current = await this.repo(kind).getById(tenantId, id);
      const config = this.repo(kind).parse({ ...(current.config as object), ...patch }) as Record<string, unknown>;
      await this.check(kind, tenantId, id, config);
      const saved = await this.repo(kind).replace(tenantId, id, config);
      this.reloader.reload(tenantId);
      return flatten(saved);
    });
  }

  async delete(kind: RoutingObjectKind, tenantId: string, id: string): Promise<void> {
    return this.writes.run(tenantId, async () => {
      await this.repo(kind).getById(tenantId, id);
      if (KINDS[kind].target) await this.assertNotReferred(tenantId, `${KINDS[kind].edge}:${id}`);
      await this.repo(kind).delete(tenantId, id);
      this.reloader.reload(tenantId);
    });
  }

  /**
   * Runs a change of the tenant's routing graph that this store does not save itself (an
   * agent group's queue destinations, its deletion) in the tenant's queue of changes, so its
   * check and its write see no other change in between. `change` must not call this store's
   * own writes (create, update, delete, putSettings): they would wait behind it.
   */
  serially<T>(tenantId: string, change: () => Promise<T>): Promise<T> {
    return this.writes.run(tenantId, change);
  }

  /** Refuses (409, listing them) while any routing object or queue still sends calls to the node (`ivr:<id>`, `agent-group:<number>` …). */
  async assertNotReferred(tenantId: string, node: string): Promise<void> {
    const referrers = referrersOf(await loadRoutingConfig(this.storage, tenantId), node);
    if (referrers.length > 0) throw new ConflictError(`Cannot delete: still used by ${referrers.map(describe).join('; ')}`, { details: { referrers } });
  }

  /** Who refers to an object (a condition's "usage" page, §3.7.8). */
  async usage(kind: RoutingObjectKind, tenantId: string, id: string): Promise<Referrer[]> {
    await this.repo(kind).getById(tenantId, id);
    return KINDS[kind].target ? referrersOf(await loadRoutingConfig(this.storage, tenantId), `${KINDS[kind].edge}:${id}`) : [];
  }

  async settings(tenantId: string): Promise<RoutingSettings> {
    return this.storage.routingSettings.get(tenantId);
  }

  async putSettings(tenantId: string, input: unknown): Promise<RoutingSettings> {
    return this.writes.run(tenantId, async () => {
      const current = await this.storage.routingSettings.get(tenantId);
      const merged = { ...current, ...(input as object) };
      const config = await loadRoutingConfig(this.storage, tenantId);
      const parsed = routingSettingsSchema.safeParse(merged);
      if (parsed.success) this.assertGraph({ ...config, settings: parsed.data }, 'routing settings');
      const saved = await this.storage.routingSettings.put(tenantId, merged);
      this.reloader.settingsChanged(tenantId, saved);
      return saved;
    });
  }

  /** Agent groups' queue destinations are part of the graph too: the ACD's REST routes call this before saving a group. */
  async checkAgentGroupDestinations(tenantId: string, group: RoutingConfig['agentGroups'][number]): Promise<void> {
    const config = await loadRoutingConfig(this.storage, tenantId);
    const others = config.agentGroups.filter((g) => g.number !== group.number);
    this.assertGraph({ ...config, agentGroups: [...others, group] }, `agent group ${group.number}`);
    this.reloader.reload(tenantId);
  }

  private async check(kind: RoutingObjectKind, tenantId: string, id: string, config: Record<string, unknown>): Promise<void> {
    if (kind === 'incoming-routes') {
      const match = config.match as Parameters<typeof routePatternError>[0];
      const error = routePatternError(match);
      if (error) throw new ValidationError(`Invalid route: match.value is not a valid regular expression: ${error}`, [{ path: 'match.value', message: error }]);
    }
    const extension = config.extension as string | null | undefined;
    if (extension) await this.assertExtensionFree(tenantId, extension, kind, id);
    const current = await loadRoutingConfig(this.storage, tenantId);
    const list = KINDS[kind].list;
    const items = (current[list] as Array<{ id: string }>).filter((item) => item.id !== id);
    const proposed = { ...current, [list]: [...items, { ...config, id }] } as RoutingConfig;
    this.assertGraph(proposed, String(config.name ?? kind), { kind: KINDS[kind].edge, id });
  }

  private assertGraph(config: RoutingConfig, what: string, only?: { kind: string; id: string }): void {
    // Only the object being saved must be whole: another object's dangling reference is not this save's fault.
    const dangling = danglingReferences(config).filter((d) => !only || (d.id === only.id && d.kind === only.kind));
    if (dangling.length > 0) {
      throw new ValidationError(
        `Invalid ${what}: ${dangling.map((d) => `${d.field} names ${d.target}, which does not exist`).join('; ')}`,
        dangling.map((d) => ({ path: d.field, message: `${d.target} does not exist` })),
      );
    }
    const loop = findInputFreeCycle(config);
    if (loop) {
      throw new ValidationError(`Saving ${what} would make a loop a call goes round without the caller pressing a key: ${loop.map(describe).join(' → ')}`, [
        { path: loop.find((step) => !only || step.id === only.id)?.field ?? loop[0]!.field, message: 'closes a loop without caller input' },
      ]);
    }
  }

  private async assertExtensionFree(tenantId: string, extension: string, kind: RoutingObjectKind, id: string): Promise<void> {
    const holders: Array<[string, Promise<{ id: string } | undefined>]> = [
      ['IVR menu', this.storage.ivrMenus.findByExtension(tenantId, extension)],
      ['ring group', this.storage.ringGroups.findByExtension(tenantId, extension)],
      ['agent group', this.storage.agentGroups.findByNumber(tenantId, extension)],
      ['agent', this.storage.agents.findByNumber(tenantId, extension)],
    ];
    const own = kind === 'ivr-menus' ? 'IVR menu' : kind === 'ring-groups' ? 'ring group' : undefined;
    for (const [what, holder] of holders) {
      const found = await holder;
      if (found && !(what === own && found.id === id)) {
        throw new ConflictError(`Internal number ${extension} is already used by an ${what}`, { details: { field: 'extension', extension, usedBy: what } });
      }
    }
  }
}

function describe(referrer: Referrer): string {
  return `${referrer.kind} "${referrer.name}" (${referrer.field})`;
}
