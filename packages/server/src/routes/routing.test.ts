import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, tenantWithUser } from '../test-support/test-server.js';

type Server = Awaited<ReturnType<typeof startTestServer>>;

const tenantWithAdmin = (s: Server, slug: string) => tenantWithUser(s, slug, { tenant: { defaultCountry: 'FR', timeZone: 'Europe/Paris' } });

describe('routing over HTTP', () => {
  let s: Server;
  let token: string;
  let other: string;
  beforeAll(async () => {
    s = await startTestServer({ clock: 'virtual', seed: '7' });
    ({ token } = await tenantWithAdmin(s, 'acme'));
    ({ token: other } = await tenantWithAdmin(s, 'globex'));
  });
  afterAll(() => s.close());

  it('creates an IVR, a DID onto it, routes a simulated call and shows it in the call history and its CSV export', async () => {
    const ivr = await s.call('POST', '/api/v1/ivr-menus', { token, body: { name: 'Main', prompts: [{ media: { kind: 'file', name: 'welcome' } }], keys: [{ input: '1', destination: { kind: 'hangup' } }] } });
    expect(ivr).toMatchObject({ status: 201, body: { name: 'Main', repeats: 2, maxInputLength: 4, id: expect.any(String) } });
    const did = await s.call('POST', '/api/v1/dids', { token, body: { numbers: ['+33140000000'], name: 'Paris', destination: { kind: 'ivr', ivrId: ivr.body.id } } });
    expect(did.status).toBe(201);
    // Another tenant sees none of it, and cannot point at it.
    expect((await s.call('GET', '/api/v1/ivr-menus', { token: other })).body.items).toEqual([]);
    expect((await s.call('POST', '/api/v1/dids', { token: other, body: { numbers: ['+33150000000'], name: 'X', destination: { kind: 'ivr', ivrId: ivr.body.id } } })).status).toBe(400);

    const placed = await s.call('POST', '/api/v1/simulator/calls', { token, body: { from: '+33612345678', to: '+33140000000', script: { patienceMs: 60_000, dtmf: [{ afterMs: 1_000, digits: '1' }] } } });
    expect(placed.status).toBe(201);
    await s.call('POST', '/api/v1/simulator/advance', { token, body: { ms: 30_000 } });

    const history = await s.call('GET', '/api/v1/cdrs?number=612345678', { token });
    expect(history.body.items).toHaveLength(1);
    expect(history.body.items[0]).toMatchObject({ callId: placed.body.callId, dtmfInput: '1', didName: 'Paris', route: [`ivr:${ivr.body.id}`, 'hangup'], hangupReason: 'connected' });
    expect((await s.call('GET', '/api/v1/cdrs', { token: other })).body.items).toEqual([]);
    expect((await s.call('GET', `/api/v1/cdrs/${placed.body.callId}`, { token })).body.callId).toBe(placed.body.callId);

    const dids = await s.call('GET', '/api/v1/dids', { token });
    expect(dids.body.items[0].usage).toMatchObject({ callsThisMonth: 1, lastUsedAt: expect.any(Number) });

    const csv = await fetch(`${s.url}/api/v1/cdrs/export`, { headers: { authorization: `Bearer ${token}` } });
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const lines = (await csv.text()).trim().split('\r\n');
    expect(lines[0]).toMatch(/^Call ID,Call type,/);
    expect(lines).toHaveLength(2);
    // The caller's number starts with +: neutralised against formula injection.
    expect(lines[1]).toContain(`${placed.body.callId},inbound,`);
    expect(lines[1]).toContain("'+33612345678");
  });

  it('refuses loops without input and deleting what is referred to, with the reason in problem+json', async () => {
    const broadcast = await s.call('POST', '/api/v1/voice-broadcasts', { token, body: { name: 'Promo', media: [{ kind: 'file', name: 'promo' }] } });
    const condition = await s.call('POST', '/api/v1/time-conditions', {
      token,
      body: { name: 'Office hours', rules: [{ kind: 'weekly', days: [1, 2, 3, 4, 5], from: '09:00', to: '18:00' }], matchDestination: { kind: 'voice-broadcast', broadcastId: broadcast.body.id }, noMatchDestination: { kind: 'hangup' } },
    });
    expect(condition.status).toBe(201);
    const loop = await s.call('PATCH', `/api/v1/voice-broadcasts/${broadcast.body.id}`, { token, body: { destination: { kind: 'condition', conditionId: condition.body.id } } });
    expect(loop).toMatchObject({ status: 400, type: expect.stringContaining('problem+json'), body: { code: 'VALIDATION', detail: expect.stringContaining('loop') } });
    const refused = await s.call('DELETE', `/api/v1/voice-broadcasts/${broadcast.body.id}`, { token });
    expect(refused).toMatchObject({ status: 409, body: { code: 'CONFLICT', detail: expect.stringContaining('Office hours') } });
    expect((await s.call('GET', `/api/v1/voice-broadcasts/${broadcast.body.id}/usage`, { token })).body.items).toEqual([
      { kind: 'condition', id: condition.body.id, name: 'Office hours', field: 'matchDestination' },
    ]);
    // A patch changes only what it names.
    const renamed = await s.call('PATCH', `/api/v1/time-conditions/${condition.body.id}`, { token, body: { name: 'Opening hours' } });
    expect(renamed.body).toMatchObject({ name: 'Opening hours', rules: [{ kind: 'weekly' }], matchDestination: { kind: 'voice-broadcast' } });
  });

  it('blacklists in batches with normalised numbers, takes agent submissions for review, and keeps the record', async () => {
    const added = await s.call('POST', '/api/v1/blacklist', { token, body: { numbers: '06 11 22 33 44, +33655667788\nnot-a-number', reason: 'spam' } });
    expect(added.status).toBe(201);
    expect(added.body.added.map((e: { number: string }) => e.number).sort()).toEqual(['+33611223344', '+33655667788']);
    expect(added.body.skipped).toEqual([{ number: 'not-a-number', reason: 'not a phone number' }]);
    const again = await s.call('POST', '/api/v1/blacklist', { token, body: { numbers: ['0611223344'] } });
    expect(again.body.skipped).toEqual([{ number: '+33611223344', reason: 'already on the blacklist' }]);
    const submitted = await s.call('POST', '/api/v1/blacklist/submissions', { token, body: { number: '0699999999', reason: 'threatened the agent' } });
    expect(submitted.body).toMatchObject({ status: 'pending', source: 'agent', number: '+33699999999' });
    expect((await s.call('GET', '/api/v1/blacklist?status=pending', { token })).body.items).toHaveLength(1);
    const reviewed = await s.call('POST', `/api/v1/blacklist/${submitted.body.id}/review`, { token, body: { approve: true } });
    expect(reviewed.body).toMatchObject({ status: 'enabled', reviewedBy: 'boss' });
    const records = (await s.call('GET', '/api/v1/blacklist/records', { token })).body.items.map((r: { action: string }) => r.action);
    expect(records.sort()).toEqual(['added', 'added', 'approved', 'submitted']);
  });

  it("sets the agents' feature codes (§3.7.7): the next call from a phone uses them, and a clash is refused with 400", async () => {
    const before = await s.call('GET', '/api/v1/routing-settings', { token });
    expect(before.body.featureCodes).toMatchObject({ agentCheckIn: '*71', agentCheckOut: '*72', agentIdle: '*73', agentPause: '*74' });
    const clash = await s.call('PATCH', '/api/v1/routing-settings', { token, body: { featureCodes: { agentCheckIn: '*81' } } });
    expect(clash).toMatchObject({ status: 400, type: expect.stringContaining('problem+json'), body: { code: 'VALIDATION' } });
    expect(clash.body.errors).toEqual(
      expect.arrayContaining([
        { path: 'body.featureCodes.agentCheckIn', message: 'starts with the code of pickup (*8)' },
        { path: 'body.featureCodes.pickup', message: 'is a prefix of agentCheckIn (*81)' },
      ]),
    );
    const saved = await s.call('PATCH', '/api/v1/routing-settings', { token, body: { featureCodes: { agentCheckIn: '*81', pickup: '*88' } } });
    expect(saved).toMatchObject({ status: 200, body: { featureCodes: { agentCheckIn: '*81', pickup: '*88', agentCheckOut: '*72', agentPause: '*74' } } });
    expect((await s.call('GET', '/api/v1/routing-settings', { token })).body.featureCodes.agentCheckIn).toBe('*81');

    expect((await s.call('POST', '/api/v1/agents', { token, body: { number: '4001', sipPassword: 'sip-secret-1' } })).status).toBe(201);
    expect((await s.call('POST', '/api/v1/agent-groups', { token, body: { name: 'Desk', number: '640', members: [{ agentNumber: '4001' }] } })).status).toBe(201);
    s.switchboard.simulator!.setExtension('4001', { answer: 2_000 });
    const checkedIn = async () => (await s.call('GET', '/api/v1/acd/snapshot?groups=640', { token })).body.groups[0].checkedIn;
    expect(await checkedIn()).toBe(0);
    expect((await s.call('POST', '/api/v1/simulator/calls', { token, body: { from: { extension: '4001' }, to: '*81640' } })).status).toBe(201);
    await s.call('POST', '/api/v1/simulator/advance', { token, body: { ms: 10_000 } });
    expect(await checkedIn()).toBe(1);
  });

  it('the OpenAPI document describes every routing route', async () => {
    const doc = (await s.call('GET', '/api/v1/openapi.json')).body;
    for (const path of ['/dids', '/dids/{id}', '/incoming-routes', '/ivr-menus/{id}/usage', '/voice-broadcasts', '/ring-groups', '/time-conditions', '/routing-settings', '/region-prefixes', '/blacklist', '/blacklist/{id}/review', '/cdrs', '/cdrs/export']) {
      expect(Object.keys(doc.paths), path).toContain(`/api/v1${path}`);
    }
    expect(JSON.stringify(doc.paths['/api/v1/ivr-menus'].post)).toContain('keys');
    // The agent codes are tenant settings like the others, read and written with them.
    for (const method of ['get', 'patch']) {
      const settings = JSON.stringify(doc.paths['/api/v1/routing-settings'][method]);
      for (const field of ['agentCheckIn', 'agentCheckOut', 'agentIdle', 'agentPause']) expect(settings, `${method} ${field}`).toContain(`"${field}"`);
    }
  });
});
