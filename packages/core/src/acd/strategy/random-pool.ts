import { OrderedSet } from '../../collections/ordered-set.js';
import type { Random } from '../../random/random.js';
import type { PickRequest } from './agent-pool.js';
import { IndexedPool } from './indexed-pool.js';
import type { PooledMember } from './pooled-member.js';

/**
 * Random: uniform among the best tier. Each tier is a bag (an array; a member's `slot` is
 * its index, and removal moves the last member into the hole), so add, remove and an
 * unrestricted pick are O(1) plus the tier lookup. Excluded members of the chosen tier are
 * swapped to the bag's end and the draw is taken from the rest: exactly one draw per pick,
 * O(excluded), never a resampling loop.
 */
export class RandomPool extends IndexedPool {
  readonly strategy = 'random' as const;
  protected readonly ranksByDailyCounts = false;
  private readonly bags = new Map<number, PooledMember[]>();
  /** The priorities that have a non-empty bag, lowest first. */
  private readonly tiers = new OrderedSet<number>((a, b) => a - b);

  constructor(private readonly random: Random) {
    super();
  }

  pick(request?: PickRequest): string[] {
    const exclude = request?.exclude;
    if (exclude === undefined || exclude.size === 0) {
      const tier = this.tiers.first();
      return tier === undefined ? [] : [this.draw(this.bag(tier), this.bag(tier).length)];
    }
    const excludedByTier = new Map<number, PooledMember[]>();
    for (const agentId of exclude) {
      const member = this.members.get(agentId);
      if (member === undefined) continue;
      const excluded = excludedByTier.get(member.priority);
      if (excluded === undefined) excludedByTier.set(member.priority, [member]);
      else excluded.push(member);
    }
    const tier = this.tiers.firstWhere((priority) => this.bag(priority).length > (excludedByTier.get(priority)?.length ?? 0));
    if (tier === undefined) return [];
    const bag = this.bag(tier);
    let allowed = bag.length;
    for (const member of excludedByTier.get(tier) ?? []) this.swap(bag, member.slot, --allowed);
    return [this.draw(bag, allowed)];
  }

  /** One draw among the first `allowed` members of the bag. */
  private draw(bag: PooledMember[], allowed: number): string {
    return (bag[this.random.int(0, allowed - 1)] as PooledMember).agentId;
  }

  protected index(member: PooledMember): void {
    let bag = this.bags.get(member.priority);
    if (bag === undefined) {
      bag = [];
      this.bags.set(member.priority, bag);
      this.tiers.add(member.priority);
    }
    member.slot = bag.length;
    bag.push(member);
  }

  protected unindex(member: PooledMember): void {
    const bag = this.bag(member.priority);
    const last = bag.pop() as PooledMember;
    if (last !== member) {
      bag[member.slot] = last;
      last.slot = member.slot;
    }
    if (bag.length === 0) {
      this.bags.delete(member.priority);
      this.tiers.delete(member.priority);
    }
  }

  private bag(priority: number): PooledMember[] {
    return this.bags.get(priority) ?? [];
  }

  private swap(bag: PooledMember[], i: number, j: number): void {
    const a = bag[i] as PooledMember;
    const b = bag[j] as PooledMember;
    bag[i] = b;
    b.slot = i;
    bag[j] = a;
    a.slot = j;
  }
}
