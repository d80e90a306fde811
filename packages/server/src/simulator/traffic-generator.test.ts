import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SeededRandom, VirtualClock, silentLogger } from '@switchboard/core';
import { hashPassword } from '../auth/passwords.js';
import { startTestServer } from '../test-support/test-server.js';
import { TrafficGenerator } from './traffic-generator.js';

describe('the traffic generator', () => {
  it('places Poisson arrivals at the mean rate, on the clock, and stops when told', async () => {
    const clock = new VirtualClock({ startAt: 0 });
    const placed: Array<{ at: number; to: string; patienceMs: number; talkMs: number }> = [];
    const queued: string[] = [];
    const generator = new TrafficGenerator({
      clock,
      random: new SeededRandom(1),
      placeCall: (request) => (placed.push({ at: clock.now(), to: request.to, ...request.script }), `call-${placed.length}`),
      enqueue: async (_tenant, request) => void queued.push(request.callId),
      logger: silentLogger,
    });
    generator.start({
      tenantId: 't1',
      queues: [{ groupNumber: '600', callsPerHour: 600 }, { groupNumber: '601', callsPerHour: 60 }],
      patience: { kind: 'fixed', ms: 30_000 },
      talk: { kind: 'uniform', minMs: 60_000, maxMs: 120_000 },
    });
    await clock.advance(10 * 3_600_000);
    const to600 = placed.filter((p) => p.to === '600').length;
    const to601 = placed.filter((p) => p.to === '601').length;
    // Poisson: 6000 ± 3·√6000 and 600 ± 3·√600.
    expect(Math.abs(to600 - 6000)).toBeLessThan(233);
    expect(Math.abs(to601 - 600)).toBeLessThan(74);
    expect(queued).toHaveLength(placed.length);
    expect(placed.every((p) => p.patienceMs === 30_000 && p.talkMs >= 60_000 && p.talkMs <= 120_000)).toBe(true);
    // Not a metronome: the gaps vary (coefficient of variation of an exponential is 1).
    const gaps = placed.filter((p) => p.to === '600').map((p, i, all) => (i === 0 ? p.at : p.at - all[i - 1]!.at));
    const mean = gaps.reduce((a, b) => a + b, 0) / gaps.length;
    const sd = Math.sqrt(gaps.reduce((a, g) => a + (g - mean) ** 2, 0) / gaps.length);
    expect(sd / mean).toBeGreaterThan(0.9);
    expect(generator.status('t1')?.queues.map((q) => q.placed)).toEqual([to600, to601]);

    expect(generator.stop('t1')).toBe(true);
    const before = placed.length;
    await clock.advance(3_600_000);
    expect(placed).toHaveLength(before);
    expect(generator.stop('t1')).toBe(false);
  });

  it('ends by itself after durationMs', async () => {
    const clock = new VirtualClock({ startAt: 0 });
    let count = 0;
    const generator = new TrafficGenerator({
      clock,
      random: new SeededRandom(2),
      placeCall: () => `c${++count}`,
      enqueue: async () => undefined,
      logger: silentLogger,
    });
    generator.start({ tenantId: 't', queues: [{ groupNumber: '1', callsPerHour: 3600 }], patience: { kind: 'fixed', ms: 1 }, talk: { kind: 'fixed', ms: 1 }, durationMs: 60_000 });
    await clock.advance(60_000);
    const atEnd = count;
    expect(atEnd).toBeGreaterThan(30);
    expect(generator.status('t')).toBeUndefined();
    await clock.advance(60_000);
    expect(count).toBe(atEnd);
  });
});

describe('POST /api/v1/simulator/traffic on virtual time', () => {
  let s: Awaited<ReturnType<typeof startTestServer>>;
  let token: string;
  beforeAll(async () => {
    s = await startTestServer({ clock: 'virtual', seed: '11' });
    const tenant = await s.switchboard.storage.tenants.create({ slug: 'acme', name: 'Acme' });
    await s.switchboard.storage.users.create(tenant.id, { username: 'boss', passwordHash: await hashPassword('boss-password-123'), role: 'tenant_admin' });
    token = await s.login('boss', 'boss-password-123', 'acme');
  });
  afterAll(() => s.close());

  it('sends callers into a queue where agents answer them', async () => {
    await s.call('POST', '/api/v1/agents/batch', { token, body: { firstNumber: '1001', count: 3, sipPassword: 'sip-secret-1' } });
    for (const n of ['1001', '1002', '1003']) s.switchboard.simulator!.setExtension(n, { answer: 2_000 });
    await s.call('POST', '/api/v1/agent-groups', { token, body: { name: 'Sales', number: '600', members: ['1001', '1002', '1003'].map((agentNumber) => ({ agentNumber, kind: 'static' })) } });
    for (const n of ['1001', '1002', '1003']) await s.call('POST', `/api/v1/agents/${n}/login`, { token });

    const bad = await s.call('POST', '/api/v1/simulator/traffic', { token, body: { queues: [{ groupNumber: '999', callsPerHour: 10 }], patience: { kind: 'fixed', ms: 1 }, talk: { kind: 'fixed', ms: 1 } } });
    expect(bad).toMatchObject({ status: 400, body: { errors: [{ path: 'body.queues.0.groupNumber' }] } });
    expect((await s.call('POST', '/api/v1/simulator/traffic', { token, body: { queues: [], patience: { kind: 'nope' } } })).body.errors.map((e: { path: string }) => e.path)).toEqual(
      expect.arrayContaining(['body.queues', expect.stringMatching(/^body\.patience/), 'body.talk']),
    );

    const started = await s.call('POST', '/api/v1/simulator/traffic', {
      token,
      body: { queues: [{ groupNumber: '600', callsPerHour: 120 }], patience: { kind: 'fixed', ms: 60_000 }, talk: { kind: 'uniform', minMs: 30_000, maxMs: 90_000 } },
    });
    expect(started).toMatchObject({ status: 201, body: { endsAt: null, queues: [{ groupNumber: '600', callsPerHour: 120, placed: 0 }] } });
    await s.call('POST', '/api/v1/simulator/advance', { token, body: { ms: 3_600_000 } });

    const status = (await s.call('GET', '/api/v1/simulator/traffic', { token })).body;
    expect(status.queues[0].placed).toBeGreaterThan(80);
    expect(status.queues[0].failed).toBe(0);
    const snapshot = (await s.call('GET', '/api/v1/acd/snapshot?groups=600', { token })).body;
    expect(snapshot.groups[0].today).toMatchObject({ answered: expect.any(Number) });
    expect(snapshot.groups[0].today.answered).toBeGreaterThan(50);

    expect((await s.call('DELETE', '/api/v1/simulator/traffic', { token })).status).toBe(204);
    const liveBefore = (await s.call('GET', '/api/v1/simulator', { token })).body.liveCalls;
    await s.call('POST', '/api/v1/simulator/advance', { token, body: { ms: 600_000 } });
    expect((await s.call('GET', '/api/v1/simulator', { token })).body.liveCalls).toBeLessThanOrEqual(liveBefore);
    expect((await s.call('GET', '/api/v1/simulator', { token })).body.liveCalls).toBe(0);
    expect(await s.call('DELETE', '/api/v1/simulator/traffic', { token })).toMatchObject({ status: 404, body: { code: 'NOT_FOUND' } });
  });
});
