import { describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError, ValidationError } from '../../errors/errors.js';
import { storageTargets, useStorage } from '../test-support.js';
import type { NewUser } from './users.js';

const user = (username: string, extra: Partial<NewUser> = {}): NewUser => ({ username, passwordHash: `hash-of-${username}`, role: 'agent', ...extra });

describe.each(storageTargets())('UserRepository on $name', (target) => {
  const db = useStorage(target, { tenants: ['a', 'b'] });

  it('creates tenant and platform users with defaults; usernames are stored lower-case', async () => {
    const alice = await db.storage.users.create(db.tenants.a, user('Alice'));
    expect(alice).toEqual({
      id: expect.any(String),
      tenantId: db.tenants.a,
      username: 'alice',
      displayName: 'Alice',
      passwordHash: 'hash-of-Alice',
      role: 'agent',
      status: 'active',
      lastLoginAt: null,
      createdAt: db.clock.now(),
      updatedAt: db.clock.now(),
    });
    const root = await db.storage.users.create(null, user('root', { role: 'platform_admin', displayName: 'Operator' }));
    expect(root.tenantId).toBeNull();
    expect(await db.storage.users.getById(null, root.id)).toEqual(root);
  });

  it('refuses a duplicate username in one tenant, case-insensitively, but allows it in another', async () => {
    await db.storage.users.create(db.tenants.a, user('alice'));
    await expect(db.storage.users.create(db.tenants.a, user('ALICE'))).rejects.toThrow(ConflictError);
    await expect(db.storage.users.create(db.tenants.a, user('alice'))).rejects.toThrow('Username "alice" is already taken in this tenant');
    await expect(db.storage.users.create(db.tenants.b, user('alice'))).resolves.toMatchObject({ tenantId: db.tenants.b });
  });

  it('keeps platform usernames unique among platform users, apart from tenant users', async () => {
    await db.storage.users.create(null, user('root'));
    await expect(db.storage.users.create(null, user('root'))).rejects.toThrow('Username "root" is already taken among platform users');
    await expect(db.storage.users.create(db.tenants.a, user('root'))).resolves.toMatchObject({ tenantId: db.tenants.a, username: 'root' });
  });

  it('finds by username only within the scope', async () => {
    const alice = await db.storage.users.create(db.tenants.a, user('alice'));
    expect(await db.storage.users.findByUsername(db.tenants.a, ' Alice ')).toEqual(alice);
    expect(await db.storage.users.findByUsername(db.tenants.b, 'alice')).toBeUndefined();
    expect(await db.storage.users.findByUsername(null, 'alice')).toBeUndefined();
  });

  it("does not let tenant B read, change or delete tenant A's user", async () => {
    const alice = await db.storage.users.create(db.tenants.a, user('alice'));
    await expect(db.storage.users.getById(db.tenants.b, alice.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(db.storage.users.getById(null, alice.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(db.storage.users.setPassword(db.tenants.b, alice.id, 'evil')).rejects.toBeInstanceOf(NotFoundError);
    await expect(db.storage.users.update(db.tenants.b, alice.id, { role: 'admin' })).rejects.toBeInstanceOf(NotFoundError);
    await expect(db.storage.users.recordLogin(db.tenants.b, alice.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(db.storage.users.delete(db.tenants.b, alice.id)).rejects.toBeInstanceOf(NotFoundError);
    expect(await db.storage.users.getById(db.tenants.a, alice.id)).toEqual(alice);
  });

  it('sets the password hash, records logins and updates profile fields', async () => {
    const alice = await db.storage.users.create(db.tenants.a, user('alice'));
    await db.clock.advance(60_000);
    await db.storage.users.setPassword(db.tenants.a, alice.id, 'new-hash');
    await db.storage.users.recordLogin(db.tenants.a, alice.id);
    const updated = await db.storage.users.update(db.tenants.a, alice.id, { displayName: 'Alice A.', role: 'supervisor', status: 'disabled' });
    expect(updated).toEqual({
      ...alice,
      passwordHash: 'new-hash',
      lastLoginAt: alice.createdAt + 60_000,
      displayName: 'Alice A.',
      role: 'supervisor',
      status: 'disabled',
      updatedAt: alice.createdAt + 60_000,
    });
    await expect(db.storage.users.setPassword(db.tenants.a, alice.id, '')).rejects.toBeInstanceOf(ValidationError);
  });

  it('lists one scope by username and counts every user', async () => {
    await db.storage.users.create(db.tenants.a, user('zoe'));
    await db.storage.users.create(db.tenants.a, user('adam'));
    await db.storage.users.create(db.tenants.b, user('bob'));
    await db.storage.users.create(null, user('root'));
    expect((await db.storage.users.list(db.tenants.a)).map((u) => u.username)).toEqual(['adam', 'zoe']);
    expect((await db.storage.users.list(null)).map((u) => u.username)).toEqual(['root']);
    expect(await db.storage.users.countAll()).toBe(4);
  });

  it('reports an unknown tenant as NotFoundError and bad input as ValidationError', async () => {
    await expect(db.storage.users.create('no-such-tenant', user('x'))).rejects.toThrow(NotFoundError);
    await expect(db.storage.users.create('no-such-tenant', user('x'))).rejects.toThrow('Tenant no-such-tenant not found');
    await expect(db.storage.users.create(db.tenants.a, user('has space'))).rejects.toBeInstanceOf(ValidationError);
    await expect(db.storage.users.create(db.tenants.a, user('x', { passwordHash: '' }))).rejects.toBeInstanceOf(ValidationError);
    await expect(db.storage.users.create(db.tenants.a, user('x', { role: ' ' }))).rejects.toBeInstanceOf(ValidationError);
    expect(await db.storage.users.countAll()).toBe(0);
  });

  it('deletes a user together with their API keys', async () => {
    const alice = await db.storage.users.create(db.tenants.a, user('alice'));
    await db.storage.apiKeys.create(db.tenants.a, { userId: alice.id, name: 'ci', prefix: 'sbk_alice', secretHash: 'h' });
    await db.storage.users.delete(db.tenants.a, alice.id);
    expect(await db.storage.users.findByUsername(db.tenants.a, 'alice')).toBeUndefined();
    expect(await db.storage.apiKeys.findByPrefix('sbk_alice')).toBeUndefined();
  });
});
