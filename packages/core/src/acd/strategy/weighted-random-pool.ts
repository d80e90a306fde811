import type { Random } from '../../random/random.js';
import type { PickRequest } from './agent-pool.js';
import { IndexedPool } from './indexed-pool.js';
import type { PooledMember } from './pooled-member.js';
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
 */
export class WeightedRandomPool extends IndexedPool {
  readonly strategy = 'weighted-random' as const;
  protected readonly ranksByDailyCounts = false;
  private readonly weights = new WeightTree();
  private readonly bySlot: Array<PooledMember | undefined> = [];

  constructor(private readonly random: Random) {
    super();
  }

  pick(request?: PickRequest): string[] {
    const heldOut: PooledMember[] = [];
    for (const agentId of request?.exclude ?? []) {
      const member = this.members.get(agentId);
      if (member === undefined) continue;
      this.weights.set(member.slot, 0);
      heldOut.push(member);
    }
    try {
      const total = this.weights.total;
      if (total === 0) return [];
      const slot = this.weights.find(Math.floor(this.random.next() * total));
      return [(this.bySlot[slot] as PooledMember).agentId];
    } finally {
      for (const member of heldOut) this.weights.set(member.slot, weightOfPriority(member.priority));
    }
  }

  protected index(member: PooledMember): void {
    member.slot = this.weights.allocate(weightOfPriority(member.priority));
    this.bySlot[member.slot] = member;
  }

  protected unindex(member: PooledMember): void {
    this.weights.release(member.slot);
    this.bySlot[member.slot] = undefined;
  }
}
