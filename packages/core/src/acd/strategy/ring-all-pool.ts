import type { PickRequest } from './agent-pool.js';
import { OrderedPool, type OrderedEntry } from './ordered-pool.js';
import type { PoolAgent } from './pool-agent.js';
import { exclusionOf } from './pooled-member.js';

/**
 * Ring all: every live member of the best tier, in position order, so one ordered set
 * (B+tree) keyed by (tier, position, agent id): the pick walks the tier once, O(k + log n)
 * plus the excluded and stale entries it passes (deleting the stale ones).
 */
export class RingAllPool extends OrderedPool {
  readonly strategy = 'ring-all' as const;

  pickOne(request?: PickRequest): PoolAgent | undefined {
    const best = this.firstLive(exclusionOf(request));
    return best === undefined ? undefined : this.agentOf(best);
  }

  override pick(request?: PickRequest): PoolAgent[] {
    const exclude = exclusionOf(request);
    const best = this.firstLive(exclude);
    if (best === undefined) return [];
    const ring: PoolAgent[] = [];
    const stale: OrderedEntry[] = [];
    for (const entry of this.order.values((e) => this.compare(e, best))) {
      if (entry.priority !== best.priority) break;
      if (!this.isLive(entry)) stale.push(entry);
      else if (this.isAllowed(entry, exclude)) ring.push(this.agentOf(entry));
    }
    for (const entry of stale) this.order.delete(entry);
    return ring;
  }
}
