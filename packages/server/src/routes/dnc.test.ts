import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../auth/passwords.js';
import { startTestServer } from '../test-support/test-server.js';

type Server = Awaited<ReturnType<typeof startTestServer>>;

describe('do-not-call lists over HTTP', () => {
  let s: Server;
  let boss: string;
  let agent: string;
  let other: string;
  let pkg: string;

  beforeAll(async () => {
    s = await startTestServer({ clock: 'virtual', seed: '7' });
    const storage = s.switchboard.storage;
    const acme = await storage.tenants.create({ slug: 'acme', name: 'Acme', defaultCountry: 'FR', timeZone: 'Europe/Paris' });
    const globex = await storage.tenants.create({ slug: 'globex', name: 'Globex', defaultCountry: 'FR' });
    const password = await hashPassword('long-enough-password-1');
    await storage.users.create(acme.id, { username: 'boss', passwordHash: password, role: 'tenant_admin' });
    await storage.users.create(acme.id, { username: 'agent', passwordHash: password, role: 'agent' });
    await storage.users.create(globex.id, { username: 'boss', passwordHash: password, role: 'tenant_admin' });
    boss = await s.login('boss', 'long-enough-password-1', 'acme');
    agent = await s.login('agent', 'long-enough-password-1', 'acme');
    other = await s.login('boss', 'long-enough-password-1', 'globex');
    pkg = (await storage.customerPackages.create(acme.id, { displayName: 'Leads', key: 'LEADS' })).id;
  });
  afterAll(() => s.close());

  const screen = async (token: string, numbers: string[], customerPackageId: string | null = null) =>
    (await s.call('POST', '/api/v1/dnc/screen', { token, body: { customerPackageId, numbers } })).body as { mayCall: string[]; blocked: Array<{ number: string; by: string }> };

  it('adds numbers written any way, reports what it skipped, and screens them at once, per package and tenant', async () => {
    const added = await s.call('POST', '/api/v1/dnc', { token: boss, body: { numbers: '06 11 11 11 11, +33622222222\nnot-a-number\n0611111111', reason: 'asked' } });
    expect(added.status).toBe(201);
    expect(added.body.added.map((e: { number: string }) => e.number)).toEqual(['+33611111111', '+33622222222']);
    expect(added.body.added[0]).toMatchObject({ customerPackageId: null, status: 'enabled', source: 'tenant', createdBy: 'boss', reason: 'asked' });
    expect(added.body.skipped).toEqual([{ number: 'not-a-number', reason: 'not a phone number' }]);
    const again = await s.call('POST', '/api/v1/dnc', { token: boss, body: { numbers: ['0611111111'] } });
    expect(again.body.skipped).toEqual([{ number: '+33611111111', reason: 'already on the list' }]);
    expect((await s.call('POST', '/api/v1/dnc', { token: agent, body: { numbers: ['0633333333'] } })).status).toBe(403);
    expect((await s.call('POST', '/api/v1/dnc', { token: boss, body: { customerPackageId: 'nope', numbers: ['0633333333'] } })).status).toBe(400);

    expect(await screen(boss, ['0611111111', '+33622222222', '+33699999999'])).toEqual({
      mayCall: ['+33699999999'],
      blocked: [
        { number: '0611111111', by: 'dnc' },
        { number: '+33622222222', by: 'dnc' },
      ],
    });
    // Another package, and another tenant, have lists of their own.
    expect((await screen(boss, ['0611111111'], pkg)).mayCall).toEqual(['0611111111']);
    expect((await screen(other, ['0611111111'])).mayCall).toEqual(['0611111111']);
    expect((await s.call('GET', '/api/v1/dnc', { token: other })).body.items).toEqual([]);
  });

  it('takes an agent\'s submission for review; only an approved one stops calls; entries can be disabled, changed and removed', async () => {
    const submitted = await s.call('POST', '/api/v1/dnc/submissions', { token: agent, body: { customerPackageId: pkg, number: '06 44 44 44 44', reason: 'asked twice' } });
    expect(submitted).toMatchObject({ status: 201, body: { number: '+33644444444', status: 'pending', source: 'agent', createdBy: 'agent', customerPackageId: pkg } });
    expect((await s.call('POST', '/api/v1/dnc/submissions', { token: agent, body: { customerPackageId: pkg, number: '0644444444', reason: 'again' } })).status).toBe(409);
    expect((await screen(agent, ['0644444444'], pkg)).blocked).toEqual([]);
    const pending = await s.call('GET', '/api/v1/dnc?status=pending', { token: boss });
    expect(pending.body.items.map((e: { id: string }) => e.id)).toEqual([submitted.body.id]);
    expect((await s.call('POST', `/api/v1/dnc/${submitted.body.id}/review`, { token: agent, body: { approve: true } })).status).toBe(403);
    expect((await s.call('PATCH', `/api/v1/dnc/${submitted.body.id}`, { token: boss, body: { enabled: true } })).status).toBe(409);
    const approved = await s.call('POST', `/api/v1/dnc/${submitted.body.id}/review`, { token: boss, body: { approve: true } });
    expect(approved.body).toMatchObject({ status: 'enabled', reviewedBy: 'boss', reviewedAt: expect.any(Number) });
    expect((await screen(agent, ['0644444444'], pkg)).blocked).toEqual([{ number: '0644444444', by: 'dnc' }]);

    const disabled = await s.call('PATCH', `/api/v1/dnc/${submitted.body.id}`, { token: boss, body: { enabled: false, reason: 'changed mind' } });
    expect(disabled.body).toMatchObject({ status: 'disabled', reason: 'changed mind' });
    expect((await screen(agent, ['0644444444'], pkg)).blocked).toEqual([]);
    await s.call('PATCH', `/api/v1/dnc/${submitted.body.id}`, { token: boss, body: { enabled: true } });
    expect((await screen(agent, ['0644444444'], pkg)).blocked).toHaveLength(1);
    expect((await s.call('GET', `/api/v1/dnc/${submitted.body.id}`, { token: other })).status).toBe(404);
    expect((await s.call('DELETE', `/api/v1/dnc/${submitted.body.id}`, { token: boss })).status).toBe(204);
    expect((await s.call('GET', `/api/v1/dnc/${submitted.body.id}`, { token: boss })).status).toBe(404);
    expect((await screen(agent, ['0644444444'], pkg)).blocked).toEqual([]);
  });

  it('imports a streamed text/csv body and a JSON one, reporting bad lines; good lines land and are screened', async () => {
    const lines = ['number,reason', '0655555555,moved', 'n/a,oops', '0611111111,already there', '+33 6 66 66 66 66,"by letter, signed"'];
    const streamed = await fetch(`${s.url}/api/v1/dnc/import`, {
      method: 'POST',
      headers: { authorization: `Bearer ${boss}`, 'content-type': 'text/csv' },
      body: new ReadableStream({
        start(controller) {
          // Split mid-line, as a network would.
          const bytes = new TextEncoder().encode(lines.join('\r\n'));
          for (let i = 0; i < bytes.length; i += 9) controller.enqueue(bytes.subarray(i, i + 9));
          controller.close();
        },
      }),
      duplex: 'half',
    } as RequestInit);
    expect(streamed.status).toBe(200);
    expect(await streamed.json()).toEqual({
      lines: 4,
      imported: 2,
      skipped: 1,
      firstSkipped: [{ line: 4, number: '+33611111111' }],
      errorCount: 1,
      errors: [{ line: 3, text: 'n/a', message: 'not a phone number' }],
    });
    expect((await screen(boss, ['0655555555', '0666666666'])).blocked).toHaveLength(2);

    const json = await s.call('POST', `/api/v1/dnc/import?customerPackageId=${pkg}&status=disabled`, { token: boss, body: { csv: '0677777777,x\n0688888888' } });
    expect(json.body).toMatchObject({ lines: 2, imported: 2, errorCount: 0 });
    expect((await screen(boss, ['0677777777'], pkg)).blocked).toEqual([]);
    expect((await s.call('GET', `/api/v1/dnc?customerPackageId=${pkg}&status=disabled`, { token: boss })).body.items).toHaveLength(2);
    expect((await s.call('GET', '/api/v1/dnc?customerPackageId=default&search=66 66', { token: boss })).body.items[0]).toMatchObject({ number: '+33666666666', reason: 'by letter, signed' });
    expect((await s.call('POST', '/api/v1/dnc/import', { token: boss, body: {} })).status).toBe(400);
    expect((await s.call('POST', '/api/v1/dnc/import', { token: agent, body: { csv: '0699999999' } })).status).toBe(403);
  });

  it('deletes by conditions (managers only, at least one condition) and the screen follows', async () => {
    expect((await s.call('DELETE', '/api/v1/dnc', { token: boss })).status).toBe(400);
    expect((await s.call('DELETE', `/api/v1/dnc?customerPackageId=${pkg}`, { token: agent })).status).toBe(403);
    const removed = await s.call('DELETE', `/api/v1/dnc?customerPackageId=${pkg}`, { token: boss });
    expect(removed).toMatchObject({ status: 200, body: { removed: 2 } });
    expect((await s.call('GET', `/api/v1/dnc?customerPackageId=${pkg}`, { token: boss })).body.items).toEqual([]);
    expect((await s.call('DELETE', '/api/v1/dnc?search=0655555555', { token: boss })).body).toEqual({ removed: 1 });
    expect((await screen(boss, ['0655555555', '0611111111'])).mayCall).toEqual(['0655555555']);
  });

  it('describes every DNC route in the OpenAPI document', async () => {
    const doc = (await s.call('GET', '/api/v1/openapi.json')).body;
    expect(Object.keys(doc.paths).filter((p: string) => p.startsWith('/api/v1/dnc')).sort()).toEqual([
      '/api/v1/dnc',
      '/api/v1/dnc/import',
      '/api/v1/dnc/screen',
      '/api/v1/dnc/submissions',
      '/api/v1/dnc/{id}',
      '/api/v1/dnc/{id}/review',
    ]);
  });
});
