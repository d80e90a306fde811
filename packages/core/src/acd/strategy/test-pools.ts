import { SeededRandom } from '../../random/random.js';
import type { RingStrategy } from '../model.js';
import type { AgentPool, MemberStats, PickRequest } from './agent-pool.js';
import { AgentRoster, type PoolAgent } from './pool-agent.js';
import { createAgentPool } from './pools.js';

export const idle: MemberStats = { availableSince: 0, callsToday: 0, talkTimeTodayMs: 0 };

/**
 * Tests speak of agents by id; this keeps one handle per id in one roster (as the engine
 * keeps one per agent runtime) and turns picks back into ids.
 */
export class TestAgents {
  readonly roster = new AgentRoster();
  private readonly handles = new Map<string, PoolAgent>();

  agent(agentId: string): PoolAgent {
    let handle = this.handles.get(agentId);
    if (handle === undefined) {
      handle = this.roster.enrol(agentId);
      this.handles.set(agentId, handle);
    }
    return handle;
  }

  /** An agent never seen is in no pool: asking about it must not enrol it. */
  known(agentId: string): PoolAgent | undefined {
    return this.handles.get(agentId);
  }

  /** The agent is reserved: it leaves every pool. */
  reserve(agentId: string): void {
    this.known(agentId)?.leaveAllPools();
  }

  /** The same reservation by the agent's roster index, as a caller that keeps agents by index makes it. */
  reserveByIndex(agentId: string): void {
    const agent = this.known(agentId);
    if (agent !== undefined) this.roster.leaveAllPools(agent.index);
  }

  pool(strategy: RingStrategy, seed = 1): TestPool {
    return new TestPool(this, createAgentPool(strategy, new SeededRandom(seed)));
  }
}

/** One pool seen through agent ids. */
export class TestPool {
  constructor(
    readonly agents: TestAgents,
    readonly pool: AgentPool,
  ) {}

  get strategy(): RingStrategy {
    return this.pool.strategy;
  }

  get size(): number {
    return this.pool.size;
  }

  add(member: { agentId: string; position: number; priority: number }, stats: MemberStats = idle): void {
    this.pool.add(this.agents.agent(member.agentId), { position: member.position, priority: member.priority }, stats);
  }

  remove(agentId: string): void {
    const agent = this.agents.known(agentId);
    if (agent !== undefined) this.pool.remove(agent);
  }

  has(agentId: string): boolean {
    const agent = this.agents.known(agentId);
    return agent !== undefined && this.pool.has(agent);
  }

  pick(request?: PickRequest): string[] {
    return this.pool.pick(request).map((agent) => agent.agentId);
  }

  /** `pickIndex`, turned back into an id through the roster. */
  pickIndex(request?: PickRequest): string | undefined {
    const index = this.pool.pickIndex(request);
    return index < 0 ? undefined : this.agents.roster.agents[index]!.agentId;
  }

  resetDaily(): void {
    this.pool.resetDaily();
  }
}

/** A pool of its own agents. */
export function testPool(strategy: RingStrategy, seed = 1): TestPool {
  return new TestAgents().pool(strategy, seed);
}
