import { OrderedSet } from '../../collections/ordered-set.js';
import type { Random } from '../../random/random.js';
import type { PickRequest } from './agent-pool.js';
import { PRIORITY, SLOT, type PoolAgent } from './pool-agent.js';
import { PoolBase } from './pool-base.js';
import { exclusionOf } from './pooled-member.js';

/**
 * Random: uniform among the best tier. Each tier is a bag (an array; an agent's slot is its
 * index there, and removal moves the last agent into the hole), so add, remove and an
 * unrestricted pick are O(1) plus the tier lookup. Excluded agents of the chosen tier are
 * swapped to the bag's end and the draw is taken from the rest: exactly one draw per pick,
 * O(excluded), never a resampling loop. Removal is eager here: a draw cannot skip a stale
 * entry without drawing again, which would change the odds and the seeded sequence.
 */
export class RandomPool extends PoolBase {
  readonly strategy = 'random' as const;
  protected readonly ranksByDailyCounts = false;
  protected readonly lazy = false;
  private readonly bags = new Map<number, PoolAgent[]>();
  /** The priorities that have a non-empty bag, lowest first. */
  private readonly tiers = new OrderedSet<number>((a, b) => a - b);
  /** How the excluded ids of a pick are found. */
  private readonly byAgentId = new Map<string, PoolAgent>();

  constructor(private readonly random: Random) {
    super();
  }

  pickOne(request?: PickRequest): PoolAgent | undefined {
    const exclude = exclusionOf(request);
    if (exclude === undefined) {
      const tier = this.tiers.first();
      return tier === undefined ? undefined : this.draw(this.bag(tier), this.bag(tier).length);
    }
    const excludedByTier = new Map<number, PoolAgent[]>();
    for (const agentId of exclude) {
      const agent = this.byAgentId.get(agentId);
      if (agent === undefined) continue;
      const priority = this.figure(agent, PRIORITY);
      const excluded = excludedByTier.get(priority);
      if (excluded === undefined) excludedByTier.set(priority, [agent]);
      else excluded.push(agent);
    }
    const tier = this.tiers.firstWhere((priority) => this.bag(priority).length > (excludedByTier.get(priority)?.length ?? 0));
    if (tier === undefined) return undefined;
    const bag = this.bag(tier);
    let allowed = bag.length;
    for (const agent of excludedByTier.get(tier) ?? []) this.swap(bag, this.figure(agent, SLOT), --allowed);
    return this.draw(bag, allowed);
  }

  /** One draw among the first `allowed` agents of the bag. */
  private draw(bag: PoolAgent[], allowed: number): PoolAgent {
    return bag[this.random.int(0, allowed - 1)]!;
  }

  protected enter(agent: PoolAgent, place: number): void {
    const at = agent.at(place);
    const priority = this.roster!.places[at + PRIORITY]!;
    let bag = this.bags.get(priority);
    if (bag === undefined) {
      bag = [];
      this.bags.set(priority, bag);
      this.tiers.add(priority);
    }
    this.roster!.places[at + SLOT] = bag.length;
    bag.push(agent);
    this.byAgentId.set(agent.agentId, agent);
  }

  protected leave(agent: PoolAgent, place: number): void {
    this.byAgentId.delete(agent.agentId);
    const at = agent.at(place);
    const priority = this.roster!.places[at + PRIORITY]!;
    const slot = this.roster!.places[at + SLOT]!;
    const bag = this.bag(priority);
    const last = bag.pop()!;
    if (last !== agent) {
      bag[slot] = last;
      this.setSlot(last, slot);
    }
    if (bag.length === 0) {
      this.bags.delete(priority);
      this.tiers.delete(priority);
    }
  }

  get heldEntries(): number {
    return this.byAgentId.size;
  }

  protected members(): PoolAgent[] {
    return [...this.byAgentId.values()];
  }

  protected reindex(): void {
    // A bag does not depend on today's counts.
  }

  private bag(priority: number): PoolAgent[] {
    return this.bags.get(priority) ?? [];
  }

  private figure(agent: PoolAgent, field: number): number {
    return this.roster!.places[agent.at(agent.placeIn(this)) + field]!;
  }

  private setSlot(agent: PoolAgent, slot: number): void {
    this.roster!.places[agent.at(agent.placeIn(this)) + SLOT] = slot;
  }

  private swap(bag: PoolAgent[], i: number, j: number): void {
    const a = bag[i]!;
    const b = bag[j]!;
    bag[i] = b;
    this.setSlot(b, i);
    bag[j] = a;
    this.setSlot(a, j);
  }
}
