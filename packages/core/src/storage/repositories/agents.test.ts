import { describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError, ValidationError } from '../../errors/errors.js';
import { storageTargets, useStorage } from '../test-support.js';
import { agentRecord } from './agent-fixtures.js';

describe.each(storageTargets())('AgentRepository on $name', (target) => {
  const db = useStorage(target, { tenants: ['a', 'b'] });

  it('stores every field, booleans and display numbers included, and reads it back by number', async () => {
    const agent = await db.storage.agents.create(
      db.tenants.a,
      agentRecord('1001', { firstName: 'Ada', lastName: 'Lovelace', department: 'Sales', displayNumbers: ['+15551230001', '5551230002'], clickToCallOnly: true, workWithBrowser: true, phoneMac: '00:11:22:33:44:55', phonePinHash: 'scrypt$x' }),
    );
    expect(agent).toMatchObject({ tenantId: db.tenants.a, number: '1001', clickToCallOnly: true, enabled: true, displayNumbers: ['+15551230001', '5551230002'], createdAt: db.clock.now() });
    expect(await db.storage.agents.getByNumber(db.tenants.a, '1001')).toEqual(agent);
    expect(await db.storage.agents.getById(db.tenants.a, agent.id)).toEqual(agent);
  });

  it('keeps numbers unique per tenant, naming the field, and hides one tenant from the other', async () => {
    const a = await db.storage.agents.create(db.tenants.a, agentRecord('1001'));
    const error = await db.storage.agents.create(db.tenants.a, agentRecord('1001')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as ConflictError).details).toMatchObject({ field: 'number' });
    await db.storage.agents.create(db.tenants.b, agentRecord('1001'));

    expect(await db.storage.agents.findByNumber(db.tenants.b, '1001')).not.toEqual(a);
    await expect(db.storage.agents.getById(db.tenants.b, a.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(db.storage.agents.update(db.tenants.b, a.id, { firstName: 'x' })).rejects.toBeInstanceOf(NotFoundError);
    await expect(db.storage.agents.delete(db.tenants.b, a.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(db.storage.agents.updateMany(db.tenants.b, [a.id], { enabled: false })).rejects.toBeInstanceOf(NotFoundError);
    expect((await db.storage.agents.list(db.tenants.a)).map((x) => x.id)).toEqual([a.id]);
    await expect(db.storage.agents.getByNumber(db.tenants.a, '9999')).rejects.toThrow('Agent 9999 not found');
  });

  it('lists by number with a number-prefix search, limit and offset; counts the same search', async () => {
    for (const n of ['2001', '1002', '1001', '1100']) await db.storage.agents.create(db.tenants.a, agentRecord(n));
    await db.storage.agents.create(db.tenants.b, agentRecord('1003'));
    expect((await db.storage.agents.list(db.tenants.a)).map((x) => x.number)).toEqual(['1001', '1002', '1100', '2001']);
    expect((await db.storage.agents.list(db.tenants.a, { search: '10' })).map((x) => x.number)).toEqual(['1001', '1002']);
    expect((await db.storage.agents.list(db.tenants.a, { limit: 2, offset: 1 })).map((x) => x.number)).toEqual(['1002', '1100']);
    // A LIKE wildcard typed in the search box is a literal character.
    expect(await db.storage.agents.list(db.tenants.a, { search: '1%' })).toEqual([]);
    expect(await db.storage.agents.count(db.tenants.a, { search: '1' })).toBe(3);
    await expect(db.storage.agents.list(db.tenants.a, { limit: 0 })).rejects.toBeInstanceOf(ValidationError);
  });

  it('creates many at once, skipping numbers that exist (in the table or earlier in the input)', async () => {
    await db.storage.agents.create(db.tenants.a, agentRecord('0101'));
    await db.storage.agents.create(db.tenants.b, agentRecord('0102'));
    const { created, skipped } = await db.storage.agents.createMany(db.tenants.a, ['0100', '0101', '0102', '0102'].map((n) => agentRecord(n)));
    expect(created.map((x) => x.number)).toEqual(['0100', '0102']);
    expect(skipped).toEqual(['0101', '0102']);
    expect((await db.storage.agents.list(db.tenants.a)).map((x) => x.number)).toEqual(['0100', '0101', '0102']);
    expect(await db.storage.agents.getByNumber(db.tenants.a, '0100')).toEqual(created[0]);
  });

  it('creates a thousand agents in batched statements', async () => {
    const records = Array.from({ length: 1000 }, (_, i) => agentRecord(String(10_000 + i), { displayNumbers: ['+15550000000'] }));
    const { created } = await db.storage.agents.createMany(db.tenants.a, records);
    expect(created).toHaveLength(1000);
    expect(await db.storage.agents.count(db.tenants.a)).toBe(1000);
    expect((await db.storage.agents.listByNumbers(db.tenants.a, records.map((r) => r.number))).length).toBe(1000);
  });

  it('updates one agent or many in one statement, never the number; records logins', async () => {
    const a = await db.storage.agents.create(db.tenants.a, agentRecord('1001'));
    const b = await db.storage.agents.create(db.tenants.a, agentRecord('1002'));
    await db.clock.advance(1000);
    const changed = await db.storage.agents.update(db.tenants.a, a.id, { firstName: 'Ada', number: '9999' } as never);
    expect(changed).toMatchObject({ number: '1001', firstName: 'Ada', updatedAt: a.createdAt + 1000 });
    const many = await db.storage.agents.updateMany(db.tenants.a, [b.id, a.id], { department: 'Support', displayNumbers: ['+15551112222'] });
    expect(many.map((x) => [x.number, x.department, x.displayNumbers])).toEqual([
      ['1001', 'Support', ['+15551112222']],
      ['1002', 'Support', ['+15551112222']],
    ]);
    expect((await db.storage.agents.recordLogin(db.tenants.a, a.id)).lastLoginAt).toBe(db.clock.now());
  });

  it('changes nothing in a batch update when one agent is missing', async () => {
    const a = await db.storage.agents.create(db.tenants.a, agentRecord('1001'));
    await expect(db.storage.agents.updateMany(db.tenants.a, [a.id, 'no-such-id'], { enabled: false })).rejects.toThrow('Agents no-such-id not found');
    expect((await db.storage.agents.getById(db.tenants.a, a.id)).enabled).toBe(true);
  });

  it('forgets the web login when its user is deleted, but keeps the agent', async () => {
    const user = await db.storage.users.create(db.tenants.a, { username: '1001', passwordHash: 'h', role: 'agent' });
    const agent = await db.storage.agents.create(db.tenants.a, agentRecord('1001', { userId: user.id }));
    await db.storage.users.delete(db.tenants.a, user.id);
    expect((await db.storage.agents.getById(db.tenants.a, agent.id)).userId).toBeNull();
  });
});
