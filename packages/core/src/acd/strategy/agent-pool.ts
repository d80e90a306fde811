import type { RingStrategy } from '../model.js';

/**
 * The available agents of one agent group, indexed for its ring strategy. The engine adds
 * a member when it becomes available for this group (logged in, checked in, idle, not DND)
 * and removes it the moment it is reserved, in every group at once: that is what makes a
 * reservation atomic across groups. A pick costs O(log n) (ring all: O(k log n) for k agents).
 */
export interface PoolMember {
  agentId: string;
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
  /** Agents this caller must not ring now (already ringing for it, or it just rang out on them). */
  exclude?: ReadonlySet<string>;
  /** Linear: the position of the agent this caller rang last; the pick is the next one after it (wrapping). */
  afterPosition?: number;
}

export interface AgentPool {
  readonly strategy: RingStrategy;
  /** Number of available members. */
  readonly size: number;
  has(agentId: string): boolean;
  /** Adds an available member; adding one already present replaces its entry. */
  add(member: PoolMember, stats: MemberStats): void;
  /** Removes a member; absent members are ignored. */
  remove(agentId: string): void;
  /**
   * The agents to ring for one caller, best first: one agent, or for ring all every
   * available member of the best tier. Empty when nobody can be rung. Picking does not
   * remove anyone; round-robin remembers the position it picked.
   */
  pick(request?: PickRequest): string[];
  /** Midnight in the tenant's time zone: today's counts start again at zero. */
  resetDaily(): void;
}
