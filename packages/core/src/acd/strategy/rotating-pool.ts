import type { PickRequest } from './agent-pool.js';
import { OrderedPool, type OrderedEntry } from './ordered-pool.js';
import type { PoolAgent } from './pool-agent.js';
import { exclusionOf } from './pooled-member.js';

/** The strategies that walk the group page in a circle from where the last call stopped. */
export type RotatingStrategy = 'round-robin' | 'linear';

/**
 * Ordered by (tier, position, agent id). The pick is the first live member of the best
 * tier after the remembered position, wrapping to the tier's first: one successor query
 * plus the excluded and stale entries it walks past. Round-robin remembers the position
 * itself (one memory per group); linear takes it from the caller, so every caller walks
 * its own circle.
 */
export class RotatingPool extends OrderedPool {
  /** Round-robin's memory: the position it returned last; undefined until its first pick. */
  private lastPosition: number | undefined;

  constructor(readonly strategy: RotatingStrategy) {
    super();
  }

  pickOne(request?: PickRequest): PoolAgent | undefined {
    const exclude = exclusionOf(request);
    const first = this.firstLive(exclude);
    if (first === undefined) return undefined;
    const last = this.strategy === 'round-robin' ? this.lastPosition : request?.afterPosition;
    const chosen = last === undefined ? first : (this.nextAfter(first.priority, last, exclude) ?? first);
    if (this.strategy === 'round-robin') this.lastPosition = chosen.position;
    return this.agentOf(chosen);
  }

  /** The first live, allowed member of `tier` whose position is after `last`; undefined when the walk must wrap. */
  private nextAfter(tier: number, last: number, exclude: ReadonlySet<string> | undefined): OrderedEntry | undefined {
    const afterLast = (e: OrderedEntry) => (e.priority < tier || (e.priority === tier && e.position <= last) ? -1 : 0);
    // Stopping at any entry of a later tier (stale or not) keeps the walk inside the tier.
    const next = this.order.firstWhere((e) => e.priority !== tier || (this.isLive(e) && this.isAllowed(e, exclude)), afterLast);
    return next !== undefined && next.priority === tier ? next : undefined;
  }
}
