import { describe, expect, it } from 'vitest';
import { ConflictError, ValidationError } from '../errors/errors.js';
import { VirtualClock } from '../clock/virtual-clock.js';
import { ListMigrationSource, MIGRATIONS_TABLE, migrations } from '../storage/migrations/index.js';
import { storageTargets, useStorage } from '../storage/test-support.js';
import { CustomerService, maskNumber } from './customers.js';

describe.each(storageTargets())('customers on $name', (target) => {
  const db = useStorage(target, { tenants: ['a', 'b'] });
  const service = () => new CustomerService(db.storage, db.clock);

  async function packageWithFields(options: Record<string, unknown> = {}) {
    await db.storage.tenants.update(db.tenants.a, { defaultCountry: 'FR' });
    const pkg = await db.storage.customerPackages.create(db.tenants.a, { displayName: 'Leads', key: 'LEADS1', ...options });
    await db.storage.customFields.create(db.tenants.a, { packageId: pkg.id, name: 'company', displayName: 'Company', type: 'input', required: true, globalSearch: true });
    await db.storage.customFields.create(db.tenants.a, { packageId: pkg.id, name: 'budget', displayName: 'Budget', type: 'number' });
    await db.storage.customFields.create(db.tenants.a, { packageId: pkg.id, name: 'contract', displayName: 'Contract no.', type: 'input', unique: true });
    return pkg;
  }

  it('creates customers with normalised, deduplicated numbers and validated custom values; reads them back', async () => {
    const pkg = await packageWithFields();
    const customer = await service().create(db.tenants.a, { packageId: pkg.id, name: 'Ann Lee', phones: ['06 12 34 56 78', '+33612345678', '0145678901'], custom: { company: 'Acme', budget: '1200' } });
    expect(customer).toMatchObject({ packageId: pkg.id, phones: ['+33612345678', '+33145678901'], custom: { company: 'Acme', budget: 1200 }, totalCalls: 0, noCall: false });
    expect(await db.storage.customers.get(db.tenants.a, customer.id)).toEqual(customer);
    expect((await db.storage.customers.findByPhone(db.tenants.a, '+33145678901')).map((c) => c.id)).toEqual([customer.id]);
    // Another tenant sees nothing.
    expect(await db.storage.customers.findByPhone(db.tenants.b, '+33145678901')).toEqual([]);
  });

  it('global search leaves out the fields hidden from the caller\'s role: a match would tell the hidden value', async () => {
    const pkg = await packageWithFields();
    await db.storage.customFields.create(db.tenants.a, { packageId: pkg.id, name: 'rating', displayName: 'Credit rating', type: 'input', globalSearch: true, permissions: { agent: 'hidden' } });
    await service().create(db.tenants.a, { packageId: pkg.id, name: 'Ann Lee', custom: { company: 'Acme', rating: 'blacklisted-by-bank' } });
    const names = async (role?: string, packageId?: string) => (await service().search(db.tenants.a, { q: 'blacklisted', ...(packageId ? { packageId } : {}) }, role ? { role } : {})).items.map((c) => c.name);
    expect(await names('supervisor')).toEqual(['Ann Lee']);
    expect(await names()).toEqual(['Ann Lee']);
    expect(await names('agent')).toEqual([]);
    expect(await names('agent', pkg.id)).toEqual([]);
    // Fields the role may see are still searched.
    expect((await service().search(db.tenants.a, { q: 'acme' }, { role: 'agent' })).items.map((c) => c.name)).toEqual(['Ann Lee']);
  });

  it('refuses bad values naming each field, and a number already in the package naming the customer', async () => {
    const pkg = await packageWithFields();
    const error = (await service().create(db.tenants.a, { packageId: pkg.id, email: 'nope', custom: { budget: 'lots', colour: 'red' } }).catch((e: unknown) => e)) as ValidationError;
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.issues.map((i) => i.path).sort()).toEqual(['custom.budget', 'custom.colour', 'custom.company', 'email']);
    const first = await service().create(db.tenants.a, { packageId: pkg.id, phones: ['0612345678'], custom: { company: 'A' } });
    const taken = (await service().create(db.tenants.a, { packageId: pkg.id, phones: ['+33 6 12 34 56 78'], custom: { company: 'B' } }).catch((e: unknown) => e)) as ConflictError;
    expect(taken).toBeInstanceOf(ConflictError);
    expect(taken.details).toMatchObject({ field: 'phones', number: '+33612345678', customerId: first.id });
    // The same number in another package is another customer…
    await expect(service().create(db.tenants.a, { phones: ['0612345678'] })).resolves.toBeDefined();
  });

  it('a globally unique package refuses numbers other packages have; unique key fields are a real unique index', async () => {
    const pkg = await packageWithFields({ phoneUniqueness: 'global', uniqueKeyFields: ['contract'], indexFields: ['company'] });
    await service().create(db.tenants.a, { phones: ['0699999999'] });
    await expect(service().create(db.tenants.a, { packageId: pkg.id, phones: ['0699999999'], custom: { company: 'A' } })).rejects.toThrow(/globally unique/);
    await service().create(db.tenants.a, { packageId: pkg.id, custom: { company: 'A', contract: 'C-1' } });
    await expect(service().create(db.tenants.a, { packageId: pkg.id, custom: { company: 'B', contract: 'C-1' } })).rejects.toBeInstanceOf(ConflictError);
    // Other packages may repeat it: the index is the package's only.
    const other = await db.storage.customerPackages.create(db.tenants.a, { displayName: 'Other', key: 'OTHER' });
    await db.storage.customFields.create(db.tenants.a, { packageId: other.id, name: 'contract', displayName: 'Contract', type: 'input' });
    await expect(service().create(db.tenants.a, { packageId: other.id, custom: { contract: 'C-1' } })).resolves.toBeDefined();
    // A package cannot make a field unique while its customers repeat it.
    await service().create(db.tenants.a, { packageId: other.id, custom: { contract: 'C-1' } });
    await expect(db.storage.customerPackages.update(db.tenants.a, other.id, { uniqueKeyFields: ['contract'] })).rejects.toThrow(/already repeat/);
  });

  it('searches globally (name, phone digits, custom fields marked for it), by indexed field, tag and allocation', async () => {
    const pkg = await packageWithFields({ indexFields: ['company'] });
    const vip = await db.storage.customerTags.create(db.tenants.a, { name: 'VIP' });
    const ann = await service().create(db.tenants.a, { packageId: pkg.id, name: 'Ann Lee', phones: ['0612345678'], tags: [vip.id], custom: { company: 'Acme Corp' } });
    const bob = await service().create(db.tenants.a, { packageId: pkg.id, name: 'Bob Stone', phones: ['0698765432'], custom: { company: 'Globex' } });
    const search = (s: Record<string, unknown>) => service().search(db.tenants.a, { packageId: pkg.id, ...s }).then((r) => r.items.map((c) => c.name).sort());
    expect(await search({ q: 'acme' })).toEqual(['Ann Lee']);
    expect(await search({ q: '987654' })).toEqual(['Bob Stone']);
    expect(await search({ q: 'stone' })).toEqual(['Bob Stone']);
    expect(await search({ where: { company: 'Globex' } })).toEqual(['Bob Stone']);
    expect(await search({ tag: vip.id })).toEqual(['Ann Lee']);
    expect((await service().search(db.tenants.a, { packageId: pkg.id })).total).toBe(2);
    expect(await db.storage.customers.allocate(db.tenants.a, [ann.id, bob.id], { taskId: 'task-1', agentNumber: '1001' })).toBe(2);
    expect(await search({ agentNumber: '1001', taskId: 'task-1' })).toEqual(['Ann Lee', 'Bob Stone']);
    expect((await db.storage.customers.get(db.tenants.a, ann.id)).allocatedAt).toBe(db.clock.now());
    await db.storage.customers.allocate(db.tenants.a, [ann.id], { taskId: null, agentNumber: null });
    expect(await db.storage.customers.get(db.tenants.a, ann.id)).toMatchObject({ taskId: null, agentNumber: null, allocatedAt: null });
  });

  it('changes only what a patch names; a closed package takes no new customers', async () => {
    const pkg = await packageWithFields();
    const ann = await service().create(db.tenants.a, { packageId: pkg.id, name: 'Ann', phones: ['0612345678'], custom: { company: 'Acme', budget: 5 } });
    const changed = await service().update(db.tenants.a, ann.id, { name: 'Ann Lee', custom: { budget: 7 } });
    expect(changed).toMatchObject({ name: 'Ann Lee', phones: ['+33612345678'], custom: { company: 'Acme', budget: 7 } });
    await db.storage.customerPackages.update(db.tenants.a, pkg.id, { status: 'closed' });
    await expect(service().create(db.tenants.a, { packageId: pkg.id, custom: { company: 'X' } })).rejects.toThrow(/closed/);
  });

  it('inserts a batch in one transaction with its numbers and dates, or nothing when a number repeats', async () => {
    const pkg = await packageWithFields();
    const customer = (name: string, phones: string[], createdAt?: number) => ({
      packageId: pkg.id, name, phones, email: null, gender: null, age: null, address: null, area: null, notes: null, custom: { company: name }, tags: [], dataSourceId: null,
      taskId: null, agentNumber: '1001', allocatedAt: 5, totalCalls: 2, lastCallResult: null, funnelStage: null, noCall: false, ...(createdAt === undefined ? {} : { createdAt }),
    });
    const ids = await db.storage.customers.insertBatch(db.tenants.a, [customer('Ann', ['+33611111111', '+33622222222'], db.clock.now() - 1000), customer('Bob', ['+33633333333'])]);
    expect(await db.storage.customers.get(db.tenants.a, ids[0]!)).toMatchObject({ name: 'Ann', phones: ['+33611111111', '+33622222222'], agentNumber: '1001', totalCalls: 2, createdAt: db.clock.now() - 1000, updatedAt: db.clock.now() });
    expect((await service().search(db.tenants.a, { packageId: pkg.id, q: '622222' })).items.map((c) => c.id)).toEqual([ids[0]]);
    const repeated = db.storage.customers.insertBatch(db.tenants.a, [customer('Cid', ['+33644444444']), customer('Dan', ['+33633333333'])]);
    await expect(repeated).rejects.toBeInstanceOf(ConflictError);
    expect((await service().search(db.tenants.a, { packageId: pkg.id })).total).toBe(2);
    expect(await db.storage.customers.insertBatch(db.tenants.a, [])).toEqual([]);
  });

  it('a unique custom field named like a standard field (made before such names were refused) checks its own value, not the standard one', async () => {
    const field = await db.storage.customFields.create(db.tenants.a, { packageId: null, name: 'zone', displayName: 'Area code', type: 'input', unique: true });
    const row = (await db.storage.knex('custom_fields').where({ id: field.id }).first()) as { config: string };
    await db.storage.knex('custom_fields').where({ id: field.id }).update({ name: 'area', config: JSON.stringify({ ...(JSON.parse(row.config) as object), name: 'area' }) });

    await service().create(db.tenants.a, { name: 'Ann', area: 'North', custom: { area: 'A-1' } });
    await service().create(db.tenants.a, { name: 'Bob', area: 'North', custom: { area: 'A-2' } });
    const refused = (await service().create(db.tenants.a, { name: 'Cy', area: 'South', custom: { area: 'A-1' } }).catch((e: unknown) => e)) as ConflictError;
    expect(refused).toBeInstanceOf(ConflictError);
    expect(refused.details?.['field']).toBe('custom.area');
  });
});

describe.each(storageTargets())('customers stored before migration 0015, on $name', (target) => {
  it('get the number scope of their package: still found by number, and the package rule still holds', async () => {
    const storage = await target.create({ migrate: false });
    try {
      const source = new ListMigrationSource(migrations.slice(0, migrations.findIndex((m) => m.name === '0015_customer_number_scopes')));
      await storage.knex.migrate.latest({ migrationSource: source, tableName: MIGRATIONS_TABLE });
      const tenant = await storage.tenants.create({ slug: 'old', name: 'Old', defaultCountry: 'FR' });
      const customer = { tenant_id: tenant.id, package_key: '', name: 'Ann', custom: '{}', tags: '[]', total_calls: 0, no_call: false, created_at: 1, updated_at: 1 };
      await storage.knex('customers').insert([{ ...customer, id: 'c1' }, { ...customer, id: 'c2', package_key: 'pkg-b' }]);
      await storage.knex('customer_phones').insert([
        { tenant_id: tenant.id, package_key: '', customer_id: 'c1', number: '+33611111111', position: 0 },
        { tenant_id: tenant.id, package_key: 'pkg-b', customer_id: 'c2', number: '+33611111111', position: 0 },
      ]);
      await storage.migrate();
      const scopes = (await storage.knex('customer_phones').orderBy('customer_id').pluck('scope')) as Array<number | string>;
      expect(new Set(scopes.map(Number)).size).toBe(2);
      expect((await storage.customers.findByPhone(tenant.id, '+33611111111')).map((c) => c.id).sort()).toEqual(['c1', 'c2']);
      expect((await storage.customers.findByPhone(tenant.id, '+33611111111', null)).map((c) => c.id)).toEqual(['c1']);
      await expect(new CustomerService(storage, new VirtualClock()).create(tenant.id, { phones: ['0611111111'] })).rejects.toBeInstanceOf(ConflictError);
    } finally {
      await storage.close();
    }
  });
});

describe('number masking', () => {
  it('hides the middle four digits of numbers of seven digits or more', () => {
    expect(maskNumber('+33612345678')).toBe('+336****5678');
    expect(maskNumber('5551234')).toBe('5****34');
    expect(maskNumber('123456')).toBe('123456');
  });
});
