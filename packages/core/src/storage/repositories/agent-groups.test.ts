import { beforeEach, describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError, ValidationError } from '../../errors/errors.js';
import { storageTargets, useStorage } from '../test-support.js';
import { agentRecord } from './agent-fixtures.js';

describe.each(storageTargets())('AgentGroupRepository on $name', (target) => {
  const db = useStorage(target, { tenants: ['a', 'b'] });
  /** Agent ids by number, tenant A. */
  const ids: Record<string, string> = {};

  beforeEach(async () => {
    const { created } = await db.storage.agents.createMany(db.tenants.a, ['1001', '1002', '1003', '1004'].map((n) => agentRecord(n)));
    for (const agent of created) ids[agent.number] = agent.id;
    await db.storage.agents.create(db.tenants.b, agentRecord('2001'));
  });

  const sales = () =>
    db.storage.agentGroups.create(db.tenants.a, {
      name: 'Sales',
      number: '10',
      members: [{ agentNumber: '1003', kind: 'static' }, { agentNumber: '1001', priority: 2 }, { agentNumber: '1002' }],
      leaders: ['1004'],
      wrapUpSec: 15,
      queue: { strategy: 'round-robin', maxWaitSec: 120 },
    });

  it('creates a group with defaults, members in the order given resolved to agent ids, and leaders', async () => {
    const group = await sales();
    expect(group).toMatchObject({ tenantId: db.tenants.a, name: 'Sales', number: '10', wrapUpSec: 15, autoEndTalkSec: 0, leaders: ['1004'] });
    expect(group.autoAnswer).toEqual({ queue: false, preDial: false, clickToDial: false });
    expect(group.queue).toMatchObject({ strategy: 'round-robin', maxWaitSec: 120, agentRingTimeoutSec: 20, enabled: true });
    expect(group.members).toEqual([
      { agentId: ids['1003'], agentNumber: '1003', kind: 'static', priority: 1, position: 0 },
      { agentId: ids['1001'], agentNumber: '1001', kind: 'dynamic', priority: 2, position: 1 },
      { agentId: ids['1002'], agentNumber: '1002', kind: 'dynamic', priority: 1, position: 2 },
    ]);
    expect(await db.storage.agentGroups.getById(db.tenants.a, group.id)).toEqual(group);
    expect(await db.storage.agentGroups.getByNumber(db.tenants.a, '10')).toEqual(group);
  });

  it('refuses unknown or repeated agent numbers, naming each, and saves nothing', async () => {
    const error = await db.storage.agentGroups
      .create(db.tenants.a, { name: 'X', number: '11', members: [{ agentNumber: '1001' }, { agentNumber: '9999' }, { agentNumber: '2001' }], leaders: ['8888'] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    // 2001 is tenant B's agent: unknown here.
    expect((error as ValidationError).message).toBe('Unknown agents: 9999, 2001');
    expect((error as ValidationError).issues.map((i) => i.path)).toEqual(['members.1.agentNumber', 'members.2.agentNumber']);
    const leaderError = await db.storage.agentGroups.create(db.tenants.a, { name: 'X', number: '11', leaders: ['8888'] }).catch((e: unknown) => e);
    expect((leaderError as ValidationError).issues).toEqual([{ path: 'leaders.0', message: 'no agent 8888' }]);
    const twice = await db.storage.agentGroups.create(db.tenants.a, { name: 'X', number: '11', members: [{ agentNumber: '1001' }, { agentNumber: '1001' }] }).catch((e: unknown) => e);
    expect((twice as ValidationError).issues).toEqual([{ path: 'members.1.agentNumber', message: 'agent 1001 is listed twice' }]);
    expect(await db.storage.agentGroups.listAll(db.tenants.a)).toEqual([]);
  });

  it('keeps group numbers unique per tenant, naming the field', async () => {
    await sales();
    const error = await db.storage.agentGroups.create(db.tenants.a, { name: 'Other', number: '10' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as ConflictError).details).toMatchObject({ field: 'number' });
    await expect(db.storage.agentGroups.create(db.tenants.b, { name: 'Sales B', number: '10' })).resolves.toMatchObject({ tenantId: db.tenants.b });
  });

  it("hides one tenant's groups from the other", async () => {
    const group = await sales();
    await expect(db.storage.agentGroups.getById(db.tenants.b, group.id)).rejects.toBeInstanceOf(NotFoundError);
    expect(await db.storage.agentGroups.findByNumber(db.tenants.b, '10')).toBeUndefined();
    await expect(db.storage.agentGroups.update(db.tenants.b, group.id, { name: 'Mine' })).rejects.toBeInstanceOf(NotFoundError);
    await expect(db.storage.agentGroups.addMember(db.tenants.b, group.id, { agentNumber: '2001' })).rejects.toBeInstanceOf(NotFoundError);
    await expect(db.storage.agentGroups.delete(db.tenants.b, group.id)).rejects.toBeInstanceOf(NotFoundError);
    expect(await db.storage.agentGroups.listAll(db.tenants.b)).toEqual([]);
    expect(await db.storage.agentGroups.listGroupsOfAgent(db.tenants.b, ids['1001'] ?? '')).toEqual([]);
  });

  it('never changes the number; merges queue and auto-answer settings and re-validates them', async () => {
    const group = await sales();
    await db.clock.advance(5000);
    await expect(db.storage.agentGroups.update(db.tenants.a, group.id, { number: '99' } as never)).rejects.toThrow('The number of an agent group cannot change');
    const updated = await db.storage.agentGroups.update(db.tenants.a, group.id, { name: 'Sales EU', queue: { agentRingTimeoutSec: 30 }, autoAnswer: { preDial: true } });
    expect(updated).toMatchObject({ name: 'Sales EU', number: '10', wrapUpSec: 15, updatedAt: group.createdAt + 5000 });
    // What the patch left out stays as stored: the strategy and wait, the other auto-answer flags, the members.
    expect(updated.queue).toEqual({ ...group.queue, agentRingTimeoutSec: 30 });
    expect(updated.autoAnswer).toEqual({ queue: false, preDial: true, clickToDial: false });
    expect(updated.members).toEqual(group.members);
    expect(updated.leaders).toEqual(['1004']);
    const bad = await db.storage.agentGroups.update(db.tenants.a, group.id, { queue: { agentRingTimeoutSec: 1 } }).catch((e: unknown) => e);
    expect((bad as ValidationError).issues.map((i) => i.path)).toEqual(['queue.agentRingTimeoutSec']);
  });

  it('replaces members and leaders given in an update, and rolls all of it back on an unknown agent', async () => {
    const group = await sales();
    const updated = await db.storage.agentGroups.update(db.tenants.a, group.id, { members: [{ agentNumber: '1004' }, { agentNumber: '1003' }], leaders: [] });
    expect(updated.members.map((m) => [m.agentNumber, m.position])).toEqual([['1004', 0], ['1003', 1]]);
    expect(updated.leaders).toEqual([]);
    await expect(db.storage.agentGroups.update(db.tenants.a, group.id, { name: 'Never', members: [{ agentNumber: '9999' }] })).rejects.toBeInstanceOf(ValidationError);
    expect(await db.storage.agentGroups.getById(db.tenants.a, group.id)).toEqual(updated);
  });

  it('adds a member at the end, removes one, and sets the whole list', async () => {
    const group = await sales();
    const added = await db.storage.agentGroups.addMember(db.tenants.a, group.id, { agentNumber: '1004', kind: 'static', priority: 3 });
    expect(added.members.at(-1)).toEqual({ agentId: ids['1004'], agentNumber: '1004', kind: 'static', priority: 3, position: 3 });
    await expect(db.storage.agentGroups.addMember(db.tenants.a, group.id, { agentNumber: '1004' })).rejects.toBeInstanceOf(ConflictError);
    await expect(db.storage.agentGroups.addMember(db.tenants.a, group.id, { agentNumber: '2001' })).rejects.toBeInstanceOf(ValidationError);

    const removed = await db.storage.agentGroups.removeMember(db.tenants.a, group.id, '1001');
    expect(removed.members.map((m) => m.agentNumber)).toEqual(['1003', '1002', '1004']);
    await expect(db.storage.agentGroups.removeMember(db.tenants.a, group.id, '1001')).rejects.toBeInstanceOf(NotFoundError);
    // After a removal the next member still goes last.
    const again = await db.storage.agentGroups.addMember(db.tenants.a, group.id, { agentNumber: '1001' });
    expect(again.members.map((m) => m.agentNumber)).toEqual(['1003', '1002', '1004', '1001']);

    const set = await db.storage.agentGroups.setMembers(db.tenants.a, group.id, [{ agentNumber: '1002' }, { agentNumber: '1001', kind: 'static' }]);
    expect(set.members.map((m) => [m.agentNumber, m.kind, m.position])).toEqual([['1002', 'dynamic', 0], ['1001', 'static', 1]]);
  });

  it('lists pages by number with a name search, everything with listAll, and the groups of one agent', async () => {
    const salesGroup = await sales();
    const support = await db.storage.agentGroups.create(db.tenants.a, { name: 'Support 100%', number: '20', members: [{ agentNumber: '1001' }] });
    const empty = await db.storage.agentGroups.create(db.tenants.a, { name: 'Night', number: '05' });
    expect(await db.storage.agentGroups.listAll(db.tenants.a)).toEqual([empty, salesGroup, support]);
    expect((await db.storage.agentGroups.list(db.tenants.a, { search: 'SUP' })).map((g) => g.number)).toEqual(['20']);
    expect((await db.storage.agentGroups.list(db.tenants.a, { search: '0%' })).map((g) => g.number)).toEqual(['20']);
    expect((await db.storage.agentGroups.list(db.tenants.a, { limit: 1, offset: 1 })).map((g) => g.number)).toEqual(['10']);
    expect((await db.storage.agentGroups.listGroupsOfAgent(db.tenants.a, ids['1001'] ?? '')).map((g) => g.number)).toEqual(['10', '20']);
    // Leading a group is not being in it.
    expect(await db.storage.agentGroups.listGroupsOfAgent(db.tenants.a, ids['1004'] ?? '')).toEqual([]);
  });

  it('loses members and leaders with their agent, and member rows with their group', async () => {
    const group = await sales();
    await db.storage.agents.delete(db.tenants.a, ids['1001'] ?? '');
    await db.storage.agents.delete(db.tenants.a, ids['1004'] ?? '');
    const after = await db.storage.agentGroups.getById(db.tenants.a, group.id);
    expect(after.members.map((m) => m.agentNumber)).toEqual(['1003', '1002']);
    expect(after.leaders).toEqual([]);
    await db.storage.agentGroups.delete(db.tenants.a, group.id);
    expect(await db.storage.knex('agent_group_members').where('group_id', group.id)).toEqual([]);
  });

  it('stores a large group in batches and reads it back in order', async () => {
    const numbers = Array.from({ length: 1500 }, (_, i) => String(50_000 + i));
    await db.storage.agents.createMany(db.tenants.a, numbers.map((n) => agentRecord(n)));
    const reversed = [...numbers].reverse();
    const group = await db.storage.agentGroups.create(db.tenants.a, { name: 'Big', number: '30', members: reversed.map((agentNumber) => ({ agentNumber })) });
    const read = await db.storage.agentGroups.getById(db.tenants.a, group.id);
    expect(read.members.map((m) => m.agentNumber)).toEqual(reversed);
  });
});
