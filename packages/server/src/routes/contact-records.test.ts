import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, tenantWithUser } from '../test-support/test-server.js';
import { readZip } from '../test-support/zip.js';

type Server = Awaited<ReturnType<typeof startTestServer>>;
type Entry = { id: string; customerName: string; kind: string; agentNumber: string | null; notes: string | null };

describe('contact history and submissions over HTTP', () => {
  let s: Server;
  let boss: string;
  let ann1001: string;
  let bob1002: string;
  let tenantId: string;
  let pkg: string;
  const ids = {} as Record<'won' | 'later' | 'vip' | 'sale' | 'appointment' | 'noAnswer' | 'ann' | 'bob' | 'cy' | 'saleRecord', string>;

  beforeAll(async () => {
    s = await startTestServer({ clock: 'virtual', demo: 'false' });
    ({ token: boss, tenantId } = await tenantWithUser(s, 'acme', { tenant: { defaultCountry: 'FR', timeZone: 'Europe/Paris' } }));
    ({ token: ann1001 } = await tenantWithUser(s, 'acme', { username: '1001', password: 'agent-password-123', role: 'agent' }));
    ({ token: bob1002 } = await tenantWithUser(s, 'acme', { username: '1002', password: 'agent-password-123', role: 'agent' }));
    pkg = (await s.call('POST', '/api/v1/customer-packages', { token: boss, body: { displayName: 'Leads', key: 'LEADS' } })).body.id;
    await s.call('POST', '/api/v1/custom-fields', { token: boss, body: { packageId: pkg, name: 'contract', displayName: 'Contract', type: 'input', requiredOnSuccess: true } });
    const stage = async (name: string, score: number, status = 'enabled') => (await s.call('POST', '/api/v1/funnel-stages', { token: boss, body: { packageId: pkg, name, score, status } })).body.id as string;
    ids.won = await stage('Won', 10);
    ids.later = await stage('Call back', 0);
    ids.vip = await stage('VIP', 0, 'hidden');
    const result = async (body: Record<string, unknown>) => (await s.call('POST', '/api/v1/call-results', { token: boss, body })).body.id as string;
    ids.sale = await result({ name: 'Sale', callStatus: 'answered', funnelStageId: ids.won });
    ids.appointment = await result({ name: 'Appointment', funnelStageId: ids.later, mandatoryAppointment: true });
    ids.noAnswer = await result({ name: 'No answer', callStatus: 'unanswered' });
    const customer = async (name: string, agentNumber: string | null) => (await s.switchboard.crm.customers.create(tenantId, { packageId: pkg, name, phones: [`06${String(Object.keys(ids).length).padStart(8, '1')}`], agentNumber })).id;
    ids.ann = await customer('Ann', '1001');
    ids.bob = await customer('Bob', '1002');
    ids.cy = await customer('Cy', null);
  });
  afterAll(() => s.close());

  const submit = (token: string, body: Record<string, unknown>) => s.call('POST', '/api/v1/contact-records', { token, body });
  const advance = (ms: number) => s.call('POST', '/api/v1/simulator/advance', { token: boss, body: { ms } });
  const list = async (token: string, query = '') => (await s.call('GET', `/api/v1/contact-records${query}`, { token })).body as { items: Entry[]; nextCursor: string | null };

  it('refuses submissions that break the rules: validation, call status, mandatory appointment, fields required on success, hidden stages', async () => {
    const missing = await submit(ann1001, { callStatus: 'ringing', appointmentAt: 'tomorrow' });
    expect(missing.status).toBe(400);
    expect(missing.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['body.appointmentAt', 'body.callStatus', 'body.customerId']);
    // A result for answered calls only, on an unanswered call.
    expect(await submit(ann1001, { customerId: ids.ann, callResultId: ids.sale, callStatus: 'unanswered' })).toMatchObject({
      status: 400,
      body: { errors: expect.arrayContaining([{ path: 'callResultId', message: '"Sale" is for answered calls only' }]) },
    });
    expect(await submit(ann1001, { customerId: ids.ann, callResultId: ids.appointment })).toMatchObject({ status: 400, body: { errors: [{ path: 'appointmentAt', message: '"Appointment" needs an appointment' }] } });
    // A success stage needs the fields required on success.
    expect(await submit(ann1001, { customerId: ids.ann, callResultId: ids.sale, callStatus: 'answered' })).toMatchObject({ status: 400, body: { errors: [{ path: 'custom.contract', message: 'required when the contact is a success' }] } });
    expect(await submit(ann1001, { customerId: ids.ann, callResultId: 'nope' })).toMatchObject({ status: 400, body: { errors: [{ path: 'callResultId', message: 'no such call result' }] } });
    // A stage hidden from agents is not theirs to choose; a supervisor may.
    expect(await submit(ann1001, { customerId: ids.ann, funnelStageId: ids.vip })).toMatchObject({ status: 400, body: { errors: [{ path: 'funnelStageId' }] } });
    // An agent submits only for their own customers.
    expect((await submit(ann1001, { customerId: ids.bob, callResultId: ids.noAnswer, callStatus: 'unanswered' })).status).toBe(404);
    expect((await list(boss)).items).toEqual([]);
  });

  it('writes a submission with the signed-in agent; the customer shows its result and stage', async () => {
    await s.call('PATCH', `/api/v1/customers/${ids.ann}`, { token: boss, body: { custom: { contract: 'C-1' } } });
    const sale = await submit(ann1001, { customerId: ids.ann, callResultId: ids.sale, callStatus: 'answered', notes: '=HYPERLINK("x") 签约' });
    expect(sale).toMatchObject({ status: 201, body: { kind: 'submission', customerName: 'Ann', agentNumber: '1001', callResultId: ids.sale, funnelStageId: ids.won, score: 10, packageId: pkg } });
    ids.saleRecord = sale.body.id;
    expect((await s.call('GET', `/api/v1/customers/${ids.ann}`, { token: boss })).body).toMatchObject({ lastCallResult: ids.sale, funnelStage: ids.won });
    await advance(60_000);
    // A supervisor is no agent: the record names none; a hidden stage is the supervisor's to choose.
    const byBoss = await submit(boss, { customerId: ids.bob, funnelStageId: ids.vip, notes: 'checked' });
    expect(byBoss).toMatchObject({ status: 201, body: { agentNumber: null, funnelStageId: ids.vip, customerName: 'Bob' } });
    await advance(60_000);
    // An inbound call connected agent 1002 with Cy, who is nobody's: 1002 may submit for that call.
    await s.switchboard.storage.contactRecords.add(tenantId, {
      packageId: pkg, customerId: ids.cy, kind: 'call', callId: 'call-7', agentNumber: '1002', phoneNumber: '+33611111111', callStatus: 'answered',
      callResultId: null, funnelStageId: null, score: null, notes: null, dataSourceId: null, appointmentAt: null,
    });
    await advance(60_000);
    expect((await submit(bob1002, { customerId: ids.cy, callResultId: ids.appointment, appointmentAt: 1 })).status).toBe(404);
    expect((await submit(bob1002, { customerId: ids.cy, callId: 'call-8', callResultId: ids.appointment, appointmentAt: 1 })).status).toBe(404);
    const cy = await submit(bob1002, { customerId: ids.cy, callId: 'call-7', callStatus: 'answered', callResultId: ids.appointment, appointmentAt: Date.UTC(2030, 0, 1) });
    expect(cy).toMatchObject({ status: 201, body: { agentNumber: '1002', funnelStageId: ids.later, score: 0, callId: 'call-7' } });
  });

  it('lists with the page\'s filters and a cursor; agents see their customers\' records and their own', async () => {
    expect((await list(boss)).items.map((r) => `${r.customerName}/${r.kind}`)).toEqual(['Cy/submission', 'Cy/call', 'Bob/submission', 'Ann/submission']);
    expect((await list(boss, '?kind=call')).items.map((r) => r.customerName)).toEqual(['Cy']);
    expect((await list(boss, '?agentNumber=1002')).items).toHaveLength(2);
    expect((await list(boss, `?customerId=${ids.bob}`)).items.map((r) => r.notes)).toEqual(['checked']);
    expect((await list(boss, `?callResultId=${ids.sale}`)).items.map((r) => r.id)).toEqual([ids.saleRecord]);
    expect((await list(boss, `?funnelStageId=${ids.later}`)).items.map((r) => r.customerName)).toEqual(['Cy']);
    expect((await list(boss, `?packageId=${pkg}&callStatus=answered`)).items).toHaveLength(3);
    expect((await list(boss, '?packageId=default')).items).toEqual([]);
    const { items: [first] } = await list(boss, `?customerId=${ids.ann}`);
    const at = (await s.call('GET', `/api/v1/contact-records/${first!.id}`, { token: boss })).body.createdAt as number;
    expect((await list(boss, `?from=${at + 1}&to=${at + 60_001}`)).items.map((r) => r.customerName)).toEqual(['Bob']);

    const page1 = await list(boss, '?limit=3');
    expect(page1.items).toHaveLength(3);
    const page2 = await list(boss, `?limit=3&cursor=${page1.nextCursor}`);
    expect(page2).toEqual({ items: [expect.objectContaining({ customerName: 'Ann' })], nextCursor: null });
    const bad = await s.call('GET', '/api/v1/contact-records?from=yesterday&kind=note&limit=0', { token: boss });
    expect(bad.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['query.from', 'query.kind', 'query.limit']);
    expect((await s.call('GET', '/api/v1/contact-records?cursor=nonsense', { token: boss })).status).toBe(400);

    // 1001 sees Ann's record only; 1002 sees Bob's (allocated to them) and the call and submission they made for Cy.
    expect((await list(ann1001)).items.map((r) => r.customerName)).toEqual(['Ann']);
    expect((await list(bob1002)).items.map((r) => r.customerName)).toEqual(['Cy', 'Cy', 'Bob']);
    expect((await list(ann1001, '?agentNumber=1002')).items).toEqual([]);
    expect((await s.call('GET', `/api/v1/contact-records/${ids.saleRecord}`, { token: bob1002 })).status).toBe(404);
    expect((await s.call('GET', `/api/v1/contact-records/${ids.saleRecord}`, { token: ann1001 })).body).toMatchObject({ customerName: 'Ann', agentNumber: '1001' });
  });

  it('exports the history: GBK round-trip, formulas neutralised, a ZIP of parts past the maximum rows, supervisors only', async () => {
    const get = (path: string, token = boss) => fetch(`${s.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
    expect((await get('/api/v1/contact-records/export', ann1001)).status).toBe(403);
    expect((await get('/api/v1/contact-records/export?encoding=latin1', boss)).status).toBe(400);
    await s.call('PUT', '/api/v1/data-settings', { token: boss, body: { exportEncoding: 'gbk' } });
    const csv = await get(`/api/v1/contact-records/export?customerId=${ids.ann}&mask=true`);
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=GBK');
    expect(csv.headers.get('content-disposition')).toMatch(/contact-history-\d{8}-\d{4}\.csv/);
    expect(csv.headers.get('x-total-rows')).toBe('1');
    const lines = iconv.decode(Buffer.from(await csv.arrayBuffer()), 'gbk').trim().split('\r\n');
    expect(lines[0]).toBe(
      'Contact record ID,Name,Phone number,Package,Kind,Call ID,Agent,Call status,Call result,Contact notes,Funnel stage,Score,Data source,Appointment,Quality inspection,Quality inspection result,Quality inspection notes,First quality inspection,Last quality inspection,Created at,Updated at',
    );
    expect(lines[1]).toContain(`${ids.saleRecord},Ann,'+336****`);
    expect(lines[1]).toContain(`,Leads,submission,,1001,answered,Sale,"'=HYPERLINK(""x"") 签约",Won,10,,,no,`);

    // Past the maximum rows per file: a ZIP of numbered parts, each with the header.
    await s.switchboard.storage.contactRecords.addMany(
      tenantId,
      Array.from({ length: 150 }, (_, i) => ({
        packageId: pkg, customerId: ids.cy, kind: 'call' as const, callId: `bulk-${i}`, agentNumber: '1002', phoneNumber: '+33611111111', callStatus: 'answered' as const,
        callResultId: null, funnelStageId: null, score: null, notes: i === 0 ? '@SUM(A1)' : null, dataSourceId: null, appointmentAt: null,
      })),
    );
    const zip = await get(`/api/v1/contact-records/export?kind=call&maxRowsPerFile=100&encoding=utf-8`);
    expect(zip.headers.get('content-type')).toBe('application/zip');
    expect(zip.headers.get('x-total-rows')).toBe('151');
    expect(zip.headers.get('x-files')).toBe('2');
    const parts = readZip(Buffer.from(await zip.arrayBuffer()));
    expect(parts.map((p) => p.name)).toEqual(['contact-history-001.csv', 'contact-history-002.csv']);
    const texts = parts.map((p) => p.data.toString('utf8').trim().split('\r\n'));
    expect(texts.map((t) => t.length)).toEqual([101, 52]);
    expect(texts.every((t) => t[0]!.startsWith('Contact record ID,'))).toBe(true);
    expect(texts.flat().some((line) => line.includes(",'@SUM(A1),"))).toBe(true);
    expect((await s.switchboard.storage.auditLog.list(tenantId)).some((e) => e.action === 'EXPORT /contact-records')).toBe(true);
  });

  it('describes every route in the OpenAPI document', async () => {
    const { paths } = (await s.call('GET', '/api/v1/openapi.json')).body;
    expect(Object.keys(paths).filter((p: string) => p.startsWith('/api/v1/contact-records')).sort()).toEqual(['/api/v1/contact-records', '/api/v1/contact-records/export', '/api/v1/contact-records/{id}']);
    expect(Object.keys(paths['/api/v1/contact-records']).sort()).toEqual(['get', 'post']);
    expect(paths['/api/v1/contact-records/export'].get.parameters.map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(['from', 'to', 'agentNumber', 'funnelStageId', 'encoding', 'maxRowsPerFile']));
  });
});
