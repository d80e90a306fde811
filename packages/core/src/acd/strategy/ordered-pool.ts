import { OrderedSet, type Bound } from '../../collections/ordered-set.js';
import { POSITION, PRIORITY, type PoolAgent } from './pool-agent.js';
import { PoolBase, SWEEP_SLACK } from './pool-base.js';
import { compareIds } from './pooled-member.js';

/** An entry of an ordered index: the agent's roster index and epoch when it was filed, and its key then. */
export interface OrderedEntry {
  readonly index: number;
  readonly epoch: number;
  readonly priority: number;
  readonly position: number;
}

/**
 * A pool over one ordered set (a B+tree) keyed by (tier, position, agent id), for the
 * strategies that walk the page in order: ring all, round-robin, linear. Removal is lazy:
 * a reservation touches no tree; stale entries are deleted when a pick walks past them, or
 * all at once when the pool has filed as many entries as it holds live ones (plus
 * `SWEEP_SLACK`) since the last sweep, so the set stays O(live) and the deletes are paid by
 * the reservations that caused them. Positions are unique in a group, so the agent id only
 * decides for members added with the same position by mistake; it keeps the order total.
 * The epoch comes last so that a stale entry and the live one of an agent are two keys.
 */
export abstract class OrderedPool extends PoolBase {
  protected readonly lazy = true;
  protected readonly ranksByDailyCounts = false;
  protected readonly order = new OrderedSet<OrderedEntry>((a, b) => this.compare(a, b));
  private filedSinceSweep = 0;

  protected compare(a: OrderedEntry, b: OrderedEntry): number {
    if (a.priority !== b.priority) return a.priority < b.priority ? -1 : 1;
    if (a.position !== b.position) return a.position < b.position ? -1 : 1;
    if (a.index === b.index) return a.epoch - b.epoch;
    const agents = this.agents;
    // Two agents with one id (a data error) are still two keys.
    return compareIds(agents[a.index]!.agentId, agents[b.index]!.agentId) || a.index - b.index;
  }

  get heldEntries(): number {
    return this.order.size;
  }

  protected isLive(entry: OrderedEntry): boolean {
    return this.epochs[entry.index] === entry.epoch;
  }

  protected agentOf(entry: OrderedEntry): PoolAgent {
    return this.agents[entry.index]!;
  }

  protected isAllowed(entry: OrderedEntry, exclude: ReadonlySet<string> | undefined): boolean {
    return exclude === undefined || !exclude.has(this.agentOf(entry).agentId);
  }

  protected enter(agent: PoolAgent, place: number): void {
    const at = agent.at(place);
    const places = this.roster!.places;
    const epoch = this.epochs[agent.index]!;
    this.order.add({ index: agent.index, epoch, priority: places[at + PRIORITY]!, position: places[at + POSITION]! });
    if (++this.filedSinceSweep > this.size + SWEEP_SLACK) this.sweep();
  }

  protected leave(): void {
    // Lazy: the entry went stale with the agent's epoch.
  }

  protected members(): PoolAgent[] {
    const agents: PoolAgent[] = [];
    for (const entry of this.order) if (this.isLive(entry)) agents.push(this.agentOf(entry));
    return agents;
  }

  protected reindex(): void {
    // Page order does not depend on today's counts.
  }

  /** The first live entry (from `from`) that is not excluded; the stale entries walked past are deleted. */
  protected firstLive(exclude: ReadonlySet<string> | undefined, from?: Bound<OrderedEntry>): OrderedEntry | undefined {
    if (exclude === undefined && from === undefined) {
      for (let entry = this.order.first(); entry !== undefined; entry = this.order.first()) {
        if (this.isLive(entry)) return entry;
        this.order.delete(entry);
      }
      return undefined;
    }
    const stale: OrderedEntry[] = [];
    const found = this.order.firstWhere((entry) => {
      if (this.isLive(entry)) return this.isAllowed(entry, exclude);
      stale.push(entry);
      return false;
    }, from);
    for (const entry of stale) this.order.delete(entry);
    return found;
  }

  private sweep(): void {
    this.filedSinceSweep = 0;
    const stale: OrderedEntry[] = [];
    for (const entry of this.order) if (!this.isLive(entry)) stale.push(entry);
    for (const entry of stale) this.order.delete(entry);
  }
}
