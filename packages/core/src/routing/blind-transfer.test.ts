import { afterEach, describe, expect, it } from 'vitest';
import { routingHarness, type RoutingHarness } from './test-support/routing-harness.js';

const DID = '+33140000000';
let h: RoutingHarness;
afterEach(async () => {
  await h?.close();
});

const sim = () => h.sb.simulator!;
/** The agent phone legs placed to an extension, newest last. */
const legsTo = (extension: string) => sim().calls().filter((c) => c.direction === 'outbound' && c.to.kind === 'extension' && c.to.extension === extension);

/** A customer talking with agent 1001 through a direct-to-agent DID. */
async function customerWith1001(): Promise<string> {
  await h.add('dids', { numbers: [DID], name: 'Line', destination: { kind: 'agent', agentNumber: '1001' } });
  await h.sb.acd.login(h.tenantId, '1001');
  const customer = h.dial(DID, { from: '+33612345678', script: { talkMs: 600_000 } });
  await h.advance(10_000);
  expect(sim().call(customer)!.bridgedTo).toBe(legsTo('1001')[0]!.callId);
  return customer;
}

async function settings(blindTransfer: Record<string, unknown>): Promise<void> {
  await h.store.putSettings(h.tenantId, { blindTransfer, defaultHoldMusic: { kind: 'file', name: 'waiting' } });
}

describe('blind transfer (§3.15.1 dial settings)', () => {
  it('frees the agent at once; the customer hears the default hold music, then talks with the new party', async () => {
    h = await routingHarness({ agents: ['1001', '1002'], phone: { answer: 3_000 } });
    await h.sb.acd.login(h.tenantId, '1002');
    await settings({ ringTimeoutSec: 20 });
    const customer = await customerWith1001();
    const first = legsTo('1001')[0]!.callId;
    await h.sb.routing.blindTransfer(h.tenantId, '1001', { kind: 'agent', agentNumber: '1002' });
    await h.advance(1_000);
    expect(sim().call(first)!.endedAt).toBeDefined();
    expect(sim().call(customer)).toMatchObject({ held: true, bridgedTo: undefined, endedAt: undefined });
    const hold = sim().call(customer)!.trace.find((t) => t.kind === 'command' && t.name === 'hold');
    expect(JSON.stringify(hold?.detail)).toContain('waiting');
    await h.advance(3_000);
    const second = legsTo('1002')[0]!;
    expect(sim().call(customer)).toMatchObject({ held: false, bridgedTo: second.callId });
    await h.sb.media.hangup(customer, 'NORMAL_CLEARING');
    await h.advance(1_000);
    expect(h.cdrOf(customer)).toMatchObject({ transferType: 'blind', transferredTo: '1002', agentNumber: '1002' });
    // Talk time runs from the first agent's answer, not from the transfer.
    expect(h.cdrOf(customer).talkMs).toBeGreaterThanOrEqual(10_000);
  });

  it('unanswered within the transfer timeout: it comes back to the agent who transferred it, the name marked with the prefix', async () => {
    h = await routingHarness({ agents: ['1001', { number: '1002', phone: { answer: 'manual' } }], phone: { answer: 2_000 } });
    await h.sb.acd.login(h.tenantId, '1002');
    await settings({ ringTimeoutSec: 15, callBackNamePrefix: 'BACK ' });
    const customer = await customerWith1001();
    await h.sb.routing.blindTransfer(h.tenantId, '1001', { kind: 'agent', agentNumber: '1002' });
    await h.advance(14_000);
    const toSecond = legsTo('1002')[0]!;
    expect(toSecond.endedAt).toBeUndefined();
    await h.advance(2_000);
    // The second agent's phone rang for the transfer timeout, not the extension timeout (30 s).
    expect(sim().call(toSecond.callId)!.endedAt).toBeDefined();
    const callBack = legsTo('1001')[1]!;
    expect(callBack.callerId.name).toBe('BACK ');
    await h.advance(3_000);
    expect(sim().call(customer)).toMatchObject({ held: false, bridgedTo: callBack.callId });
  });

  it('without the call-back, an unanswered transfer goes where unreachable calls go', async () => {
    h = await routingHarness({ agents: ['1001', { number: '1002', phone: { answer: 'manual' } }], phone: { answer: 2_000 } });
    await h.sb.acd.login(h.tenantId, '1002');
    const closed = await h.add('voice-broadcasts', { name: 'Sorry', media: [{ kind: 'file', name: 'sorry' }] });
    await h.store.putSettings(h.tenantId, { blindTransfer: { ringTimeoutSec: 10, callBackWhenNotConnected: false }, unreachableDestination: { kind: 'voice-broadcast', broadcastId: closed } });
    const customer = await customerWith1001();
    sim().scriptNumber('+33699999999', { answer: { probability: 0 } });
    await h.sb.routing.blindTransfer(h.tenantId, '1001', { kind: 'external', number: '+33699999999' });
    await h.advance(60_000);
    expect(legsTo('1001')).toHaveLength(1);
    expect(sim().call(customer)!.endedAt).toBeDefined();
    expect(h.cdrOf(customer)).toMatchObject({ transferType: 'blind', transferredTo: '+33699999999' });
    expect(h.cdrOf(customer).route).toContain(`voice-broadcast:${closed}`);
  });

  it('a queue call transferred to another queue: logged BLINDTRANSFER, the agent goes to wrap-up, the caller queues again', async () => {
    const group = (number: string, members: string[]) => ({ name: `G${number}`, number, members: members.map((agentNumber) => ({ agentNumber, kind: 'static' as const })), queue: { strategy: 'longest-idle' as const }, wrapUpSec: 30 });
    h = await routingHarness({ agents: ['1001', '1002'], groups: [group('600', ['1001']), group('601', ['1002'])], phone: { answer: 1_000 } });
    for (const agent of ['1001', '1002']) {
      await h.sb.acd.login(h.tenantId, agent);
      await h.sb.acd.checkIn(h.tenantId, agent);
    }
    const log: string[] = [];
    h.sb.acd.events.on('queue.log', (entry) => log.push(`${entry.queue} ${entry.agent} ${entry.event} ${entry.data[0] ?? ''}`.trim()));
    await h.add('dids', { numbers: [DID], name: 'Line', destination: { kind: 'agent-group', groupNumber: '600' } });
    const customer = h.dial(DID, { script: { talkMs: 600_000 } });
    await h.advance(10_000);
    await h.sb.routing.blindTransfer(h.tenantId, '1001', { kind: 'agent-group', groupNumber: '601' });
    await h.advance(10_000);
    expect(log).toContain('600 1001 BLINDTRANSFER agent-group:601');
    expect((await h.sb.acd.snapshot(h.tenantId)).agents.find((a) => a.agentNumber === '1001')!.state).toBe('wrap-up');
    expect(sim().call(customer)!.bridgedTo).toBe(legsTo('1002')[0]!.callId);
    expect(log).toContain('601 1002 CONNECT 1');
  });

  it('refuses a phone that is not talking with anyone, and checks the settings', async () => {
    h = await routingHarness({ agents: ['1001'] });
    await expect(h.sb.routing.blindTransfer(h.tenantId, '1001', { kind: 'extension', extension: '2000' })).rejects.toThrow(/not talking/);
    await expect(h.store.putSettings(h.tenantId, { blindTransfer: { ringTimeoutSec: 2 } })).rejects.toThrow(/ringTimeoutSec/);
  });
});
