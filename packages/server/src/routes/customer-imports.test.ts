import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { hashPassword } from '../auth/passwords.js';
import { declaredUpload, startTestServer } from '../test-support/test-server.js';

type Server = Awaited<ReturnType<typeof startTestServer>>;

describe('customer imports, jobs and exports over HTTP', () => {
  let s: Server;
  let token: string;
  let agentToken: string;
  let packageId: string;

  beforeAll(async () => {
    s = await startTestServer({ clock: 'virtual', demo: 'false' });
    const tenant = await s.switchboard.storage.tenants.create({ slug: 'acme', name: 'Acme', defaultCountry: 'FR' });
    await s.switchboard.storage.users.create(tenant.id, { username: 'boss', passwordHash: await hashPassword('boss-password-123'), role: 'tenant_admin' });
    await s.switchboard.storage.users.create(tenant.id, { username: '1001', passwordHash: await hashPassword('agent-password-123'), role: 'agent' });
    token = await s.login('boss', 'boss-password-123', 'acme');
    agentToken = await s.login('1001', 'agent-password-123', 'acme');
    packageId = (await s.call('POST', '/api/v1/customer-packages', { token, body: { displayName: 'Leads', key: 'LEADS' } })).body.id;
    await s.call('POST', '/api/v1/custom-fields', { token, body: { packageId, name: 'company', displayName: 'Company', type: 'input' } });
    await s.call('POST', '/api/v1/custom-fields', { token, body: { packageId, name: 'budget', displayName: 'Budget', type: 'number' } });
  });
  afterAll(() => s.close());

  const upload = async (path: string, file: Uint8Array, options: Record<string, unknown> | undefined, as = token, filename = 'leads.csv') => {
    const form = new FormData();
    if (options) form.append('options', JSON.stringify(options));
    form.append('file', new Blob([new Uint8Array(file)], { type: 'text/csv' }), filename);
    const response = await fetch(`${s.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${as}` }, body: form });
    return { status: response.status, body: await response.json() };
  };
  const get = (path: string) => fetch(`${s.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
  const waitForJob = async (id: string) => {
    for (let i = 0; i < 200; i++) {
      const job = (await s.call('GET', `/api/v1/jobs/${id}`, { token })).body;
      if (['done', 'failed', 'cancelled'].includes(job.status)) return job;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error('the job did not finish');
  };

  it('previews a GBK file: encoding, delimiter, header and the automatic mapping', async () => {
    const file = iconv.encode('姓名;手机号码;Company\n张伟;0612345678;北京科技\n', 'gbk');
    const preview = await upload('/api/v1/customers/imports/preview', file, { packageId });
    expect(preview).toMatchObject({
      status: 200,
      body: {
        encoding: { encoding: 'gbk' },
        delimiter: ';',
        header: ['姓名', '手机号码', 'Company'],
        columns: [
          { index: 0, field: 'name' },
          { index: 1, field: 'phones' },
          { index: 2, field: 'company' },
        ],
        rows: [{ line: 2, cells: ['张伟', '0612345678', '北京科技'] }],
      },
    });
  });

  it('uploads a file that becomes a job: progress on the realtime socket, good rows land, bad rows in errors.csv by line', async () => {
    const ws = new WebSocket(`${s.url.replace('http', 'ws')}/api/v1/realtime?token=${token}`);
    const messages: Array<{ type: string; data: Record<string, unknown> }> = [];
    ws.on('message', (raw) => messages.push(JSON.parse(String(raw))));
    await new Promise<void>((resolve, reject) => ws.once('open', () => resolve()).once('error', reject));

    const rows = ['Name,Phone,Company,Budget'];
    for (let i = 0; i < 150; i++) rows.push(i === 7 ? `Bad,not a phone,X,lots` : i === 149 ? `"Open quote,0600000149,X,1` : `Customer ${i},06${String(40_000_000 + i)},"=HYPERLINK(""${i}"")",${i}`);
    const created = await upload('/api/v1/customers/imports', Buffer.from(rows.join('\r\n')), { packageId, batchSize: 40, importToPreDial: true });
    expect(created).toMatchObject({ status: 202, body: { kind: 'customer-import', fileName: 'leads.csv', createdBy: 'boss', options: { packageId, batchSize: 40 } } });
    expect(created.body.options.source).toBeUndefined();
    const job = await waitForJob(created.body.id);
    expect(job).toMatchObject({ status: 'done', total: 150, processed: 150, succeeded: 148, failed: 2, result: { created: 148, preDial: 148 } });

    const errors = await get(`/api/v1/jobs/${job.id}/errors.csv`);
    expect(errors.status).toBe(200);
    expect(errors.headers.get('content-disposition')).toContain('leads-errors.csv');
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(await errors.arrayBuffer());
    expect(text.split('\r\n').slice(0, 3)).toEqual([
      '\ufeffline,reason,Name,Phone,Company,Budget,more cells',
      '9,"phones.0: a phone number expected, not ""not a phone""; custom.budget: a number expected",Bad,not a phone,X,lots,',
      '151,a quoted field is not closed,"""Open quote,0600000149,X,1",,,,',
    ]);

    expect((await s.call('GET', `/api/v1/customers?packageId=${packageId}&limit=1`, { token })).body.total).toBe(148);
    expect((await s.call('GET', `/api/v1/pre-dial-entries?importJobId=${job.id}&limit=1`, { token })).body.total).toBe(148);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const types = messages.filter((m) => m.type.startsWith('job.') && m.data['id'] === job.id);
    expect(types.filter((m) => m.type === 'job.progress').length).toBeGreaterThanOrEqual(4);
    expect(types.at(-1)).toMatchObject({ type: 'job.status', data: { status: 'done', processed: 150 } });
    ws.close();

    // The export: one CSV, or a ZIP of numbered files past the maximum rows per file; formulas neutralised.
    const csv = await get(`/api/v1/customers/export?packageId=${packageId}&encoding=utf-8`);
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(csv.headers.get('x-total-rows')).toBe('148');
    const exported = new TextDecoder().decode(await csv.arrayBuffer());
    expect(exported.split('\r\n')).toHaveLength(150);
    expect(exported).toContain(`"'=HYPERLINK(""1"")"`);
    await s.call('PUT', '/api/v1/data-settings', { token, body: { exportMaxRowsPerFile: 100, exportEncoding: 'shift_jis' } });
    const zip = await get(`/api/v1/customers/export?packageId=${packageId}`);
    expect(zip.headers.get('content-type')).toBe('application/zip');
    expect(zip.headers.get('content-disposition')).toMatch(/customers-\d{8}-\d{4}\.zip/);
    expect(zip.headers.get('x-files')).toBe('2');
    const bytes = Buffer.from(await zip.arrayBuffer());
    expect(bytes.subarray(0, 4)).toEqual(Buffer.from([0x50, 0x4b, 0x03, 0x04]));
    expect(bytes.includes(Buffer.from('customers-002.csv'))).toBe(true);
    expect((await s.switchboard.storage.auditLog.list(job.tenantId)).some((e) => e.action === 'EXPORT /customers')).toBe(true);

    // The jobs page.
    const list = await s.call('GET', '/api/v1/jobs?search=leads', { token });
    expect(list.body.items.map((j: { id: string }) => j.id)).toContain(job.id);
    expect((await s.call('POST', `/api/v1/jobs/${job.id}/cancel`, { token })).status).toBe(409);
    expect((await s.call('DELETE', `/api/v1/jobs/${job.id}`, { token })).status).toBe(204);
    expect((await s.call('GET', `/api/v1/jobs/${job.id}`, { token })).status).toBe(404);
  });

  it('refuses bad options, an agent, a body that is not multipart, and a file declared larger than the limit', async () => {
    expect(await upload('/api/v1/customers/imports', Buffer.from('a,b\n'), { packageId, onDuplicate: 'ignore' })).toMatchObject({ status: 400, body: { errors: [{ path: 'body.options.onDuplicate' }] } });
    expect(await upload('/api/v1/customers/imports', Buffer.from('a,b\n'), { packageId: 'nope' })).toMatchObject({ status: 400, body: { errors: [{ path: 'packageId' }] } });
    expect((await upload('/api/v1/customers/imports', Buffer.from('a,b\n'), {}, agentToken)).status).toBe(403);
    expect((await s.call('POST', '/api/v1/customers/imports', { token, body: {} })).status).toBe(415);
    expect((await declaredUpload(`${s.url}/api/v1/customers/imports`, token, 22 * 1024 * 1024)).status).toBe(413);
  });

  it('tags, data sources and dictionaries (with their CSV import) feed an import', async () => {
    const tag = await s.call('POST', '/api/v1/customer-tags', { token, body: { name: 'Fair', color: '#FF8800' } });
    expect(tag).toMatchObject({ status: 201, body: { name: 'Fair', color: '#ff8800' } });
    const source = await s.call('POST', '/api/v1/data-sources', { token, body: { name: 'Trade fair 2026', color: '#00aa00' } });
    const dictionary = await s.call('POST', '/api/v1/dictionaries', { token, body: { name: 'Companies' } });
    const form = new FormData();
    form.append('matchKey', 'Company');
    form.append('file', new Blob([Buffer.from('Company,Budget,Area\nInitech,900,Lyon\nGlobex,,Paris\n,5,x\n')]), 'dict.csv');
    const imported = await fetch(`${s.url}/api/v1/dictionaries/${dictionary.body.id}/import`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
    expect(await imported.json()).toEqual({ imported: 2, matchKey: 'Company', skipped: [{ line: 4, reason: 'no value in Company' }] });
    expect((await s.call('GET', '/api/v1/dictionaries', { token })).body.items).toMatchObject([{ name: 'Companies', matchKey: 'Company', entries: 2 }]);

    const created = await upload(
      '/api/v1/customers/imports',
      Buffer.from('Name,Phone,Company\nPeter,0655555555,Initech\n'),
      { packageId, tagIds: [tag.body.id], dataSource: { id: source.body.id }, dictionaryIds: [dictionary.body.id] },
    );
    expect(await waitForJob(created.body.id)).toMatchObject({ status: 'done', succeeded: 1 });
    const peter = (await s.call('GET', `/api/v1/customers?packageId=${packageId}&q=Peter`, { token })).body.items[0];
    expect(peter).toMatchObject({ area: 'Lyon', custom: { company: 'Initech', budget: 900 }, tags: [tag.body.id], dataSourceId: source.body.id });
    expect((await s.call('GET', '/api/v1/data-sources?search=fair', { token })).body.items.map((d: { name: string }) => d.name)).toEqual(['Trade fair 2026']);
    expect((await s.call('DELETE', `/api/v1/customer-tags/${tag.body.id}`, { token })).status).toBe(204);
    expect((await s.call('GET', `/api/v1/customers/${peter.id}`, { token })).body.tags).toEqual([]);
    expect((await s.call('POST', '/api/v1/customer-tags', { token: agentToken, body: { name: 'x' } })).status).toBe(403);
  });
});
