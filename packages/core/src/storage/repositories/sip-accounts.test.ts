import { describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError, ValidationError } from '../../errors/errors.js';
import { storageTargets, useStorage } from '../test-support.js';
import { sipHa1 } from './sip-accounts.js';

describe.each(storageTargets())('SipAccountRepository on $name', (target) => {
  const db = useStorage(target, { tenants: ['a', 'b'] });

  it('stores the digest secret, never the password, and finds the account by domain and user', async () => {
    const account = await db.storage.sipAccounts.create(db.tenants.a, { username: '1001', domain: 'A.Example.com', password: 'secret-pass-1', displayName: 'Alice' });
    expect(account).toMatchObject({ username: '1001', domain: 'a.example.com', displayName: 'Alice', enabled: true, ha1: sipHa1('1001', 'a.example.com', 'secret-pass-1') });
    expect(JSON.stringify(account)).not.toContain('secret-pass-1');
    // RFC 2617's example shape: 32 lowercase hex digits.
    expect(account.ha1).toMatch(/^[0-9a-f]{32}$/);
    expect(await db.storage.sipAccounts.findForDirectory('a.example.com', '1001')).toEqual(account);
    expect(await db.storage.sipAccounts.findForDirectory('b.example.com', '1001')).toBeUndefined();
  });

  it('keeps each domain\'s user names unique, and tenants apart', async () => {
    await db.storage.sipAccounts.create(db.tenants.a, { username: '1001', domain: 'a.example.com', password: 'secret-pass-1' });
    await expect(db.storage.sipAccounts.create(db.tenants.b, { username: '1001', domain: 'a.example.com', password: 'secret-pass-2' })).rejects.toBeInstanceOf(ConflictError);
    const other = await db.storage.sipAccounts.create(db.tenants.b, { username: '1001', domain: 'b.example.com', password: 'secret-pass-2' });
    expect((await db.storage.sipAccounts.list(db.tenants.a)).map((a) => a.domain)).toEqual(['a.example.com']);
    await expect(db.storage.sipAccounts.update(db.tenants.a, other.id, { enabled: false })).rejects.toBeInstanceOf(NotFoundError);
  });

  it('changes the password and the enabled flag; lists only enabled accounts for the media servers', async () => {
    const account = await db.storage.sipAccounts.create(db.tenants.a, { username: '1002', domain: 'a.example.com', password: 'secret-pass-1' });
    const changed = await db.storage.sipAccounts.update(db.tenants.a, account.id, { password: 'another-pass-2' });
    expect(changed.ha1).toBe(sipHa1('1002', 'a.example.com', 'another-pass-2'));
    await db.storage.sipAccounts.create(db.tenants.a, { username: '1003', domain: 'a.example.com', password: 'secret-pass-3' });
    await db.storage.sipAccounts.update(db.tenants.a, account.id, { enabled: false });
    expect((await db.storage.sipAccounts.listEnabled()).map((a) => a.username)).toEqual(['1003']);
  });

  it('refuses weak passwords and bad names with the field named', async () => {
    const bad = async (input: { username: string; domain: string; password: string }) => {
      const error = await db.storage.sipAccounts.create(db.tenants.a, input).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ValidationError);
      return (error as ValidationError).issues.map((i) => i.path);
    };
    expect(await bad({ username: '1001', domain: 'a.example.com', password: 'short' })).toEqual(['password']);
    expect(await bad({ username: '10 01', domain: 'a.example.com', password: 'secret-pass-1' })).toEqual(['username']);
    expect(await bad({ username: '1001', domain: 'not a host', password: 'secret-pass-1' })).toEqual(['domain']);
  });
});
