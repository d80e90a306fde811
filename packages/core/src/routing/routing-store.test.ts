import { afterEach, describe, expect, it } from 'vitest';
import { ConflictError, ValidationError } from '../errors/errors.js';
import { routingHarness, type RoutingHarness } from './test-support/routing-harness.js';

let h: RoutingHarness;
afterEach(async () => {
  await h?.close();
});

const media = [{ kind: 'file', name: 'x' }];
const always = [{ kind: 'date-range', from: '2000-01-01T00:00', to: '2099-12-31T23:59' }];

describe('routing store safety', () => {
  it('rejects a loop a call would go round without input (condition → broadcast → condition), naming it', async () => {
    h = await routingHarness();
    const broadcast = await h.add('voice-broadcasts', { name: 'Ad', media });
    const condition = await h.add('time-conditions', {
      name: 'Always',
      rules: always,
      matchDestination: { kind: 'voice-broadcast', broadcastId: broadcast },
      noMatchDestination: { kind: 'hangup' },
    });
    const error = await h.store.update('voice-broadcasts', h.tenantId, broadcast, { destination: { kind: 'condition', conditionId: condition } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as Error).message).toMatch(/loop .*without the caller pressing a key.*"Ad".*"Always"|loop .*"Always".*"Ad"/);
    // Nothing was saved.
    expect(await h.store.get('voice-broadcasts', h.tenantId, broadcast)).toMatchObject({ destination: null });
  });

  it('allows a loop through caller input (back to the main menu)', async () => {
    h = await routingHarness();
    const main = await h.add('ivr-menus', { name: 'Main' });
    const sub = await h.add('ivr-menus', { name: 'Billing', keys: [{ input: '*', destination: { kind: 'ivr', ivrId: main } }] });
    await expect(h.store.update('ivr-menus', h.tenantId, main, { keys: [{ input: '2', destination: { kind: 'ivr', ivrId: sub } }] })).resolves.toMatchObject({ id: main });
    // …but not through the timeout destination, which needs no key.
    await expect(h.store.update('ivr-menus', h.tenantId, sub, { timeoutDestination: { kind: 'ivr', ivrId: main } })).resolves.toBeDefined();
    await expect(h.store.update('ivr-menus', h.tenantId, main, { timeoutDestination: { kind: 'ivr', ivrId: sub } })).rejects.toThrow(/loop/);
  });

  it('refuses a destination that names a missing object, and deleting an object still referred to, listing the referrers', async () => {
    h = await routingHarness();
    await expect(h.add('dids', { numbers: ['+33140000000'], name: 'Line', destination: { kind: 'ivr', ivrId: 'nope' } })).rejects.toThrow(/destination names ivr:nope, which does not exist/);
    const broadcast = await h.add('voice-broadcasts', { name: 'Hi', media });
    await h.add('dids', { numbers: ['+33140000000'], name: 'Paris', destination: { kind: 'voice-broadcast', broadcastId: broadcast } });
    const condition = await h.add('time-conditions', { name: 'Hours', rules: always, matchDestination: { kind: 'voice-broadcast', broadcastId: broadcast }, noMatchDestination: { kind: 'hangup' } });
    const error = (await h.store.delete('voice-broadcasts', h.tenantId, broadcast).catch((e: unknown) => e)) as ConflictError;
    expect(error).toBeInstanceOf(ConflictError);
    expect(error.message).toContain('did "Paris" (destination)');
    expect(error.message).toContain('condition "Hours" (matchDestination)');
    expect(await h.store.usage('voice-broadcasts', h.tenantId, broadcast)).toHaveLength(2);
    expect(await h.store.usage('time-conditions', h.tenantId, condition)).toEqual([]);
    await h.store.delete('time-conditions', h.tenantId, condition);
    expect(await h.store.list('time-conditions', h.tenantId)).toEqual([]);
  });

  it('checks and writes one change of a tenant at a time: a delete racing a new reference to the object leaves no dangling destination', async () => {
    h = await routingHarness();
    const broadcast = await h.add('voice-broadcasts', { name: 'Hi', media });
    const [deleted, created] = await Promise.allSettled([
      h.store.delete('voice-broadcasts', h.tenantId, broadcast),
      h.store.create('dids', h.tenantId, { numbers: ['+33140000000'], name: 'Paris', destination: { kind: 'voice-broadcast', broadcastId: broadcast } }),
    ]);
    // The delete went first, so the DID that names the broadcast is refused; nothing points at nothing.
    expect(deleted.status).toBe('fulfilled');
    expect(created.status).toBe('rejected');
    expect(await h.store.list('dids', h.tenantId)).toEqual([]);
    // The other order: the reference lands, and the delete is refused naming it.
    const again = await h.add('voice-broadcasts', { name: 'Hi again', media });
    const [made, refused] = await Promise.allSettled([
      h.store.create('dids', h.tenantId, { numbers: ['+33140000001'], name: 'Lyon', destination: { kind: 'voice-broadcast', broadcastId: again } }),
      h.store.delete('voice-broadcasts', h.tenantId, again),
    ]);
    expect(made.status).toBe('fulfilled');
    expect(refused).toMatchObject({ status: 'rejected', reason: expect.any(ConflictError) });
  });

  it('serially: a change saved outside the store (an agent group deleted by the ACD routes) sees no other change between its check and its write', async () => {
    h = await routingHarness();
    const group = await h.sb.storage.agentGroups.create(h.tenantId, { name: 'Race', number: '655' });
    const deleting = h.store.serially(h.tenantId, async () => {
      await h.store.assertNotReferred(h.tenantId, 'agent-group:655');
      // The check has passed; a DID created now would still find the group.
      await new Promise((resolve) => setTimeout(resolve, 20));
      await h.sb.storage.agentGroups.delete(h.tenantId, group.id);
    });
    const creating = h.store.create('dids', h.tenantId, { numbers: ['+33140000655'], name: 'Race line', destination: { kind: 'agent-group', groupNumber: '655' } });
    const [deleted, created] = await Promise.allSettled([deleting, creating]);
    expect(deleted.status).toBe('fulfilled');
    expect(created).toMatchObject({ status: 'rejected', reason: expect.any(ValidationError) });
  });

  it('keeps internal numbers unique across IVRs, ring groups, agent groups and agents; DID numbers across DIDs', async () => {
    h = await routingHarness({ agents: ['1001'], groups: [{ name: 'Sales', number: '600', members: [], queue: {} }] });
    await h.add('ivr-menus', { name: 'Main', extension: '700' });
    await expect(h.add('ring-groups', { name: 'RG', extension: '700', members: ['1001'] })).rejects.toThrow(/700 is already used by an IVR menu/);
    await expect(h.add('ring-groups', { name: 'RG', extension: '600', members: ['1001'] })).rejects.toThrow(/agent group/);
    await expect(h.add('ivr-menus', { name: 'Other', extension: '1001' })).rejects.toThrow(/agent/);
    await h.add('dids', { numbers: ['+33140000000', '+33140000001'], name: 'A' });
    await expect(h.add('dids', { numbers: ['33140000001'], name: 'B' })).rejects.toThrow(/33140000001 already belongs to another DID/);
    expect(await h.store.list('dids', h.tenantId)).toHaveLength(1);
  });

  it('validates what it stores: bad keys, bad regex, bad times', async () => {
    h = await routingHarness();
    await expect(h.add('ivr-menus', { name: 'M', maxInputLength: 1, keys: [{ input: '12', destination: { kind: 'hangup' } }] })).rejects.toThrow(/maximum input length/);
    await expect(h.add('ivr-menus', { name: 'M', keys: [{ input: 'A', destination: { kind: 'hangup' } }] })).rejects.toThrow(/keys.0.input/);
    await expect(h.add('incoming-routes', { name: 'R', match: { on: 'caller', kind: 'regex', value: '(' }, destination: { kind: 'hangup' } })).rejects.toThrow(/regular expression/);
    await expect(h.add('time-conditions', { name: 'T', rules: [{ kind: 'weekly', days: [1], from: '25:00', to: '26:00' }], matchDestination: { kind: 'hangup' }, noMatchDestination: { kind: 'hangup' } })).rejects.toThrow(
      ValidationError,
    );
  });
});
