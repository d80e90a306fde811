import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, tenantWithUser } from '../test-support/test-server.js';
import { readZip } from '../test-support/zip.js';

type Server = Awaited<ReturnType<typeof startTestServer>>;
type Page = { items: Array<{ name: string; phones: string[]; custom: Record<string, unknown>; submission: { agentNumber: string | null; callResultId: string | null; funnelStageId: string; score: number; submittedAt: number } }>; total: number };

describe('successfully submitted customers over HTTP', () => {
  let s: Server;
  let boss: string;
  let a1001: string;
  let a1002: string;
  let tenantId: string;
  let pkg: string;
  const ids: Record<string, string> = {};
  const at: Record<string, number> = {};

  beforeAll(async () => {
    s = await startTestServer({ clock: 'virtual', demo: 'false' });
    ({ token: boss, tenantId } = await tenantWithUser(s, 'acme', { tenant: { defaultCountry: 'FR', timeZone: 'Asia/Shanghai' } }));
    ({ token: a1001 } = await tenantWithUser(s, 'acme', { username: '1001', password: 'agent-password-123', role: 'agent' }));
    ({ token: a1002 } = await tenantWithUser(s, 'acme', { username: '1002', password: 'agent-password-123', role: 'agent' }));
    pkg = (await s.call('POST', '/api/v1/customer-packages', { token: boss, body: { displayName: '线索', key: 'LEADS' } })).body.id;
    await s.call('POST', '/api/v1/custom-fields', { token: boss, body: { packageId: pkg, name: 'company', displayName: '公司', type: 'input', globalSearch: true } });
    await s.call('POST', '/api/v1/custom-fields', { token: boss, body: { packageId: pkg, name: 'margin', displayName: 'Margin', type: 'number', permissions: { agent: 'hidden' } } });
    const stage = async (name: string, score: number) => (await s.call('POST', '/api/v1/funnel-stages', { token: boss, body: { packageId: pkg, name, score } })).body.id as string;
    ids.won = await stage('成交', 10);
    ids.deal = await stage('Deal', 5);
    ids.later = await stage('Call back', 0);
    const result = async (name: string, funnelStageId: string) => (await s.call('POST', '/api/v1/call-results', { token: boss, body: { name, funnelStageId } })).body.id as string;
    ids.sale = await result('Sale', ids.won);
    ids.dealt = await result('Dealt', ids.deal);
    ids.callback = await result('Callback', ids.later);
    const tag = (await s.call('POST', '/api/v1/customer-tags', { token: boss, body: { name: 'VIP' } })).body.id as string;
    const customer = async (name: string, agentNumber: string, phone: string, custom: Record<string, unknown> = {}, tags: string[] = []) =>
      (await s.switchboard.crm.customers.create(tenantId, { packageId: pkg, name, phones: [phone], agentNumber, custom, tags, taskId: name === 'Bob' ? 'task-9' : null })).id;
    ids.ann = await customer('王芳', '1001', '0611111111', { company: '=cmd|calc', margin: 7 }, [tag]);
    ids.bob = await customer('Bob', '1002', '0622222222');
    ids.cy = await customer('Cy', '1001', '0633333333');
    ids.dee = await customer('Dee', '1001', '0644444444');

    const submit = async (token: string, customerId: string, callResultId: string, notes: string | null = null) => {
      const res = await s.call('POST', '/api/v1/contact-records', { token, body: { customerId, callResultId, notes } });
      if (res.status !== 201) throw new Error(JSON.stringify(res.body));
      await s.call('POST', '/api/v1/simulator/advance', { token: boss, body: { ms: 60_000 } });
      return res.body.createdAt as number;
    };
    at.ann = await submit(a1001, ids.ann, ids.sale, '@SUM(1)');
    at.cy = await submit(a1001, ids.cy, ids.sale);
    at.bob = await submit(a1002, ids.bob, ids.dealt);
    await submit(a1001, ids.dee, ids.callback);
    // Cy's latest choice is a follow-up: no longer a success. Dee's is now a success.
    await submit(a1001, ids.cy, ids.callback);
    at.dee = await submit(a1001, ids.dee, ids.sale);
    // A submission without a stage leaves Ann's success standing.
    await s.call('POST', '/api/v1/contact-records', { token: a1001, body: { customerId: ids.ann, notes: 'called to say thanks' } });
  });
  afterAll(() => s.close());

  const page = async (query = '', token = boss) => (await s.call('GET', `/api/v1/successful-customers${query}`, { token })).body as Page;
  const names = (p: Page) => p.items.map((c) => c.name);

  it('lists the customers whose latest stage choice is a success, latest first, with that submission', async () => {
    const all = await page();
    expect(all.total).toBe(3);
    expect(names(all)).toEqual(['Dee', 'Bob', '王芳']);
    expect(all.items[2]).toMatchObject({ phones: ['+33611111111'], custom: { company: '=cmd|calc', margin: 7 }, submission: { agentNumber: '1001', callResultId: ids.sale, funnelStageId: ids.won, score: 10, submittedAt: at.ann } });
    expect(all.items[1]!.submission).toMatchObject({ agentNumber: '1002', funnelStageId: ids.deal, score: 5 });
    expect(names(await page('?limit=1&offset=1'))).toEqual(['Bob']);
    expect((await page('?limit=1')).total).toBe(3);
  });

  it("filters by the submission (stage, result, agent, time, QC) and the customer's fields (package, search, task, tag)", async () => {
    expect(names(await page(`?funnelStage=${ids.deal}`))).toEqual(['Bob']);
    expect(names(await page(`?callResult=${ids.sale}`))).toEqual(['Dee', '王芳']);
    expect(names(await page('?agentNumber=1002'))).toEqual(['Bob']);
    expect(names(await page(`?from=${at.bob}`))).toEqual(['Dee', 'Bob']);
    expect(names(await page(`?from=${at.ann}&to=${at.bob}`))).toEqual(['王芳']);
    expect(names(await page('?qcResult=passed'))).toEqual([]);
    expect(names(await page(`?packageId=${pkg}&q=cmd`))).toEqual(['王芳']);
    expect(names(await page('?q=622222'))).toEqual(['Bob']);
    expect(names(await page('?taskId=task-9'))).toEqual(['Bob']);
    const tag = (await s.call('GET', '/api/v1/customer-tags', { token: boss })).body.items[0].id;
    expect(names(await page(`?tag=${tag}`))).toEqual(['王芳']);
    expect((await page('?packageId=default')).total).toBe(0);
    const bad = await s.call('GET', '/api/v1/successful-customers?from=soon&limit=0&mask=yes', { token: boss });
    expect(bad.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['query.from', 'query.limit', 'query.mask']);
  });

  it('shows agents their own customers only, without the fields hidden from them, masked when asked', async () => {
    const mine = await page('?mask=true', a1001);
    expect(names(mine)).toEqual(['Dee', '王芳']);
    expect(mine.items[1]).toMatchObject({ phones: ['+336****1111'], custom: { company: '=cmd|calc' } });
    expect(mine.items[1]!.custom['margin']).toBeUndefined();
    expect(names(await page('', a1002))).toEqual(['Bob']);
    expect(names(await page('?agentNumber=1001', a1002))).toEqual([]);
  });

  it('exports them: GBK round-trip, formulas neutralised, a ZIP of parts past the maximum rows; supervisors only', async () => {
    const get = (path: string, token = boss) => fetch(`${s.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
    expect((await get('/api/v1/successful-customers/export', a1001)).status).toBe(403);
    const csv = await get(`/api/v1/successful-customers/export?packageId=${pkg}&encoding=gbk`);
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=GBK');
    expect(csv.headers.get('content-disposition')).toMatch(/successful-customers-\d{8}-\d{4}\.csv/);
    const bytes = Buffer.from(await csv.arrayBuffer());
    // GBK bytes of 王芳, not UTF-8's.
    expect(bytes.includes(iconv.encode('王芳', 'gbk'))).toBe(true);
    expect(bytes.includes(Buffer.from('王芳', 'utf8'))).toBe(false);
    const lines = iconv.decode(bytes, 'gbk').trim().split('\r\n');
    expect(lines[0]).toBe(
      'ID,Package,Name,Phones,E-mail,Gender,Age,Address,Area,Notes,Tags,Data source,Task,Agent,Allocated at,Total calls,No call,Created at,Updated at,公司,Margin,' +
        'Funnel stage,Score,Call result,Submitted by,Last submission at,Contact notes,Quality inspection result,Quality inspection notes',
    );
    expect(lines.slice(1).map((l) => l.split(',')[2]).sort()).toEqual(['Bob', 'Dee', '王芳'].sort());
    const ann = lines.find((l) => l.includes('王芳'))!;
    expect(ann).toContain(`,线索,王芳,'+33611111111,`);
    expect(ann).toContain(",VIP,,,1001,");
    expect(ann).toContain(`,'=cmd|calc,7,成交,10,Sale,1001,`);
    expect(ann.endsWith(",'@SUM(1),,")).toBe(true);

    // Past the maximum rows per file (the data settings'): a ZIP of numbered parts, each with the header.
    for (let i = 0; i < 150; i++) {
      const customer = await s.switchboard.crm.customers.create(tenantId, { packageId: pkg, name: `Bulk ${i}`, phones: [`07${String(i).padStart(8, '0')}`] });
      await s.switchboard.crm.contacts.submit(tenantId, '1003', { customerId: customer.id, callResultId: ids.dealt });
    }
    await s.call('PUT', '/api/v1/data-settings', { token: boss, body: { exportMaxRowsPerFile: 100, exportEncoding: 'utf-8' } });
    const zip = await get('/api/v1/successful-customers/export');
    expect(zip.headers.get('content-type')).toBe('application/zip');
    expect(zip.headers.get('x-total-rows')).toBe('153');
    const parts = readZip(Buffer.from(await zip.arrayBuffer()));
    expect(parts.map((p) => p.name)).toEqual(['successful-customers-001.csv', 'successful-customers-002.csv']);
    const texts = parts.map((p) => p.data.toString('utf8').trim().split('\r\n'));
    expect(texts.map((t) => t.length)).toEqual([101, 54]);
    expect(texts.every((t) => t[0]!.startsWith('ID,Package,Name,'))).toBe(true);
    expect(texts.flat().filter((l) => l.includes(',Dealt,1003,'))).toHaveLength(150);
  });

  it('follows the stage: a success whose stage no longer scores above 0 leaves the view', async () => {
    await s.call('PATCH', `/api/v1/funnel-stages/${ids.won}`, { token: boss, body: { score: 0 } });
    expect(names(await page('?limit=5&agentNumber=1001'))).toEqual([]);
  });

  it('describes every route in the OpenAPI document', async () => {
    const { paths } = (await s.call('GET', '/api/v1/openapi.json')).body;
    expect(Object.keys(paths).filter((p: string) => p.startsWith('/api/v1/successful-customers')).sort()).toEqual(['/api/v1/successful-customers', '/api/v1/successful-customers/export']);
    const item = paths['/api/v1/successful-customers'].get.responses['200'].content['application/json'].schema.properties.items.items;
    expect(item.properties.submission.required).toEqual(expect.arrayContaining(['agentNumber', 'funnelStageId', 'submittedAt']));
  });
});
