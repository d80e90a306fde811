import type { RingStrategy } from '../model.js';
import type { PoolAgent } from './pool-agent.js';

/**
 * The available agents of one agent group, indexed for its ring strategy. The engine adds
 * a member when it becomes available for this group (logged in, checked in, idle, not DND)
 * and takes it out of every pool at once, with `PoolAgent.leaveAllPools()`, the moment it
 * is reserved: that is what makes a reservation atomic across groups. Agents are passed as
 * `PoolAgent` handles, one per agent shared by all the pools of a tenant.
 */
export interface PoolMember {
  /** Position on the group page (0-based): the order of sequential, round-robin, linear and every tie-break. */
  position: number;
  /** 1 is the first tier. Tiers come first in every strategy but weighted random, where the weight is 1/priority. */
  priority: number;
}

/** What a strategy may rank by; fixed while the member is in the pool (it only changes while the agent is busy). */
export interface MemberStats {
  /** When the agent last became available: idle time counts from here, not from the end of the last call. */
  availableSince: number;
  /** Queue calls answered today (tenant time zone) in this group. */
  callsToday: number;
  /** Talk time today in this group, in ms. */
  talkTimeTodayMs: number;
}

export interface PickRequest {
  /** Agent ids this caller must not ring now (already ringing for it, or it just rang out on them). */
  exclude?: ReadonlySet<string>;
  /** Linear: the position of the agent this caller rang last; the pick is the next one after it (wrapping). */
  afterPosition?: number;
}

export interface AgentPool {
  readonly strategy: RingStrategy;
  /** Number of available members; exact at every moment (the engine overflows and stops dispatching on 0). */
  readonly size: number;
  has(agent: PoolAgent): boolean;
  /** Adds an available member; adding one already present replaces its entry. */
  add(agent: PoolAgent, member: PoolMember, stats: MemberStats): void;
  /** Takes the agent out of this pool only and forgets it (it left the group, checked out, or its place changed). */
  remove(agent: PoolAgent): void;
  /**
   * The agents to ring for one caller, best first: one agent, or for ring all every
   * available member of the best tier. Empty when nobody can be rung. Picking does not
   * take anyone out; round-robin remembers the position it picked.
   */
  pick(request?: PickRequest): PoolAgent[];
  /** The agent to ring next: the first of `pick` (the only one but for ring all), without building a list. */
  pickOne(request?: PickRequest): PoolAgent | undefined;
  /**
   * `pickOne`'s agent as its roster index (`PoolAgent.index`), or -1: for a caller that keeps
   * its agents by index and reserves through `AgentRoster.leaveAllPools(index)`, so that a
   * decision reads no object of the agent's (the one picked is the one idle longest, whose
   * objects are the coldest in memory).
   */
  pickIndex(request?: PickRequest): number;
  /** Midnight in the tenant's time zone: today's counts start again at zero. */
  resetDaily(): void;
}
