import { describe, expect, it } from 'vitest';
import { ConflictError, ValidationError } from '../errors/errors.js';
import { storageTargets, useStorage } from '../storage/test-support.js';
import { CustomerService } from './customers.js';

describe.each(storageTargets())('tags, data sources, dictionaries and data settings on $name', (target) => {
  const db = useStorage(target, { tenants: ['a', 'b'] });

  it('tags and data sources: unique names, colours, search; deleting one takes it off customers', async () => {
    const vip = await db.storage.customerTags.create(db.tenants.a, { name: 'VIP', color: '#FF0000' });
    const cold = await db.storage.customerTags.create(db.tenants.a, { name: 'Cold lead' });
    expect(vip).toMatchObject({ name: 'VIP', color: '#ff0000', description: '' });
    await expect(db.storage.customerTags.create(db.tenants.a, { name: 'VIP' })).rejects.toBeInstanceOf(ConflictError);
    await expect(db.storage.customerTags.create(db.tenants.a, { name: 'x', color: 'red' })).rejects.toBeInstanceOf(ValidationError);
    expect((await db.storage.customerTags.list(db.tenants.a, { search: 'lead' })).map((t) => t.name)).toEqual(['Cold lead']);
    expect(await db.storage.customerTags.list(db.tenants.b)).toEqual([]);
    const fair = await db.storage.dataSources.create(db.tenants.a, { name: 'Fair', color: '#00aa00' });
    const service = new CustomerService(db.storage, db.clock);
    const ann = await service.create(db.tenants.a, { name: 'Ann', tags: [vip.id, cold.id], dataSourceId: fair.id });
    await db.storage.customerTags.delete(db.tenants.a, vip.id);
    await db.storage.dataSources.delete(db.tenants.a, fair.id);
    expect(await db.storage.customers.get(db.tenants.a, ann.id)).toMatchObject({ tags: [cold.id], dataSourceId: null });
    expect((await db.storage.customerTags.update(db.tenants.a, cold.id, { name: 'Warm lead' })).name).toBe('Warm lead');
    // A stamped label never takes a name in use, and takes the palette's colours in turn.
    const first = await db.storage.dataSources.createStamped(db.tenants.a, 'leads.csv 2026-11-22 10:00');
    const second = await db.storage.dataSources.createStamped(db.tenants.a, 'leads.csv 2026-11-22 10:00');
    expect([first.name, second.name]).toEqual(['leads.csv 2026-11-22 10:00', 'leads.csv 2026-11-22 10:00 (2)']);
    expect(first.color).not.toBe(second.color);
  });

  it('dictionaries: entries keyed by the match key, merged on a second import, counted in the list', async () => {
    const cities = await db.storage.dictionaries.create(db.tenants.a, { name: 'Cities' });
    expect(await db.storage.dictionaries.putEntries(db.tenants.a, cities.id, [{ key: 'Lyon', data: { Region: 'ARA' } }, { key: 'Paris', data: { Region: 'IDF' } }], 'City')).toBe(2);
    await db.storage.dictionaries.putEntries(db.tenants.a, cities.id, [{ key: 'Lyon', data: { Zip: '69000' } }]);
    expect(await db.storage.dictionaries.entries(db.tenants.a, cities.id)).toEqual([
      { key: 'Lyon', data: { Region: 'ARA', Zip: '69000' } },
      { key: 'Paris', data: { Region: 'IDF' } },
    ]);
    expect(await db.storage.dictionaries.list(db.tenants.a)).toMatchObject([{ name: 'Cities', matchKey: 'City', entries: 2 }]);
    expect(await db.storage.dictionaries.removeEntry(db.tenants.a, cities.id, 'Paris')).toBe(true);
    await db.storage.dictionaries.delete(db.tenants.a, cities.id);
    expect(await db.storage.dictionaries.list(db.tenants.a)).toEqual([]);
  });

  it('data settings: defaults until saved, merged on save, checked', async () => {
    expect(await db.storage.crmSettings.get(db.tenants.a)).toEqual({ exportEncoding: 'utf-8-bom', exportMaxRowsPerFile: 100_000 });
    expect(await db.storage.crmSettings.put(db.tenants.a, { exportEncoding: 'gbk' })).toEqual({ exportEncoding: 'gbk', exportMaxRowsPerFile: 100_000 });
    await db.storage.crmSettings.put(db.tenants.a, { exportMaxRowsPerFile: 5000 });
    expect(await db.storage.crmSettings.get(db.tenants.a)).toEqual({ exportEncoding: 'gbk', exportMaxRowsPerFile: 5000 });
    await expect(db.storage.crmSettings.put(db.tenants.a, { exportEncoding: 'latin1' })).rejects.toBeInstanceOf(ValidationError);
    expect((await db.storage.crmSettings.get(db.tenants.b)).exportEncoding).toBe('utf-8-bom');
  });
});
