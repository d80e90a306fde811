/**
 * The agent pool of each ring strategy (DESIGN.md §3: every tie-break explicit and
 * documented; docs/acd-strategies.md is the user-facing copy of this table).
 *
 * Tiers: every strategy but weighted random looks only at the best tier, the lowest
 * priority number with at least one available member that is not excluded.
 *
 * | strategy           | picks, inside the best tier                      | tie-break                 |
 * | ------------------ | ------------------------------------------------ | ------------------------- |
 * | longest-idle       | smallest availableSince (idle longest)           | smaller position          |
 * | fewest-calls       | smallest callsToday                              | smaller position          |
 * | least-talk-time    | smallest talkTimeTodayMs                         | smaller position          |
 * | sequential         | smallest position: every call starts at the top  | (positions are unique)    |
 * | ring-progressively | as sequential; the engine picks again with the ringing ones excluded to add the next |
 * | round-robin        | first position after the one this pool returned last, wrapping to the tier's first |
 * | linear             | first position after the caller's afterPosition (none: the top), wrapping; no pool memory |
 * | random             | uniformly at random (one draw from the pool's Random)                        |
 * | ring-all           | every member of the tier, in position order                                   |
 * | weighted-random    | any member of any tier, with probability ∝ 1/priority                         |
 *
 * A position shared by two members (a data error: positions are unique in a group) is
 * decided by the agent id's code-unit order, so the order stays total and repeatable.
 * Round-robin and linear compare positions only, so after a tier change the walk goes on
 * from the same position in the new tier. Excluded members are skipped, never scanned
 * for: a pick costs O((1 + excluded) × log n) at most, plus the stale entries it drops.
 *
 * Indexes: longest idle keeps a queue per tier (a freed agent always has the newest
 * availableSince, so it joins the back in O(1); late entries go to a small ordered set
 * beside it); fewest calls, least talk time, sequential and ring progressively a heap per
 * tier; round-robin, linear and ring all an ordered set (B+tree) in page order; random a
 * bag per tier; weighted random a Fenwick tree. A reserved agent leaves every pool through
 * its `PoolAgent` handle: one epoch write and a counter per pool; the queues, heaps and
 * ordered sets drop its stale entries later (lazy removal), the random ones, whose single
 * draw cannot skip one, at once.
 */
import { ValidationError } from '../../errors/errors.js';
import type { Random } from '../../random/random.js';
import type { RingStrategy } from '../model.js';
import type { AgentPool } from './agent-pool.js';
import { LongestIdlePool } from './longest-idle-pool.js';
import { RandomPool } from './random-pool.js';
import { RankedPool } from './ranked-pool.js';
import { RingAllPool } from './ring-all-pool.js';
import { RotatingPool } from './rotating-pool.js';
import { WeightedRandomPool } from './weighted-random-pool.js';

/** A new, empty pool for one agent group. Random strategies draw from `random` (give each pool its own fork). */
export function createAgentPool(strategy: RingStrategy, random: Random): AgentPool {
  switch (strategy) {
    case 'longest-idle':
      return new LongestIdlePool();
    case 'fewest-calls':
    case 'least-talk-time':
    case 'sequential':
    case 'ring-progressively':
      return new RankedPool(strategy);
    case 'ring-all':
      return new RingAllPool();
    case 'round-robin':
    case 'linear':
      return new RotatingPool(strategy);
    case 'random':
      return new RandomPool(random);
    case 'weighted-random':
      return new WeightedRandomPool(random);
    default:
      return unknownStrategy(strategy);
  }
}

function unknownStrategy(strategy: never): never {
  throw new ValidationError(`Unknown ring strategy ${String(strategy)}`, [{ path: 'strategy', message: 'one of the ring strategies' }]);
}
