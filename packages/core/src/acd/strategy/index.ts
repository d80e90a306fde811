export type { AgentPool, MemberStats, PickRequest, PoolMember } from './agent-pool.js';
export { createAgentPool } from './pools.js';
