import { describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError, ValidationError } from '../../errors/errors.js';
import { storageTargets, useStorage } from '../test-support.js';

describe.each(storageTargets())('TenantRepository on $name', (target) => {
  const db = useStorage(target);

  it('creates a tenant with the documented defaults', async () => {
    const tenant = await db.storage.tenants.create({ slug: 'acme', name: '  Acme Corp ' });
    expect(tenant).toEqual({
      id: expect.any(String),
      slug: 'acme',
      name: 'Acme Corp',
      timeZone: 'UTC',
      defaultCountry: 'US',
      status: 'active',
      createdAt: db.clock.now(),
      updatedAt: db.clock.now(),
    });
    expect(await db.storage.tenants.get(tenant.id)).toEqual(tenant);
    expect(await db.storage.tenants.getBySlug('acme')).toEqual(tenant);
  });

  it('stores the canonical time zone name and an upper-case country', async () => {
    const tenant = await db.storage.tenants.create({ slug: 'paris', name: 'Paris', timeZone: 'europe/paris', defaultCountry: 'fr' });
    expect(tenant.timeZone).toBe('Europe/Paris');
    expect(tenant.defaultCountry).toBe('FR');
  });

  it.each(['Acme', 'acme_co', '-acme', 'acme-', '', 'a'.repeat(64), 'ac me', 'acmé'])('rejects the slug %j', async (slug) => {
    const error = await db.storage.tenants.create({ slug, name: 'X' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues.map((issue) => issue.path)).toEqual(['slug']);
  });

  it('accepts slugs of lowercase letters, digits and hyphens', async () => {
    for (const slug of ['a', '42', 'acme-2', 'big--co', 'x'.repeat(63)]) {
      await expect(db.storage.tenants.create({ slug, name: slug })).resolves.toMatchObject({ slug });
    }
  });

  it('rejects an unknown time zone and a malformed country with a clear message', async () => {
    await expect(db.storage.tenants.create({ slug: 'tz', name: 'Tz', timeZone: 'Mars/Olympus' })).rejects.toThrow(
      /timeZone: unknown time zone "Mars\/Olympus"; use an IANA name/,
    );
    await expect(db.storage.tenants.create({ slug: 'cc', name: 'Cc', defaultCountry: 'USA' })).rejects.toThrow(/defaultCountry: use an ISO 3166-1/);
    await expect(db.storage.tenants.create({ slug: 'st', name: 'St', status: 'closed' as 'active' })).rejects.toBeInstanceOf(ValidationError);
    expect(await db.storage.tenants.list()).toEqual([]);
  });

  it('refuses a duplicate slug with ConflictError, on create and on update', async () => {
    await db.storage.tenants.create({ slug: 'taken', name: 'First' });
    const second = await db.storage.tenants.create({ slug: 'free', name: 'Second' });
    await expect(db.storage.tenants.create({ slug: 'taken', name: 'Again' })).rejects.toThrow(ConflictError);
    await expect(db.storage.tenants.create({ slug: 'taken', name: 'Again' })).rejects.toThrow('Tenant slug "taken" is already taken');
    await expect(db.storage.tenants.update(second.id, { slug: 'taken' })).rejects.toBeInstanceOf(ConflictError);
    expect((await db.storage.tenants.get(second.id)).slug).toBe('free');
  });

  it('updates the named fields and the update time', async () => {
    const tenant = await db.storage.tenants.create({ slug: 'acme', name: 'Acme' });
    await db.clock.advance(5_000);
    const updated = await db.storage.tenants.update(tenant.id, { name: 'Acme Ltd', status: 'suspended', timeZone: 'Asia/Tokyo' });
    expect(updated).toEqual({ ...tenant, name: 'Acme Ltd', status: 'suspended', timeZone: 'Asia/Tokyo', updatedAt: tenant.createdAt + 5_000 });
    expect(await db.storage.tenants.get(tenant.id)).toEqual(updated);
    await expect(db.storage.tenants.update(tenant.id, { defaultCountry: 'not a country' })).rejects.toBeInstanceOf(ValidationError);
  });

  it('reports unknown ids and slugs as NotFoundError', async () => {
    await expect(db.storage.tenants.get('nope')).rejects.toBeInstanceOf(NotFoundError);
    await expect(db.storage.tenants.getBySlug('nope')).rejects.toBeInstanceOf(NotFoundError);
    await expect(db.storage.tenants.update('nope', { name: 'X' })).rejects.toBeInstanceOf(NotFoundError);
  });

  it('lists tenants by slug', async () => {
    for (const slug of ['charlie', 'alpha', 'bravo']) await db.storage.tenants.create({ slug, name: slug });
    expect((await db.storage.tenants.list()).map((tenant) => tenant.slug)).toEqual(['alpha', 'bravo', 'charlie']);
  });

  it('has the database itself refuse an unknown status', async () => {
    const now = db.clock.now();
    const row = { id: 't1', slug: 'raw', name: 'Raw', status: 'weird', created_at: now, updated_at: now };
    await expect(db.storage.knex('tenants').insert(row)).rejects.toThrow();
  });
});
