import { SeededRandom } from '@switchboard/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer } from '../test-support/test-server.js';
import { DEMO_CRM_SEED, DEMO_CUSTOMER_COUNT, DEMO_PACKAGE_KEY, generateDemoCustomers } from './crm-seed.js';
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

  it('has a CRM: a customer package with typed custom fields, tags, data sources, a sales funnel, call results and 3,000 customers', async () => {
    const get = async (path: string) => (await s.call('GET', path, { token: admin, headers: demo })).body;
    const pkg = (await get('/api/v1/customer-packages')).items.find((p: { key: string }) => p.key === DEMO_PACKAGE_KEY);
    expect(pkg).toMatchObject({ displayName: 'Demo customers', status: 'open', phoneUniqueness: 'package' });
    const fields = (await get(`/api/v1/custom-fields?packageId=${pkg.id}`)).items as Array<Record<string, unknown>>;
    expect(fields.map((f) => [f.name, f.type])).toEqual([
      ['company', 'input'],
      ['industry', 'options'],
      ['product_interest', 'options'],
      ['contract_renewal', 'date'],
      ['annual_value', 'number'],
      ['website', 'link'],
    ]);
    expect(fields.find((f) => f.name === 'company')).toMatchObject({ globalSearch: true });
    expect(fields.find((f) => f.name === 'product_interest')).toMatchObject({ multiple: true, options: expect.arrayContaining(['Cloud PBX', 'Predictive dialer']) });
    expect(fields.find((f) => f.name === 'annual_value')).toMatchObject({ requiredOnSuccess: true });
    expect((await get('/api/v1/customer-tags')).items.map((t: { name: string; color: string }) => [t.name, t.color])).toContainEqual(['VIP', '#f5222d']);
    expect((await get('/api/v1/data-sources')).items.map((d: { name: string }) => d.name)).toEqual(['Purchased list', 'Referral', 'Trade show 2025', 'Website form']);

    // The funnel and call results (their REST routes come separately: read from storage).
    const { storage } = s.switchboard;
    const tenantId = (await storage.tenants.getBySlug('demo')).id;
    const stages = await storage.funnelStages.list(tenantId, pkg.id);
    expect(stages.map((st) => [st.name, st.score])).toEqual([
      ['Won', 10],
      ['Interested', 0],
      ['New lead', 0],
      ['Quote sent', 0],
      ['Lost', -10],
    ]);
    const stageName = new Map(stages.map((st) => [st.id, st.name]));
    const results = await storage.callResults.list(tenantId);
    expect(results.map((r) => [r.name, r.callStatus, r.funnelStageId === null ? null : stageName.get(r.funnelStageId)])).toEqual([
      ['Call back later', 'answered', null],
      ['Deal closed', 'answered', 'Won'],
      ['Interested', 'answered', 'Interested'],
      ['No answer', 'unanswered', null],
      ['Not interested', 'answered', 'Lost'],
      ['Quote requested', 'answered', 'Quote sent'],
      ['Voicemail', 'unanswered', null],
      ['Wrong number', 'any', 'Lost'],
    ]);

    // Customers, searchable by name through the REST search.
    const page = await get(`/api/v1/customers?packageId=${pkg.id}&limit=50`);
    expect(page.total).toBe(DEMO_CUSTOMER_COUNT);
    expect(page.total).toBeGreaterThanOrEqual(1_000);
    for (const customer of page.items) expect(customer.phones[0]).toMatch(/^\+1[2-9][0-9]{2}55501[0-9]{2}$/);
    const name = page.items[0].name as string;
    const found = await get(`/api/v1/customers?packageId=${pkg.id}&q=${encodeURIComponent(name.toLowerCase())}`);
    expect(found.total).toBeGreaterThanOrEqual(1);
    for (const customer of found.items) expect(customer.name).toBe(name);
    // …by company (a custom field marked for global search), by agent, by funnel stage.
    const company = page.items[0].custom.company as string;
    expect((await get(`/api/v1/customers?packageId=${pkg.id}&q=${encodeURIComponent(company)}&limit=1`)).total).toBeGreaterThanOrEqual(1);
    expect((await get(`/api/v1/customers?packageId=${pkg.id}&agentNumber=1001&limit=1`)).total).toBeGreaterThan(50);
    const won = stages.find((st) => st.name === 'Won')!;
    const winners = await get(`/api/v1/customers?packageId=${pkg.id}&funnelStage=${won.id}&limit=1000`);
    expect(winners.total).toBeGreaterThan(10);
    for (const customer of winners.items) expect(customer.custom.annual_value).toEqual(expect.any(Number));

    // Contact records with call results, newest first.
    const history = await storage.contactRecords.query(tenantId, { packageId: pkg.id, kind: 'submission', limit: 100 });
    expect(history.items).toHaveLength(100);
    expect(history.items.every((r) => r.callResultId !== null && r.createdAt <= s.switchboard.clock.now())).toBe(true);
    const times = history.items.map((r) => r.createdAt);
    expect(times).toEqual([...times].sort((x, y) => y - x));

    // A few customers are highlighted: the screen refuses their numbers, though they are on no DNC list.
    let highlighted: string | undefined;
    for await (const rows of storage.customers.streamHighlighted(tenantId)) highlighted ??= rows[0]?.number;
    expect(highlighted).toBeDefined();
    const screened = (await s.call('POST', '/api/v1/dnc/screen', { token: admin, headers: demo, body: { customerPackageId: pkg.id, numbers: [highlighted] } })).body;
    expect(screened.blocked).toEqual([{ number: highlighted, by: 'highlighted-customer' }]);
  });

  it('generates the same demo customers from its seed, each number once', () => {
    const options = { packageId: 'p', now: 1_750_000_000_000, tagIds: ['t1', 't2'], sourceIds: ['s1'], agentNumbers: ['1001'], stage: () => ({ id: 'st', score: 0 }), result: () => 'r' };
    const first = generateDemoCustomers(new SeededRandom(DEMO_CRM_SEED), options);
    expect(generateDemoCustomers(new SeededRandom(DEMO_CRM_SEED), options)).toEqual(first);
    const numbers = first.flatMap((c) => c.values.phones);
    expect(new Set(numbers).size).toBe(numbers.length);
    expect(numbers).not.toContain('+12125550100');
  });

  it('is idempotent, and no traffic runs on a virtual clock', async () => {
    await seedDemo(s.switchboard);
    expect((await s.call('GET', '/api/v1/agents', { token: admin, headers: demo })).body.total).toBe(10);
    expect((await s.call('GET', '/api/v1/customers?limit=1', { token: admin, headers: demo })).body.total).toBe(DEMO_CUSTOMER_COUNT);
    expect((await s.call('GET', '/api/v1/customer-packages', { token: admin, headers: demo })).body.items).toHaveLength(1);
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
