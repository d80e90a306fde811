import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, tenantWithUser } from '../test-support/test-server.js';

type Server = Awaited<ReturnType<typeof startTestServer>>;

/** A tenant with an administrator; returns the administrator's token. */
const tenantWithAdmin = (s: Server, slug: string) => tenantWithUser(s, slug);

describe('ACD configuration over HTTP', () => {
  let s: Server;
  let token: string;
  let other: string;
  beforeAll(async () => {
    s = await startTestServer({ clock: 'virtual', seed: '7' });
    ({ token } = await tenantWithAdmin(s, 'acme'));
    ({ token: other } = await tenantWithAdmin(s, 'globex'));
  });
  afterAll(() => s.close());

  it('creates, reads, changes and deletes agents, never showing a hash', async () => {
    const created = await s.call('POST', '/api/v1/agents', { token, body: { number: '2001', firstName: 'Ann', sipPassword: 'sip-secret-1', webPassword: 'web-secret-1', phonePin: '1234' } });
    expect(created).toMatchObject({ status: 201, body: { number: '2001', firstName: 'Ann', phonePinSet: true, enabled: true } });
    expect(created.body.userId).toEqual(expect.any(String));
    expect(JSON.stringify(created.body)).not.toMatch(/hash|scrypt|argon|secret/i);
    // The web login works with the agent number.
    expect(await s.login('2001', 'web-secret-1', 'acme')).toEqual(expect.any(String));

    const changed = await s.call('PATCH', '/api/v1/agents/2001', { token, body: { lastName: 'Lee' } });
    expect(changed.body).toMatchObject({ firstName: 'Ann', lastName: 'Lee', role: 'agent', phonePinSet: true });
    expect((await s.call('GET', '/api/v1/agents/2001', { token })).body.lastName).toBe('Lee');
    expect((await s.call('GET', '/api/v1/agents', { token })).body).toMatchObject({ total: 1, items: [{ number: '2001' }] });

    const taken = await s.call('POST', '/api/v1/agents', { token, body: { number: '2001', sipPassword: 'sip-secret-1' } });
    expect(taken).toMatchObject({ status: 409, type: expect.stringContaining('application/problem+json'), body: { code: 'CONFLICT' } });
    const bad = await s.call('POST', '/api/v1/agents', { token, body: { number: 'x1', sipPassword: 'short' } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['body.number', 'body.sipPassword']);

    expect((await s.call('DELETE', '/api/v1/agents/2001', { token })).status).toBe(204);
    expect(await s.call('GET', '/api/v1/agents/2001', { token })).toMatchObject({ status: 404, body: { code: 'NOT_FOUND' } });
  });

  it('adds and edits agents in batches', async () => {
    const added = await s.call('POST', '/api/v1/agents/batch', { token, body: { firstNumber: '3001', count: 3, sipPassword: 'sip-secret-1' } });
    expect(added.status).toBe(201);
    expect(added.body.created.map((a: { number: string }) => a.number)).toEqual(['3001', '3002', '3003']);
    const again = await s.call('POST', '/api/v1/agents/batch', { token, body: { firstNumber: '3003', count: 2, sipPassword: 'sip-secret-1' } });
    expect(again.body).toMatchObject({ created: [{ number: '3004' }], skipped: ['3003'] });

    const edited = await s.call('PATCH', '/api/v1/agents/batch', { token, body: { numbers: ['3001', '3002'], patch: { department: 'Sales' } } });
    expect(edited.body.items.map((a: { department: string; role: string }) => [a.department, a.role])).toEqual([['Sales', 'agent'], ['Sales', 'agent']]);
    const missing = await s.call('PATCH', '/api/v1/agents/batch', { token, body: { numbers: ['3001', '3999'], patch: { department: 'X' } } });
    expect(missing).toMatchObject({ status: 404, body: { detail: expect.stringContaining('3999') } });
    expect((await s.call('GET', '/api/v1/agents/3001', { token })).body.department).toBe('Sales');
  });

  it('manages agent groups and pause reasons', async () => {
    const group = await s.call('POST', '/api/v1/agent-groups', {
      token,
      body: { name: 'Sales', number: '500', members: [{ agentNumber: '3001', kind: 'static' }, { agentNumber: '3002' }], queue: { strategy: 'round-robin' } },
    });
    expect(group).toMatchObject({ status: 201, body: { number: '500', queue: { strategy: 'round-robin', agentRingTimeoutSec: 20 }, members: [{ agentNumber: '3001', kind: 'static' }, { agentNumber: '3002', kind: 'dynamic' }] } });
    const patched = await s.call('PATCH', '/api/v1/agent-groups/500', { token, body: { queue: { maxWaitSec: 60 } } });
    expect(patched.body.queue).toMatchObject({ strategy: 'round-robin', maxWaitSec: 60 });
    expect(patched.body.members).toHaveLength(2);
    expect((await s.call('PATCH', '/api/v1/agent-groups/500', { token, body: { queue: { strategy: 'fastest' } } })).body.errors[0].path).toBe('body.queue.strategy');
    expect((await s.call('GET', '/api/v1/agent-groups', { token })).body.items.map((g: { number: string }) => g.number)).toEqual(['500']);

    const reason = await s.call('POST', '/api/v1/pause-reasons', { token, body: { name: 'Lunch' } });
    expect(reason).toMatchObject({ status: 201, body: { name: 'Lunch', enabled: true, productive: false } });
    expect((await s.call('PATCH', `/api/v1/pause-reasons/${reason.body.id}`, { token, body: { productive: true } })).body.productive).toBe(true);
    expect((await s.call('POST', '/api/v1/pause-reasons', { token, body: { name: 'Lunch' } })).status).toBe(409);
    const temp = await s.call('POST', '/api/v1/pause-reasons', { token, body: { name: 'Temp' } });
    expect((await s.call('DELETE', `/api/v1/pause-reasons/${temp.body.id}`, { token })).status).toBe(204);
    expect((await s.call('GET', '/api/v1/pause-reasons', { token })).body.items.map((r: { name: string }) => r.name)).toEqual(['Lunch']);
  });

  it('keeps tenants apart', async () => {
    expect((await s.call('GET', '/api/v1/agents', { token: other })).body).toEqual({ items: [], total: 0 });
    expect((await s.call('GET', '/api/v1/agents/3001', { token: other })).status).toBe(404);
    expect((await s.call('GET', '/api/v1/agent-groups/500', { token: other })).status).toBe(404);
    expect((await s.call('DELETE', '/api/v1/agent-groups/500', { token: other })).status).toBe(404);
    // A platform administrator names the tenant.
    const admin = await s.login();
    expect((await s.call('GET', '/api/v1/agents', { token: admin })).body.errors[0].path).toBe('header.x-switchboard-tenant');
    expect((await s.call('GET', '/api/v1/agents', { token: admin, headers: { 'x-switchboard-tenant': 'acme' } })).body.total).toBe(4);
  });

  it('lets agents command themselves but not others, and only administrators configure', async () => {
    await s.call('PATCH', '/api/v1/agents/3001', { token, body: { webPassword: 'agent-password-1' } });
    const agent = await s.login('3001', 'agent-password-1', 'acme');
    expect((await s.call('POST', '/api/v1/agents/3001/login', { token: agent })).status).toBe(204);
    expect(await s.call('POST', '/api/v1/agents/3002/login', { token: agent })).toMatchObject({ status: 403, body: { code: 'FORBIDDEN' } });
    expect((await s.call('POST', '/api/v1/agents', { token: agent, body: { number: '4001', sipPassword: 'sip-secret-1' } })).status).toBe(403);
    expect((await s.call('POST', '/api/v1/agents/3001/supervisor/busy', { token: agent })).status).toBe(403);
    expect((await s.call('POST', '/api/v1/agents/3001/logout', { token: agent })).status).toBe(204);
  });

  it("lets a supervisor log in as an agent, and the token acts as the agent", async () => {
    await s.call('PATCH', '/api/v1/agents/3001', { token, body: { webPassword: 'agent-password-1' } });
    const agent = await s.login('3001', 'agent-password-1', 'acme');
    expect((await s.call('POST', '/api/v1/agents/3001/supervisor/login-as', { token: agent })).status).toBe(403);
    const as = await s.call('POST', '/api/v1/agents/3001/supervisor/login-as', { token });
    expect(as).toMatchObject({ status: 200, body: { tokenType: 'Bearer', user: { username: '3001' } } });
    // The token works as the agent: it may command agent 3001 and nobody else.
    expect((await s.call('POST', '/api/v1/agents/3001/login', { token: as.body.token })).status).toBe(204);
    expect((await s.call('POST', '/api/v1/agents/3002/login', { token: as.body.token })).status).toBe(403);
    expect((await s.call('POST', '/api/v1/agents/3001/logout', { token: as.body.token })).status).toBe(204);
    // Another tenant's supervisor cannot.
    expect((await s.call('POST', '/api/v1/agents/3001/supervisor/login-as', { token: other })).status).toBe(404);
    const audit = await s.switchboard.storage.auditLog.list(as.body.user.tenantId, { limit: 50 });
    expect(audit.find((entry) => entry.action === 'POST /agents/{number}/supervisor/login-as' && entry.details?.['status'] === 200)).toMatchObject({ details: { params: { number: '3001' } } });
  });

  it('runs agent commands and shows them in the snapshot and the agent events', async () => {
    expect((await s.call('POST', '/api/v1/agents/3002/login', { token })).status).toBe(204);
    expect((await s.call('POST', '/api/v1/agents/3002/check-in', { token, body: { groupNumber: '500' } })).status).toBe(204);
    let snapshot = (await s.call('GET', '/api/v1/acd/snapshot?groups=500&sort=number', { token })).body;
    expect(snapshot.groups).toMatchObject([{ groupNumber: '500', checkedIn: 1, idle: 1 }]);
    expect(snapshot.agents.find((a: { agentNumber: string }) => a.agentNumber === '3002')).toMatchObject({ state: 'idle' });

    const wrong = await s.call('POST', '/api/v1/agents/3002/pause', { token, body: { reason: 'Nap' } });
    expect(wrong).toMatchObject({ status: 400, body: { errors: [{ path: 'body.reason', message: expect.stringContaining('Lunch') }] } });
    expect((await s.call('POST', '/api/v1/agents/3002/pause', { token, body: { reason: 'Lunch' } })).status).toBe(204);
    snapshot = (await s.call('GET', '/api/v1/acd/snapshot', { token })).body;
    expect(snapshot.agents.find((a: { agentNumber: string }) => a.agentNumber === '3002')).toMatchObject({ state: 'paused', reason: 'Lunch' });
    expect((await s.call('POST', '/api/v1/agents/3002/unpause', { token })).status).toBe(204);
    expect((await s.call('POST', '/api/v1/agents/3002/dnd', { token, body: { on: 'yes' } })).body.errors[0].path).toBe('body.on');
    expect((await s.call('POST', '/api/v1/agents/3002/dnd', { token, body: { on: true } })).status).toBe(204);
    expect((await s.call('POST', '/api/v1/agents/3002/supervisor/check-out', { token, body: { groupNumber: '500' } })).status).toBe(204);
    // Checked out of 500 but still logged in: the group no longer counts it.
    snapshot = (await s.call('GET', '/api/v1/acd/snapshot?groups=500', { token })).body;
    expect(snapshot.groups).toMatchObject([{ groupNumber: '500', checkedIn: 0, idle: 0 }]);
    expect(snapshot.agents.find((a: { agentNumber: string }) => a.agentNumber === '3002')).toMatchObject({ state: 'idle', groups: [{ groupNumber: '500', checkedIn: false, checkedInAt: null }] });
    expect(await s.call('POST', '/api/v1/agents/3002/hold', { token })).toMatchObject({ status: 409 });
    expect(await s.call('POST', '/api/v1/agents/3002/supervisor/listen', { token, body: { extension: '9000' } })).toMatchObject({ status: 409, body: { code: 'ILLEGAL_STATE' } });
    expect((await s.call('GET', '/api/v1/acd/snapshot?groups=5x', { token })).body.errors[0].path).toMatch(/^query\.groups/);

    const events = await s.call('GET', '/api/v1/agent-events?agentNumber=3002&event=paused,dnd-on', { token });
    // Virtual time stands still here: both happened at the same instant.
    expect(events.body.items.map((e: { event: string; cause: string | null }) => [e.event, e.cause]).sort()).toEqual([['dnd-on', null], ['paused', 'Lunch']]);
    expect(events.body.items[0].initiator).toMatch(/^supervisor:/);
    const checkedOut = await s.call('GET', '/api/v1/agent-events?agentNumber=3002&event=checked-out', { token });
    expect(checkedOut.body.items).toMatchObject([{ groupNumber: '500', initiator: expect.stringMatching(/^supervisor:/) }]);
    expect((await s.call('GET', '/api/v1/agent-events?event=napping', { token })).body.errors[0].path).toMatch(/^query\.event/);
    expect((await s.call('GET', '/api/v1/agent-events', { token: other })).body.items).toEqual([]);
  });

  it('records a queue call in the queue log and exports it as an Asterisk queue_log file', async () => {
    const sim = s.switchboard.simulator!;
    sim.setExtension('3003', { answer: 1_000 });
    await s.call('POST', '/api/v1/agent-groups', { token, body: { name: 'Support', number: '501', members: [{ agentNumber: '3003', kind: 'static' }] } });
    await s.call('POST', '/api/v1/agents/3003/login', { token });
    const tenantId = (await s.switchboard.storage.tenants.getBySlug('acme')).id;
    const callId = sim.placeCall({ from: { number: '+15550001111' }, to: '501', script: { talkMs: 30_000 } });
    expect(await s.switchboard.acd.enqueue(tenantId, { callId, groupNumber: '501', callerNumber: '+15550001111' })).toBe('queued');
    await s.call('POST', '/api/v1/simulator/advance', { token, body: { ms: 60_000 } });

    const log = await s.call('GET', '/api/v1/queue-log?queue=501', { token });
    const names = log.body.items.map((e: { event: string }) => e.event).reverse();
    expect(names).toEqual(expect.arrayContaining(['ENTERQUEUE', 'CONNECT']));
    expect(names.at(-1)).toMatch(/^COMPLETE(CALLER|AGENT)$/);

    const response = await fetch(`${s.url}/api/v1/queue-log/export?queue=501`, { headers: { authorization: `Bearer ${token}` } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(response.headers.get('content-disposition')).toMatch(/^attachment; filename="?queue_log"?$/);
    const lines = (await response.text()).trim().split('\n');
    expect(lines).toHaveLength(log.body.items.length);
    expect(lines.find((l) => l.includes('|ENTERQUEUE|'))).toMatch(new RegExp(`^\\d+\\|${callId}\\|501\\|NONE\\|ENTERQUEUE\\|`));
    expect((await fetch(`${s.url}/api/v1/queue-log/export`, { headers: { authorization: `Bearer ${other}` } }).then((r) => r.text()))).toBe('');
  });

  it("blind-transfers an agent's queue caller to another agent", async () => {
    const sim = s.switchboard.simulator!;
    sim.setExtension('3001', { answer: 1_000 });
    sim.setExtension('3004', { answer: 1_000 });
    await s.call('POST', '/api/v1/agent-groups', { token, body: { name: 'Sales', number: '502', members: [{ agentNumber: '3001', kind: 'static' }] } });
    await s.call('POST', '/api/v1/agents/3001/login', { token });
    await s.call('POST', '/api/v1/agents/3004/login', { token });
    const tenantId = (await s.switchboard.storage.tenants.getBySlug('acme')).id;
    expect(await s.call('POST', '/api/v1/agents/3001/blind-transfer', { token, body: { destination: { kind: 'agent', agentNumber: '3004' } } })).toMatchObject({ status: 409 });
    const callId = sim.placeCall({ from: { number: '+15550002222' }, to: '502', script: { talkMs: 120_000 } });
    await s.switchboard.acd.enqueue(tenantId, { callId, groupNumber: '502', callerNumber: '+15550002222' });
    await s.call('POST', '/api/v1/simulator/advance', { token, body: { ms: 10_000 } });
    const bad = await s.call('POST', '/api/v1/agents/3001/blind-transfer', { token, body: { destination: { kind: 'queue', number: '1' } } });
    expect(bad.body.errors[0].path).toMatch(/^body\.destination/);
    expect((await s.call('POST', '/api/v1/agents/3001/blind-transfer', { token, body: { destination: { kind: 'agent', agentNumber: '3004' } } })).status).toBe(204);
    await s.call('POST', '/api/v1/simulator/advance', { token, body: { ms: 10_000 } });
    const log = await s.call('GET', '/api/v1/queue-log?queue=502', { token });
    expect(log.body.items.find((e: { event: string }) => e.event === 'BLINDTRANSFER')).toMatchObject({ agent: '3001', data: expect.arrayContaining(['3004']) });
    const leg = sim.calls().find((c) => c.to.kind === 'extension' && c.to.extension === '3004')!;
    expect(sim.call(callId)!.bridgedTo).toBe(leg.callId);
  });

  it('takes a deleted agent out of its groups in the running engine', async () => {
    await s.call('POST', '/api/v1/agents', { token, body: { number: '3100', sipPassword: 'sip-secret-1' } });
    await s.call('PATCH', '/api/v1/agent-groups/501', { token, body: { members: [{ agentNumber: '3003', kind: 'static' }, { agentNumber: '3100', kind: 'static' }] } });
    await s.call('POST', '/api/v1/agents/3100/login', { token });
    expect((await s.call('GET', '/api/v1/acd/snapshot?groups=501', { token })).body.groups[0].checkedIn).toBe(2);
    expect((await s.call('DELETE', '/api/v1/agents/3100', { token })).status).toBe(204);
    expect((await s.call('GET', '/api/v1/acd/snapshot?groups=501', { token })).body.groups[0].checkedIn).toBe(1);
    expect((await s.call('GET', '/api/v1/agent-groups/501', { token })).body.members.map((m: { agentNumber: string }) => m.agentNumber)).toEqual(['3003']);
  });

  it('describes every ACD endpoint in the OpenAPI document', async () => {
    const { paths } = (await s.call('GET', '/api/v1/openapi.json')).body;
    for (const path of [
      '/api/v1/agents',
      '/api/v1/agents/{number}',
      '/api/v1/agents/batch',
      '/api/v1/agent-groups/{number}',
      '/api/v1/pause-reasons/{id}',
      '/api/v1/agents/{number}/pause',
      '/api/v1/agents/{number}/blind-transfer',
      '/api/v1/agents/{number}/supervisor/barge',
      '/api/v1/acd/snapshot',
      '/api/v1/agent-events',
      '/api/v1/queue-log/export',
    ]) {
      expect(paths, path).toHaveProperty([path]);
    }
    expect(Object.keys(paths['/api/v1/agents/batch'])).toEqual(['post', 'patch']);
    expect(paths['/api/v1/agents/{number}'].get.responses['200'].content['application/json'].schema.properties).not.toHaveProperty('phonePinHash');
  });
});
