import { afterEach, describe, expect, it } from 'vitest';
import { agentRecord } from '../acd/test-support/acd-harness.js';
import { featureCodesSchema } from './model.js';
import { parsePhoneFeature } from './phone-features.js';
import { routingHarness, type RoutingHarness } from './test-support/routing-harness.js';

const DID = '+33140000000';
let h: RoutingHarness;
afterEach(async () => {
  await h?.close();
});

function fromPhone(extension: string, dialed: string, script: Record<string, unknown> = { patienceMs: 600_000 }): string {
  return h.sb.simulator!.placeCall({ from: { extension }, to: dialed, script });
}
const played = (callId: string) => h.sb.simulator!.call(callId)!.trace.filter((t) => t.kind === 'command' && t.name === 'play').map((t) => JSON.stringify(t.detail));

/** A customer talking with agent 1001 through a direct-to-agent DID. */
async function customerWith1001(): Promise<string> {
  await h.add('dids', { numbers: [DID], name: 'Line', destination: { kind: 'agent', agentNumber: '1001' } });
  await h.sb.acd.login(h.tenantId, '1001');
  const customer = h.dial(DID, { from: '+33612345678', script: { talkMs: 600_000 } });
  await h.advance(10_000);
  expect(h.sb.simulator!.call(customer)!.bridgedTo).toBeDefined();
  return customer;
}

describe('phone feature codes', () => {
  it('reads codes: exact ones, park and its 20 slots, monitor codes with the agent number', () => {
    const codes = featureCodesSchema.parse({});
    expect(parsePhoneFeature(codes, '900')).toEqual({ kind: 'park' });
    expect(parsePhoneFeature(codes, '901')).toEqual({ kind: 'retrieve', slot: '901' });
    expect(parsePhoneFeature(codes, '920')).toEqual({ kind: 'retrieve', slot: '920' });
    expect(parsePhoneFeature(codes, '921')).toBeUndefined();
    expect(parsePhoneFeature(codes, '*321002')).toEqual({ kind: 'monitor', mode: 'whisper', agentNumber: '1002' });
    expect(parsePhoneFeature(codes, '*31')).toBeUndefined();
    expect(parsePhoneFeature(codes, '*78')).toEqual({ kind: 'dnd-toggle' });
    expect(featureCodesSchema.safeParse({ dndToggle: '*71' }).success).toBe(false);
    expect(featureCodesSchema.safeParse({ pickup: '*3' }).success).toBe(false);
  });

  it('park: the agent parks the customer in slot 901 and hears the slot; another phone dials 901 and talks with the customer', async () => {
    h = await routingHarness({ agents: ['1001', '1002'], phone: { answer: 1_000 } });
    const customer = await customerWith1001();
    const parkCall = fromPhone('1001', '900');
    await h.advance(5_000);
    expect(played(parkCall).some((p) => p.includes('"digits":"901"'))).toBe(true);
    expect(h.sb.simulator!.call(customer)).toMatchObject({ held: true, bridgedTo: undefined, endedAt: undefined });
    expect(h.sb.routing.phoneFeatures.parkedCalls(h.tenantId)).toEqual([{ slot: '901', callId: customer, parkedBy: '1001' }]);
    const retrieve = fromPhone('1002', '901');
    await h.advance(2_000);
    expect(h.sb.simulator!.call(customer)).toMatchObject({ held: false, bridgedTo: retrieve });
    expect(h.sb.routing.phoneFeatures.parkedCalls(h.tenantId)).toEqual([]);
    await h.sb.media.hangup(retrieve, 'NORMAL_CLEARING');
    await h.advance(1_000);
    expect(h.sb.simulator!.call(customer)!.endedAt).toBeDefined();
    expect(h.cdrOf(customer)).toMatchObject({ transferType: 'blind', transferredTo: 'park:901', agentNumber: '1001' });
    // The parking and the retrieving calls have their own records, typed "park".
    expect(h.cdrOf(parkCall)).toMatchObject({ callType: 'park', originalAccessNumber: '900' });
    expect(h.cdrOf(retrieve)).toMatchObject({ callType: 'park', originalAccessNumber: '901' });
  });

  it('park: a call nobody retrieves rings the parker back after the park timeout', async () => {
    h = await routingHarness({ agents: ['1001'], phone: { answer: 1_000 } });
    await h.store.putSettings(h.tenantId, { parkTimeoutSec: 30 });
    const customer = await customerWith1001();
    fromPhone('1001', '900');
    await h.advance(40_000);
    const ringBack = h.sb.simulator!.calls().find((c) => c.direction === 'outbound' && c.callerId.number === '901');
    expect(ringBack).toBeDefined();
    expect(h.sb.simulator!.call(customer)!.bridgedTo).toBe(ringBack!.callId);
  });

  it('pickup: a colleague of the same department answers a phone ringing for a ring group', async () => {
    h = await routingHarness({ agents: [{ number: '1001', phone: { answer: 'manual' } }, '1002'] });
    for (const number of ['1001', '1002']) {
      await h.sb.storage.agents.update(h.tenantId, (await h.sb.storage.agents.findByNumber(h.tenantId, number))!.id, { department: 'Sales' });
      await h.sb.acd.reloadAgent(h.tenantId, number);
    }
    const group = await h.add('ring-groups', { name: 'Sales desk', members: ['1001'], ringTimeoutSec: 60 });
    await h.add('dids', { numbers: [DID], name: 'Line', destination: { kind: 'ring-group', ringGroupId: group } });
    const customer = h.dial(DID, { script: { talkMs: 20_000 } });
    await h.advance(3_000);
    const picker = fromPhone('1002', '*8');
    await h.advance(30_000);
    const ringing = h.sb.simulator!.calls().find((c) => c.direction === 'outbound' && c.to.kind === 'extension' && c.to.extension === '1001')!;
    expect(ringing.hangup?.cause).toBe('PICKED_OFF');
    expect(h.cdrOf(customer)).toMatchObject({ calledNumber: '1002', hangupReason: 'connected' });
    expect(h.sb.simulator!.call(picker)!.answeredAt).toBeDefined();
  });

  it('DND toggle, announce extension, echo test, and listen by agent number', async () => {
    h = await routingHarness({ agents: ['1001', '1002'], phone: { answer: 1_000 } });
    await h.sb.acd.login(h.tenantId, '1002');
    const dnd = fromPhone('1002', '*78');
    await h.advance(5_000);
    expect(h.sb.acd.isDnd(h.tenantId, '1002')).toBe(true);
    expect(played(dnd).some((p) => p.includes('dnd-activated'))).toBe(true);
    fromPhone('1002', '*78');
    await h.advance(5_000);
    expect(h.sb.acd.isDnd(h.tenantId, '1002')).toBe(false);

    const announce = fromPhone('1002', '*65');
    await h.advance(5_000);
    expect(played(announce).some((p) => p.includes('"digits":"1002"'))).toBe(true);

    const echo = fromPhone('1002', '*43');
    await h.advance(20_000);
    expect(played(echo).some((p) => p.includes('"kind":"recording"'))).toBe(true);

    const customer = await customerWith1001();
    await h.sb.storage.agents.create(h.tenantId, agentRecord('1003'));
    await h.sb.acd.reloadAgent(h.tenantId, '1003');
    h.sb.simulator!.setExtension('1003', { answer: 500 });
    fromPhone('1003', '*311001');
    await h.advance(5_000);
    const monitorLeg = h.sb.simulator!.calls().find((c) => c.direction === 'outbound' && c.to.kind === 'extension' && c.to.extension === '1003');
    expect(monitorLeg?.answeredAt).toBeDefined();
    expect(h.sb.simulator!.call(customer)!.endedAt).toBeUndefined();
  });

  it('records a voice file by phone: # ends it and routing reports it', async () => {
    h = await routingHarness({ agents: ['1001'] });
    const recorded: unknown[] = [];
    h.sb.routing.events.on('voice.recorded', (info) => recorded.push(info));
    const callId = fromPhone('1001', '*77');
    await h.advance(8_000);
    h.sb.simulator!.pressDigits(callId, '#');
    await h.advance(5_000);
    expect(played(callId).some((p) => p.includes('recording-saved'))).toBe(true);
    expect(recorded).toEqual([{ tenantId: h.tenantId, extension: '1001', name: expect.stringMatching(/^voice-1001-/), durationMs: expect.any(Number) }]);
    expect((recorded[0] as { durationMs: number }).durationMs).toBeGreaterThanOrEqual(7_000);
  });
});
