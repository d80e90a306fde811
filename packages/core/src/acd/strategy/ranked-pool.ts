import { OrderedSet } from '../../collections/ordered-set.js';
import type { PickRequest } from './agent-pool.js';
import { IndexedPool } from './indexed-pool.js';
import { compareMembers, exclusionOf, type PooledMember } from './pooled-member.js';

/** The strategies that always ring the best member(s) of one order. */
export type RankedStrategy = 'longest-idle' | 'fewest-calls' | 'least-talk-time' | 'sequential' | 'ring-progressively' | 'ring-all';

/** What each strategy ranks by inside a tier; ties go to the smaller position. */
const rankOf: Record<RankedStrategy, (member: PooledMember) => number> = {
  'longest-idle': (member) => member.availableSince,
  'fewest-calls': (member) => member.callsToday,
  'least-talk-time': (member) => member.talkTimeTodayMs,
  sequential: () => 0,
  'ring-progressively': () => 0,
  'ring-all': () => 0,
};

/**
 * One ordered set per pool, keyed by (tier, rank, position, agent id): the best member is
 * the first one that is not excluded, so a pick walks past the excluded and nobody else.
 * Ring all takes the whole best tier instead, in position order.
 */
export class RankedPool extends IndexedPool {
  protected readonly ranksByDailyCounts: boolean;
  private readonly order = new OrderedSet<PooledMember>(compareMembers);
  private readonly rank: (member: PooledMember) => number;

  constructor(readonly strategy: RankedStrategy) {
    super();
    this.rank = rankOf[strategy];
    this.ranksByDailyCounts = strategy === 'fewest-calls' || strategy === 'least-talk-time';
  }

  pick(request?: PickRequest): string[] {
    const allowed = exclusionOf(request?.exclude);
    const best = allowed === undefined ? this.order.first() : this.order.firstWhere(allowed);
    if (best === undefined) return [];
    if (this.strategy !== 'ring-all') return [best.agentId];
    const ring: string[] = [];
    for (const member of this.order.values((m) => compareMembers(m, best))) {
      if (member.priority !== best.priority) break;
      if (allowed === undefined || allowed(member)) ring.push(member.agentId);
    }
    return ring;
  }

  protected index(member: PooledMember): void {
    member.rank = this.rank(member);
    this.order.add(member);
  }

  protected unindex(member: PooledMember): void {
    this.order.delete(member);
  }
}
