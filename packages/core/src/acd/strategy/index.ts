export type { AgentPool, MemberStats, PickRequest, PoolMember } from './agent-pool.js';
export { AgentRoster, PoolAgent } from './pool-agent.js';
export { createAgentPool } from './pools.js';
