import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../clock/virtual-clock.js';
import { ConflictError, NotFoundError, ValidationError } from '../../errors/errors.js';
import type { Storage } from '../storage.js';
import { storageTargets } from '../test-support.js';
import type { NewUser } from './users.js';

const user = (username: string, extra: Partial<NewUser> = {}): NewUser => ({ username, passwordHash: `hash-of-${username}`, role: 'agent', ...extra });

describe.each(storageTargets())('UserRepository on $name', (target) => {
  let storage: Storage;
  let clock: VirtualClock;
  let tenantA: string;
  let tenantB: string;
  beforeEach(async () => {
    clock = new VirtualClock();
    storage = await target.create({ clock });
    tenantA = (await storage.tenants.create({ slug: 'a', name: 'A' })).id;
    tenantB = (await storage.tenants.create({ slug: 'b', name: 'B' })).id;
  });
  afterEach(async () => {
    await storage.close();
  });

  it('creates tenant and platform users with defaults; usernames are stored lower-case', async () => {
    const alice = await storage.users.create(tenantA, user('Alice'));
    expect(alice).toEqual({
      id: expect.any(String),
      tenantId: tenantA,
      username: 'alice',
      displayName: 'Alice',
      passwordHash: 'hash-of-Alice',
      role: 'agent',
      status: 'active',
      lastLoginAt: null,
      createdAt: clock.now(),
      updatedAt: clock.now(),
    });
    const root = await storage.users.create(null, user('root', { role: 'platform_admin', displayName: 'Operator' }));
    expect(root.tenantId).toBeNull();
    expect(await storage.users.getById(null, root.id)).toEqual(root);
  });

  it('refuses a duplicate username in one tenant, case-insensitively, but allows it in another', async () => {
    await storage.users.create(tenantA, user('alice'));
    await expect(storage.users.create(tenantA, user('ALICE'))).rejects.toThrow(ConflictError);
    await expect(storage.users.create(tenantA, user('alice'))).rejects.toThrow('Username "alice" is already taken in this tenant');
    await expect(storage.users.create(tenantB, user('alice'))).resolves.toMatchObject({ tenantId: tenantB });
  });

  it('keeps platform usernames unique among platform users, apart from tenant users', async () => {
    await storage.users.create(null, user('root'));
    await expect(storage.users.create(null, user('root'))).rejects.toThrow('Username "root" is already taken among platform users');
    await expect(storage.users.create(tenantA, user('root'))).resolves.toMatchObject({ tenantId: tenantA, username: 'root' });
  });

  it('finds by username only within the scope', async () => {
    const alice = await storage.users.create(tenantA, user('alice'));
    expect(await storage.users.findByUsername(tenantA, ' Alice ')).toEqual(alice);
    expect(await storage.users.findByUsername(tenantB, 'alice')).toBeUndefined();
    expect(await storage.users.findByUsername(null, 'alice')).toBeUndefined();
  });

  it("does not let tenant B read, change or delete tenant A's user", async () => {
    const alice = await storage.users.create(tenantA, user('alice'));
    await expect(storage.users.getById(tenantB, alice.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(storage.users.getById(null, alice.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(storage.users.setPassword(tenantB, alice.id, 'evil')).rejects.toBeInstanceOf(NotFoundError);
    await expect(storage.users.update(tenantB, alice.id, { role: 'admin' })).rejects.toBeInstanceOf(NotFoundError);
    await expect(storage.users.recordLogin(tenantB, alice.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(storage.users.delete(tenantB, alice.id)).rejects.toBeInstanceOf(NotFoundError);
    expect(await storage.users.getById(tenantA, alice.id)).toEqual(alice);
  });

  it('sets the password hash, records logins and updates profile fields', async () => {
    const alice = await storage.users.create(tenantA, user('alice'));
    await clock.advance(60_000);
    await storage.users.setPassword(tenantA, alice.id, 'new-hash');
    await storage.users.recordLogin(tenantA, alice.id);
    const updated = await storage.users.update(tenantA, alice.id, { displayName: 'Alice A.', role: 'supervisor', status: 'disabled' });
    expect(updated).toEqual({
      ...alice,
      passwordHash: 'new-hash',
      lastLoginAt: alice.createdAt + 60_000,
      displayName: 'Alice A.',
      role: 'supervisor',
      status: 'disabled',
      updatedAt: alice.createdAt + 60_000,
    });
    await expect(storage.users.setPassword(tenantA, alice.id, '')).rejects.toBeInstanceOf(ValidationError);
  });

  it('lists one scope by username and counts every user', async () => {
    await storage.users.create(tenantA, user('zoe'));
    await storage.users.create(tenantA, user('adam'));
    await storage.users.create(tenantB, user('bob'));
    await storage.users.create(null, user('root'));
    expect((await storage.users.list(tenantA)).map((u) => u.username)).toEqual(['adam', 'zoe']);
    expect((await storage.users.list(null)).map((u) => u.username)).toEqual(['root']);
    expect(await storage.users.countAll()).toBe(4);
  });

  it('reports an unknown tenant as NotFoundError and bad input as ValidationError', async () => {
    await expect(storage.users.create('no-such-tenant', user('x'))).rejects.toThrow(NotFoundError);
    await expect(storage.users.create('no-such-tenant', user('x'))).rejects.toThrow('Tenant no-such-tenant not found');
    await expect(storage.users.create(tenantA, user('has space'))).rejects.toBeInstanceOf(ValidationError);
    await expect(storage.users.create(tenantA, user('x', { passwordHash: '' }))).rejects.toBeInstanceOf(ValidationError);
    await expect(storage.users.create(tenantA, user('x', { role: ' ' }))).rejects.toBeInstanceOf(ValidationError);
    expect(await storage.users.countAll()).toBe(0);
  });

  it('deletes a user together with their API keys', async () => {
    const alice = await storage.users.create(tenantA, user('alice'));
    await storage.apiKeys.create(tenantA, { userId: alice.id, name: 'ci', prefix: 'sbk_alice', secretHash: 'h' });
    await storage.users.delete(tenantA, alice.id);
    expect(await storage.users.findByUsername(tenantA, 'alice')).toBeUndefined();
    expect(await storage.apiKeys.findByPrefix('sbk_alice')).toBeUndefined();
  });
});
