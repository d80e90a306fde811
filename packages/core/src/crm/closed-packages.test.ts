import { describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError } from '../errors/errors.js';
import { storageTargets, useStorage } from '../storage/test-support.js';
import { ContactService } from './contacts.js';
import { CustomerService } from './customers.js';
import { customerExportSource } from './export/customer-export.js';

describe.each(storageTargets())('a closed customer package on $name', (target) => {
  const db = useStorage(target, { tenants: ['a'] });

  it('hides its customers, fields, funnel stages, contact records, successful customers, pop-up warnings and pre-dial entries from every list, search and get until it is reopened; nothing is lost', async () => {
    const tenant = db.tenants.a;
    const service = new CustomerService(db.storage, db.clock);
    const pkg = await db.storage.customerPackages.create(tenant, { displayName: 'Leads', key: 'LEADS' });
    const field = await db.storage.customFields.create(tenant, { packageId: pkg.id, name: 'company', displayName: 'Company', type: 'input', globalSearch: true });
    const won = await db.storage.funnelStages.create(tenant, { packageId: pkg.id, name: 'Won', score: 10 });
    const ann = await service.create(tenant, { packageId: pkg.id, name: 'Ann', phones: ['+33611111111'], agentNumber: '1001', custom: { company: 'Acme' } });
    const record = await new ContactService(db.storage).submit(tenant, '1001', { customerId: ann.id, funnelStageId: won.id, notes: 'signed' });
    const bob = await service.create(tenant, { name: 'Bob', phones: ['+33611111111'] });
    const [warning] = await db.storage.popupWarnings.add(tenant, { packageId: pkg.id, numbers: ['+33611111111'], content: 'Asks for the manager', status: 'enabled', source: 'tenant', by: 'boss' });
    const [submitted] = await db.storage.popupWarnings.add(tenant, { packageId: pkg.id, numbers: ['+33622222222'], content: 'Hangs up', status: 'enabled', source: 'agent', by: '1001' });
    await db.storage.knex('pre_dial_entries').insert({ id: 'pd-1', tenant_id: tenant, package_key: pkg.id, customer_id: ann.id, number: '+33611111111', task_id: null, import_job_id: null, created_at: 1 });

    const seen = async () => ({
      customers: (await service.search(tenant, {})).items.map((c) => c.name).sort(),
      inPackage: (await service.search(tenant, { packageId: pkg.id })).total,
      searched: (await service.search(tenant, { q: 'acme' })).items.map((c) => c.name),
      byNumber: (await db.storage.customers.findByPhone(tenant, '+33611111111')).map((c) => c.name),
      fields: (await db.storage.customFields.list(tenant, pkg.id)).map((f) => f.name),
      stages: (await db.storage.funnelStages.list(tenant, undefined)).map((s) => s.name),
      stage: (await db.storage.funnelStages.find(tenant, won.id))?.name,
      records: (await db.storage.contactRecords.query(tenant, {})).items.map((r) => r.notes),
      successful: (await db.storage.customers.successful(tenant, {})).items.map((c) => c.name),
      exported: await (await customerExportSource(db.storage, tenant, { search: {}, until: db.clock.now() })).count(),
      warnings: (await db.storage.popupWarnings.list(tenant, { status: 'enabled' })).length + (await db.storage.popupWarnings.forNumber(tenant, pkg.id, '+33611111111')).length,
      preDial: (await db.storage.preDial.list(tenant)).length + (await db.storage.preDial.count(tenant)),
    });
    const open = { customers: ['Ann', 'Bob'], inPackage: 1, searched: ['Ann'], byNumber: expect.arrayContaining(['Ann', 'Bob']), fields: ['company'], stages: ['Won'], stage: 'Won', records: ['signed'], successful: ['Ann'], exported: 2, warnings: 2, preDial: 2 };
    expect(await seen()).toEqual(open);

    await db.storage.customerPackages.update(tenant, pkg.id, { status: 'closed' });
    expect(await seen()).toEqual({ customers: ['Bob'], inPackage: 0, searched: [], byNumber: ['Bob'], fields: [], stages: [], stage: undefined, records: [], successful: [], exported: 1, warnings: 0, preDial: 0 });
    // Not found, to reads and changes alike.
    for (const attempt of [
      () => db.storage.customers.get(tenant, ann.id),
      () => service.update(tenant, ann.id, { name: 'Ann Lee' }),
      () => service.remove(tenant, ann.id),
      () => db.storage.customers.setNoCall(tenant, ann.id, true),
      () => db.storage.customFields.get(tenant, field.id),
      () => db.storage.funnelStages.get(tenant, won.id),
      () => db.storage.contactRecords.get(tenant, record.id),
      () => new ContactService(db.storage).submit(tenant, '1001', { customerId: ann.id, notes: 'again' }),
      () => db.storage.popupWarnings.get(tenant, warning!.id),
      () => db.storage.popupWarnings.update(tenant, warning!.id, { content: 'changed' }),
      () => db.storage.popupWarnings.review(tenant, submitted!.id, true, 'boss'),
      () => db.storage.popupWarnings.delete(tenant, warning!.id),
    ]) {
      await expect(attempt()).rejects.toBeInstanceOf(NotFoundError);
    }
    expect(await db.storage.customers.allocate(tenant, [ann.id, bob.id], { taskId: null, agentNumber: '1002' })).toBe(1);
    // An administrator's archive may still take them, asked for explicitly.
    const archive = await customerExportSource(db.storage, tenant, { search: { includeClosed: true }, until: db.clock.now() });
    expect(await archive.count()).toBe(2);
    expect(archive.columns.map((c) => c.header)).toContain('Company');

    await db.storage.customerPackages.update(tenant, pkg.id, { status: 'open' });
    expect(await seen()).toEqual(open);
    expect(await db.storage.customers.get(tenant, ann.id)).toEqual({ ...ann, funnelStage: won.id, updatedAt: expect.any(Number) });
    // Unchanged by the refused attempts, and still waiting for review.
    expect(await db.storage.popupWarnings.get(tenant, warning!.id)).toEqual(warning);
    expect(await db.storage.popupWarnings.get(tenant, submitted!.id)).toMatchObject({ status: 'pending' });
  });

  it('takes no new custom field, funnel stage or pop-up warning while closed, and none for a package that does not exist', async () => {
    const tenant = db.tenants.a;
    const pkg = await db.storage.customerPackages.create(tenant, { displayName: 'Leads', key: 'LEADS' });
    await db.storage.customerPackages.update(tenant, pkg.id, { status: 'closed' });
    const writes = (packageId: string) => [
      () => db.storage.customFields.create(tenant, { packageId, name: 'company', displayName: 'Company', type: 'input' }),
      () => db.storage.funnelStages.create(tenant, { packageId, name: 'Won', score: 10 }),
      () => db.storage.popupWarnings.add(tenant, { packageId, numbers: ['+33611111111'], content: 'Asks for the manager', status: 'enabled', source: 'tenant', by: 'boss' }),
    ];
    for (const write of [...writes(pkg.id), ...writes('no-such-package')]) await expect(write()).rejects.toBeInstanceOf(ConflictError);
    expect(await db.storage.knex('funnel_stages').count({ n: '*' })).toEqual([{ n: 0 }]);
    expect(await db.storage.knex('popup_warnings').count({ n: '*' })).toEqual([{ n: 0 }]);
    await db.storage.customerPackages.update(tenant, pkg.id, { status: 'open' });
    for (const write of writes(pkg.id)) await expect(write()).resolves.toBeDefined();
  });
});
