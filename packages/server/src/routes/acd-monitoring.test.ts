import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startTestServer, tenantWithUser } from '../test-support/test-server.js';

type Server = Awaited<ReturnType<typeof startTestServer>>;
interface AgentRow {
  agentNumber: string;
  state: string;
  reason: string | null;
  callerNumber: string | null;
  groups: Array<{ groupNumber: string; checkedIn: boolean; priority: number; callsIn: number; answered: number }>;
}

/**
 * A supervisor's view of a busy group (manual §3.13.1), over real HTTP on virtual time:
 * group 700 has one agent in each state, two callers answered within 10 s and one after,
 * one caller who gave up and one still waiting.
 */
describe('monitoring over HTTP: the real-time snapshot and supervisor actions', () => {
  let s: Server;
  let token: string;
  let tenantId: string;
  const callers = { onCall: '+15550000701', onHold: '+15550000702' };

  const snapshot = async (query = '') => {
    const response = await s.call('GET', `/api/v1/acd/snapshot${query}`, { token });
    expect(response.status).toBe(200);
    return response.body as { at: number; groups: Array<Record<string, unknown>>; agents: AgentRow[] };
  };
  const agent = async (number: string) => (await snapshot()).agents.find((a) => a.agentNumber === number)!;
  const advance = (ms: number) => s.call('POST', '/api/v1/simulator/advance', { token, body: { ms } });
  /** A caller dials in and joins a group's queue, as the routing engine would put them there. */
  const queueCaller = async (groupNumber: string, number: string, script: { talkMs?: number; patienceMs?: number }) => {
    const callId = s.switchboard.simulator!.placeCall({ from: { number }, to: groupNumber, script });
    expect(await s.switchboard.acd.enqueue(tenantId, { callId, groupNumber, callerNumber: number })).toBe('queued');
    return callId;
  };

  beforeAll(async () => {
    s = await startTestServer({ clock: 'virtual', seed: '11' });
    ({ token, tenantId } = await tenantWithUser(s, 'acme'));
    await s.call('POST', '/api/v1/agents/batch', { token, body: { firstNumber: '701', count: 7, sipPassword: 'sip-secret-1' } });
    await s.call('POST', '/api/v1/pause-reasons', { token, body: { name: 'Lunch' } });
    // 706 is in no group: it sorts last by priority.
    const members = [['701', 3], ['702', 1], ['703', 2], ['704', 1], ['705', 4], ['707', 2]].map(([agentNumber, priority]) => ({ agentNumber, priority, kind: 'static' }));
    expect((await s.call('POST', '/api/v1/agent-groups', { token, body: { name: 'Sales', number: '700', members, wrapUpSec: 300 } })).status).toBe(201);
    expect((await s.call('POST', '/api/v1/agent-groups', { token, body: { name: 'Support', number: '710' } })).status).toBe(201);
    const sim = s.switchboard.simulator!;
    sim.setExtension('701', { answer: 2_000 });
    sim.setExtension('702', { answer: 15_000 });
    sim.setExtension('703', { answer: 1_000 });

    // One agent at a time is available, so each caller reaches the agent meant for them.
    await s.call('POST', '/api/v1/agents/701/login', { token });
    await queueCaller('700', callers.onCall, { talkMs: 600_000 });
    await advance(5_000);
    await s.call('POST', '/api/v1/agents/702/login', { token });
    await queueCaller('700', callers.onHold, { talkMs: 600_000 });
    await advance(20_000); // answered after 15 s: outside the service level
    expect((await s.call('POST', '/api/v1/agents/702/hold', { token })).status).toBe(204);
    await s.call('POST', '/api/v1/agents/703/login', { token });
    await queueCaller('700', '+15550000703', { talkMs: 3_000 });
    await advance(10_000); // answered, talked 3 s, hung up: 703 is in wrap-up for 300 s
    await s.call('POST', '/api/v1/agents/704/login', { token });
    expect((await s.call('POST', '/api/v1/agents/704/pause', { token, body: { reason: 'Lunch' } })).status).toBe(204);
    await s.call('POST', '/api/v1/agents/705/login', { token });
    expect((await s.call('POST', '/api/v1/agents/705/supervisor/busy', { token })).status).toBe(204);
    await s.call('POST', '/api/v1/agents/706/login', { token });

    // Nobody in 700 is available now: one caller gives up after 5 s, the next one waits.
    await queueCaller('700', '+15550000704', { patienceMs: 5_000 });
    await advance(2_000);
    await queueCaller('700', '+15550000705', {});
    await advance(8_000);
  });
  afterAll(() => s.close());

  it("shows each group's state counts, callers waiting, longest wait, today's figures and service level", async () => {
    const { groups } = await snapshot();
    expect(groups).toEqual([
      {
        groupNumber: '700',
        name: 'Sales',
        checkedIn: 5,
        idle: 0,
        ringing: 0,
        onCall: 1,
        onHold: 1,
        wrapUp: 1,
        paused: 1,
        busy: 1,
        waiting: 1,
        longestWaitMs: 8_000,
        today: { entered: 5, answered: 3, answeredWithinSla: 2, abandoned: 1, timedOut: 0, overflowed: 0, exitedEmpty: 0, exitedWithKey: 0, callsIn: 3, callsOut: 0, talkMs: 3_000 },
        serviceLevel: 2 / 3,
      },
      expect.objectContaining({ groupNumber: '710', checkedIn: 0, waiting: 0, longestWaitMs: 0, serviceLevel: null }),
    ]);
    // The caller still waiting has waited longer by the time of the next look.
    await advance(1_000);
    expect((await snapshot('?groups=700')).groups[0]).toMatchObject({ waiting: 1, longestWaitMs: 9_000 });
  });

  it("shows each agent's state, reason, caller and figures per group", async () => {
    const me = (await s.call('GET', '/api/v1/auth/me', { token })).body;
    const { agents } = await snapshot();
    const row = (number: string) => agents.find((a) => a.agentNumber === number);
    expect(row('701')).toMatchObject({ state: 'on-call', callerNumber: callers.onCall, callsIn: 1, groups: [{ groupNumber: '700', checkedIn: true, priority: 3, kind: 'static', callsIn: 1, answered: 1 }] });
    expect(row('702')).toMatchObject({ state: 'on-hold', callerNumber: callers.onHold });
    expect(row('703')).toMatchObject({ state: 'wrap-up', callerNumber: null, lastCallEndedAt: expect.any(Number) });
    expect(row('704')).toMatchObject({ state: 'paused', reason: 'Lunch' });
    expect(row('705')).toMatchObject({ state: 'busy', reason: me.id });
    expect(row('706')).toMatchObject({ state: 'idle', groups: [] });
    expect(row('707')).toMatchObject({ state: 'logged-out', since: 0, groups: [{ groupNumber: '700', checkedIn: false, checkedInAt: null }] });
  });

  it('returns exactly the snapshot the OpenAPI document describes, no field more or less', async () => {
    const document = (await s.call('GET', '/api/v1/openapi.json')).body;
    const schema = document.paths['/api/v1/acd/snapshot'].get.responses['200'].content['application/json'].schema;
    const documented = z.fromJSONSchema(schema);
    // This snapshot has the agent states but ringing and reserved (on call, on hold, wrap-up, paused, busy, idle, logged out), and both forms of the nullable fields.
    const live = await snapshot();
    const checked = documented.safeParse(live);
    expect(checked.error?.issues ?? []).toEqual([]);
    // The document is closed at every level: an undocumented field, or a missing one, is refused.
    expect(openObjects(schema)).toEqual([]);
    const [group] = live.groups;
    expect(documented.safeParse({ ...live, groups: [{ ...group, undocumented: 1 }] }).success).toBe(false);
    expect(documented.safeParse({ ...live, agents: live.agents.map(({ callerNumber: _, ...rest }) => rest) }).success).toBe(false);
  });

  it("sorts the agents in every order of the manual that the route accepts", async () => {
    // State: wrap-up, on call, on hold, paused, busy, idle, (ringing), logged out; priority: the best
    // tier, agents in no group last; ties by agent number in every order.
    const expected: Record<string, string[]> = {
      state: ['703', '701', '702', '704', '705', '706', '707'],
      'state-reverse': ['707', '706', '705', '704', '702', '701', '703'],
      number: ['701', '702', '703', '704', '705', '706', '707'],
      'number-reverse': ['707', '706', '705', '704', '703', '702', '701'],
      priority: ['702', '704', '703', '707', '701', '705', '706'],
      'priority-reverse': ['706', '705', '701', '703', '707', '702', '704'],
    };
    const { paths } = (await s.call('GET', '/api/v1/openapi.json')).body;
    const sort = paths['/api/v1/acd/snapshot'].get.parameters.find((p: { name: string }) => p.name === 'sort');
    expect([...sort.schema.enum].sort()).toEqual(Object.keys(expected).sort());
    for (const [order, numbers] of Object.entries(expected)) {
      expect((await snapshot(`?sort=${order}`)).agents.map((a) => a.agentNumber), order).toEqual(numbers);
    }
    expect((await snapshot()).agents.map((a) => a.agentNumber)).toEqual(expected['number']);
    expect((await s.call('GET', '/api/v1/acd/snapshot?sort=name', { token })).body.errors[0].path).toBe('query.sort');
  });

  it("connects the supervisor's phone to the agent's call to listen, whisper or barge", async () => {
    const sim = s.switchboard.simulator!;
    sim.setExtension('9000', { answer: 'auto' });
    const agentLeg = sim.calls().find((c) => c.to.kind === 'extension' && c.to.extension === '701' && c.state === 'answered')!.callId;
    for (const mode of ['listen', 'whisper', 'barge'] as const) {
      const started = await s.call('POST', `/api/v1/agents/701/supervisor/${mode}`, { token, body: { extension: '9000' } });
      expect(started.status, mode).toBe(201);
      await advance(1_000);
      const monitor = await s.call('GET', `/api/v1/simulator/calls/${started.body.monitorCallId}`, { token });
      expect(monitor.body, mode).toMatchObject({ to: { kind: 'extension', extension: '9000' }, state: 'answered', variables: { sb_monitor_of: agentLeg, sb_monitor_mode: mode } });
    }
    const { trace } = (await s.call('GET', `/api/v1/simulator/calls/${agentLeg}`, { token })).body;
    const modes = trace.filter((t: { kind: string; name: string }) => t.kind === 'command' && t.name === 'monitor').map((t: { detail: { mode: string } }) => t.detail.mode);
    expect(modes).toEqual(['listen', 'whisper', 'barge']);
    // The agent's call goes on as before.
    expect(await agent('701')).toMatchObject({ state: 'on-call', callerNumber: callers.onCall });
  });

  it('ends after-call work on request: the agent is idle at once, long before the wrap-up time', async () => {
    await s.call('POST', '/api/v1/agents', { token, body: { number: '708', sipPassword: 'sip-secret-1' } });
    await s.call('POST', '/api/v1/agent-groups', { token, body: { name: 'Back office', number: '720', members: [{ agentNumber: '708', kind: 'static' }], wrapUpSec: 300 } });
    s.switchboard.simulator!.setExtension('708', { answer: 1_000 });
    await s.call('POST', '/api/v1/agents/708/login', { token });
    await queueCaller('720', '+15550000720', { talkMs: 2_000 });
    await advance(10_000);
    expect(await agent('708')).toMatchObject({ state: 'wrap-up' });
    expect((await snapshot('?groups=720')).groups[0]).toMatchObject({ wrapUp: 1, idle: 0 });

    expect((await s.call('POST', '/api/v1/agents/708/end-wrap-up', { token })).status).toBe(204);
    expect(await agent('708')).toMatchObject({ state: 'idle' });
    expect((await snapshot('?groups=720')).groups[0]).toMatchObject({ wrapUp: 0, idle: 1 });
    // Only an agent in wrap-up can end it.
    expect((await s.call('POST', '/api/v1/agents/708/end-wrap-up', { token })).status).toBe(409);
  });
});

/** The paths of the objects in a JSON schema that allow properties it does not name. */
function openObjects(schema: unknown, path = '$'): string[] {
  if (typeof schema !== 'object' || schema === null) return [];
  const node = schema as Record<string, unknown>;
  const open = node['type'] === 'object' && node['additionalProperties'] !== false ? [path] : [];
  return [...open, ...Object.entries(node).flatMap(([key, child]) => openObjects(child, `${path}.${key}`))];
}
