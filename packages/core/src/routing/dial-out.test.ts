import { afterEach, describe, expect, it } from 'vitest';
import { routingHarness, type RoutingHarness } from './test-support/routing-harness.js';

let h: RoutingHarness;
afterEach(async () => {
  await h?.close();
});

const agents = [{ number: '101', clickToCallOnly: true }, { number: '102' }];
const groups = [{ name: 'Sales', number: '500', members: [{ agentNumber: '101', kind: 'static' as const }] }];

describe("dialling out from an agent's phone (manual §3.1.2 click to call only)", () => {
  it('a click-to-call-only agent cannot dial a customer from the phone: declined, with an outbound CDR and an agent event saying why', async () => {
    h = await routingHarness({ agents, groups });
    await h.sb.acd.login(h.tenantId, '101');
    const pbx = h.sb.simulator!;
    const callId = pbx.placeCall({ from: { extension: '101' }, to: '+15550008888', script: { patienceMs: 60_000 } });
    await h.advance(5_000);
    expect(pbx.call(callId)).toMatchObject({ state: 'ended', hangup: { cause: 'CALL_REJECTED' } });
    // Nothing rang outside; the agent is free again and no call out was counted.
    expect(h.rung()).toEqual([]);
    expect(h.tenant.agent('101').state.kind).toBe('idle');
    expect((await h.sb.acd.snapshot(h.tenantId)).agents.find((a) => a.agentNumber === '101')!.callsOut).toBe(0);
    await h.sb.routing.flush();
    expect(h.cdrOf(callId)).toMatchObject({ callType: 'outbound', direction: 'outbound', agentNumber: '101', originalCalledNumber: '+15550008888', hangupReason: 'call-failed', talkMs: 0 });
    await h.sb.acd.flush();
    const refused = await h.sb.storage.agentEvents.query(h.tenantId, { agentNumber: '101', event: 'dial-refused' });
    expect(refused.items).toMatchObject([{ initiator: 'agent:phone', cause: 'click-to-call only: dialled +15550008888' }]);
  });

  it('an agent without the flag dials out as before', async () => {
    h = await routingHarness({ agents, groups });
    await h.sb.acd.login(h.tenantId, '102');
    const pbx = h.sb.simulator!;
    const callId = pbx.placeCall({ from: { extension: '102' }, to: '+15550008888', script: { patienceMs: 60_000 } });
    await h.advance(5_000);
    expect(pbx.call(callId)!.state).not.toBe('ended');
    expect(h.cdrs).toEqual([]);
  });

  it('a click-to-call-only agent still calls colleagues and uses feature codes from the phone', async () => {
    h = await routingHarness({ agents, groups });
    await h.sb.acd.login(h.tenantId, '101');
    await h.sb.acd.login(h.tenantId, '102');
    await h.sb.acd.pause(h.tenantId, '101', 'Break');
    const pbx = h.sb.simulator!;
    const internal = pbx.placeCall({ from: { extension: '101' }, to: '102' });
    await h.advance(5_000);
    expect(pbx.call(internal)!.bridgedTo).toBeDefined();
    pbx.hangupParty(internal);
    await h.advance(1_000);
    pbx.placeCall({ from: { extension: '101' }, to: '*73' });
    await h.advance(20_000);
    expect(h.tenant.agent('101').state.kind).toBe('idle');
  });

  it('a click-to-call-only agent still calls customers the system dials for it (click-to-call): its phone, then the customer', async () => {
    h = await routingHarness({ agents, groups });
    await h.sb.acd.login(h.tenantId, '101');
    const pbx = h.sb.simulator!;
    pbx.scriptNumber('+15550008888', { answer: { afterMs: 1_000 } });
    // What click-to-call does: ring the agent's phone, then dial the customer and bridge the two.
    const agentLeg = await pbx.originate({ to: { kind: 'extension', extension: '101' }, callerId: { number: '+15550008888' }, autoAnswer: true });
    await h.advance(3_000);
    const customerLeg = await pbx.originate({ to: { kind: 'external', number: '+15550008888' }, callerId: { number: '+33140000000' } });
    await h.advance(3_000);
    await pbx.bridge(agentLeg, customerLeg);
    await h.advance(10_000);
    expect(pbx.call(customerLeg)).toMatchObject({ state: 'answered', bridgedTo: agentLeg });
    expect(h.tenant.agent('101').state).toMatchObject({ kind: 'on-call', callId: agentLeg });
    expect(h.cdrs).toEqual([]);
  });
});

describe("an agent's phone dials an agent group (decision 46: one line)", () => {
  // 101 answers the queue calls of its own group 600; it calls group 500 (agent 102) from its phone.
  const setup = () =>
    routingHarness({
      agents: [{ number: '101' }, { number: '102', phone: { answer: 'manual' } }],
      groups: [
        { name: 'Support', number: '600', members: [{ agentNumber: '101', kind: 'static' as const }] },
        { name: 'Sales', number: '500', members: [{ agentNumber: '102', kind: 'static' as const }] },
      ],
    });

  it('talked: on a call of its own while its call is in the queue, then idle, offered the next caller of its own group, and can log out', async () => {
    h = await setup();
    await h.sb.acd.login(h.tenantId, '101');
    await h.sb.acd.login(h.tenantId, '102');
    const pbx = h.sb.simulator!;
    const own = pbx.placeCall({ from: { extension: '101' }, to: '500' });
    await h.advance(3_000);
    // Its own call waits in queue 500 (answered by the queue): 101 is on a call, out of every queue.
    expect(h.tenant.agent('101').state).toMatchObject({ kind: 'on-call', groupNumber: null, callId: own });
    const caller = await h.call('600');
    await h.advance(5_000);
    expect(h.events((e) => e.queue === '600')).toEqual(['ENTERQUEUE NONE']);
    pbx.answerParty(h.tenant.agent('102').call!.legId);
    await h.advance(2_000);
    expect(h.events((e) => e.queue === '500')).toEqual(['ENTERQUEUE NONE', 'CONNECT 102']);
    pbx.hangupParty(own);
    await h.advance(5_000);
    // Free again: the waiting caller of its own group is offered to it at once.
    expect(h.events((e) => e.queue === '500')).toEqual(['ENTERQUEUE NONE', 'CONNECT 102', 'COMPLETECALLER 102']);
    expect(h.events((e) => e.queue === '600')).toEqual(['ENTERQUEUE NONE', 'CONNECT 101']);
    expect(h.tenant.agent('101').state).toMatchObject({ kind: 'on-call', groupNumber: '600' });
    expect(h.tenant.agent('101').call?.entry?.callId).toBe(caller);
    await h.sb.acd.hangupAgentCall(h.tenantId, '101');
    await h.advance(1_000);
    expect(h.tenant.agent('101').state.kind).toBe('idle');
    await h.sb.acd.logout(h.tenantId, '101');
    expect(h.tenant.agent('101').state.kind).toBe('logged-out');
  });

  it('hung up while waiting: a pause asked for meanwhile starts; unpaused, it is offered the next caller of its own group', async () => {
    h = await setup();
    await h.sb.acd.login(h.tenantId, '101');
    const pbx = h.sb.simulator!;
    const own = pbx.placeCall({ from: { extension: '101' }, to: '500' });
    await h.advance(3_000);
    await h.sb.acd.pause(h.tenantId, '101', 'Lunch');
    pbx.hangupParty(own);
    await h.advance(1_000);
    expect(h.events((e) => e.queue === '500')).toEqual(['ENTERQUEUE NONE', 'ABANDON NONE']);
    expect(h.tenant.agent('101')).toMatchObject({ state: { kind: 'paused', reason: 'Lunch' }, call: undefined, pending: undefined });
    await h.sb.acd.unpause(h.tenantId, '101');
    await h.call('600');
    await h.advance(5_000);
    expect(h.events((e) => e.queue === '600')).toEqual(['ENTERQUEUE NONE', 'CONNECT 101']);
  });
});
