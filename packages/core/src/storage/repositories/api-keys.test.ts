import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../clock/virtual-clock.js';
import { ConflictError, NotFoundError, ValidationError } from '../../errors/errors.js';
import type { Storage } from '../storage.js';
import { storageTargets } from '../test-support.js';

describe.each(storageTargets())('ApiKeyRepository on $name', (target) => {
  let storage: Storage;
  let clock: VirtualClock;
  let tenantA: string;
  let tenantB: string;
  let alice: string;
  beforeEach(async () => {
    clock = new VirtualClock();
    storage = await target.create({ clock });
    tenantA = (await storage.tenants.create({ slug: 'a', name: 'A' })).id;
    tenantB = (await storage.tenants.create({ slug: 'b', name: 'B' })).id;
    alice = (await storage.users.create(tenantA, { username: 'alice', passwordHash: 'h', role: 'admin' })).id;
  });
  afterEach(async () => {
    await storage.close();
  });

  it('creates a key and finds it by prefix without knowing the tenant', async () => {
    const key = await storage.apiKeys.create(tenantA, { userId: alice, name: 'CRM sync', prefix: 'sbk_abc123', secretHash: 'argon2-hash' });
    expect(key).toEqual({
      id: expect.any(String),
      tenantId: tenantA,
      userId: alice,
      name: 'CRM sync',
      prefix: 'sbk_abc123',
      secretHash: 'argon2-hash',
      createdAt: clock.now(),
      lastUsedAt: null,
      expiresAt: null,
      revokedAt: null,
    });
    expect(await storage.apiKeys.findByPrefix('sbk_abc123')).toEqual(key);
    expect(await storage.apiKeys.findByPrefix('sbk_other')).toBeUndefined();
  });

  it('refuses a duplicate prefix with ConflictError', async () => {
    await storage.apiKeys.create(tenantA, { userId: alice, name: 'one', prefix: 'sbk_same', secretHash: 'h1' });
    await expect(storage.apiKeys.create(tenantA, { userId: alice, name: 'two', prefix: 'sbk_same', secretHash: 'h2' })).rejects.toBeInstanceOf(
      ConflictError,
    );
  });

  it("refuses a key for another tenant's user, and hides keys across tenants", async () => {
    await expect(storage.apiKeys.create(tenantB, { userId: alice, name: 'x', prefix: 'sbk_cross', secretHash: 'h' })).rejects.toBeInstanceOf(
      NotFoundError,
    );
    await expect(storage.apiKeys.create(null, { userId: alice, name: 'x', prefix: 'sbk_cross', secretHash: 'h' })).rejects.toBeInstanceOf(
      NotFoundError,
    );
    const key = await storage.apiKeys.create(tenantA, { userId: alice, name: 'mine', prefix: 'sbk_mine', secretHash: 'h' });
    expect(await storage.apiKeys.list(tenantB, alice)).toEqual([]);
    await expect(storage.apiKeys.revoke(tenantB, key.id)).rejects.toBeInstanceOf(NotFoundError);
    expect((await storage.apiKeys.getById(tenantA, key.id)).revokedAt).toBeNull();
  });

  it("lists a user's keys, oldest first", async () => {
    await storage.apiKeys.create(tenantA, { userId: alice, name: 'first', prefix: 'sbk_first', secretHash: 'h' });
    await clock.advance(1);
    await storage.apiKeys.create(tenantA, { userId: alice, name: 'second', prefix: 'sbk_second', secretHash: 'h', expiresAt: clock.now() + 86_400_000 });
    const keys = await storage.apiKeys.list(tenantA, alice);
    expect(keys.map((k) => k.name)).toEqual(['first', 'second']);
    expect(keys[1]?.expiresAt).toBe(clock.now() + 86_400_000);
  });

  it('revokes once: revoking again keeps the first time', async () => {
    const key = await storage.apiKeys.create(tenantA, { userId: alice, name: 'k', prefix: 'sbk_revoke', secretHash: 'h' });
    await clock.advance(10);
    const revoked = await storage.apiKeys.revoke(tenantA, key.id);
    expect(revoked.revokedAt).toBe(key.createdAt + 10);
    await clock.advance(10);
    expect((await storage.apiKeys.revoke(tenantA, key.id)).revokedAt).toBe(key.createdAt + 10);
    expect((await storage.apiKeys.findByPrefix('sbk_revoke'))?.revokedAt).toBe(key.createdAt + 10);
  });

  it('records use at most once per interval', async () => {
    const key = await storage.apiKeys.create(tenantA, { userId: alice, name: 'k', prefix: 'sbk_touch', secretHash: 'h' });
    const lastUsed = async () => (await storage.apiKeys.findByPrefix('sbk_touch'))?.lastUsedAt;
    await storage.apiKeys.touchLastUsed(key.id);
    expect(await lastUsed()).toBe(key.createdAt);
    await clock.advance(30_000);
    await storage.apiKeys.touchLastUsed(key.id);
    expect(await lastUsed()).toBe(key.createdAt);
    await clock.advance(30_000);
    await storage.apiKeys.touchLastUsed(key.id);
    expect(await lastUsed()).toBe(key.createdAt + 60_000);
    await clock.advance(1);
    await storage.apiKeys.touchLastUsed(key.id, 0);
    expect(await lastUsed()).toBe(key.createdAt + 60_001);
  });

  it('rejects a malformed prefix or missing secret hash', async () => {
    await expect(storage.apiKeys.create(tenantA, { userId: alice, name: 'k', prefix: 'a b', secretHash: 'h' })).rejects.toBeInstanceOf(ValidationError);
    await expect(storage.apiKeys.create(tenantA, { userId: alice, name: 'k', prefix: 'sbk_ok', secretHash: '' })).rejects.toBeInstanceOf(ValidationError);
  });
});
