import type { Random } from '../../random/random.js';
import type { PickRequest } from './agent-pool.js';
import { PRIORITY, SLOT, type PoolAgent } from './pool-agent.js';
import { PoolBase } from './pool-base.js';
import { WeightTree } from './weight-tree.js';

/**
 * 720720 = lcm(1..16): every priority from 1 to 16 (and every divisor of 720720 above) gets an
 * exact integer weight, so the odds are exactly 1/priority; other priorities are rounded to
 * the nearest unit, an error under 0.01% up to priority 100.
 */
const WEIGHT_SCALE = 720_720;

export function weightOfPriority(priority: number): number {
  return Math.max(1, Math.round(WEIGHT_SCALE / priority));
}

/**
 * Weighted random: every member of every tier, with probability proportional to
 * 1/priority. The weights sit in a Fenwick tree, so add, remove and a pick cost O(log n);
 * excluded members are taken out for the one draw and put back (O(excluded × log n)).
 * Removal is eager, as in the random pool: a draw cannot skip a stale slot.
 */
export class WeightedRandomPool extends PoolBase {
  readonly strategy = 'weighted-random' as const;
  protected readonly ranksByDailyCounts = false;
  protected readonly lazy = false;
  private readonly weights = new WeightTree();
  private readonly bySlot: Array<PoolAgent | undefined> = [];
  /** How the excluded ids of a pick are found. */
  private readonly byAgentId = new Map<string, PoolAgent>();

  constructor(private readonly random: Random) {
    super();
  }

  pickOne(request?: PickRequest): PoolAgent | undefined {
    const heldOut: Array<{ slot: number; weight: number }> = [];
    for (const agentId of request?.exclude ?? []) {
      const agent = this.byAgentId.get(agentId);
      if (agent === undefined) continue;
      const at = agent.at(agent.placeIn(this));
      heldOut.push({ slot: this.roster!.places[at + SLOT]!, weight: weightOfPriority(this.roster!.places[at + PRIORITY]!) });
    }
    for (const { slot } of heldOut) this.weights.set(slot, 0);
    try {
      const total = this.weights.total;
      if (total === 0) return undefined;
      const slot = this.weights.find(Math.floor(this.random.next() * total));
      return this.bySlot[slot];
    } finally {
      for (const { slot, weight } of heldOut) this.weights.set(slot, weight);
    }
  }

  protected enter(agent: PoolAgent, place: number): void {
    const at = agent.at(place);
    const slot = this.weights.allocate(weightOfPriority(this.roster!.places[at + PRIORITY]!));
    this.roster!.places[at + SLOT] = slot;
    this.bySlot[slot] = agent;
    this.byAgentId.set(agent.agentId, agent);
  }

  protected leave(agent: PoolAgent, place: number): void {
    const slot = this.roster!.places[agent.at(place) + SLOT]!;
    this.byAgentId.delete(agent.agentId);
    this.weights.release(slot);
    this.bySlot[slot] = undefined;
  }

  get heldEntries(): number {
    return this.byAgentId.size;
  }

  protected members(): PoolAgent[] {
    return [...this.byAgentId.values()];
  }

  protected reindex(): void {
    // Weights do not depend on today's counts.
  }
}
