import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, tenantWithUser } from '../test-support/test-server.js';

type Server = Awaited<ReturnType<typeof startTestServer>>;

describe('sales funnel stages and call results over HTTP', () => {
  let s: Server;
  let boss: string;
  let sup: string;
  let agent: string;
  let other: string;
  let tenantId: string;
  let pkg: string;

  beforeAll(async () => {
    s = await startTestServer({ clock: 'virtual', demo: 'false' });
    ({ token: boss, tenantId } = await tenantWithUser(s, 'acme', { tenant: { defaultCountry: 'FR' } }));
    ({ token: sup } = await tenantWithUser(s, 'acme', { username: 'sup', password: 'sup-password-123', role: 'supervisor' }));
    ({ token: agent } = await tenantWithUser(s, 'acme', { username: '1001', password: 'agent-password-123', role: 'agent' }));
    ({ token: other } = await tenantWithUser(s, 'globex'));
    pkg = (await s.call('POST', '/api/v1/customer-packages', { token: boss, body: { displayName: 'Leads', key: 'LEADS' } })).body.id;
  });
  afterAll(() => s.close());

  const stage = async (body: Record<string, unknown>) => (await s.call('POST', '/api/v1/funnel-stages', { token: boss, body: { packageId: pkg, ...body } })).body as { id: string };
  const names = (body: { items: Array<{ name: string }> }) => body.items.map((i) => i.name);

  it('creates stages with validation and permissions; lists them by package and score; agents see only the enabled ones', async () => {
    const bad = await s.call('POST', '/api/v1/funnel-stages', { token: boss, body: { packageId: pkg, name: '', score: 1.5, status: 'gone' } });
    expect(bad).toMatchObject({ status: 400, body: { code: 'VALIDATION' } });
    expect(bad.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['body.name', 'body.score', 'body.status']);
    expect(await s.call('POST', '/api/v1/funnel-stages', { token: boss, body: { packageId: 'nope', name: 'Won', score: 10 } })).toMatchObject({ status: 400, body: { errors: [{ path: 'body.packageId' }] } });
    // Configuration is the administrators': neither an agent nor a supervisor may add a stage.
    expect((await s.call('POST', '/api/v1/funnel-stages', { token: agent, body: { packageId: pkg, name: 'Won', score: 10 } })).status).toBe(403);
    expect((await s.call('POST', '/api/v1/funnel-stages', { token: sup, body: { packageId: pkg, name: 'Won', score: 10 } })).status).toBe(403);

    const won = await s.call('POST', '/api/v1/funnel-stages', { token: boss, body: { packageId: pkg, name: 'Won', score: 10 } });
    expect(won).toMatchObject({ status: 201, body: { packageId: pkg, name: 'Won', score: 10, status: 'enabled', outcome: 'success' } });
    expect(won.body.tenantId).toBeUndefined();
    await stage({ name: 'Call back', score: 0 });
    await stage({ name: 'Lost', score: -5 });
    await stage({ name: 'VIP only', score: 5, status: 'hidden' });
    await stage({ name: 'Old', score: -1, status: 'closed' });
    await s.call('POST', '/api/v1/funnel-stages', { token: boss, body: { name: 'Default won', score: 1 } });
    expect(await s.call('POST', '/api/v1/funnel-stages', { token: boss, body: { packageId: pkg, name: 'Won', score: 3 } })).toMatchObject({ status: 409, body: { code: 'CONFLICT' } });

    const all = await s.call('GET', `/api/v1/funnel-stages?packageId=${pkg}`, { token: sup });
    expect(names(all.body)).toEqual(['Won', 'VIP only', 'Call back', 'Old', 'Lost']);
    expect(all.body.items.map((i: { outcome: string }) => i.outcome)).toEqual(['success', 'success', 'follow-up', 'failure', 'failure']);
    expect(names((await s.call('GET', `/api/v1/funnel-stages?packageId=${pkg}&status=closed`, { token: boss })).body)).toEqual(['Old']);
    expect(names((await s.call('GET', '/api/v1/funnel-stages?packageId=default', { token: boss })).body)).toEqual(['Default won']);
    expect((await s.call('GET', '/api/v1/funnel-stages', { token: boss })).body.items).toHaveLength(6);
    expect(await s.call('GET', '/api/v1/funnel-stages?status=open', { token: boss })).toMatchObject({ status: 400, body: { errors: [{ path: 'query.status' }] } });

    // Hidden: agents do not see it; closed: nobody can choose it (agents do not see it either).
    expect(names((await s.call('GET', `/api/v1/funnel-stages?packageId=${pkg}`, { token: agent })).body)).toEqual(['Won', 'Call back', 'Lost']);
    const hidden = all.body.items.find((i: { name: string }) => i.name === 'VIP only');
    expect((await s.call('GET', `/api/v1/funnel-stages/${hidden.id}`, { token: agent })).status).toBe(404);
    expect((await s.call('GET', `/api/v1/funnel-stages/${hidden.id}`, { token: boss })).body).toMatchObject({ name: 'VIP only', status: 'hidden' });
    // Another tenant sees none of it.
    expect((await s.call('GET', `/api/v1/funnel-stages/${won.body.id}`, { token: other })).status).toBe(404);
    expect((await s.call('GET', '/api/v1/funnel-stages', { token: other })).body.items).toEqual([]);
  });

  it('changes a stage (its package stays); validates the change', async () => {
    const id = (await stage({ name: 'Trial', score: 2 })).id;
    expect(await s.call('PATCH', `/api/v1/funnel-stages/${id}`, { token: boss, body: { score: 'high' } })).toMatchObject({ status: 400, body: { errors: [{ path: 'body.score' }] } });
    expect((await s.call('PATCH', `/api/v1/funnel-stages/${id}`, { token: agent, body: { score: 3 } })).status).toBe(403);
    const changed = await s.call('PATCH', `/api/v1/funnel-stages/${id}`, { token: boss, body: { name: 'Trial period', score: -2, status: 'hidden', packageId: null } });
    expect(changed).toMatchObject({ status: 200, body: { name: 'Trial period', score: -2, status: 'hidden', outcome: 'failure', packageId: pkg } });
    expect((await s.call('PATCH', `/api/v1/funnel-stages/${id}`, { token: boss, body: { name: 'Won' } })).status).toBe(409);
    expect((await s.call('DELETE', `/api/v1/funnel-stages/${id}`, { token: boss })).status).toBe(204);
    expect((await s.call('GET', `/api/v1/funnel-stages/${id}`, { token: boss })).status).toBe(404);
  });

  it('call results: validated, their stage the tenant\'s own, filtered for what an agent may pick', async () => {
    const stages = (await s.call('GET', `/api/v1/funnel-stages?packageId=${pkg}`, { token: boss })).body.items as Array<{ id: string; name: string }>;
    const won = stages.find((st) => st.name === 'Won')!;
    const later = stages.find((st) => st.name === 'Call back')!;
    const bad = await s.call('POST', '/api/v1/call-results', { token: boss, body: { name: 'Sale', callStatus: 'maybe', taskIds: 'task-1', mandatoryAppointment: 'yes' } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['body.callStatus', 'body.mandatoryAppointment', 'body.taskIds']);
    expect((await s.call('POST', '/api/v1/call-results', { token: agent, body: { name: 'Sale' } })).status).toBe(403);
    const foreign = (await s.call('POST', '/api/v1/funnel-stages', { token: other, body: { name: 'Theirs', score: 1 } })).body.id;
    expect(await s.call('POST', '/api/v1/call-results', { token: boss, body: { name: 'Sale', funnelStageId: foreign } })).toMatchObject({ status: 400, body: { errors: [{ path: 'body.funnelStageId' }] } });

    const sale = await s.call('POST', '/api/v1/call-results', { token: boss, body: { name: 'Sale', callStatus: 'answered', funnelStageId: won.id } });
    expect(sale).toMatchObject({ status: 201, body: { name: 'Sale', callStatus: 'answered', funnelStageId: won.id, taskIds: [], mandatoryAppointment: false, createdBy: 'boss' } });
    await s.call('POST', '/api/v1/call-results', { token: boss, body: { name: 'Appointment', funnelStageId: later.id, mandatoryAppointment: true, taskIds: ['task-1'] } });
    await s.call('POST', '/api/v1/call-results', { token: boss, body: { name: 'No answer', callStatus: 'unanswered' } });
    expect((await s.call('POST', '/api/v1/call-results', { token: boss, body: { name: 'Sale' } })).status).toBe(409);

    const list = (query: string) => s.call('GET', `/api/v1/call-results${query}`, { token: agent }).then((r) => names(r.body));
    expect(await list('')).toEqual(['Appointment', 'No answer', 'Sale']);
    expect(await list('?callStatus=unanswered')).toEqual(['Appointment', 'No answer']);
    expect(await list('?callStatus=answered&taskId=task-2')).toEqual(['Sale']);
    expect(await list(`?funnelStageId=${won.id}`)).toEqual(['Sale']);
    expect(await list('?search=APP')).toEqual(['Appointment']);
    expect((await s.call('GET', '/api/v1/call-results?callStatus=any', { token: agent })).status).toBe(400);

    expect((await s.call('GET', `/api/v1/call-results/${sale.body.id}`, { token: agent })).body).toMatchObject({ name: 'Sale' });
    expect((await s.call('PATCH', `/api/v1/call-results/${sale.body.id}`, { token: agent, body: { name: 'Sold' } })).status).toBe(403);
    const changed = await s.call('PATCH', `/api/v1/call-results/${sale.body.id}`, { token: boss, body: { name: 'Sold', mandatoryAppointment: true } });
    expect(changed.body).toMatchObject({ name: 'Sold', callStatus: 'answered', funnelStageId: won.id, mandatoryAppointment: true });
    expect((await s.call('PATCH', `/api/v1/call-results/${sale.body.id}`, { token: boss, body: { callStatus: 'never' } })).body.errors[0].path).toBe('body.callStatus');
    expect((await s.call('GET', `/api/v1/call-results/${sale.body.id}`, { token: other })).status).toBe(404);
  });

  it('refuses to delete a stage still used, naming what uses it; deletes it once unused', async () => {
    const stages = (await s.call('GET', `/api/v1/funnel-stages?packageId=${pkg}`, { token: boss })).body.items as Array<{ id: string; name: string }>;
    const won = stages.find((st) => st.name === 'Won')!;
    expect((await s.call('DELETE', `/api/v1/funnel-stages/${won.id}`, { token: agent })).status).toBe(403);
    const used = await s.call('DELETE', `/api/v1/funnel-stages/${won.id}`, { token: boss });
    expect(used).toMatchObject({ status: 409, body: { code: 'CONFLICT' } });
    expect(used.body.detail).toContain('call results "Sold"');

    // A contact record and a customer at the stage hold it too.
    const customer = await s.switchboard.crm.customers.create(tenantId, { packageId: pkg, name: 'Ann', phones: ['0612345678'] });
    await s.switchboard.crm.contacts.submit(tenantId, null, { customerId: customer.id, funnelStageId: won.id });
    const sold = (await s.call('GET', '/api/v1/call-results?search=sold', { token: boss })).body.items[0];
    expect((await s.call('DELETE', `/api/v1/call-results/${sold.id}`, { token: agent })).status).toBe(403);
    expect((await s.call('DELETE', `/api/v1/call-results/${sold.id}`, { token: boss })).status).toBe(204);
    expect((await s.call('DELETE', `/api/v1/funnel-stages/${won.id}`, { token: boss })).body.detail).toBe(
      'Cannot delete the sales funnel stage "Won": still used by 1 contact record; 1 customer. Close it instead',
    );
    await s.switchboard.storage.customers.delete(tenantId, customer.id);
    expect((await s.call('DELETE', `/api/v1/funnel-stages/${won.id}`, { token: boss })).status).toBe(204);
  });

  it('describes every route in the OpenAPI document', async () => {
    const { paths } = (await s.call('GET', '/api/v1/openapi.json')).body;
    const crm = Object.keys(paths).filter((p: string) => /\/(funnel-stages|call-results)/.test(p));
    expect(crm.sort()).toEqual(['/api/v1/call-results', '/api/v1/call-results/{id}', '/api/v1/funnel-stages', '/api/v1/funnel-stages/{id}']);
    expect(Object.keys(paths['/api/v1/funnel-stages/{id}']).sort()).toEqual(['delete', 'get', 'patch']);
    expect(paths['/api/v1/funnel-stages'].post.requestBody.content['application/json'].schema.required).toEqual(['name', 'score']);
  });
});
