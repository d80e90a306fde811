import type { PickRequest } from './agent-pool.js';
import { POSITION, PRIORITY, type PoolAgent } from './pool-agent.js';
import { PoolBase, SWEEP_SLACK } from './pool-base.js';
import { exclusionOf } from './pooled-member.js';

/** One tier of a tiered pool: the members of one priority, in the strategy's order, removed lazily. */
export interface Tier {
  readonly priority: number;
  /** Entries held, live or stale. */
  readonly entries: number;
  /** Files agent `index` (with its epoch now) under its rank and position. */
  enter(index: number, epoch: number, rank: number, position: number): void;
  /** The best live agent that is not excluded (its roster index), or -1. */
  first(exclude: ReadonlySet<string> | undefined): number;
  /** Drops every stale entry. */
  sweep(): void;
  members(into: PoolAgent[]): void;
  /** After the daily reset: every rank is 0 (only tiers of pools that rank by today's counts). */
  resetRanks?(): void;
}

/** The same number, as an int32 when it is one, so that V8 stores it unboxed. */
function smallInteger(value: number): number {
  return (value | 0) === value ? value | 0 : value;
}

/** More tiers than this and a sweep drops the empty ones (a group has a few priorities; edits may leave old ones). */
const MAX_EMPTY_TIERS = 8;

/**
 * A pool that rings the best member of the best tier: one `Tier` per priority, lowest
 * number first. Removal is lazy: a stale entry stays until a pick meets it or the pool
 * sweeps, which it does once it has filed as many entries as it holds live ones (plus
 * `SWEEP_SLACK`) since the last sweep: memory stays O(live), and a sweep's cost is paid by
 * the entries that caused it.
 */
export abstract class TieredPool<T extends Tier> extends PoolBase {
  protected readonly lazy = true;
  /** Lowest priority number first. */
  private tiers: T[] = [];
  /**
   * `tiers[i].priority` side by side, as small integers when they are (they always are
   * from the engine): finding a tier then reads no tier object and no boxed number, each
   * of which would be a cache miss on every add.
   */
  private priorities: number[] = [];
  /** `tiers[0]`, held here as well: the best tier is the one nearly every pick needs. */
  private firstTier: T | undefined;
  private filedSinceSweep = 0;

  /** A new, empty tier. */
  protected abstract newTier(priority: number): T;
  /** What the strategy ranks by inside a tier, from the agent's figures at `at` in the roster's places. */
  protected abstract rankAt(places: Float64Array, at: number): number;

  pickOne(request?: PickRequest): PoolAgent | undefined {
    const index = this.pickIndex(request);
    return index < 0 ? undefined : this.agents[index];
  }

  override pickIndex(request?: PickRequest): number {
    const exclude = exclusionOf(request);
    const first = this.firstTier;
    if (first === undefined) return -1;
    const index = first.first(exclude);
    if (index >= 0) return index;
    const tiers = this.tiers;
    for (let i = 1; i < tiers.length; i++) {
      const later = tiers[i]!.first(exclude);
      if (later >= 0) return later;
    }
    return -1;
  }

  get heldEntries(): number {
    let entries = 0;
    for (const tier of this.tiers) entries += tier.entries;
    return entries;
  }

  protected enter(agent: PoolAgent, place: number): void {
    const at = agent.at(place);
    const places = this.roster!.places;
    this.tierOf(places[at + PRIORITY]!).enter(agent.index, this.epochs[agent.index]!, this.rankAt(places, at), places[at + POSITION]!);
    if (++this.filedSinceSweep > this.size + SWEEP_SLACK) this.sweep();
  }

  protected leave(): void {
    // Lazy: the entry went stale with the agent's epoch.
  }

  protected members(): PoolAgent[] {
    const agents: PoolAgent[] = [];
    for (const tier of this.tiers) tier.members(agents);
    return agents;
  }

  protected reindex(): void {
    for (const tier of this.tiers) tier.resetRanks?.();
  }

  private sweep(): void {
    this.filedSinceSweep = 0;
    for (const tier of this.tiers) tier.sweep();
    // Empty tiers are kept for the next agent of that priority, unless priorities keep changing.
    if (this.tiers.length > MAX_EMPTY_TIERS) {
      this.tiers = this.tiers.filter((tier) => tier.entries > 0);
      this.priorities = this.tiers.map((tier) => smallInteger(tier.priority));
      this.firstTier = this.tiers[0];
    }
  }

  private tierOf(priority: number): T {
    const priorities = this.priorities;
    let i = 0;
    while (i < priorities.length && priorities[i]! < priority) i++;
    if (i < priorities.length && priorities[i] === priority) return this.tiers[i]!;
    const tier = this.newTier(smallInteger(priority));
    this.tiers.splice(i, 0, tier);
    priorities.splice(i, 0, smallInteger(priority));
    this.firstTier = this.tiers[0];
    return tier;
  }
}
