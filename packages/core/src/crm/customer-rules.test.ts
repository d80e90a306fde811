import { beforeEach, describe, expect, it } from 'vitest';
import { ConflictError, ValidationError } from '../errors/errors.js';
import { storageTargets, useStorage } from '../storage/test-support.js';
import { CustomerService } from './customers.js';

/** The package's rules on a customer's writes: unique fields, globally unique numbers, defaults, references; and the global search. */
describe.each(storageTargets())('customer package rules on $name', (target) => {
  const db = useStorage(target, { tenants: ['a'] });
  const service = () => new CustomerService(db.storage, db.clock);
  /** The error a write is refused with (a write that succeeds fails the test). */
  const refusal = (promise: Promise<unknown>) =>
    promise.then(
      () => {
        throw new Error('expected a refusal');
      },
      (e: unknown) => e as ConflictError & ValidationError,
    );
  let tenant: string;

  beforeEach(async () => {
    tenant = db.tenants.a;
    await db.storage.tenants.update(tenant, { defaultCountry: 'FR' });
  });

  it('a custom field marked unique refuses a value another customer of its package has, on create and on change, naming the field', async () => {
    const pkg = await db.storage.customerPackages.create(tenant, { displayName: 'Leads', key: 'LEADS' });
    await db.storage.customFields.create(tenant, { packageId: pkg.id, name: 'contract', displayName: 'Contract no.', type: 'input', unique: true });
    const ann = await service().create(tenant, { packageId: pkg.id, name: 'Ann', custom: { contract: 'C-1' } });
    const bob = await service().create(tenant, { packageId: pkg.id, name: 'Bob', custom: { contract: 'C-2' } });

    const taken = await refusal(service().create(tenant, { packageId: pkg.id, name: 'Cy', custom: { contract: 'C-1' } }));
    expect(taken).toBeInstanceOf(ConflictError);
    expect(taken.message).toMatch(/"C-1" of the unique field Contract no\. \(contract\)/);
    expect(taken.details).toEqual({ field: 'custom.contract', value: 'C-1', customerId: ann.id });
    expect((await refusal(service().update(tenant, bob.id, { custom: { contract: 'C-1' } }))).details).toMatchObject({ field: 'custom.contract', customerId: ann.id });
    // Keeping one's own value is no repeat; another package may have the same value.
    await expect(service().update(tenant, ann.id, { name: 'Ann Lee', custom: { contract: 'C-1' } })).resolves.toMatchObject({ name: 'Ann Lee' });
    const other = await db.storage.customerPackages.create(tenant, { displayName: 'Other', key: 'OTHER' });
    await db.storage.customFields.create(tenant, { packageId: other.id, name: 'contract', displayName: 'Contract', type: 'input', unique: true });
    await expect(service().create(tenant, { packageId: other.id, custom: { contract: 'C-1' } })).resolves.toBeDefined();

    // The package's unique index refuses a repeat that bypasses the service (values stored as given), naming the field.
    const raw = { packageId: pkg.id, name: 'Raw', phones: [], email: null, gender: null, age: null, address: null, area: null, notes: null, custom: { contract: 'C-2' }, tags: [], dataSourceId: null, taskId: null, agentNumber: null, allocatedAt: null, totalCalls: 0, lastCallResult: null, funnelStage: null, noCall: false };
    await expect(db.storage.customers.insert(tenant, raw)).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('the unique field contract') });
  });

  it('in the default package (no stored row, no index of its own) a unique field is checked on every write all the same', async () => {
    await db.storage.customFields.create(tenant, { packageId: null, name: 'vat', displayName: 'VAT number', type: 'input', unique: true });
    const ann = await service().create(tenant, { name: 'Ann', custom: { vat: 'FR1' } });
    const bob = await service().create(tenant, { name: 'Bob', custom: { vat: 'FR2' } });
    expect((await refusal(service().create(tenant, { name: 'Cy', custom: { vat: 'FR1' } }))).details).toEqual({ field: 'custom.vat', value: 'FR1', customerId: ann.id });
    expect((await refusal(service().update(tenant, bob.id, { custom: { vat: 'FR1' } }))).details).toMatchObject({ field: 'custom.vat', customerId: ann.id });
    expect((await service().search(tenant, { packageId: null })).total).toBe(2);
  });

  it('a field is not made unique while customers repeat its values: the refusal names them, and nothing changes', async () => {
    const pkg = await db.storage.customerPackages.create(tenant, { displayName: 'Leads', key: 'LEADS' });
    const contract = await db.storage.customFields.create(tenant, { packageId: pkg.id, name: 'contract', displayName: 'Contract', type: 'input' });
    const vat = await db.storage.customFields.create(tenant, { packageId: null, name: 'vat', displayName: 'VAT', type: 'input' });
    for (const name of ['Ann', 'Bob']) {
      await service().create(tenant, { packageId: pkg.id, name, custom: { contract: 'C-1' } });
      await service().create(tenant, { name, custom: { vat: 'FR1' } });
    }
    await expect(db.storage.customFields.update(tenant, contract.id, { unique: true })).rejects.toThrow(/already repeat values of contract \("C-1"\)/);
    await expect(db.storage.customFields.update(tenant, vat.id, { unique: true })).rejects.toThrow(/already repeat values of vat \("FR1"\)/);
    expect((await db.storage.customFields.get(tenant, contract.id)).unique).toBe(false);
    expect((await db.storage.customFields.get(tenant, vat.id)).unique).toBe(false);
    // Nor a unique key of the package: it stays as it was.
    await expect(db.storage.customerPackages.update(tenant, pkg.id, { uniqueKeyFields: ['contract'] })).rejects.toThrow(/"C-1"/);
    expect((await db.storage.customerPackages.getById(tenant, pkg.id)).uniqueKeyFields).toEqual([]);
  });

  it('a number of a package whose numbers are globally unique belongs to no other package, whichever package writes first', async () => {
    const strict = await db.storage.customerPackages.create(tenant, { displayName: 'Strict', key: 'STRICT', phoneUniqueness: 'global' });
    const open = await db.storage.customerPackages.create(tenant, { displayName: 'Open', key: 'OPEN' });
    await service().create(tenant, { packageId: strict.id, name: 'Ann', phones: ['0611111111'] });
    // Into the default package, or another package that shares numbers freely: refused all the same.
    await expect(service().create(tenant, { name: 'Bob', phones: ['06 11 11 11 11'] })).rejects.toThrow(/\+33611111111 already belongs to a customer of another package, and that package's numbers are globally unique/);
    await expect(service().create(tenant, { packageId: open.id, phones: ['0611111111'] })).rejects.toBeInstanceOf(ConflictError);
    const bob = await service().create(tenant, { name: 'Bob', phones: ['0622222222'] });
    await expect(service().update(tenant, bob.id, { phones: ['0622222222', '0611111111'] })).rejects.toMatchObject({ details: { field: 'phones', number: '+33611111111' } });
    // The way it always worked: the strict package takes no number another package has.
    await expect(service().create(tenant, { packageId: strict.id, phones: ['0622222222'] })).rejects.toThrow(/this package's numbers are globally unique/);
    // Numbers only the open packages share stay free.
    await service().create(tenant, { packageId: open.id, phones: ['0633333333'] });
    await expect(service().create(tenant, { phones: ['0633333333'] })).resolves.toBeDefined();
  });

  it('a package is not made globally unique while other packages share its numbers: the refusal lists a few, and nothing changes', async () => {
    const pkg = await db.storage.customerPackages.create(tenant, { displayName: 'Leads', key: 'LEADS' });
    await service().create(tenant, { packageId: pkg.id, name: 'Ann', phones: ['0611111111', '0622222222', '0633333333'] });
    await service().create(tenant, { name: 'Ann elsewhere', phones: ['0611111111', '0622222222'] });
    const error = await refusal(db.storage.customerPackages.update(tenant, pkg.id, { phoneUniqueness: 'global' }));
    expect(error).toBeInstanceOf(ConflictError);
    expect(error.message).toMatch(/\(\+33611111111, \+33622222222\): they cannot be globally unique/);
    expect(error.details).toEqual({ field: 'phoneUniqueness', numbers: ['+33611111111', '+33622222222'] });
    expect((await db.storage.customerPackages.getById(tenant, pkg.id)).phoneUniqueness).toBe('package');
    // Once each number is in one package only, it may.
    const [other] = (await service().search(tenant, { packageId: null })).items;
    await service().update(tenant, other!.id, { phones: ['0644444444'] });
    await expect(db.storage.customerPackages.update(tenant, pkg.id, { phoneUniqueness: 'global' })).resolves.toMatchObject({ phoneUniqueness: 'global' });
  });

  it('the global search without a package covers the custom fields each package marks for it, in that package only', async () => {
    const a = await db.storage.customerPackages.create(tenant, { displayName: 'A', key: 'A' });
    const b = await db.storage.customerPackages.create(tenant, { displayName: 'B', key: 'B' });
    await db.storage.customFields.create(tenant, { packageId: a.id, name: 'company', displayName: 'Company', type: 'input', globalSearch: true });
    await db.storage.customFields.create(tenant, { packageId: b.id, name: 'company', displayName: 'Company', type: 'input' });
    await db.storage.customFields.create(tenant, { packageId: null, name: 'vat', displayName: 'VAT', type: 'input', globalSearch: true });
    await service().create(tenant, { packageId: a.id, name: 'Ann', custom: { company: 'Acme' } });
    await service().create(tenant, { packageId: b.id, name: 'Bob', custom: { company: 'Acme' } });
    await service().create(tenant, { name: 'Cy', custom: { vat: 'FR-ACME-9' } });
    const names = async (q: string) => (await service().search(tenant, { q })).items.map((c) => c.name).sort();
    expect(await names('acme')).toEqual(['Ann', 'Cy']);
    expect(await names('fr-acme')).toEqual(['Cy']);
  });

  it("a new customer gets the default options and the default address of the fields it leaves empty, though its role may only view them; a change adds none", async () => {
    const pkg = await db.storage.customerPackages.create(tenant, { displayName: 'Leads', key: 'LEADS' });
    await db.storage.customFields.create(tenant, { packageId: pkg.id, name: 'level', displayName: 'Level', type: 'options', options: ['bronze', 'gold'], defaultOptions: ['bronze'], required: true, permissions: { agent: 'view' } });
    await db.storage.customFields.create(tenant, { packageId: pkg.id, name: 'channels', displayName: 'Channels', type: 'options', options: ['web', 'phone', 'mail'], multiple: true, defaultOptions: ['web', 'mail'] });
    await db.storage.customFields.create(tenant, { packageId: pkg.id, name: 'office', displayName: 'Office', type: 'address', defaultAddress: '1 Main Street, Lyon' });
    const ann = await service().create(tenant, { packageId: pkg.id, name: 'Ann' }, { role: 'agent' });
    expect(ann.custom).toEqual({ level: 'bronze', channels: ['web', 'mail'], office: '1 Main Street, Lyon' });
    const bob = await service().create(tenant, { packageId: pkg.id, name: 'Bob', custom: { level: 'gold', channels: ['phone'], office: '' } });
    expect(bob.custom).toEqual({ level: 'gold', channels: ['phone'], office: '1 Main Street, Lyon' });
    // A field added later gives its default to new customers only.
    await db.storage.customFields.create(tenant, { packageId: pkg.id, name: 'source', displayName: 'Source', type: 'options', options: ['fair', 'web'], defaultOptions: ['fair'] });
    expect((await service().update(tenant, ann.id, { name: 'Ann Lee' })).custom).toEqual({ level: 'bronze', channels: ['web', 'mail'], office: '1 Main Street, Lyon' });
  });

  it('refuses tags and a data source the tenant does not have, naming each', async () => {
    const vip = await db.storage.customerTags.create(tenant, { name: 'VIP' });
    const fair = await db.storage.dataSources.create(tenant, { name: 'Fair' });
    const error = await refusal(service().create(tenant, { name: 'Ann', tags: [vip.id, 'no-such-tag'], dataSourceId: 'no-such-source' }));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.issues).toEqual([
      { path: 'tags.1', message: 'no customer tag no-such-tag' },
      { path: 'dataSourceId', message: 'no data source no-such-source' },
    ]);
    const ann = await service().create(tenant, { name: 'Ann', tags: [vip.id], dataSourceId: fair.id });
    await expect(service().update(tenant, ann.id, { tags: ['gone'] })).rejects.toBeInstanceOf(ValidationError);
    expect((await db.storage.customers.get(tenant, ann.id)).tags).toEqual([vip.id]);
  });
});
