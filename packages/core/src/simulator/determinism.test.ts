import { describe, expect, it } from 'vitest';
import type { MediaEvent } from '../media/media-events.js';
import { startSimulation } from './test-support.js';

/**
 * A small contact center driven straight on the port: callers arrive at random,
 * hear a greeting, and are connected to the first free agent of five.
 */
async function runDay(seed: number, calls: number) {
  const sim = await startSimulation({ seed, trunks: [{ name: 'sim', channels: 200 }] });
  const { pbx, clock } = sim;
  const agents = ['1001', '1002', '1003', '1004', '1005'];
  for (const a of agents) pbx.setExtension(a, { answer: { kind: 'uniform', minMs: 500, maxMs: 3_000 } });
  const free = new Set(agents);
  const waiting: string[] = [];
  const agentOf = new Map<string, string>();

  const offer = async () => {
    while (waiting.length > 0 && free.size > 0) {
      const customer = waiting.shift()!;
      const agent = [...free][0]!;
      free.delete(agent);
      const leg = await pbx.originate({ to: { kind: 'extension', extension: agent }, variables: { customer } });
      agentOf.set(leg, agent);
    }
  };
  pbx.events.on('call.incoming', (e) => void pbx.answer(e.callId).then(() => pbx.play(e.callId, { media: [{ kind: 'file', name: 'welcome' }] })));
  pbx.events.on('playback.finished', (e) => {
    if (e.reason === 'completed') (waiting.push(e.callId), void offer());
  });
  pbx.events.on('call.answered', (e) => {
    const customer = pbx.call(e.callId)?.variables['customer'];
    if (customer && pbx.call(customer)?.state === 'answered') void pbx.bridge(customer, e.callId);
    else if (customer) void pbx.hangup(e.callId);
  });
  pbx.events.on('call.hangup', (e) => {
    const agent = agentOf.get(e.callId);
    if (agent) (agentOf.delete(e.callId), free.add(agent), void offer());
    const call = pbx.call(e.callId);
    if (call?.direction === 'inbound' && call.bridgedTo === undefined) {
      const i = waiting.indexOf(e.callId);
      if (i >= 0) waiting.splice(i, 1);
    }
  });
  pbx.events.on('call.unbridged', (e) => {
    if (agentOf.has(e.callId)) void pbx.hangup(e.callId);
  });

  // Arrivals spread over the day; patience and talk time drawn per caller.
  for (let i = 0; i < calls; i++) {
    pbx.placeCall({
      from: { number: `+1555${String(i).padStart(7, '0')}` },
      to: '+18005550100',
      delayMs: Math.floor((i / calls) * 86_400_000),
      script: { patienceMs: { kind: 'exponential', meanMs: 120_000 }, talkMs: { kind: 'lognormal', meanMs: 60_000, sdMs: 40_000 } },
    });
  }
  await clock.runUntilIdle();
  return sim;
}

const summary = (events: MediaEvent[]) => events.map((e) => `${e.at}|${e.callId}|${e.type}`).join('\n');

describe('SimulatedPbx determinism', () => {
  it('the same seed gives the same trace; another seed gives another', async () => {
    const a = await runDay(123, 300);
    const b = await runDay(123, 300);
    const c = await runDay(124, 300);
    expect(a.pbx.trace()).toEqual(b.pbx.trace());
    expect(summary(a.events)).toBe(summary(b.events));
    expect(summary(a.events)).not.toBe(summary(c.events));
  });

  it('a day of traffic plays out to the end: every call ends, every trunk channel is released', async () => {
    const { pbx, events } = await runDay(7, 2_000);
    const inbound = pbx.calls().filter((c) => c.direction === 'inbound');
    expect(inbound).toHaveLength(2_000);
    expect(pbx.liveCallCount).toBe(0);
    expect(pbx.trunkUsage()[0]!.inUse).toBe(0);
    const connected = new Set(events.filter((e) => e.type === 'call.bridged').map((e) => e.callId));
    const served = inbound.filter((c) => connected.has(c.callId)).length;
    // Five agents, 2,000 calls a day: nearly everyone is served; the rest gave up waiting.
    expect(served).toBeGreaterThan(1_800);
    for (const call of inbound.filter((c) => !connected.has(c.callId))) expect(call.hangup).toMatchObject({ side: 'remote', cause: 'NORMAL_CLEARING' });
  });
});
