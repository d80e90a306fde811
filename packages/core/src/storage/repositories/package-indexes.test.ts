import { describe, expect, it } from 'vitest';
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
});
