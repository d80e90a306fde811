import { afterEach, expect, it } from 'vitest';
import { Acd } from '../../acd/acd.js';
import type { NewAgentGroup } from '../../acd/model.js';
import type { QueueLogEntry } from '../../acd/records.js';
import { agentRecord } from '../../acd/test-support/acd-harness.js';
import { SystemClock } from '../../clock/system-clock.js';
import { silentLogger } from '../../logging/logger.js';
import { SeededRandom } from '../../random/random.js';
import { createStorage, type Storage } from '../../storage/index.js';
import type { ConformanceSession, EventLog, PartyName } from './target.js';

/** Agent numbers of the scenarios, and the suite party each one's phone is. */
const PHONES: Record<string, PartyName> = { '101': 'agent1', '102': 'agent2', '103': 'noanswer' };

interface AcdWorld {
  acd: Acd;
  storage: Storage;
  tenantId: string;
  log: QueueLogEntry[];
}

/**
 * The ACD's main scenarios on a real adapter: a queue call answered, no answer → the next
 * agent, ring all, and a supervisor listening. They run wherever the media suite runs
 * (simulator, protocol fakes, real servers), so the engine is proven on each.
 */
export function acdScenarios(current: () => { s: ConformanceSession; log: EventLog }, timeoutMs: number): void {
  let world: AcdWorld | undefined;
  afterEach(async () => {
    await world?.acd.close();
    await world?.storage.close();
    world = undefined;
  });

  async function start(group: NewAgentGroup['queue'], agents: string[]): Promise<AcdWorld> {
    const { s } = current();
    const clock = s.clock ?? new SystemClock();
    const storage = await createStorage({ client: 'sqlite', filename: ':memory:' }, { clock });
    await storage.migrate();
    const tenant = await storage.tenants.create({ slug: 'conformance', name: 'Conformance' });
    for (const number of agents) await storage.agents.create(tenant.id, agentRecord(number));
    await storage.agentGroups.create(tenant.id, { name: 'Queue', number: '700', members: agents.map((agentNumber) => ({ agentNumber, kind: 'static' })), queue: group });
    const acd = new Acd({ storage, media: s.adapter, clock, random: new SeededRandom(3), logger: silentLogger, agentEndpoint: (_tenant, number) => s.party(PHONES[number]!) });
    const log: QueueLogEntry[] = [];
    acd.events.on('queue.log', (entry) => log.push(entry));
    await acd.tenant(tenant.id);
    for (const number of agents) await acd.login(tenant.id, number);
    world = { acd, storage, tenantId: tenant.id, log };
    return world;
  }

  /** A caller dials in; the call is put in the queue when it reaches the adapter. */
  async function queueCaller(w: AcdWorld): Promise<string> {
    const { s, log } = current();
    // One caller per scenario: a fixed number keeps recorded traces comparable.
    const dialed = '7001';
    await s.placeInbound(dialed, '+15550002000');
    await s.until(() => log.of('call.incoming').some((e) => e.dialed === dialed), s.traits.patienceMs, 'the inbound call');
    const callId = log.of('call.incoming').find((e) => e.dialed === dialed)!.callId;
    await w.acd.enqueue(w.tenantId, { callId, groupNumber: '700', callerNumber: '+15550002000' });
    return callId;
  }

  const events = (w: AcdWorld) => w.log.filter((e) => !['ADDMEMBER', 'AGENTLOGIN', 'REMOVEMEMBER', 'AGENTLOGOFF'].includes(e.event)).map((e) => `${e.event} ${e.agent}`);

  it(
    'ACD: a queue call is answered by an agent and bridged to the caller',
    async () => {
      const { s, log } = current();
      const w = await start({ strategy: 'longest-idle' }, ['101']);
      const callId = await queueCaller(w);
      await s.until(() => events(w).includes('CONNECT 101'), s.traits.patienceMs * 2, 'CONNECT');
      expect(log.of('call.bridged', callId)).toHaveLength(1);
      expect((await w.acd.snapshot(w.tenantId)).groups[0]).toMatchObject({ onCall: 1, today: { entered: 1, answered: 1 } });
      await s.adapter.hangup(callId, 'NORMAL_CLEARING');
      await s.until(() => events(w).includes('COMPLETECALLER 101'), s.traits.patienceMs, 'COMPLETECALLER');
    },
    timeoutMs,
  );

  it(
    'ACD: no answer rings the next agent',
    async () => {
      const { s } = current();
      const w = await start({ strategy: 'sequential', agentRingTimeoutSec: 5, retrySec: 0 }, ['103', '101']);
      await queueCaller(w);
      await s.until(() => events(w).includes('CONNECT 101'), 5_000 + s.traits.patienceMs * 2, 'the second agent');
      expect(events(w).slice(0, 3)).toEqual(['ENTERQUEUE NONE', 'RINGNOANSWER 103', 'CONNECT 101']);
    },
    timeoutMs,
  );

  it(
    'ACD: ring all connects the first agent to answer and cancels the other',
    async () => {
      const { s } = current();
      const w = await start({ strategy: 'ring-all' }, ['101', '103']);
      await queueCaller(w);
      await s.until(() => events(w).some((e) => e.startsWith('CONNECT')) && events(w).some((e) => e.startsWith('RINGCANCELED')), s.traits.patienceMs * 2, 'CONNECT and RINGCANCELED');
      expect(events(w)).toContain('CONNECT 101');
      expect(events(w)).toContain('RINGCANCELED 103');
      expect(events(w).some((e) => e.startsWith('RINGNOANSWER'))).toBe(false);
    },
    timeoutMs,
  );

  it(
    'ACD: a supervisor listens to an agent on a queue call',
    async () => {
      const { s, log } = current();
      const w = await start({ strategy: 'longest-idle' }, ['101']);
      await queueCaller(w);
      await s.until(() => events(w).includes('CONNECT 101'), s.traits.patienceMs * 2, 'CONNECT');
      const monitorId = await w.acd.monitor(w.tenantId, '101', 'listen', s.party('supervisor'));
      await s.until(() => log.has('call.answered', monitorId), s.traits.patienceMs, 'the supervisor to be listening');
      expect((await w.acd.snapshot(w.tenantId)).agents[0]).toMatchObject({ agentNumber: '101', state: 'on-call' });
    },
    timeoutMs,
  );
}
