import { describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError, ValidationError } from '../errors/errors.js';
import { sipHa1 } from '../storage/repositories/sip-accounts.js';
import { storageTargets, useStorage } from '../storage/test-support.js';
import { AgentDirectory } from './agent-directory.js';

const hashPassword = async (password: string) => `hashed:${password}`;

describe.each(storageTargets())('AgentDirectory on $name', (target) => {
  const db = useStorage(target, { tenants: ['a', 'b'] });
  const domain = (tenantId: string) => (tenantId === db.tenants.a ? 'a.example.com' : 'b.example.com');
  const directory = (options: { withHasher?: boolean } = {}) =>
    new AgentDirectory({ storage: db.storage, sipDomain: domain, ...(options.withHasher === false ? {} : { hashPassword }) });
  const sipOf = async (tenantId: string, number: string) => db.storage.sipAccounts.findForDirectory(domain(tenantId), number);

  it('creates the agent with its SIP account and web login; the PIN is hashed', async () => {
    const agent = await directory().create(db.tenants.a, { number: '1001', firstName: 'Ada', lastName: 'Lovelace', sipPassword: 'sip-secret-1', webPassword: 'web-secret-1', phonePin: '4711', role: 'supervisor' });
    expect(agent).toMatchObject({ number: '1001', firstName: 'Ada', role: 'supervisor', enabled: true, userId: expect.any(String) });
    expect(agent.phonePinHash).toMatch(/^scrypt\$/);
    expect(await sipOf(db.tenants.a, '1001')).toMatchObject({ tenantId: db.tenants.a, displayName: 'Ada Lovelace', enabled: true, ha1: sipHa1('1001', 'a.example.com', 'sip-secret-1') });
    expect(await db.storage.users.getById(db.tenants.a, agent.userId ?? '')).toMatchObject({ username: '1001', displayName: 'Ada Lovelace', passwordHash: 'hashed:web-secret-1', role: 'supervisor', status: 'active' });
    expect(await directory().get(db.tenants.a, '1001')).toEqual(agent);
    expect(await directory().verifyPhonePin(db.tenants.a, '1001', '4711')).toBe(true);
    expect(await directory().verifyPhonePin(db.tenants.a, '1001', '4712')).toBe(false);
  });

  it('without a web password makes no web login; the SIP name falls back to the number', async () => {
    const agent = await directory().create(db.tenants.a, { number: '1002', sipPassword: 'sip-secret-1', enabled: false });
    expect(agent.userId).toBeNull();
    expect(await sipOf(db.tenants.a, '1002')).toMatchObject({ displayName: '1002', enabled: false });
    expect(await db.storage.users.list(db.tenants.a)).toEqual([]);
    expect(await directory().verifyPhonePin(db.tenants.a, '1002', '4711')).toBe(false);
  });

  it('refuses a web password without a password hasher, and invalid input, naming the fields', async () => {
    const noHasher = await directory({ withHasher: false }).create(db.tenants.a, { number: '1001', sipPassword: 'sip-secret-1', webPassword: 'web-secret-1' }).catch((e: unknown) => e);
    expect((noHasher as ValidationError).issues.map((i) => i.path)).toEqual(['webPassword']);
    const invalid = await directory().create(db.tenants.a, { number: '1', sipPassword: 'short', phonePin: '12' }).catch((e: unknown) => e);
    expect(invalid).toBeInstanceOf(ValidationError);
    expect((invalid as ValidationError).issues.map((i) => i.path).sort()).toEqual(['number', 'phonePin', 'sipPassword']);
    expect(await db.storage.sipAccounts.list(db.tenants.a)).toEqual([]);
  });

  it('refuses a taken number as a conflict on `number`, even when only a SIP user or login of that name exists', async () => {
    await directory().create(db.tenants.a, { number: '1001', sipPassword: 'sip-secret-1' });
    const taken = await directory().create(db.tenants.a, { number: '1001', sipPassword: 'sip-secret-2' }).catch((e: unknown) => e);
    expect(taken).toBeInstanceOf(ConflictError);
    expect((taken as ConflictError).details).toMatchObject({ field: 'number' });

    await db.storage.sipAccounts.create(db.tenants.a, { username: '1003', domain: 'a.example.com', password: 'sip-secret-1' });
    await db.storage.users.create(db.tenants.a, { username: '1004', passwordHash: 'h', role: 'admin' });
    for (const number of ['1003', '1004']) {
      const error = await directory().create(db.tenants.a, { number, sipPassword: 'sip-secret-9', webPassword: 'web-secret-9' }).catch((e: unknown) => e);
      expect((error as ConflictError).details).toMatchObject({ field: 'number' });
    }
    // Nothing half-made: no agent, and no SIP account for 1004.
    expect((await directory().list(db.tenants.a)).map((a) => a.number)).toEqual(['1001']);
    expect(await sipOf(db.tenants.a, '1004')).toBeUndefined();
    // Tenant B has its own numbers.
    await expect(directory().create(db.tenants.b, { number: '1001', sipPassword: 'sip-secret-1' })).resolves.toMatchObject({ tenantId: db.tenants.b });
  });

  it('updates the agent and lets the SIP account and web login follow; fields left out stay', async () => {
    const agent = await directory().create(db.tenants.a, { number: '1001', firstName: 'Ada', department: 'Sales', sipPassword: 'sip-secret-1', phonePin: '4711', displayNumbers: ['+15550001111'] });
    const oldHa1 = (await sipOf(db.tenants.a, '1001'))?.ha1;
    const updated = await directory().update(db.tenants.a, '1001', { lastName: 'King', sipPassword: 'sip-secret-2', webPassword: 'web-secret-2', role: 'lead', enabled: false });
    expect(updated).toMatchObject({ firstName: 'Ada', lastName: 'King', department: 'Sales', displayNumbers: ['+15550001111'], role: 'lead', enabled: false, phonePinHash: agent.phonePinHash });
    const sip = await sipOf(db.tenants.a, '1001');
    expect(sip).toMatchObject({ ha1: sipHa1('1001', 'a.example.com', 'sip-secret-2'), enabled: false, displayName: 'Ada King' });
    expect(sip?.ha1).not.toBe(oldHa1);
    // No web login before: the web password made one, following the agent.
    expect(await db.storage.users.getById(db.tenants.a, updated.userId ?? '')).toMatchObject({ username: '1001', passwordHash: 'hashed:web-secret-2', role: 'lead', status: 'disabled' });
    // A disabled agent cannot check in, whatever the PIN.
    expect(await directory().verifyPhonePin(db.tenants.a, '1001', '4711')).toBe(false);

    const again = await directory().update(db.tenants.a, '1001', { enabled: true, webPassword: 'web-secret-3', phonePin: null });
    expect(again.phonePinHash).toBeNull();
    expect(await db.storage.users.getById(db.tenants.a, again.userId ?? '')).toMatchObject({ passwordHash: 'hashed:web-secret-3', status: 'active', role: 'lead' });
    expect((await sipOf(db.tenants.a, '1001'))?.enabled).toBe(true);
    await expect(directory().update(db.tenants.b, '1001', { firstName: 'X' })).rejects.toBeInstanceOf(NotFoundError);
  });

  it('batch adds numbers keeping the digit width, skipping and reporting those that exist', async () => {
    await directory().create(db.tenants.a, { number: '0101', sipPassword: 'sip-secret-1' });
    await directory().create(db.tenants.b, { number: '0102', sipPassword: 'sip-secret-1' });
    const result = await directory().batchAdd(db.tenants.a, { firstNumber: '0099', count: 4, sipPassword: 'batch-secret', webPassword: 'web-secret-1', phonePin: '1234', department: 'Night' });
    expect(result.skipped).toEqual(['0101']);
    expect(result.created.map((a) => [a.number, a.department])).toEqual([['0099', 'Night'], ['0100', 'Night'], ['0102', 'Night']]);
    for (const agent of result.created) {
      expect((await sipOf(db.tenants.a, agent.number))?.ha1).toBe(sipHa1(agent.number, 'a.example.com', 'batch-secret'));
      expect((await db.storage.users.getById(db.tenants.a, agent.userId ?? '')).username).toBe(agent.number);
    }
    expect(await directory().verifyPhonePin(db.tenants.a, '0102', '1234')).toBe(true);
    expect((await directory().list(db.tenants.a)).map((a) => a.number)).toEqual(['0099', '0100', '0101', '0102']);
    await expect(directory().batchAdd(db.tenants.a, { firstNumber: '9999999999999999', count: 2, sipPassword: 'batch-secret' })).rejects.toBeInstanceOf(ValidationError);
  });

  it('batch adds a few hundred agents in one go', async () => {
    const { created, skipped } = await directory().batchAdd(db.tenants.a, { firstNumber: '5000', count: 300, sipPassword: 'batch-secret' });
    expect(created).toHaveLength(300);
    expect(skipped).toEqual([]);
    expect(created.at(-1)?.number).toBe('5299');
    expect(await db.storage.agents.count(db.tenants.a)).toBe(300);
  });

  it('batch edits every agent named, or none when one is unknown', async () => {
    await directory().batchAdd(db.tenants.a, { firstNumber: '2001', count: 3, sipPassword: 'batch-secret', webPassword: 'web-secret-1' });
    await directory().create(db.tenants.b, { number: '2004', sipPassword: 'sip-secret-1' });
    const missing = await directory().batchEdit(db.tenants.a, ['2001', '2004', '2009'], { department: 'X' }).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(NotFoundError);
    expect((missing as NotFoundError).message).toBe('Agents 2004, 2009 not found');
    expect((await directory().get(db.tenants.a, '2001')).department).toBeNull();

    const edited = await directory().batchEdit(db.tenants.a, ['2003', '2001'], { department: 'Support', clickToCallOnly: true, sipPassword: 'new-secret-1', enabled: false, phonePin: '9999' });
    expect(edited.map((a) => [a.number, a.department, a.clickToCallOnly, a.enabled])).toEqual([['2001', 'Support', true, false], ['2003', 'Support', true, false]]);
    expect((await sipOf(db.tenants.a, '2001'))).toMatchObject({ ha1: sipHa1('2001', 'a.example.com', 'new-secret-1'), enabled: false });
    expect((await sipOf(db.tenants.a, '2002'))?.ha1).toBe(sipHa1('2002', 'a.example.com', 'batch-secret'));
    expect((await db.storage.users.findByUsername(db.tenants.a, '2003'))?.status).toBe('disabled');
    expect((await db.storage.users.findByUsername(db.tenants.a, '2002'))?.status).toBe('active');
    expect((await directory().get(db.tenants.a, '2002')).department).toBeNull();
  });

  it('undoes a whole batch edit when one agent fails half-way', async () => {
    await directory().batchAdd(db.tenants.a, { firstNumber: '3001', count: 2, sipPassword: 'batch-secret' });
    // A login named like 3002 already exists: giving 3002 a web login must fail, and take 3001's changes with it.
    await db.storage.users.create(db.tenants.a, { username: '3002', passwordHash: 'h', role: 'admin' });
    const error = await directory().batchEdit(db.tenants.a, ['3001', '3002'], { department: 'Support', webPassword: 'web-secret-1', sipPassword: 'new-secret-1' }).catch((e: unknown) => e);
    expect((error as ConflictError).details).toMatchObject({ field: 'number', number: '3002' });
    expect(await directory().get(db.tenants.a, '3001')).toMatchObject({ department: null, userId: null });
    expect((await sipOf(db.tenants.a, '3001'))?.ha1).toBe(sipHa1('3001', 'a.example.com', 'batch-secret'));
    expect(await db.storage.users.findByUsername(db.tenants.a, '3001')).toBeUndefined();
  });

  it('deletes the agent with its memberships, SIP account and web login', async () => {
    await directory().create(db.tenants.a, { number: '1001', sipPassword: 'sip-secret-1', webPassword: 'web-secret-1' });
    await directory().create(db.tenants.a, { number: '1002', sipPassword: 'sip-secret-1' });
    const group = await db.storage.agentGroups.create(db.tenants.a, { name: 'Sales', number: '10', members: [{ agentNumber: '1001' }, { agentNumber: '1002' }], leaders: ['1001'] });
    await expect(directory().delete(db.tenants.b, '1001')).rejects.toBeInstanceOf(NotFoundError);
    await directory().delete(db.tenants.a, '1001');
    await expect(directory().get(db.tenants.a, '1001')).rejects.toBeInstanceOf(NotFoundError);
    expect(await sipOf(db.tenants.a, '1001')).toBeUndefined();
    expect(await db.storage.users.findByUsername(db.tenants.a, '1001')).toBeUndefined();
    const after = await db.storage.agentGroups.getById(db.tenants.a, group.id);
    expect(after.members.map((m) => m.agentNumber)).toEqual(['1002']);
    expect(after.leaders).toEqual([]);
    // The number is free again.
    await expect(directory().create(db.tenants.a, { number: '1001', sipPassword: 'sip-secret-1', webPassword: 'web-secret-1' })).resolves.toMatchObject({ number: '1001' });
  });

  it('finds the SIP account after the tenant moved to another SIP domain', async () => {
    await directory().create(db.tenants.a, { number: '1001', sipPassword: 'sip-secret-1' });
    const moved = new AgentDirectory({ storage: db.storage, sipDomain: () => 'new.example.com' });
    await moved.update(db.tenants.a, '1001', { enabled: false });
    expect((await sipOf(db.tenants.a, '1001'))?.enabled).toBe(false);
    await moved.delete(db.tenants.a, '1001');
    expect(await db.storage.sipAccounts.list(db.tenants.a)).toEqual([]);
  });
});
