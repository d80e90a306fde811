import { CALLS, TALK } from './pool-agent.js';
import { RankHeap } from './rank-heap.js';
import { TieredPool } from './tiered-pool.js';

/** The strategies that ring the best member of one order (longest idle has its own queues). */
export type RankedStrategy = 'fewest-calls' | 'least-talk-time' | 'sequential' | 'ring-progressively';

/** Where each strategy's rank is in an agent's figures; ties go to the smaller position. -1: by position alone. */
const rankField: Record<RankedStrategy, number> = {
  'fewest-calls': CALLS,
  'least-talk-time': TALK,
  sequential: -1,
  'ring-progressively': -1,
};

/** One heap per tier (see `RankHeap`), keyed by (rank, position, agent id). */
export class RankedPool extends TieredPool<RankHeap> {
  protected readonly ranksByDailyCounts: boolean;
  private readonly rankField: number;

  constructor(readonly strategy: RankedStrategy) {
    super();
    this.rankField = rankField[strategy];
    this.ranksByDailyCounts = this.rankField >= 0;
  }

  protected newTier(priority: number): RankHeap {
    return new RankHeap(priority, this.roster!);
  }

  protected rankAt(places: Float64Array, at: number): number {
    return this.rankField < 0 ? 0 : places[at + this.rankField]!;
  }
}
