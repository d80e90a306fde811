import { afterEach, describe, expect, it } from 'vitest';
import { ValidationError } from '../errors/errors.js';
import { featureCodesSchema } from '../routing/model.js';
import { routingHarness } from '../routing/test-support/routing-harness.js';
import { agentFeatureCodes, parseFeatureCode } from './feature-codes.js';
import { hashPin } from './pin.js';
import { acdHarness, agentRecord, type AcdHarness } from './test-support/acd-harness.js';

let h: AcdHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('agent feature codes by phone (manual §3.7.7)', () => {
  it('parses the matching code and its argument', () => {
    const codes = agentFeatureCodes(featureCodesSchema.parse({}));
    expect(parseFeatureCode('*71500', codes)).toEqual({ feature: 'check-in', argument: '500' });
    expect(parseFeatureCode('*74', codes)).toEqual({ feature: 'pause', argument: '' });
    expect(parseFeatureCode('1234', codes)).toBeUndefined();
  });

  it('checks in, pauses with the first reason, goes idle and checks out; each is an agent event from the phone', async () => {
    h = await acdHarness({ agents: ['101'], groups: [{ name: 'S', number: '500', members: [{ agentNumber: '101', kind: 'dynamic' }] }] });
    await h.sb.storage.pauseReasons.create(h.tenantId, { name: 'Break' });
    const pbx = h.sb.simulator!;
    const dial = async (code: string) => {
      pbx.placeCall({ from: { extension: '101' }, to: code });
      await h!.advance(10_000);
    };
    await dial('*71500');
    expect((await h.sb.acd.snapshot(h.tenantId)).groups[0]).toMatchObject({ checkedIn: 1, idle: 1 });
    await dial('*74');
    expect(h.tenant.agent('101').state).toMatchObject({ kind: 'paused', reason: 'Break' });
    await dial('*73');
    expect(h.tenant.agent('101').state.kind).toBe('idle');
    await dial('*72');
    expect((await h.sb.acd.snapshot(h.tenantId)).groups[0]!.checkedIn).toBe(0);
    // Every feature call was answered, confirmed and hung up.
    expect(pbx.calls().filter((c) => c.state !== 'ended')).toEqual([]);
    await h.sb.acd.flush();
    const events = await h.sb.storage.agentEvents.query(h.tenantId, { agentNumber: '101', event: 'checked-in' });
    expect(events.items[0]).toMatchObject({ initiator: 'agent:phone', groupNumber: '500' });
  });

  it('asks for the phone check-in password when the agent has one', async () => {
    h = await acdHarness({ agents: ['101'], groups: [{ name: 'S', number: '500', members: [{ agentNumber: '101', kind: 'dynamic' }] }] });
    const agent = await h.sb.storage.agents.getByNumber(h.tenantId, '101');
    await h.sb.storage.agents.update(h.tenantId, agent.id, { phonePinHash: await hashPin('4321') });
    await h.sb.acd.reloadAgent(h.tenantId, '101');
    const pbx = h.sb.simulator!;
    const typePin = async (pin: string) => {
      const callId = pbx.placeCall({ from: { extension: '101' }, to: '*71' });
      await h!.advance(4_000);
      pbx.pressDigits(callId, pin);
      await h!.advance(2_000);
      // The password is checked with scrypt on Node's thread pool: real time, not virtual.
      for (let i = 0; i < 20 && pbx.call(callId)?.state !== 'ended'; i++) {
        await new Promise((resolve) => setTimeout(resolve, 25));
        await h!.advance(1_000);
      }
    };
    await typePin('1111#');
    expect((await h.sb.acd.snapshot(h.tenantId)).groups[0]!.checkedIn).toBe(0);
    await typePin('4321#');
    expect((await h.sb.acd.snapshot(h.tenantId)).groups[0]!.checkedIn).toBe(1);
  });
});

describe("the tenant's agent feature codes (manual §3.7.7: the administrator sets every function key)", () => {
  const issues = (input: unknown) => (featureCodesSchema.safeParse(input).error?.issues ?? []).map((i) => `${i.path.join('.')}: ${i.message}`);

  it('refuses an agent code that is, starts or prefixes another code, or touches the park slots', () => {
    expect(issues({ agentPause: '*78' })).toEqual(['dndToggle: is also the code of agentPause', 'agentPause: is also the code of dndToggle']);
    // The default pickup *8 would swallow *81: both ends are named.
    expect(issues({ agentCheckIn: '*81' })).toEqual(['pickup: is a prefix of agentCheckIn (*81)', 'agentCheckIn: starts with the code of pickup (*8)']);
    expect(issues({ agentCheckOut: '*7' })).toEqual(expect.arrayContaining(['agentCheckOut: is a prefix of agentCheckIn (*71)', 'agentCheckIn: starts with the code of agentCheckOut (*7)']));
    expect(issues({ agentIdle: '90' })).toEqual(['agentIdle: clashes with the park number or slot 900']);
    expect(issues({ agentIdle: '9011' })).toEqual(['agentIdle: clashes with the park number or slot 901']);
    expect(issues({ agentIdle: '#1' })).toEqual(['agentIdle: digits, optionally after *']);
    expect(issues({ agentCheckIn: '*81', pickup: '*88', agentIdle: '66' })).toEqual([]);
  });

  it('settings stored before the agent codes existed still give *71–*74', async () => {
    h = await acdHarness({ agents: ['101'], groups: [] });
    const { sb } = h;
    // A second tenant whose settings row predates the agent codes; its ACD loads after.
    const tenant = await sb.storage.tenants.create({ slug: 'old', name: 'Old' });
    await sb.storage.agents.create(tenant.id, agentRecord('201'));
    await sb.storage.agentGroups.create(tenant.id, { name: 'S', number: '600', members: [{ agentNumber: '201', kind: 'dynamic' }] });
    const { agentCheckIn: _1, agentCheckOut: _2, agentIdle: _3, agentPause: _4, ...before } = featureCodesSchema.parse({ dndToggle: '*79' });
    await sb.storage.knex('routing_settings').insert({ tenant_id: tenant.id, config: JSON.stringify({ featureCodes: before }), updated_at: 0 });
    expect((await sb.storage.routingSettings.get(tenant.id)).featureCodes).toMatchObject({ dndToggle: '*79', agentCheckIn: '*71', agentCheckOut: '*72', agentIdle: '*73', agentPause: '*74' });
    await sb.acd.tenant(tenant.id);
    sb.simulator!.setExtension('201', { answer: 2_000 });
    sb.simulator!.placeCall({ from: { extension: '201' }, to: '*71600' });
    await h.advance(10_000);
    expect((await sb.acd.snapshot(tenant.id)).groups[0]).toMatchObject({ groupNumber: '600', checkedIn: 1 });
  });

  it('a tenant that moves check-in to *81 checks in with *81 and *81500 from the next call; *71 is then an unknown star code', async () => {
    const r = await routingHarness({ agents: ['101'], groups: [{ name: 'S', number: '500', members: [{ agentNumber: '101', kind: 'dynamic' }] }, { name: 'T', number: '501', members: [{ agentNumber: '101', kind: 'dynamic' }] }] });
    h = r;
    const pbx = r.sb.simulator!;
    const checkedIn = async () => (await r.sb.acd.snapshot(r.tenantId)).groups.map((g) => `${g.groupNumber}:${g.checkedIn}`);
    await r.store.putSettings(r.tenantId, { featureCodes: { agentCheckIn: '*81', pickup: '*88' } });

    // The old code is nobody's now, as *79 would be: nothing answers it or checks in, until the phone gives up.
    const old = pbx.placeCall({ from: { extension: '101' }, to: '*71500' });
    await r.advance(10_000);
    expect(pbx.call(old)).toMatchObject({ state: 'ringing', answeredAt: undefined });
    expect(await checkedIn()).toEqual(['500:0', '501:0']);
    pbx.hangupParty(old);
    await r.advance(1_000);

    pbx.placeCall({ from: { extension: '101' }, to: '*81500' });
    await r.advance(10_000);
    expect(await checkedIn()).toEqual(['500:1', '501:0']);
    pbx.placeCall({ from: { extension: '101' }, to: '*72' });
    await r.advance(10_000);
    pbx.placeCall({ from: { extension: '101' }, to: '*81' });
    await r.advance(10_000);
    expect(await checkedIn()).toEqual(['500:1', '501:1']);
    await r.sb.routing.flush();
    expect(r.cdrs).toEqual([]);
    await r.sb.acd.flush();
    const events = await r.sb.storage.agentEvents.query(r.tenantId, { agentNumber: '101', event: 'checked-in' });
    expect(events.items.map((e) => [e.groupNumber, e.initiator]).sort()).toEqual([['500', 'agent:phone'], ['500', 'agent:phone'], ['501', 'agent:phone']]);
  });

  it('an agent code without a star is the ACD\'s: routing neither routes it nor takes it for a call out', async () => {
    const r = await routingHarness({ agents: [{ number: '101', clickToCallOnly: true }], groups: [{ name: 'S', number: '500', members: [{ agentNumber: '101', kind: 'dynamic' }] }] });
    h = r;
    await r.store.putSettings(r.tenantId, { featureCodes: { agentCheckIn: '66' } });
    const callId = r.sb.simulator!.placeCall({ from: { extension: '101' }, to: '66500' });
    await r.advance(10_000);
    // Taken for a call out, a click-to-call-only agent's call would have been declined.
    expect(r.sb.simulator!.call(callId)!.hangup?.cause).toBe('NORMAL_CLEARING');
    expect((await r.sb.acd.snapshot(r.tenantId)).groups[0]!.checkedIn).toBe(1);
    await r.sb.acd.flush();
    expect((await r.sb.storage.agentEvents.query(r.tenantId, { agentNumber: '101', event: 'dial-refused' })).items).toEqual([]);
  });

  it('a settings write where an agent code clashes is refused, and the codes in force stay', async () => {
    const r = await routingHarness({ agents: ['101'], groups: [] });
    h = r;
    await r.sb.acd.login(r.tenantId, '101');
    const refused = r.store.putSettings(r.tenantId, { featureCodes: { agentPause: '*78' } });
    await expect(refused).rejects.toBeInstanceOf(ValidationError);
    await expect(refused).rejects.toMatchObject({ issues: expect.arrayContaining([{ path: 'featureCodes.agentPause', message: 'is also the code of dndToggle' }]) });
    r.sb.simulator!.placeCall({ from: { extension: '101' }, to: '*74' });
    await r.advance(10_000);
    expect(r.tenant.agent('101').state.kind).toBe('paused');
  });
});
