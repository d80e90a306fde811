import { describe, expect, it } from 'vitest';
import { ConflictError } from '../errors/errors.js';
import { agentRecord } from './repositories/agent-fixtures.js';
import { storageTargets, useStorage } from './test-support.js';

describe.each(storageTargets())('Storage.transaction on $name', (target) => {
  const db = useStorage(target, { tenants: ['a'] });

  it('commits what every repository wrote when the function resolves, and returns its result', async () => {
    const result = await db.storage.transaction(async (tx) => {
      const agent = await tx.agents.create(db.tenants.a, agentRecord('1001'));
      await tx.agentGroups.create(db.tenants.a, { name: 'Sales', number: '10', members: [{ agentNumber: '1001' }] });
      await tx.pauseReasons.create(db.tenants.a, { name: 'Lunch' });
      await tx.sipAccounts.create(db.tenants.a, { username: '1001', domain: 'a.example.com', password: 'secret-pass-1' });
      return agent.number;
    });
    expect(result).toBe('1001');
    expect((await db.storage.agentGroups.getByNumber(db.tenants.a, '10')).members.map((m) => m.agentNumber)).toEqual(['1001']);
    expect(await db.storage.pauseReasons.findByName(db.tenants.a, 'Lunch')).toBeDefined();
    expect(await db.storage.sipAccounts.list(db.tenants.a)).toHaveLength(1);
  });

  it('rolls everything back and rethrows when the function rejects', async () => {
    const failure = new Error('stop here');
    await expect(
      db.storage.transaction(async (tx) => {
        await tx.agents.create(db.tenants.a, agentRecord('1001'));
        await tx.sipAccounts.create(db.tenants.a, { username: '1001', domain: 'a.example.com', password: 'secret-pass-1' });
        // Its own transaction inside ours becomes a savepoint: undone with the rest.
        await tx.agentEvents.insertMany(db.tenants.a, [{ at: 1, agentNumber: '1001', groupNumber: null, event: 'idle', initiator: 'system', cause: null }]);
        // Reads inside see the writes made inside.
        expect(await tx.agents.findByNumber(db.tenants.a, '1001')).toBeDefined();
        throw failure;
      }),
    ).rejects.toBe(failure);
    expect(await db.storage.agents.list(db.tenants.a)).toEqual([]);
    expect(await db.storage.sipAccounts.list(db.tenants.a)).toEqual([]);
    expect((await db.storage.agentEvents.query(db.tenants.a)).items).toEqual([]);
  });

  it('rolls back when a statement fails, passing the storage error on', async () => {
    await db.storage.agents.create(db.tenants.a, agentRecord('1001'));
    await expect(
      db.storage.transaction(async (tx) => {
        await tx.pauseReasons.create(db.tenants.a, { name: 'Lunch' });
        await tx.agents.create(db.tenants.a, agentRecord('1001'));
      }),
    ).rejects.toBeInstanceOf(ConflictError);
    expect(await db.storage.pauseReasons.list(db.tenants.a)).toEqual([]);
  });
});
