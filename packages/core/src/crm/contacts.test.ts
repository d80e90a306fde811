import { afterEach, describe, expect, it } from 'vitest';
import type { ValidationError } from '../errors/errors.js';
import { storageTargets, useStorage } from '../storage/test-support.js';
import { routingHarness, type RoutingHarness } from '../routing/test-support/routing-harness.js';
import { ContactService } from './contacts.js';
import { CustomerService } from './customers.js';

describe.each(storageTargets())('contact records, call results and the sales funnel on $name', (target) => {
  const db = useStorage(target, { tenants: ['a'] });

  async function world() {
    const pkg = await db.storage.customerPackages.create(db.tenants.a, { displayName: 'Leads', key: 'LEADS' });
    await db.storage.customFields.create(db.tenants.a, { packageId: pkg.id, name: 'contract', displayName: 'Contract', type: 'input', requiredOnSuccess: true });
    const won = await db.storage.funnelStages.create(db.tenants.a, { packageId: pkg.id, name: 'Won', score: 10 });
    const later = await db.storage.funnelStages.create(db.tenants.a, { packageId: pkg.id, name: 'Call back', score: 0 });
    const closed = await db.storage.funnelStages.create(db.tenants.a, { packageId: pkg.id, name: 'Old', score: -1, status: 'closed' });
    const sale = await db.storage.callResults.create(db.tenants.a, { name: 'Sale', callStatus: 'answered', funnelStageId: won.id }, 'boss');
    const appointment = await db.storage.callResults.create(db.tenants.a, { name: 'Appointment', callStatus: 'any', funnelStageId: later.id, mandatoryAppointment: true, taskIds: ['task-1'] }, 'boss');
    const customer = await new CustomerService(db.storage, db.clock).create(db.tenants.a, { packageId: pkg.id, name: 'Ann', phones: ['+33612345678'] });
    return { pkg, won, later, closed, sale, appointment, customer, contacts: new ContactService(db.storage) };
  }

  it('checks a submission against its call result, its stage and the fields required on success', async () => {
    const w = await world();
    const refused = async (input: Record<string, unknown>) => ((await w.contacts.submit(db.tenants.a, '1001', { customerId: w.customer.id, ...input }).catch((e: unknown) => e)) as ValidationError).issues;
    expect(await refused({ callResultId: w.sale.id, callStatus: 'unanswered' })).toContainEqual({ path: 'callResultId', message: '"Sale" is for answered calls only' });
    expect(await refused({ callResultId: w.appointment.id, taskId: 'task-2' })).toEqual([
      { path: 'callResultId', message: '"Appointment" does not apply to this task' },
      { path: 'appointmentAt', message: '"Appointment" needs an appointment' },
    ]);
    expect(await refused({ funnelStageId: w.closed.id })).toEqual([{ path: 'funnelStageId', message: 'the stage "Old" cannot be chosen for this customer' }]);
    // A success needs the fields required on success.
    expect(await refused({ callResultId: w.sale.id, callStatus: 'answered' })).toEqual([{ path: 'custom.contract', message: 'required when the contact is a success' }]);
    await new CustomerService(db.storage, db.clock).update(db.tenants.a, w.customer.id, { custom: { contract: 'C-9' } });
    const record = await w.contacts.submit(db.tenants.a, '1001', { customerId: w.customer.id, callResultId: w.sale.id, callStatus: 'answered', notes: 'signed' });
    expect(record).toMatchObject({ kind: 'submission', funnelStageId: w.won.id, score: 10, callResultId: w.sale.id, agentNumber: '1001', notes: 'signed' });
    expect(await db.storage.customers.get(db.tenants.a, w.customer.id)).toMatchObject({ lastCallResult: w.sale.id, funnelStage: w.won.id });
    expect((await db.storage.customers.successful(db.tenants.a, { packageId: w.pkg.id })).items.map((c) => c.name)).toEqual(['Ann']);
    await db.clock.advance(60_000);
    await w.contacts.submit(db.tenants.a, '1001', { customerId: w.customer.id, callResultId: w.appointment.id, taskId: 'task-1', appointmentAt: db.clock.now() + 86_400_000 });
    expect((await db.storage.customers.successful(db.tenants.a, { packageId: w.pkg.id })).items).toEqual([]);
    expect((await db.storage.contactRecords.query(db.tenants.a, { customerId: w.customer.id })).items.map((r) => r.funnelStageId)).toEqual([w.later.id, w.won.id]);
  });

  it('a success checks only the fields required on success: values of a field deleted since, or an option removed since, do not block it', async () => {
    const w = await world();
    const legacy = await db.storage.customFields.create(db.tenants.a, { packageId: w.pkg.id, name: 'legacy', displayName: 'Legacy', type: 'input' });
    const level = await db.storage.customFields.create(db.tenants.a, { packageId: w.pkg.id, name: 'level', displayName: 'Level', type: 'options', options: ['bronze', 'gold'] });
    const customers = new CustomerService(db.storage, db.clock);
    await customers.update(db.tenants.a, w.customer.id, { custom: { contract: 'C-9', legacy: 'old value', level: 'gold' } });
    await db.storage.customFields.delete(db.tenants.a, legacy.id);
    await db.storage.customFields.update(db.tenants.a, level.id, { options: ['bronze'] });
    const record = await w.contacts.submit(db.tenants.a, '1001', { customerId: w.customer.id, callResultId: w.sale.id, callStatus: 'answered' });
    expect(record).toMatchObject({ funnelStageId: w.won.id, score: 10 });
    // Only a missing field required on success refuses it.
    await customers.update(db.tenants.a, w.customer.id, { custom: { contract: '' } });
    await expect(w.contacts.submit(db.tenants.a, '1001', { customerId: w.customer.id, callResultId: w.sale.id, callStatus: 'answered' })).rejects.toMatchObject({
      issues: [{ path: 'custom.contract', message: 'required when the contact is a success' }],
    });
  });

  it('pop-up warnings: in force at once for tenant users, after review for agents', async () => {
    const tenant = db.tenants.a;
    await db.storage.popupWarnings.add(tenant, { packageId: null, numbers: ['+33611111111', '+33622222222'], content: 'Asks for a refund every call', status: 'enabled', source: 'tenant', by: 'boss' });
    const [pending] = await db.storage.popupWarnings.add(tenant, { packageId: null, numbers: ['+33633333333'], content: 'Rude', status: 'enabled', source: 'agent', by: '1001' });
    expect(pending).toMatchObject({ status: 'pending', source: 'agent' });
    expect(await db.storage.popupWarnings.forNumber(tenant, null, '+33633333333')).toEqual([]);
    await db.storage.popupWarnings.review(tenant, pending!.id, true, 'boss');
    expect((await db.storage.popupWarnings.forNumber(tenant, null, '+33633333333')).map((w) => w.content)).toEqual(['Rude']);
    expect((await db.storage.popupWarnings.forNumber(tenant, null, '+33611111111')).map((w) => w.content)).toEqual(['Asks for a refund every call']);
  });
});

describe('a contact record for every connected call', () => {
  let h: RoutingHarness;
  afterEach(async () => {
    await h?.close();
  });

  it('writes one when an agent connects with a known customer through a DID bound to the package, and counts the call', async () => {
    h = await routingHarness({ agents: ['1001'], groups: [{ name: 'Sales', number: '600', members: [{ agentNumber: '1001', kind: 'static' }], queue: {} }] });
    await h.sb.acd.login(h.tenantId, '1001');
    const pkg = await h.sb.storage.customerPackages.create(h.tenantId, { displayName: 'Leads', key: 'LEADS' });
    const customer = await h.sb.crm.customers.create(h.tenantId, { packageId: pkg.id, name: 'Ann', phones: ['+33612345678'] });
    await h.add('dids', { numbers: ['+33140000000'], name: 'Leads line', customerPackageId: pkg.id, destination: { kind: 'agent-group', groupNumber: '600' } });
    const callId = h.dial('+33140000000', { from: '+33612345678', script: { talkMs: 10_000 } });
    await h.advance(60_000);
    await h.sb.crm.connectedCalls.flush();
    const records = (await h.sb.storage.contactRecords.query(h.tenantId, { customerId: customer.id })).items;
    expect(records).toEqual([expect.objectContaining({ kind: 'call', callId, agentNumber: '1001', callStatus: 'answered', phoneNumber: '+33612345678' })]);
    expect((await h.sb.storage.customers.get(h.tenantId, customer.id)).totalCalls).toBe(1);
  });
});
