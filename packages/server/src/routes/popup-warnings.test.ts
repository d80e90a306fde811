import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, tenantWithUser } from '../test-support/test-server.js';

type Server = Awaited<ReturnType<typeof startTestServer>>;

describe('pop-up warnings over HTTP', () => {
  let s: Server;
  let boss: string;
  let agent: string;
  let agent2: string;
  let other: string;
  let pkg: string;

  beforeAll(async () => {
    s = await startTestServer({ clock: 'virtual', demo: 'false' });
    ({ token: boss } = await tenantWithUser(s, 'acme', { tenant: { defaultCountry: 'FR' } }));
    ({ token: agent } = await tenantWithUser(s, 'acme', { username: '1001', password: 'agent-password-123', role: 'agent' }));
    ({ token: agent2 } = await tenantWithUser(s, 'acme', { username: '1002', password: 'agent-password-123', role: 'agent' }));
    ({ token: other } = await tenantWithUser(s, 'globex', { tenant: { defaultCountry: 'FR' } }));
    pkg = (await s.call('POST', '/api/v1/customer-packages', { token: boss, body: { displayName: 'Leads', key: 'LEADS' } })).body.id;
  });
  afterAll(() => s.close());

  const lookup = async (token: string, number: string, packageId?: string) =>
    ((await s.call('GET', `/api/v1/popup-warnings/lookup?number=${encodeURIComponent(number)}${packageId ? `&packageId=${packageId}` : ''}`, { token })).body.items as Array<{ content: string }>).map((w) => w.content);

  it('adds warnings for numbers written any way, in force at once; validates; agents may not add them directly', async () => {
    const bad = await s.call('POST', '/api/v1/popup-warnings', { token: boss, body: { numbers: [], content: ' ', status: 'pending' } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['body.content', 'body.numbers', 'body.status']);
    expect(await s.call('POST', '/api/v1/popup-warnings', { token: boss, body: { packageId: 'nope', numbers: '0611111111', content: 'x' } })).toMatchObject({ status: 400, body: { errors: [{ path: 'body.packageId' }] } });
    expect(await s.call('POST', '/api/v1/popup-warnings', { token: boss, body: { numbers: 'n/a', content: 'x' } })).toMatchObject({ status: 400, body: { errors: [{ path: 'body.numbers' }] } });
    expect((await s.call('POST', '/api/v1/popup-warnings', { token: agent, body: { numbers: '0611111111', content: 'x' } })).status).toBe(403);

    const added = await s.call('POST', '/api/v1/popup-warnings', { token: boss, body: { numbers: '06 11 11 11 11, +33622222222\nn/a', content: 'Asks for a refund every call' } });
    expect(added.status).toBe(201);
    expect(added.body.added.map((w: { number: string }) => w.number)).toEqual(['+33611111111', '+33622222222']);
    expect(added.body.added[0]).toMatchObject({ packageId: null, status: 'enabled', source: 'tenant', createdBy: 'boss', reviewedBy: null });
    expect(added.body.skipped).toEqual([{ number: 'n/a', reason: 'not a phone number' }]);
    await s.call('POST', '/api/v1/popup-warnings', { token: boss, body: { packageId: pkg, numbers: ['0611111111'], content: 'Leads: VIP', status: 'disabled' } });

    // What pops up: the number's warnings in force in its package, whoever asks.
    expect(await lookup(agent, '0611111111')).toEqual(['Asks for a refund every call']);
    expect(await lookup(agent, '+33622222222')).toEqual(['Asks for a refund every call']);
    expect(await lookup(agent, '0611111111', pkg)).toEqual([]);
    expect(await lookup(other, '0611111111')).toEqual([]);
    expect((await s.call('GET', '/api/v1/popup-warnings/lookup?number=abc', { token: agent })).body.errors[0].path).toBe('query.number');
    expect((await s.call('GET', '/api/v1/popup-warnings/lookup', { token: agent })).body.errors[0].path).toBe('query.number');
    expect((await s.call('GET', `/api/v1/popup-warnings?packageId=${pkg}&status=disabled`, { token: boss })).body.items.map((w: { content: string }) => w.content)).toEqual(['Leads: VIP']);
    expect((await s.call('GET', '/api/v1/popup-warnings?search=22 22', { token: boss })).body.items).toHaveLength(1);
    // The list names the package's customer who has the number (§3.3.8 "Customer Name"): the same number in another package is not theirs.
    const ann = await s.call('POST', '/api/v1/customers', { token: boss, body: { packageId: pkg, name: 'Ann Lee', phones: ['0611111111'] } });
    expect(ann.status).toBe(201);
    const listed = (await s.call('GET', '/api/v1/popup-warnings?search=611111111', { token: boss })).body.items as Array<{ packageId: string | null; customer: unknown }>;
    expect(listed.map((w) => [w.packageId, w.customer]).sort()).toEqual([
      [null, null],
      [pkg, { id: ann.body.id, name: 'Ann Lee' }],
    ]);
    // An agent's own submission for that number does not tell it whose number it is: Ann is not allocated to it.
    const asked = (await s.call('POST', '/api/v1/popup-warnings/submissions', { token: agent2, body: { packageId: pkg, numbers: '0611111111', content: 'Who is this?' } })).body.added[0].id as string;
    const mine = (await s.call('GET', '/api/v1/popup-warnings', { token: agent2 })).body.items as Array<{ content: string; customer: unknown }>;
    expect(mine.map((w) => [w.content, w.customer])).toEqual([['Who is this?', null]]);
    // Allocated to it, she is named.
    expect((await s.call('POST', '/api/v1/customers/allocation', { token: boss, body: { ids: [ann.body.id], to: { kind: 'agent', agentNumber: '1002' } } })).body).toEqual({ allocated: 1 });
    const now = (await s.call('GET', '/api/v1/popup-warnings', { token: agent2 })).body.items as Array<{ customer: unknown }>;
    expect(now.map((w) => w.customer)).toEqual([{ id: ann.body.id, name: 'Ann Lee' }]);
    await s.call('POST', '/api/v1/customers/allocation', { token: boss, body: { ids: [ann.body.id], to: { kind: 'pool' } } });
    expect((await s.call('DELETE', `/api/v1/popup-warnings/${asked}`, { token: boss })).status).toBe(204);
  });

  it("takes an agent's warning for review: it pops up only once approved; a rejected one never does", async () => {
    const submitted = await s.call('POST', '/api/v1/popup-warnings/submissions', { token: agent, body: { packageId: pkg, numbers: ['06 33 33 33 33'], content: 'Rude on the phone' } });
    expect(submitted).toMatchObject({ status: 201, body: { added: [{ number: '+33633333333', status: 'pending', source: 'agent', createdBy: '1001', packageId: pkg }] } });
    const id = submitted.body.added[0].id as string;
    const rejected = (await s.call('POST', '/api/v1/popup-warnings/submissions', { token: agent2, body: { numbers: '0644444444', content: 'Angry' } })).body.added[0].id as string;
    expect(await lookup(agent, '0633333333', pkg)).toEqual([]);

    // Agents see their own submissions only; supervisors see the review list.
    expect((await s.call('GET', '/api/v1/popup-warnings', { token: agent })).body.items.map((w: { id: string }) => w.id)).toEqual([id]);
    expect((await s.call('GET', `/api/v1/popup-warnings/${rejected}`, { token: agent })).status).toBe(404);
    expect((await s.call('GET', `/api/v1/popup-warnings/${id}`, { token: agent })).body).toMatchObject({ status: 'pending' });
    expect((await s.call('GET', '/api/v1/popup-warnings?status=pending', { token: boss })).body.items.map((w: { id: string }) => w.id).sort()).toEqual([id, rejected].sort());

    expect((await s.call('POST', `/api/v1/popup-warnings/${id}/review`, { token: agent, body: { approve: true } })).status).toBe(403);
    expect(await s.call('POST', `/api/v1/popup-warnings/${id}/review`, { token: boss, body: {} })).toMatchObject({ status: 400, body: { errors: [{ path: 'body.approve' }] } });
    expect((await s.call('PATCH', `/api/v1/popup-warnings/${id}`, { token: boss, body: { enabled: true } })).status).toBe(409);
    const approved = await s.call('POST', `/api/v1/popup-warnings/${id}/review`, { token: boss, body: { approve: true } });
    expect(approved.body).toMatchObject({ status: 'enabled', reviewedBy: 'boss', reviewedAt: expect.any(Number) });
    expect(await lookup(agent2, '0633333333', pkg)).toEqual(['Rude on the phone']);
    expect((await s.call('POST', `/api/v1/popup-warnings/${id}/review`, { token: boss, body: { approve: false } })).status).toBe(409);

    expect((await s.call('POST', `/api/v1/popup-warnings/${rejected}/review`, { token: boss, body: { approve: false } })).body).toMatchObject({ status: 'rejected' });
    expect(await lookup(agent2, '0644444444')).toEqual([]);
  });

  it('changes, disables and deletes warnings (supervisors); other tenants never see them', async () => {
    const [warning] = (await s.call('POST', '/api/v1/popup-warnings', { token: boss, body: { numbers: '0655555555', content: 'Deaf: speak up' } })).body.added;
    expect((await s.call('PATCH', `/api/v1/popup-warnings/${warning.id}`, { token: agent, body: { content: 'x' } })).status).toBe(403);
    expect((await s.call('PATCH', `/api/v1/popup-warnings/${warning.id}`, { token: boss, body: { content: '' } })).body.errors[0].path).toBe('body.content');
    expect((await s.call('PATCH', `/api/v1/popup-warnings/${warning.id}`, { token: boss, body: { content: 'Hard of hearing' } })).body).toMatchObject({ content: 'Hard of hearing', status: 'enabled' });
    expect(await lookup(agent, '0655555555')).toEqual(['Hard of hearing']);
    await s.call('PATCH', `/api/v1/popup-warnings/${warning.id}`, { token: boss, body: { enabled: false } });
    expect(await lookup(agent, '0655555555')).toEqual([]);
    expect((await s.call('GET', `/api/v1/popup-warnings/${warning.id}`, { token: other })).status).toBe(404);
    expect((await s.call('DELETE', `/api/v1/popup-warnings/${warning.id}`, { token: other })).status).toBe(404);
    expect((await s.call('DELETE', `/api/v1/popup-warnings/${warning.id}`, { token: agent })).status).toBe(403);
    expect((await s.call('DELETE', `/api/v1/popup-warnings/${warning.id}`, { token: boss })).status).toBe(204);
    expect((await s.call('GET', `/api/v1/popup-warnings/${warning.id}`, { token: boss })).status).toBe(404);
  });

  it("a closed package's warnings are not found by id — get, review, change, delete: 404 — until it is reopened", async () => {
    const archive = (await s.call('POST', '/api/v1/customer-packages', { token: boss, body: { displayName: 'Archive', key: 'ARCHIVE' } })).body.id as string;
    const warning = (await s.call('POST', '/api/v1/popup-warnings', { token: boss, body: { packageId: archive, numbers: '0677777777', content: 'Archived: VIP' } })).body.added[0].id as string;
    const submitted = (await s.call('POST', '/api/v1/popup-warnings/submissions', { token: agent, body: { packageId: archive, numbers: '0688888888', content: 'Archived: rude' } })).body.added[0].id as string;
    const reached = async () => ({
      warning: (await s.call('GET', `/api/v1/popup-warnings/${warning}`, { token: boss })).status,
      submission: (await s.call('GET', `/api/v1/popup-warnings/${submitted}`, { token: boss })).status,
      agentsOwn: (await s.call('GET', `/api/v1/popup-warnings/${submitted}`, { token: agent })).status,
    });
    expect(await reached()).toEqual({ warning: 200, submission: 200, agentsOwn: 200 });

    expect((await s.call('PATCH', `/api/v1/customer-packages/${archive}`, { token: boss, body: { status: 'closed' } })).status).toBe(200);
    expect(await reached()).toEqual({ warning: 404, submission: 404, agentsOwn: 404 });
    for (const [method, path, body] of [
      ['POST', `/api/v1/popup-warnings/${submitted}/review`, { approve: true }],
      ['PATCH', `/api/v1/popup-warnings/${warning}`, { content: 'Changed while closed' }],
      ['DELETE', `/api/v1/popup-warnings/${warning}`, undefined],
    ] as const) {
      expect(await s.call(method, path, { token: boss, body })).toMatchObject({ status: 404, body: { code: 'NOT_FOUND' } });
    }

    // Reopened: both are back as they were, and the submission can be reviewed now.
    expect((await s.call('PATCH', `/api/v1/customer-packages/${archive}`, { token: boss, body: { status: 'open' } })).status).toBe(200);
    expect(await reached()).toEqual({ warning: 200, submission: 200, agentsOwn: 200 });
    expect((await s.call('GET', `/api/v1/popup-warnings/${warning}`, { token: boss })).body).toMatchObject({ content: 'Archived: VIP', status: 'enabled' });
    expect((await s.call('POST', `/api/v1/popup-warnings/${submitted}/review`, { token: boss, body: { approve: true } })).body).toMatchObject({ status: 'enabled', reviewedBy: 'boss' });
    expect(await lookup(agent, '0688888888', archive)).toEqual(['Archived: rude']);
  });

  it('describes every route in the OpenAPI document', async () => {
    const { paths } = (await s.call('GET', '/api/v1/openapi.json')).body;
    expect(Object.keys(paths).filter((p: string) => p.startsWith('/api/v1/popup-warnings')).sort()).toEqual([
      '/api/v1/popup-warnings',
      '/api/v1/popup-warnings/lookup',
      '/api/v1/popup-warnings/submissions',
      '/api/v1/popup-warnings/{id}',
      '/api/v1/popup-warnings/{id}/review',
    ]);
  });
});
