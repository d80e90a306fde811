import { describe, expect, it } from 'vitest';
import { ConflictError, ValidationError } from '../../errors/errors.js';
import type { Storage } from '../storage.js';
import { storageTargets, useStorage } from '../test-support.js';

/** The package's indexes as the database itself lists them: name → its definition. */
async function packageIndexes(storage: Storage): Promise<Map<string, string>> {
  const rows =
    storage.dialect === 'sqlite'
      ? ((await storage.knex.raw("select name, sql as definition from sqlite_master where type = 'index' and tbl_name = 'customers' and name like 'cpx%'")) as Array<{ name: string; definition: string }>)
      : ((await storage.knex.raw("select indexname as name, indexdef as definition from pg_indexes where schemaname = current_schema() and tablename = 'customers' and indexname like 'cpx%'")) as { rows: Array<{ name: string; definition: string }> }).rows;
  return new Map(rows.map((r) => [r.name, r.definition.toLowerCase()]));
}

describe.each(storageTargets())('customer package indexes on $name', (target) => {
  const db = useStorage(target, { tenants: ['a'] });

  it('index fields, unique key fields and unique custom fields are real partial indexes of the package, dropped when no longer asked for', async () => {
    const tenant = db.tenants.a;
    const pkg = await db.storage.customerPackages.create(tenant, { displayName: 'Leads', key: 'LEADS' });
    await db.storage.customFields.create(tenant, { packageId: pkg.id, name: 'company', displayName: 'Company', type: 'input' });
    await db.storage.customFields.create(tenant, { packageId: pkg.id, name: 'vat', displayName: 'VAT', type: 'input' });
    const contract = await db.storage.customFields.create(tenant, { packageId: pkg.id, name: 'contract', displayName: 'Contract', type: 'input', unique: true });
    await db.storage.customerPackages.update(tenant, pkg.id, { indexFields: ['company', 'email'], uniqueKeyFields: ['vat'] });

    const indexes = await packageIndexes(db.storage);
    const of = (field: string) => [...indexes.entries()].find(([name]) => name.endsWith(`_${field}`));
    expect([...indexes.keys()].map((name) => name.replace(/^cpx_[a-z0-9]+_/, '')).sort()).toEqual(['i_company', 'i_email', 'u_contract', 'u_vat']);
    for (const field of ['company', 'email', 'vat', 'contract']) {
      const [, definition] = of(field)!;
      // Partial: over this package's customers only.
      expect(definition).toContain(pkg.id.toLowerCase());
      expect(definition.startsWith('create unique index')).toBe(field === 'vat' || field === 'contract');
    }

    // A field no longer unique, a field no longer indexed: their indexes go.
    await db.storage.customFields.update(tenant, contract.id, { unique: false });
    await db.storage.customerPackages.update(tenant, pkg.id, { indexFields: ['company'] });
    expect([...(await packageIndexes(db.storage)).keys()].map((name) => name.replace(/^cpx_[a-z0-9]+_/, '')).sort()).toEqual(['i_company', 'u_vat']);
    // The default package has no stored row and no indexes of its own: its unique fields are checked by lookup.
    await db.storage.customFields.create(tenant, { packageId: null, name: 'vat', displayName: 'VAT', type: 'input', unique: true });
    expect((await packageIndexes(db.storage)).size).toBe(2);
  });

  /** Marks a field unique behind the repository's back: a field made unique before uniqueness was enforced, or named like a standard field before that was refused. */
  async function legacy(fieldId: string, change: { unique?: boolean; name?: string }): Promise<void> {
    const row = (await db.storage.knex('custom_fields').where({ id: fieldId }).first()) as { config: string };
    const config = { ...(JSON.parse(row.config) as Record<string, unknown>), ...change };
    await db.storage.knex('custom_fields').where({ id: fieldId }).update({ config: JSON.stringify(config), ...(change.name === undefined ? {} : { name: change.name }) });
  }

  /** A customer written straight to the table (no checks): how repeated values came to be. */
  async function rawCustomer(packageId: string, id: string, values: { area?: string; custom?: Record<string, unknown> }): Promise<void> {
    await db.storage.knex('customers').insert({ id, tenant_id: db.tenants.a, package_key: packageId, name: id, area: values.area ?? null, custom: JSON.stringify(values.custom ?? {}), tags: '[]', created_at: 1, updated_at: 1 });
  }

  it('a field marked unique while values repeat does not refuse unrelated saves; a save that makes a field unique over repeated values is refused and stores nothing', async () => {
    const tenant = db.tenants.a;
    const pkg = await db.storage.customerPackages.create(tenant, { displayName: 'Leads', key: 'LEADS' });
    const contract = await db.storage.customFields.create(tenant, { packageId: pkg.id, name: 'contract', displayName: 'Contract', type: 'input' });
    await db.storage.customFields.create(tenant, { packageId: pkg.id, name: 'vat', displayName: 'VAT', type: 'input' });
    await rawCustomer(pkg.id, 'c1', { custom: { contract: 'K-1', vat: 'V-1' } });
    await rawCustomer(pkg.id, 'c2', { custom: { contract: 'K-1', vat: 'V-1' } });
    await legacy(contract.id, { unique: true });

    // Unrelated saves: stored, and no index for the legacy field (its values repeat).
    expect((await db.storage.customerPackages.update(tenant, pkg.id, { status: 'closed' })).status).toBe('closed');
    expect((await db.storage.customerPackages.getById(tenant, pkg.id)).status).toBe('closed');
    await db.storage.customerPackages.update(tenant, pkg.id, { status: 'open', displayName: 'Leads 2' });
    const serial = await db.storage.customFields.create(tenant, { packageId: pkg.id, name: 'serial', displayName: 'Serial', type: 'input', unique: true });
    expect((await db.storage.customFields.list(tenant, pkg.id)).map((f) => f.name)).toContain('serial');
    await db.storage.customFields.delete(tenant, serial.id);
    expect((await db.storage.customFields.list(tenant, pkg.id)).map((f) => f.name)).not.toContain('serial');
    expect([...(await packageIndexes(db.storage)).keys()].some((name) => name.endsWith('_contract'))).toBe(false);

    // Making vat unique while its values repeat: refused, the package as it was.
    await expect(db.storage.customerPackages.update(tenant, pkg.id, { uniqueKeyFields: ['vat'], displayName: 'Renamed' })).rejects.toBeInstanceOf(ConflictError);
    const stored = await db.storage.customerPackages.getById(tenant, pkg.id);
    expect([stored.displayName, stored.uniqueKeyFields]).toEqual(['Leads 2', []]);
    await expect(db.storage.customFields.create(tenant, { packageId: pkg.id, name: 'vat2', displayName: 'VAT 2', type: 'input', unique: true })).resolves.toBeDefined();
  });

  it('a unique custom field is indexed over its own value even when named like a standard field; new fields may not take such names', async () => {
    const tenant = db.tenants.a;
    const pkg = await db.storage.customerPackages.create(tenant, { displayName: 'Leads', key: 'LEADS' });
    const refused = (await db.storage.customFields.create(tenant, { packageId: pkg.id, name: 'area', displayName: 'Area', type: 'input' }).catch((e: unknown) => e)) as ValidationError;
    expect(refused).toBeInstanceOf(ValidationError);
    expect(refused.issues.map((i) => i.path)).toEqual(['name']);

    // One created before the rule: customers share the standard area, differ in the custom one.
    const field = await db.storage.customFields.create(tenant, { packageId: pkg.id, name: 'zone', displayName: 'Area', type: 'input' });
    await legacy(field.id, { name: 'area' });
    await rawCustomer(pkg.id, 'c1', { area: 'North', custom: { area: 'A-1' } });
    await rawCustomer(pkg.id, 'c2', { area: 'North', custom: { area: 'A-2' } });
    await db.storage.customFields.update(tenant, field.id, { unique: true });
    const [definition] = [...(await packageIndexes(db.storage)).values()];
    expect(definition).toMatch(/custom/);
    // The index stops a repeated custom value, not a repeated standard one.
    await expect(rawCustomer(pkg.id, 'c3', { area: 'North', custom: { area: 'A-3' } })).resolves.toBeUndefined();
    await expect(rawCustomer(pkg.id, 'c4', { area: 'South', custom: { area: 'A-1' } })).rejects.toThrow();
  });

  it('two long fields sharing their first 35 characters get an index each', async () => {
    const tenant = db.tenants.a;
    const pkg = await db.storage.customerPackages.create(tenant, { displayName: 'Leads', key: 'LEADS' });
    const shared = 'x'.repeat(35);
    for (const tail of ['aaaaa', 'bbbbb']) await db.storage.customFields.create(tenant, { packageId: pkg.id, name: `${shared}${tail}`, displayName: tail, type: 'input', unique: true });
    const names = [...(await packageIndexes(db.storage)).keys()];
    expect(names).toHaveLength(2);
    for (const name of names) expect(name.length).toBeLessThanOrEqual(63);
    await rawCustomer(pkg.id, 'c1', { custom: { [`${shared}aaaaa`]: 'same', [`${shared}bbbbb`]: 'one' } });
    await expect(rawCustomer(pkg.id, 'c2', { custom: { [`${shared}aaaaa`]: 'other', [`${shared}bbbbb`]: 'one' } })).rejects.toThrow();
    // Saving again keeps them as they are.
    await db.storage.customerPackages.update(tenant, pkg.id, { displayName: 'Leads 2' });
    expect([...(await packageIndexes(db.storage)).keys()].sort()).toEqual(names.sort());
  });

  it('a short name stays as it was, so indexes made before keep serving', async () => {
    const tenant = db.tenants.a;
    const pkg = await db.storage.customerPackages.create(tenant, { displayName: 'Leads', key: 'LEADS' });
    await db.storage.customFields.create(tenant, { packageId: pkg.id, name: 'contract', displayName: 'Contract', type: 'input', unique: true });
    const compact = pkg.id.replace(/[^A-Za-z0-9]/g, '').slice(0, 24).toLowerCase();
    expect([...(await packageIndexes(db.storage)).keys()]).toEqual([`cpx_${compact}_u_contract`]);
  });

  it('refuses a field of a closed package, as it refuses its customers', async () => {
    const tenant = db.tenants.a;
    const pkg = await db.storage.customerPackages.create(tenant, { displayName: 'Leads', key: 'LEADS', status: 'closed' });
    await expect(db.storage.customFields.create(tenant, { packageId: pkg.id, name: 'company', displayName: 'Company', type: 'input' })).rejects.toThrow(/is closed/);
    expect(await db.storage.customFields.list(tenant, pkg.id, { includeClosed: true })).toEqual([]);
  });
});
