import { ValidationError } from '../../errors/errors.js';
import type { RingStrategy } from '../model.js';
import type { AgentPool, MemberStats, PickRequest, PoolMember } from './agent-pool.js';
import { CALLS, POSITION, PRIORITY, SINCE, SLOT, TALK, type AgentRoster, type PoolAgent, type PoolMembership } from './pool-agent.js';
import { checkMember } from './pooled-member.js';

/** Stale entries a lazy pool may hold beyond its live ones before it sweeps: keeps memory O(live) and sweeps amortized O(1). */
export const SWEEP_SLACK = 32;

/**
 * What every pool shares: membership is a place on the agent's handle (so `has`, `add` and
 * `remove` scan the agent's few places, no map), an exact count, and the daily reset. A
 * strategy supplies its index: `enter` files an agent, `leave` is told when one goes.
 *
 * Lazy pools (queues and ordered sets) ignore `leave`: the entry goes stale with the
 * agent's epoch and is dropped later. Taking an agent out of one lazy pool only (`remove`)
 * therefore moves its epoch on too, and its other lazy pools file it again; that is O(groups
 * × log n), on the rare paths (a check-out, a group edited), never on a reservation.
 * Eager pools (the random ones, whose single draw cannot skip a stale entry) unindex in `leave`.
 */
export abstract class PoolBase implements AgentPool, PoolMembership {
  abstract readonly strategy: RingStrategy;
  /** Whether the index orders by today's counts, so that a daily reset must rebuild it. */
  protected abstract readonly ranksByDailyCounts: boolean;
  protected abstract readonly lazy: boolean;
  /** The roster of the agents in this pool: a pool serves one tenant. Set by the first add. */
  protected roster: AgentRoster | undefined;
  /** The roster's epoch table and agents, held directly: every pick reads them. */
  protected epochs: number[] = [];
  protected agents: PoolAgent[] = [];
  /** This pool's id in its roster, which keeps its size (`AgentRoster.poolSizes`); -1 until its first agent. */
  poolId = -1;

  get size(): number {
    return this.roster === undefined ? 0 : this.roster.poolSizes[this.poolId]!;
  }

  has(agent: PoolAgent): boolean {
    return agent.placeIn(this) >= 0;
  }

  add(agent: PoolAgent, member: PoolMember, stats: MemberStats): void {
    checkMember(agent.agentId, member, stats);
    if (this.roster !== agent.roster) this.bind(agent.roster);
    if (agent.placeIn(this) >= 0) this.remove(agent);
    const place = agent.takePlace(this);
    const places = agent.roster.places;
    const at = agent.at(place);
    places[at + POSITION] = member.position;
    places[at + PRIORITY] = member.priority;
    places[at + SINCE] = stats.availableSince;
    places[at + CALLS] = stats.callsToday;
    places[at + TALK] = stats.talkTimeTodayMs;
    places[at + SLOT] = -1;
    this.roster!.poolSizes[this.poolId]!++;
    this.enter(agent, place);
  }

  remove(agent: PoolAgent): void {
    const place = agent.placeIn(this);
    if (place < 0) return;
    this.roster!.poolSizes[this.poolId]!--;
    this.leave(agent, place);
    agent.dropPlace(place);
    if (!this.lazy) return;
    this.roster!.moveEpoch(agent.index);
    for (let other = 0; other < agent.poolCount; other++) agent.poolAt(other).refile(agent, other);
  }

  vacated(index: number, place: number): void {
    // Eager pools only: a lazy pool's entry went stale with the epoch, and the roster keeps the size.
    this.leave(this.agents[index]!, place);
  }

  refile(agent: PoolAgent, place: number): void {
    if (this.lazy) this.enter(agent, place);
  }

  resetDaily(): void {
    const agents = this.members();
    for (const agent of agents) {
      const at = agent.at(agent.placeIn(this));
      agent.roster.places[at + CALLS] = 0;
      agent.roster.places[at + TALK] = 0;
    }
    if (this.ranksByDailyCounts) this.reindex(agents);
  }

  pick(request?: PickRequest): PoolAgent[] {
    const agent = this.pickOne(request);
    return agent === undefined ? [] : [agent];
  }

  abstract pickOne(request?: PickRequest): PoolAgent | undefined;

  pickIndex(request?: PickRequest): number {
    return this.pickOne(request)?.index ?? -1;
  }

  /** Entries the index holds, live or stale: lazy pools keep it O(size) by sweeping (a test checks the bound). */
  abstract get heldEntries(): number;

  /** Files the agent, whose figures are at `roster.places[agent.at(place) …]`. */
  protected abstract enter(agent: PoolAgent, place: number): void;
  /** The agent leaves this pool; its place is still readable. Lazy pools do nothing. */
  protected abstract leave(agent: PoolAgent, place: number): void;
  /** Every agent in the pool, once each. */
  protected abstract members(): PoolAgent[];
  /** Builds the index again (after the daily reset changed the ranks). */
  protected abstract reindex(agents: PoolAgent[]): void;

  private bind(roster: AgentRoster): void {
    if (this.roster !== undefined) {
      throw new ValidationError('The agents of one pool must come from one roster (one per tenant)', [{ path: 'agent', message: 'an agent of this pool\'s roster' }]);
    }
    this.roster = roster;
    this.poolId = roster.register(this, !this.lazy);
    this.epochs = roster.epochs;
    this.agents = roster.agents;
  }
}
