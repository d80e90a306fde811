import { beforeEach, describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError, ValidationError } from '../../errors/errors.js';
import { storageTargets, useStorage } from '../test-support.js';

describe.each(storageTargets())('ApiKeyRepository on $name', (target) => {
  const db = useStorage(target, { tenants: ['a', 'b'] });
  /** An admin of tenant A, the owner of the keys below. */
  let alice: string;
  beforeEach(async () => {
    alice = (await db.storage.users.create(db.tenants.a, { username: 'alice', passwordHash: 'h', role: 'admin' })).id;
  });

  it('creates a key and finds it by prefix without knowing the tenant', async () => {
    const key = await db.storage.apiKeys.create(db.tenants.a, { userId: alice, name: 'CRM sync', prefix: 'sbk_abc123', secretHash: 'argon2-hash' });
    expect(key).toEqual({
      id: expect.any(String),
      tenantId: db.tenants.a,
      userId: alice,
      name: 'CRM sync',
      prefix: 'sbk_abc123',
      secretHash: 'argon2-hash',
      createdAt: db.clock.now(),
      lastUsedAt: null,
      expiresAt: null,
      revokedAt: null,
    });
    expect(await db.storage.apiKeys.findByPrefix('sbk_abc123')).toEqual(key);
    expect(await db.storage.apiKeys.findByPrefix('sbk_other')).toBeUndefined();
  });

  it('refuses a duplicate prefix with ConflictError', async () => {
    await db.storage.apiKeys.create(db.tenants.a, { userId: alice, name: 'one', prefix: 'sbk_same', secretHash: 'h1' });
    await expect(db.storage.apiKeys.create(db.tenants.a, { userId: alice, name: 'two', prefix: 'sbk_same', secretHash: 'h2' })).rejects.toBeInstanceOf(
      ConflictError,
    );
  });

  it("refuses a key for another tenant's user, and hides keys across tenants", async () => {
    await expect(db.storage.apiKeys.create(db.tenants.b, { userId: alice, name: 'x', prefix: 'sbk_cross', secretHash: 'h' })).rejects.toBeInstanceOf(
      NotFoundError,
    );
    await expect(db.storage.apiKeys.create(null, { userId: alice, name: 'x', prefix: 'sbk_cross', secretHash: 'h' })).rejects.toBeInstanceOf(
      NotFoundError,
    );
    const key = await db.storage.apiKeys.create(db.tenants.a, { userId: alice, name: 'mine', prefix: 'sbk_mine', secretHash: 'h' });
    expect(await db.storage.apiKeys.list(db.tenants.b, alice)).toEqual([]);
    await expect(db.storage.apiKeys.revoke(db.tenants.b, key.id)).rejects.toBeInstanceOf(NotFoundError);
    expect((await db.storage.apiKeys.getById(db.tenants.a, key.id)).revokedAt).toBeNull();
  });

  it("lists a user's keys, oldest first", async () => {
    await db.storage.apiKeys.create(db.tenants.a, { userId: alice, name: 'first', prefix: 'sbk_first', secretHash: 'h' });
    await db.clock.advance(1);
    await db.storage.apiKeys.create(db.tenants.a, { userId: alice, name: 'second', prefix: 'sbk_second', secretHash: 'h', expiresAt: db.clock.now() + 86_400_000 });
    const keys = await db.storage.apiKeys.list(db.tenants.a, alice);
    expect(keys.map((k) => k.name)).toEqual(['first', 'second']);
    expect(keys[1]?.expiresAt).toBe(db.clock.now() + 86_400_000);
  });

  it('revokes once: revoking again keeps the first time', async () => {
    const key = await db.storage.apiKeys.create(db.tenants.a, { userId: alice, name: 'k', prefix: 'sbk_revoke', secretHash: 'h' });
    await db.clock.advance(10);
    const revoked = await db.storage.apiKeys.revoke(db.tenants.a, key.id);
    expect(revoked.revokedAt).toBe(key.createdAt + 10);
    await db.clock.advance(10);
    expect((await db.storage.apiKeys.revoke(db.tenants.a, key.id)).revokedAt).toBe(key.createdAt + 10);
    expect((await db.storage.apiKeys.findByPrefix('sbk_revoke'))?.revokedAt).toBe(key.createdAt + 10);
  });

  it('records use at most once per interval', async () => {
    const key = await db.storage.apiKeys.create(db.tenants.a, { userId: alice, name: 'k', prefix: 'sbk_touch', secretHash: 'h' });
    const lastUsed = async () => (await db.storage.apiKeys.findByPrefix('sbk_touch'))?.lastUsedAt;
    await db.storage.apiKeys.touchLastUsed(key.id);
    expect(await lastUsed()).toBe(key.createdAt);
    await db.clock.advance(30_000);
    await db.storage.apiKeys.touchLastUsed(key.id);
    expect(await lastUsed()).toBe(key.createdAt);
    await db.clock.advance(30_000);
    await db.storage.apiKeys.touchLastUsed(key.id);
    expect(await lastUsed()).toBe(key.createdAt + 60_000);
    await db.clock.advance(1);
    await db.storage.apiKeys.touchLastUsed(key.id, 0);
    expect(await lastUsed()).toBe(key.createdAt + 60_001);
  });

  it('rejects a malformed prefix or missing secret hash', async () => {
    await expect(db.storage.apiKeys.create(db.tenants.a, { userId: alice, name: 'k', prefix: 'a b', secretHash: 'h' })).rejects.toBeInstanceOf(ValidationError);
    await expect(db.storage.apiKeys.create(db.tenants.a, { userId: alice, name: 'k', prefix: 'sbk_ok', secretHash: '' })).rejects.toBeInstanceOf(ValidationError);
  });
});
