import { afterEach, describe, expect, it } from 'vitest';
import { routingHarness, type RoutingHarness } from './test-support/routing-harness.js';

const DID = '+33140000000';
let h: RoutingHarness;
afterEach(async () => {
  await h?.close();
});

async function ringGroupOn(strategy: string, members: string[], extra: Record<string, unknown> = {}): Promise<string> {
  const id = await h.add('ring-groups', { name: `RG ${strategy}`, members, strategy, ringTimeoutSec: 10, ...extra });
  await h.add('dids', { numbers: [DID], name: 'Line', destination: { kind: 'ring-group', ringGroupId: id } });
  return id;
}

describe('ring groups', () => {
  it('all: every member rings at once, the first to answer talks, the others are cancelled as lost races', async () => {
    h = await routingHarness({ agents: [{ number: '2001', phone: { answer: 5_000 } }, { number: '2002', phone: { answer: 2_000 } }, { number: '2003', phone: { answer: 'manual' } }] });
    await ringGroupOn('all', ['2001', '2002', '2003'], { callerPrefix: { number: '8', name: '' } });
    const callId = h.dial(DID, { from: '+33611111111', script: { talkMs: 20_000 } });
    await h.advance(60_000);
    const legs = h.sb.simulator!.calls().filter((c) => c.direction === 'outbound');
    expect(legs.map((l) => (l.to.kind === 'extension' ? l.to.extension : '')).sort()).toEqual(['2001', '2002', '2003']);
    expect(legs.every((l) => l.callerId.number === '8+33611111111')).toBe(true);
    expect(legs.filter((l) => l.hangup?.cause === 'LOSE_RACE')).toHaveLength(2);
    expect(h.cdrOf(callId)).toMatchObject({ calledNumber: '2002', hangupReason: 'connected', callerNumber: '8+33611111111' });
  });

  it('all: nobody answers within the group timeout → the timeout destination', async () => {
    h = await routingHarness({ agents: [{ number: '2001', phone: { answer: 'manual' } }, { number: '2002', phone: { answer: 'manual' } }] });
    const fallback = await h.add('voice-broadcasts', { name: 'Nobody', media: [{ kind: 'file', name: 'nobody' }] });
    await ringGroupOn('all', ['2001', '2002'], { timeoutDestination: { kind: 'voice-broadcast', broadcastId: fallback } });
    const callId = h.dial(DID, { script: { patienceMs: 600_000 } });
    await h.advance(60_000);
    expect(h.cdrOf(callId).route.slice(1)).toEqual([`voice-broadcast:${fallback}`, 'hangup']);
    const legs = h.sb.simulator!.calls().filter((c) => c.direction === 'outbound');
    expect(legs.every((l) => l.endedAt! - l.createdAt <= 10_500)).toBe(true);
  });

  it('sequential polling rings one by one from the top, each for the ring timeout; a busy member is skipped on to the next', async () => {
    h = await routingHarness({ agents: [{ number: '2001', phone: { answer: 'manual' } }, { number: '2002', phone: { dnd: true } }, { number: '2003', phone: { answer: 1_000 } }] });
    await ringGroupOn('sequential-polling', ['2001', '2002', '2003']);
    const callId = h.dial(DID, { script: { talkMs: 5_000 } });
    await h.advance(60_000);
    expect(h.rung()).toEqual(['2001', '2002', '2003']);
    expect(h.cdrOf(callId)).toMatchObject({ originalCalledNumber: '2001', calledNumber: '2003', hangupReason: 'connected' });
    expect(h.cdrOf(callId).ringMs).toBeGreaterThanOrEqual(10_000);
  });

  it('memory polling starts after the member the previous call rang last', async () => {
    h = await routingHarness({ agents: ['2001', '2002', '2003'], phone: { answer: 1_000 } });
    await ringGroupOn('memory-polling', ['2001', '2002', '2003']);
    for (let i = 0; i < 4; i++) {
      h.dial(DID, { script: { talkMs: 5_000 } });
      await h.advance(30_000);
    }
    expect(h.rung()).toEqual(['2001', '2002', '2003', '2001']);
  });

  it('polling skips members already on a call; random rings every member once in a seeded order', async () => {
    h = await routingHarness({ agents: ['2001', '2002', '2003'], phone: { answer: 'manual' } });
    await h.sb.acd.login(h.tenantId, '2001');
    const id = await ringGroupOn('polling', ['2001', '2002', '2003']);
    // 2001 is talking on a queue-less call of its own.
    h.sb.acd.loaded(h.tenantId).personalCallAnswered('2001', 'personal-leg', '+3360000000');
    const callId = h.dial(DID, { script: { patienceMs: 600_000 } });
    await h.advance(60_000);
    expect(h.rung()).toEqual(['2002', '2003']);
    expect(h.cdrOf(callId)).toMatchObject({ hangupReason: 'call-timeout', route: [`ring-group:${id}`, 'hangup'] });

    await h.store.update('ring-groups', h.tenantId, id, { strategy: 'random' });
    h.dial(DID, { script: { patienceMs: 600_000 } });
    await h.advance(60_000);
    const random = h.rung().slice(2);
    expect([...random].sort()).toEqual(['2001', '2002', '2003']);
  });

  it('outside numbers in a ring group are rung through the trunk; the caller leaving while they ring is "caller abandoned"', async () => {
    h = await routingHarness();
    h.sb.simulator!.scriptNumber('+33699999999', { answer: { probability: 0, otherwise: 'no-answer' } });
    await ringGroupOn('all', ['+33699999999']);
    const callId = h.dial(DID, { script: { patienceMs: 4_000 } });
    await h.advance(60_000);
    const leg = h.sb.simulator!.calls().find((c) => c.direction === 'outbound')!;
    expect(leg.to).toMatchObject({ kind: 'external', number: '+33699999999' });
    expect(h.cdrOf(callId)).toMatchObject({ hangupReason: 'caller-abandoned', hangupParty: 'caller', answeredAt: null });
  });
});
