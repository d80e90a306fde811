import { OrderedSet } from '../../collections/ordered-set.js';
import type { PickRequest } from './agent-pool.js';
import { IndexedPool } from './indexed-pool.js';
import { compareMembers, exclusionOf, type PooledMember } from './pooled-member.js';

/** The strategies that walk the group page in a circle from where the last call stopped. */
export type RotatingStrategy = 'round-robin' | 'linear';

/**
 * Ordered by (tier, position, agent id). The pick is the first member of the best tier
 * after the remembered position, wrapping to the tier's first: one successor query plus
 * the excluded members it walks past. Round-robin remembers the position itself (one
 * memory per group); linear takes it from the caller, so every caller walks its own circle.
 */
export class RotatingPool extends IndexedPool {
  protected readonly ranksByDailyCounts = false;
  private readonly order = new OrderedSet<PooledMember>(compareMembers);
  /** Round-robin's memory: the position it returned last; undefined until its first pick. */
  private lastPosition: number | undefined;

  constructor(readonly strategy: RotatingStrategy) {
    super();
  }

  pick(request?: PickRequest): string[] {
    const allowed = exclusionOf(request?.exclude);
    const first = allowed === undefined ? this.order.first() : this.order.firstWhere(allowed);
    if (first === undefined) return [];
    const last = this.strategy === 'round-robin' ? this.lastPosition : request?.afterPosition;
    const chosen = last === undefined ? first : (this.nextAfter(first.priority, last, allowed) ?? first);
    if (this.strategy === 'round-robin') this.lastPosition = chosen.position;
    return [chosen.agentId];
  }

  /** The first allowed member of `tier` whose position is after `last`; undefined when the walk must wrap. */
  private nextAfter(tier: number, last: number, allowed: ((member: PooledMember) => boolean) | undefined): PooledMember | undefined {
    const afterLast = (m: PooledMember) => (m.priority < tier || (m.priority === tier && m.position <= last) ? -1 : 0);
    // Stopping at the first member of a later tier keeps the walk inside the tier.
    const next = this.order.firstWhere((m) => m.priority !== tier || allowed === undefined || allowed(m), afterLast);
    return next !== undefined && next.priority === tier ? next : undefined;
  }

  protected index(member: PooledMember): void {
    this.order.add(member);
  }

  protected unindex(member: PooledMember): void {
    this.order.delete(member);
  }
}
