import type { RingStrategy } from '../model.js';
import type { AgentPool, MemberStats, PickRequest, PoolMember } from './agent-pool.js';
import { pooledMember, type PooledMember } from './pooled-member.js';

/**
 * What every pool shares: the members by agent id (so `has`, `remove` and replacing an
 * entry cost one map lookup plus the index's own update) and the daily reset. A strategy
 * supplies its index.
 */
export abstract class IndexedPool implements AgentPool {
  abstract readonly strategy: RingStrategy;
  protected readonly members = new Map<string, PooledMember>();
  /** Whether the index orders by today's counts, so that a daily reset must rebuild it. */
  protected abstract readonly ranksByDailyCounts: boolean;

  get size(): number {
    return this.members.size;
  }

  has(agentId: string): boolean {
    return this.members.has(agentId);
  }

  add(member: PoolMember, stats: MemberStats): void {
    const pooled = pooledMember(member, stats);
    this.remove(pooled.agentId);
    this.members.set(pooled.agentId, pooled);
    this.index(pooled);
  }

  remove(agentId: string): void {
    const pooled = this.members.get(agentId);
    if (pooled === undefined) return;
    this.members.delete(agentId);
    this.unindex(pooled);
  }

  resetDaily(): void {
    const everyone = [...this.members.values()];
    if (this.ranksByDailyCounts) everyone.forEach((member) => this.unindex(member));
    for (const member of everyone) {
      member.callsToday = 0;
      member.talkTimeTodayMs = 0;
    }
    if (this.ranksByDailyCounts) everyone.forEach((member) => this.index(member));
  }

  abstract pick(request?: PickRequest): string[];

  protected abstract index(member: PooledMember): void;
  protected abstract unindex(member: PooledMember): void;
}
