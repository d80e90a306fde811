import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer } from '../test-support/test-server.js';
import { seedDemo } from './seed.js';

describe('the demo call center', () => {
  let s: Awaited<ReturnType<typeof startTestServer>>;
  let admin: string;
  const demo = { 'x-switchboard-tenant': 'demo' };
  beforeAll(async () => {
    s = await startTestServer({ clock: 'virtual', seed: '3' });
    admin = await s.login();
  });
  afterAll(() => s.close());

  it('has ten agents in Sales and Support, pause reasons, and everyone logged in', async () => {
    const agents = (await s.call('GET', '/api/v1/agents', { token: admin, headers: demo })).body;
    expect(agents.items.map((a: { number: string }) => a.number)).toEqual(['1001', '1002', '1003', '1004', '1005', '1006', '1007', '1008', '1009', '1010']);
    const groups = (await s.call('GET', '/api/v1/agent-groups', { token: admin, headers: demo })).body.items;
    expect(groups.map((g: { number: string; name: string; queue: { strategy: string } }) => [g.number, g.name, g.queue.strategy])).toEqual([
      ['600', 'Sales', 'longest-idle'],
      ['601', 'Support', 'round-robin'],
    ]);
    expect((await s.call('GET', '/api/v1/pause-reasons', { token: admin, headers: demo })).body.items.map((r: { name: string }) => r.name)).toEqual(['Break', 'Lunch', 'Training']);
    const snapshot = (await s.call('GET', '/api/v1/acd/snapshot', { token: admin, headers: demo })).body;
    expect(snapshot.groups.map((g: { checkedIn: number; idle: number }) => [g.checkedIn, g.idle])).toEqual([[6, 6], [5, 5]]);
    expect(s.switchboard.simulator!.getExtension('1010')).toMatchObject({ registered: true });
  });

  it('is idempotent, and no traffic runs on a virtual clock', async () => {
    await seedDemo(s.switchboard);
    expect((await s.call('GET', '/api/v1/agents', { token: admin, headers: demo })).body.total).toBe(10);
    expect((await s.call('GET', '/api/v1/agent-groups', { token: admin, headers: demo })).body.items).toHaveLength(2);
    expect((await s.call('GET', '/api/v1/simulator/traffic', { token: admin, headers: demo })).status).toBe(404);
  });

  it('answers the callers of the traffic generator', async () => {
    await seedDemo(s.switchboard, { traffic: true });
    expect((await s.call('GET', '/api/v1/simulator/traffic', { token: admin, headers: demo })).body.queues.map((q: { callsPerHour: number }) => q.callsPerHour)).toEqual([60, 40]);
    await s.call('POST', '/api/v1/simulator/advance', { token: admin, body: { ms: 2 * 3_600_000 } });
    // Counted in the queue log, not the snapshot's "today": two hours from now may cross midnight in New York.
    const answered: number[] = [];
    for (const queue of ['600', '601']) {
      const log = (await s.call('GET', `/api/v1/queue-log?queue=${queue}&limit=1000`, { token: admin, headers: demo })).body.items as Array<{ event: string }>;
      expect(log.length).toBeLessThan(1000);
      answered.push(log.filter((e) => e.event === 'CONNECT').length);
    }
    expect(answered[0]).toBeGreaterThan(80);
    expect(answered[1]).toBeGreaterThan(50);
    expect((await s.call('DELETE', '/api/v1/simulator/traffic', { token: admin, headers: demo })).status).toBe(204);
  });
});
