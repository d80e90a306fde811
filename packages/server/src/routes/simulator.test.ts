import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer } from '../test-support/test-server.js';

describe('the simulator over HTTP, on virtual time', () => {
  let s: Awaited<ReturnType<typeof startTestServer>>;
  let token: string;
  beforeAll(async () => {
    s = await startTestServer({ clock: 'virtual', seed: '42' });
    token = await s.login();
  });
  afterAll(() => s.close());

  it('places a scripted call that plays out as virtual time is advanced', async () => {
    const status = await s.call('GET', '/api/v1/simulator', { token });
    expect(status.body).toMatchObject({ clock: 'virtual', liveCalls: 0, trunks: [{ name: 'sim' }] });
    const placed = await s.call('POST', '/api/v1/simulator/calls', {
      token,
      body: { from: { number: '+15551230001', name: 'Ann' }, to: '+18005550100', script: { patienceMs: 45_000 } },
    });
    expect(placed.status).toBe(201);
    const { callId } = placed.body;
    expect((await s.call('GET', `/api/v1/simulator/calls/${callId}`, { token })).body).toMatchObject({ state: 'ringing', direction: 'inbound' });

    const moved = await s.call('POST', '/api/v1/simulator/advance', { token, body: { ms: 45_000 } });
    expect(moved.body).toMatchObject({ now: status.body.now + 45_000, liveCalls: 0 });
    const call = (await s.call('GET', `/api/v1/simulator/calls/${callId}`, { token })).body;
    expect(call).toMatchObject({ state: 'ended', hangup: { cause: 'ORIGINATOR_CANCEL', side: 'remote', sipCode: 487 } });
    expect(call.trace.map((t: { name: string }) => t.name)).toEqual(['dial', 'call.created', 'call.incoming', 'patience_out', 'call.hangup']);
    expect(call.endedAt - call.createdAt).toBe(45_000);
  });

  it('scripts agent phones and outside numbers, and drives a call by hand', async () => {
    const phone = await s.call('POST', '/api/v1/simulator/agents/1001', { token, body: { answer: 'manual', dnd: false } });
    expect(phone).toMatchObject({ status: 200, body: { agentNumber: '1001', answer: 'manual', registered: true, dnd: false } });
    expect((await s.call('POST', '/api/v1/simulator/agents/1001', { token, body: { dnd: true } })).body).toMatchObject({ answer: 'manual', dnd: true });
    expect((await s.call('PUT', '/api/v1/simulator/numbers/+15559990000', { token, body: { answer: { probability: 0, otherwise: 'busy' } } })).status).toBe(204);

    const placed = await s.call('POST', '/api/v1/simulator/calls', { token, body: { from: '+15551230002', to: '+18005550100' } });
    const id = placed.body.callId;
    expect((await s.call('POST', `/api/v1/simulator/calls/${id}/dtmf`, { token, body: { digits: '1#' } })).status).toBe(204);
    await s.call('POST', '/api/v1/simulator/advance', { token, body: { ms: 1_000 } });
    expect((await s.call('POST', `/api/v1/simulator/calls/${id}/hangup`, { token, body: {} })).status).toBe(204);
    const call = (await s.call('GET', `/api/v1/simulator/calls/${id}`, { token })).body;
    expect(call.trace.filter((t: { name: string }) => t.name === 'call.dtmf').map((t: { detail: { digit: string } }) => t.detail.digit)).toEqual(['1', '#']);
    expect(call.hangup.side).toBe('remote');
    const list = await s.call('GET', '/api/v1/simulator/calls?state=ended&limit=1', { token });
    expect(list.body.items).toHaveLength(1);
    expect(list.body.items[0].trace).toBeUndefined();
  });

  it('says clearly what is wrong with a bad request', async () => {
    expect((await s.call('POST', '/api/v1/simulator/agents/bad%20number', { token, body: {} })).body.errors[0].path).toBe('path.agentNumber');
    expect((await s.call('POST', '/api/v1/simulator/advance', { token, body: { ms: -5 } })).body.errors[0].path).toBe('body.ms');
    expect((await s.call('POST', '/api/v1/simulator/calls', { token, body: { from: { extension: '7777' }, to: '1' } })).body).toMatchObject({ status: 400, detail: expect.stringContaining('7777') });
    expect((await s.call('POST', '/api/v1/simulator/calls', { token, body: { from: '1', to: '2', script: { talkMs: { kind: 'gamma' } } } })).body.errors[0].path).toMatch(/^body\.script\.talkMs/);
    expect(await s.call('POST', '/api/v1/simulator/calls/none/hangup', { token, body: {} })).toMatchObject({ status: 404, body: { code: 'NOT_FOUND' } });
    expect((await s.call('GET', '/api/v1/simulator/calls?limit=0', { token })).body.errors[0].path).toBe('query.limit');
  });
});
