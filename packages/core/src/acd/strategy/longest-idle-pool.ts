import { IdleTier } from './idle-tier.js';
import { SINCE } from './pool-agent.js';
import { TieredPool } from './tiered-pool.js';

/**
 * Longest idle, the default strategy: one idle queue per tier (see `IdleTier`), so adding
 * a just-freed agent is O(1) and a pick looks at the front of the best tier.
 */
export class LongestIdlePool extends TieredPool<IdleTier> {
  readonly strategy = 'longest-idle' as const;
  protected readonly ranksByDailyCounts = false;

  protected newTier(priority: number): IdleTier {
    return new IdleTier(priority, this.roster!);
  }

  protected rankAt(places: Float64Array, at: number): number {
    return places[at + SINCE]!;
  }
}
