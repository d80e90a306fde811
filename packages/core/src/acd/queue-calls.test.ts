import { afterEach, describe, expect, it } from 'vitest';
import { acdHarness, type AcdHarness } from './test-support/acd-harness.js';

let h: AcdHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const members = (...numbers: string[]) => numbers.map((agentNumber) => ({ agentNumber, kind: 'static' as const }));

describe('a queue call', () => {
  it('is answered by an idle agent, bridged, completed and followed by wrap-up', async () => {
    h = await acdHarness({ agents: ['101'], groups: [{ name: 'Sales', number: '500', members: members('101'), wrapUpSec: 30 }] });
    await h.sb.acd.login(h.tenantId, '101');
    const callId = await h.call('500', { script: { talkMs: 60_000 } });
    await h.advance(5_000);
    expect(h.tenant.agent('101').state.kind).toBe('on-call');
    expect(h.events()).toEqual(['ENTERQUEUE NONE', 'CONNECT 101']);
    await h.advance(60_000);
    expect(h.events()).toEqual(['ENTERQUEUE NONE', 'CONNECT 101', 'COMPLETECALLER 101']);
    expect(h.tenant.agent('101').state.kind).toBe('wrap-up');
    expect(h.ended).toMatchObject([{ callId, outcome: 'answered' }]);
    await h.advance(30_000);
    expect(h.tenant.agent('101').state.kind).toBe('idle');
    const snapshot = await h.sb.acd.snapshot(h.tenantId);
    expect(snapshot.groups[0]).toMatchObject({ groupNumber: '500', checkedIn: 1, idle: 1, waiting: 0, today: { entered: 1, answered: 1, answeredWithinSla: 1 } });
  });

  it('rings the next agent when the first does not answer, and auto-pauses the first', async () => {
    h = await acdHarness({
      agents: [{ number: '101', phone: { answer: 'manual' } }, '102'],
      groups: [{ name: 'Sales', number: '500', members: members('101', '102'), queue: { strategy: 'sequential', agentRingTimeoutSec: 10, retrySec: 2, autoPause: true } }],
    });
    await h.sb.acd.login(h.tenantId, '101');
    await h.sb.acd.login(h.tenantId, '102');
    await h.call('500');
    await h.advance(20_000);
    expect(h.events()).toEqual(['ENTERQUEUE NONE', 'RINGNOANSWER 101', 'PAUSE 101', 'CONNECT 102']);
    expect(h.tenant.agent('101').state).toMatchObject({ kind: 'paused', reason: 'auto-pause: no answer' });
  });

  it('ring all: the first answer wins and the others are cancelled, not counted as no-answer', async () => {
    h = await acdHarness({
      agents: [{ number: '101', phone: { answer: 5_000 } }, { number: '102', phone: { answer: 1_000 } }, { number: '103', phone: { answer: 3_000 } }],
      groups: [{ name: 'Help', number: '600', members: members('101', '102', '103'), queue: { strategy: 'ring-all', autoPause: true } }],
    });
    for (const agent of ['101', '102', '103']) await h.sb.acd.login(h.tenantId, agent);
    await h.call('600');
    await h.advance(10_000);
    const events = h.events();
    expect(events).toContain('CONNECT 102');
    expect(events.filter((e) => e.startsWith('RINGCANCELED')).sort()).toEqual(['RINGCANCELED 101', 'RINGCANCELED 103']);
    expect(events.some((e) => e.startsWith('RINGNOANSWER'))).toBe(false);
    expect(h.tenant.agent('101').state.kind).toBe('idle');
    expect(h.tenant.agent('103').state.kind).toBe('idle');
  });

  it('an agent who rejects in ring all does not drop the others', async () => {
    h = await acdHarness({
      agents: [{ number: '101', phone: { reject: true } }, { number: '102', phone: { answer: 4_000 } }],
      groups: [{ name: 'Help', number: '600', members: members('101', '102'), queue: { strategy: 'ring-all' } }],
    });
    await h.sb.acd.login(h.tenantId, '101');
    await h.sb.acd.login(h.tenantId, '102');
    await h.call('600');
    await h.advance(10_000);
    expect(h.events()).toEqual(['ENTERQUEUE NONE', 'RINGNOANSWER 101', 'CONNECT 102']);
  });

  it('a caller who hangs up while waiting is an abandon; the ringing agent is released', async () => {
    h = await acdHarness({ agents: [{ number: '101', phone: { answer: 'manual' } }], groups: [{ name: 'Sales', number: '500', members: members('101') }] });
    await h.sb.acd.login(h.tenantId, '101');
    await h.call('500', { script: { patienceMs: 8_000 } });
    await h.advance(10_000);
    // The abandon is logged at once; the agent's leg is cancelled right after.
    expect(h.events()).toEqual(['ENTERQUEUE NONE', 'ABANDON NONE', 'RINGCANCELED 101']);
    expect(h.ended.map((e) => e.outcome)).toEqual(['abandoned']);
    expect(h.tenant.agent('101').state.kind).toBe('idle');
  });

  it('leaves with a timeout after the maximum wait, to the timeout destination', async () => {
    const sent: string[] = [];
    h = await acdHarness({
      agents: ['101'],
      groups: [{ name: 'Sales', number: '500', members: members('101'), queue: { maxWaitSec: 30, timeoutDestination: { kind: 'external', number: '+15550100' } } }],
      destinations: async ({ destination, reason }) => {
        sent.push(`${destination.kind}:${reason}`);
      },
    });
    await h.call('500', { script: {} });
    await h.advance(31_000);
    expect(h.events()).toEqual(['ENTERQUEUE NONE', 'EXITWITHTIMEOUT NONE']);
    expect(sent).toEqual(['external:queue-timeout']);
    expect(h.ended.map((e) => e.outcome)).toEqual(['timed-out']);
  });

  it('serves callers by priority, then arrival', async () => {
    h = await acdHarness({ agents: ['101'], groups: [{ name: 'Sales', number: '500', members: members('101') }] });
    const first = await h.call('500', { from: '+1000' });
    const vip = await h.call('500', { from: '+2000', priority: 5 });
    await h.sb.acd.login(h.tenantId, '101');
    await h.advance(5_000);
    const connect = h.queueLog.find((e) => e.event === 'CONNECT');
    expect(connect?.callId).toBe(vip);
    expect(first).not.toBe(vip);
  });

  it('never offers an agent two calls at once across groups, and wrap-up is per agent', async () => {
    h = await acdHarness({
      agents: ['101'],
      groups: [
        { name: 'A', number: '500', members: members('101'), wrapUpSec: 20 },
        { name: 'B', number: '501', members: members('101'), wrapUpSec: 0 },
      ],
    });
    await h.sb.acd.login(h.tenantId, '101');
    await h.call('500', { script: { talkMs: 10_000 } });
    await h.call('501', { script: { talkMs: 10_000 } });
    await h.advance(5_000);
    expect(h.events().filter((e) => e.startsWith('CONNECT'))).toHaveLength(1);
    await h.advance(10_000);
    // Group A's call ended: 20 s of wrap-up, which B's waiting caller does not cut short.
    expect(h.tenant.agent('101').state.kind).toBe('wrap-up');
    await h.advance(15_000);
    expect(h.tenant.agent('101').state.kind).toBe('wrap-up');
    await h.advance(10_000);
    expect(h.events().filter((e) => e.startsWith('CONNECT'))).toHaveLength(2);
  });
});

describe('an attended transfer of a queue call', () => {
  it('keeps the customer on the line, is logged as Asterisk logs it — ATTENDEDTRANSFER BRIDGE, the consultation call, hold and talk seconds, position — and frees the agent into wrap-up', async () => {
    h = await acdHarness({ agents: ['101'], groups: [{ name: 'Sales', number: '500', members: members('101'), wrapUpSec: 30 }] });
    await h.sb.acd.login(h.tenantId, '101');
    const pbx = h.sb.simulator!;
    pbx.setExtension('2002', { answer: 'auto' });
    const customer = await h.call('500', { script: { talkMs: 600_000 } });
    await h.advance(5_000);
    const agentLeg = pbx.call(customer)!.bridgedTo!;
    await h.advance(20_000);
    await pbx.hold(customer);
    const consult = await pbx.originate({ to: { kind: 'extension', extension: '2002' } });
    await h.advance(1_000);
    await pbx.bridge(agentLeg, consult);
    await h.sb.acd.attendedTransfer(h.tenantId, '101', consult);
    await h.advance(1_000);
    const line = h.queueLog.find((e) => e.event === 'ATTENDEDTRANSFER')!;
    expect(line).toMatchObject({ agent: '101', callId: customer });
    const [method, target, hold, talk, position] = line.data;
    expect([method, target, position]).toEqual(['BRIDGE', consult, '1']);
    expect(Number(hold)).toBeLessThan(5);
    expect(Number(talk)).toBeGreaterThanOrEqual(20);
    // The media server hung the agent's leg up: that must not end the customer's call, now with 2002.
    expect(pbx.call(agentLeg)!.endedAt).toBeDefined();
    expect(pbx.call(customer)).toMatchObject({ bridgedTo: consult, endedAt: undefined });
    expect(h.queueLog.some((e) => e.event === 'COMPLETEAGENT')).toBe(false);
    expect(h.tenant.agent('101').state.kind).toBe('wrap-up');
  });
});
