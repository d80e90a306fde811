import { VirtualClock } from '../../clock/virtual-clock.js';
import { MemoryLogger } from '../../logging/logger.js';
import type { DestinationHandler } from '../../destination/destination.js';
import type { PartyScript, ExtensionBehaviour } from '../../simulator/party-script.js';
import { createSwitchboard, type Switchboard } from '../../switchboard.js';
import type { AgentStateChange, QueueCallEnded } from '../acd-events.js';
import { agentRecord } from '../../storage/repositories/agent-fixtures.js';
import type { NewAgentGroup } from '../model.js';
import type { QueueLogEntry } from '../records.js';
import type { TenantAcd } from '../tenant-acd.js';

export interface HarnessOptions {
  /** Agent numbers, or agents with their phone's behaviour. */
  agents: Array<string | { number: string; phone?: ExtensionBehaviour; enabled?: boolean; workWithBrowser?: boolean; clickToCallOnly?: boolean }>;
  groups: NewAgentGroup[];
  seed?: number;
  timeZone?: string;
  /** Default phone of every agent: answers 2 s after it starts ringing. */
  phone?: ExtensionBehaviour;
  startAt?: number;
  destinations?: DestinationHandler;
}

export interface AcdHarness {
  sb: Switchboard;
  clock: VirtualClock;
  tenantId: string;
  tenant: TenantAcd;
  queueLog: QueueLogEntry[];
  ended: QueueCallEnded[];
  states: AgentStateChange[];
  /** Everything logged; an engine that is right logs no warnings or errors in these scenarios. */
  logger: MemoryLogger;
  /** A caller dials in and is put in the group's queue. */
  call(groupNumber: string, options?: { from?: string; script?: PartyScript; priority?: number }): Promise<string>;
  advance(ms: number): Promise<void>;
  /** The queue log as `EVENT agent` strings, for compact assertions. */
  events(filter?: (entry: QueueLogEntry) => boolean): string[];
  close(): Promise<void>;
}

/** An agent record with every field at its default (shared with the storage tests). */
export { agentRecord };

/** A tenant with agents and groups on SQLite in memory, the SimulatedPbx and a VirtualClock. */
export async function acdHarness(options: HarnessOptions): Promise<AcdHarness> {
  const clock = new VirtualClock({ startAt: options.startAt ?? Date.UTC(2026, 10, 23, 9, 0, 0) });
  const logger = new MemoryLogger();
  const sb = await createSwitchboard({ clock, logger, seed: options.seed ?? 7, storage: ':memory:', ...(options.destinations ? { destinations: options.destinations } : {}) });
  const pbx = sb.simulator!;
  const tenant = await sb.storage.tenants.create({ slug: 'acme', name: 'Acme', timeZone: options.timeZone ?? 'UTC' });
  for (const spec of options.agents) {
    const agent = typeof spec === 'string' ? { number: spec } : spec;
    const { number, phone: _phone, ...flags } = agent as Exclude<HarnessOptions['agents'][number], string>;
    await sb.storage.agents.create(tenant.id, agentRecord(number, { firstName: 'Agent', lastName: number, ...flags }));
    pbx.setExtension(agent.number, ('phone' in agent ? agent.phone : undefined) ?? options.phone ?? { answer: 2_000 });
  }
  for (const group of options.groups) await sb.storage.agentGroups.create(tenant.id, group);
  const runtime = await sb.acd.tenant(tenant.id);
  const queueLog: QueueLogEntry[] = [];
  const ended: QueueCallEnded[] = [];
  const states: AgentStateChange[] = [];
  sb.acd.events.on('queue.log', (entry) => queueLog.push(entry));
  sb.acd.events.on('queue.ended', (entry) => ended.push(entry));
  sb.acd.events.on('agent.state', (change) => states.push(change));
  let callers = 0;
  return {
    sb,
    clock,
    tenantId: tenant.id,
    tenant: runtime,
    queueLog,
    ended,
    states,
    logger,
    async call(groupNumber, callOptions = {}) {
      const from = callOptions.from ?? `+1555000${String(++callers).padStart(4, '0')}`;
      const callId = pbx.placeCall({ from: { number: from }, to: groupNumber, script: callOptions.script ?? { talkMs: 60_000 } });
      await sb.acd.enqueue(tenant.id, { callId, groupNumber, callerNumber: from, ...(callOptions.priority === undefined ? {} : { priority: callOptions.priority }) });
      return callId;
    },
    async advance(ms) {
      await clock.advance(ms);
    },
    events(filter) {
      return queueLog.filter((entry) => !filter || filter(entry)).filter((e) => !['ADDMEMBER', 'REMOVEMEMBER', 'AGENTLOGIN', 'AGENTLOGOFF'].includes(e.event)).map((e) => `${e.event} ${e.agent}`);
    },
    close: () => sb.close(),
  };
}
