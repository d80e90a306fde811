import { afterEach, describe, expect, it } from 'vitest';
import { acdHarness, type AcdHarness } from './test-support/acd-harness.js';

let h: AcdHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const staticMembers = (...numbers: string[]) => numbers.map((agentNumber) => ({ agentNumber, kind: 'static' as const }));
const connects = (harness: AcdHarness) => harness.events().filter((e) => e.startsWith('CONNECT'));
const originatesTo = (harness: AcdHarness, extension: string) =>
  harness.sb
    .simulator!.trace()
    .filter((t) => t.kind === 'command' && t.name === 'originate' && (t.detail?.to as { extension?: string } | undefined)?.extension === extension);

describe('idle time (longest idle)', () => {
  it('counts from when the agent left DND: time in DND is not idle time', async () => {
    h = await acdHarness({ agents: ['101', '102'], groups: [{ name: 'S', number: '500', members: staticMembers('101', '102'), queue: { strategy: 'longest-idle' } }] });
    await h.sb.acd.login(h.tenantId, '101');
    await h.advance(10_000);
    await h.sb.acd.login(h.tenantId, '102');
    await h.advance(10_000);
    await h.sb.acd.setDnd(h.tenantId, '101', true);
    await h.advance(10_000);
    await h.sb.acd.setDnd(h.tenantId, '101', false);
    await h.advance(1_000);
    // 101 is available again since t=30 s, 102 since t=10 s: 102 has been idle longest.
    await h.call('500');
    await h.advance(5_000);
    expect(connects(h)).toEqual(['CONNECT 102']);
  });

  it('counts from the end of a pause, like any return to idle', async () => {
    h = await acdHarness({ agents: ['101', '102'], groups: [{ name: 'S', number: '500', members: staticMembers('101', '102'), queue: { strategy: 'longest-idle' } }] });
    await h.sb.acd.login(h.tenantId, '101');
    await h.advance(10_000);
    await h.sb.acd.login(h.tenantId, '102');
    await h.sb.acd.pause(h.tenantId, '101', 'Coffee');
    await h.advance(10_000);
    await h.sb.acd.unpause(h.tenantId, '101');
    await h.call('500');
    await h.advance(5_000);
    expect(connects(h)).toEqual(['CONNECT 102']);
  });

  it('in a group the agent checks in to, counts from the check-in; its place in its other groups stays', async () => {
    h = await acdHarness({
      agents: ['101', '102', '103'],
      groups: [
        { name: 'Sales', number: '500', members: [{ agentNumber: '101', kind: 'dynamic' }, { agentNumber: '102', kind: 'static' }], queue: { strategy: 'longest-idle' } },
        { name: 'Support', number: '501', members: staticMembers('101', '103'), queue: { strategy: 'longest-idle' } },
      ],
    });
    await h.sb.acd.login(h.tenantId, '101');
    await h.advance(10_000);
    await h.sb.acd.login(h.tenantId, '102');
    await h.sb.acd.login(h.tenantId, '103');
    await h.advance(10_000);
    await h.sb.acd.checkIn(h.tenantId, '101', '500');
    await h.advance(1_000);
    // Sales: 101 since its check-in (20 s), 102 since 10 s. Support: 101 since 0, 103 since 10 s.
    await h.call('500', { script: { talkMs: 5_000 } });
    await h.call('501', { script: { talkMs: 5_000 } });
    await h.advance(5_000);
    expect(h.queueLog.filter((e) => e.event === 'CONNECT').map((e) => `${e.queue}:${e.agent}`)).toEqual(['500:102', '501:101']);
  });
});

describe('check-in of static and dynamic members', () => {
  async function staticAndDynamic(): Promise<AcdHarness> {
    h = await acdHarness({
      agents: ['101'],
      groups: [
        { name: 'Sales', number: '500', members: staticMembers('101') },
        { name: 'Support', number: '501', members: [{ agentNumber: '101', kind: 'dynamic' }] },
      ],
    });
    await h.sb.acd.login(h.tenantId, '101');
    await h.sb.acd.checkIn(h.tenantId, '101', '501');
    return h;
  }
  const checkedIn = async (harness: AcdHarness) => Object.fromEntries((await harness.sb.acd.snapshot(harness.tenantId)).agents[0]!.groups.map((g) => [g.groupNumber, g.checkedIn]));

  it('a check-out of every group leaves the static memberships checked in, and their calls still come', async () => {
    await staticAndDynamic();
    await h!.sb.acd.checkOut(h!.tenantId, '101');
    expect(await checkedIn(h!)).toEqual({ '500': true, '501': false });
    await h!.call('500');
    await h!.advance(5_000);
    expect(connects(h!)).toEqual(['CONNECT 101']);
  });

  it('the agent cannot check out of a group it is a static member of', async () => {
    await staticAndDynamic();
    await expect(h!.sb.acd.checkOut(h!.tenantId, '101', '500')).rejects.toMatchObject({ code: 'ILLEGAL_STATE', message: expect.stringMatching(/static member of agent group 500/) });
    await h!.sb.acd.checkOut(h!.tenantId, '101', '501');
    expect(await checkedIn(h!)).toEqual({ '500': true, '501': false });
  });

  it("a supervisor's check-out is refused for a static member and works for a dynamic one", async () => {
    await staticAndDynamic();
    await expect(h!.sb.acd.supervisorCheckOut(h!.tenantId, '101', 'sup-1', '500')).rejects.toMatchObject({ code: 'ILLEGAL_STATE' });
    await h!.sb.acd.supervisorCheckOut(h!.tenantId, '101', 'sup-1');
    expect(await checkedIn(h!)).toEqual({ '500': true, '501': false });
    await h!.sb.acd.flush();
    const events = await h!.sb.storage.agentEvents.query(h!.tenantId, { agentNumber: '101', event: 'checked-out' });
    expect(events.items.map((e) => [e.groupNumber, e.initiator])).toEqual([['501', 'supervisor:sup-1']]);
  });

  it('by phone (*72 + group), a static member is told the check-out was refused', async () => {
    await staticAndDynamic();
    const pbx = h!.sb.simulator!;
    const callId = pbx.placeCall({ from: { extension: '101' }, to: '*72500' });
    await h!.advance(10_000);
    const played = pbx.call(callId)!.trace.filter((t) => t.kind === 'command' && t.name === 'play').map((t) => JSON.stringify(t.detail?.media));
    expect(played).toEqual([JSON.stringify([{ kind: 'file', name: 'agent-feature-refused' }])]);
    expect(await checkedIn(h!)).toEqual({ '500': true, '501': true });
  });
});

describe('a call no queue made, ringing on the agent phone', () => {
  it('keeps the agent out of the queues while it rings; unanswered, the agent is offered the queue call after', async () => {
    h = await acdHarness({ agents: [{ number: '101', phone: { answer: 'manual' } }], groups: [{ name: 'S', number: '500', members: staticMembers('101') }] });
    await h.sb.acd.login(h.tenantId, '101');
    const pbx = h.sb.simulator!;
    const direct = await pbx.originate({ to: { kind: 'extension', extension: '101' }, callerId: { number: '+15550009999' } });
    await h.advance(1_000);
    expect(h.tenant.agent('101').state).toMatchObject({ kind: 'reserved', groupNumber: null, callId: direct });
    await h.call('500');
    await h.advance(10_000);
    // Only the direct call rings on 101's phone; the caller waits.
    expect(originatesTo(h, '101')).toHaveLength(1);
    const snapshot = await h.sb.acd.snapshot(h.tenantId);
    expect(snapshot.groups[0]).toMatchObject({ ringing: 1, idle: 0, waiting: 1 });
    expect(snapshot.agents[0]).toMatchObject({ state: 'reserved', callerNumber: '+15550009999' });
    await pbx.hangup(direct, 'ORIGINATOR_CANCEL');
    await h.advance(1_000);
    expect(originatesTo(h, '101')).toHaveLength(2);
    expect(h.tenant.agent('101').state).toMatchObject({ kind: 'reserved', groupNumber: '500' });
    pbx.answerParty(h.tenant.agent('101').call!.legId);
    await h.advance(2_000);
    expect(connects(h)).toEqual(['CONNECT 101']);
  });

  it('answered, the agent is on that call, and free for the queue once it ends', async () => {
    h = await acdHarness({ agents: [{ number: '101', phone: { answer: 3_000 } }], groups: [{ name: 'S', number: '500', members: staticMembers('101') }] });
    await h.sb.acd.login(h.tenantId, '101');
    const pbx = h.sb.simulator!;
    const direct = await pbx.originate({ to: { kind: 'extension', extension: '101' }, callerId: { number: '+15550009999' } });
    await h.call('500');
    await h.advance(5_000);
    expect(h.tenant.agent('101').state).toMatchObject({ kind: 'on-call', groupNumber: null, callId: direct });
    await pbx.hangup(direct);
    await h.advance(5_000);
    expect(connects(h)).toEqual(['CONNECT 101']);
  });
});

describe('a pause or busy asked for while a call rings', () => {
  it('a direct call: starts when the caller hangs up unanswered, and no queue call rings the agent', async () => {
    h = await acdHarness({ agents: [{ number: '101', phone: { answer: 'manual' } }], groups: [{ name: 'S', number: '500', members: staticMembers('101') }] });
    await h.sb.acd.login(h.tenantId, '101');
    const pbx = h.sb.simulator!;
    const direct = await pbx.originate({ to: { kind: 'extension', extension: '101' }, callerId: { number: '+15550009999' } });
    await h.advance(1_000);
    await h.sb.acd.pause(h.tenantId, '101', 'Lunch');
    expect(h.tenant.agent('101').state).toMatchObject({ kind: 'reserved', groupNumber: null });
    await h.call('500');
    await pbx.hangup(direct, 'ORIGINATOR_CANCEL');
    await h.advance(10_000);
    expect(h.tenant.agent('101')).toMatchObject({ state: { kind: 'paused', reason: 'Lunch' }, pending: undefined });
    expect(originatesTo(h, '101')).toHaveLength(1);
    expect(h.events()).toEqual(['ENTERQUEUE NONE', 'PAUSE 101']);
  });

  it('a direct call: a supervisor\'s busy starts when it ends unanswered', async () => {
    h = await acdHarness({ agents: [{ number: '101', phone: { answer: 'manual' } }], groups: [{ name: 'S', number: '500', members: staticMembers('101') }] });
    await h.sb.acd.login(h.tenantId, '101');
    const pbx = h.sb.simulator!;
    const direct = await pbx.originate({ to: { kind: 'extension', extension: '101' }, callerId: { number: '+15550009999' } });
    await h.advance(1_000);
    await h.sb.acd.setBusy(h.tenantId, '101', 'sup-1');
    await pbx.hangup(direct, 'ORIGINATOR_CANCEL');
    await h.advance(1_000);
    expect(h.tenant.agent('101').state).toMatchObject({ kind: 'busy', by: 'sup-1' });
  });

  it('a queue offer: starts when the offer ends unanswered (before any auto-pause), and the caller goes to the next agent', async () => {
    h = await acdHarness({
      agents: [{ number: '101', phone: { answer: 'manual' } }, '102'],
      groups: [{ name: 'S', number: '500', members: staticMembers('101', '102'), queue: { strategy: 'sequential', agentRingTimeoutSec: 10, retrySec: 2, autoPause: true } }],
    });
    await h.sb.acd.login(h.tenantId, '101');
    await h.sb.acd.login(h.tenantId, '102');
    await h.call('500');
    await h.advance(1_000);
    expect(h.tenant.agent('101').state).toMatchObject({ kind: 'reserved', groupNumber: '500' });
    await h.sb.acd.pause(h.tenantId, '101', 'Lunch');
    await h.advance(20_000);
    expect(h.events()).toEqual(['ENTERQUEUE NONE', 'RINGNOANSWER 101', 'PAUSE 101', 'CONNECT 102']);
    expect(h.tenant.agent('101')).toMatchObject({ state: { kind: 'paused', reason: 'Lunch' }, pending: undefined });
    await h.call('500');
    await h.advance(20_000);
    expect(originatesTo(h, '101')).toHaveLength(1);
  });
});

describe('DND, disabled agents and wrap-up', () => {
  it('a DND agent is not offered queue calls, and is again once DND is off', async () => {
    h = await acdHarness({ agents: ['101'], groups: [{ name: 'S', number: '500', members: staticMembers('101') }] });
    await h.sb.acd.login(h.tenantId, '101');
    await h.sb.acd.setDnd(h.tenantId, '101', true);
    await h.call('500');
    await h.advance(30_000);
    expect(h.events()).toEqual(['ENTERQUEUE NONE']);
    expect((await h.sb.acd.snapshot(h.tenantId)).agents[0]).toMatchObject({ state: 'idle', dnd: true });
    await h.sb.acd.setDnd(h.tenantId, '101', false);
    await h.advance(5_000);
    expect(h.events()).toEqual(['ENTERQUEUE NONE', 'CONNECT 101']);
  });

  it('an agent disabled while logged in is logged out and can do nothing further', async () => {
    h = await acdHarness({ agents: ['101'], groups: [{ name: 'S', number: '500', members: staticMembers('101') }] });
    await h.sb.acd.login(h.tenantId, '101');
    const stored = await h.sb.storage.agents.getByNumber(h.tenantId, '101');
    await h.sb.storage.agents.update(h.tenantId, stored.id, { enabled: false });
    await h.sb.acd.reloadAgent(h.tenantId, '101');
    expect(h.tenant.agent('101').state.kind).toBe('logged-out');
    for (const command of [
      () => h!.sb.acd.login(h!.tenantId, '101'),
      () => h!.sb.acd.checkIn(h!.tenantId, '101', '500'),
      () => h!.sb.acd.pause(h!.tenantId, '101', 'Lunch'),
      () => h!.sb.acd.unpause(h!.tenantId, '101'),
      () => h!.sb.acd.setDnd(h!.tenantId, '101', true),
    ]) {
      await expect(command()).rejects.toMatchObject({ code: 'FORBIDDEN', message: 'Agent 101 is disabled' });
    }
    await h.call('500');
    await h.advance(10_000);
    expect(h.events()).toEqual(['ENTERQUEUE NONE']);
  });

  it('"end wrap-up" ends it early: the agent takes the next caller at once', async () => {
    h = await acdHarness({ agents: ['101'], groups: [{ name: 'S', number: '500', members: staticMembers('101'), wrapUpSec: 120 }] });
    await h.sb.acd.login(h.tenantId, '101');
    await h.call('500', { script: { talkMs: 10_000 } });
    await h.advance(15_000);
    expect(h.tenant.agent('101').state.kind).toBe('wrap-up');
    await h.call('500');
    await h.advance(5_000);
    expect(connects(h)).toEqual(['CONNECT 101']);
    await h.sb.acd.endWrapUp(h.tenantId, '101');
    await h.advance(5_000);
    expect(connects(h)).toEqual(['CONNECT 101', 'CONNECT 101']);
    await expect(h.sb.acd.endWrapUp(h.tenantId, '101')).rejects.toMatchObject({ code: 'ILLEGAL_STATE', message: 'Agent 101 is not in wrap-up' });
  });
});

describe('snapshot: calls out', () => {
  it('counts the calls an agent dials out, for the agent once and for each group it is checked in to', async () => {
    h = await acdHarness({
      agents: ['101', '102'],
      groups: [
        { name: 'Sales', number: '500', members: staticMembers('101', '102') },
        { name: 'Support', number: '501', members: [{ agentNumber: '101', kind: 'dynamic' }] },
        { name: 'Billing', number: '502', members: staticMembers('101') },
      ],
    });
    await h.sb.acd.login(h.tenantId, '101');
    await h.sb.acd.login(h.tenantId, '102');
    const pbx = h.sb.simulator!;
    const dialOut = pbx.placeCall({ from: { extension: '101' }, to: '+15550008888' });
    await h.advance(2_000);
    await pbx.answer(dialOut);
    await h.advance(10_000);
    pbx.hangupParty(dialOut);
    await h.advance(1_000);
    // Neither a call to a colleague nor a feature code is a call out.
    pbx.placeCall({ from: { extension: '101' }, to: '102', script: { talkMs: 5_000 } });
    await h.advance(20_000);
    pbx.placeCall({ from: { extension: '101' }, to: '*73' });
    await h.advance(10_000);
    pbx.placeCall({ from: { extension: '101' }, to: '+15550007777' });
    await h.advance(1_000);
    const snapshot = await h.sb.acd.snapshot(h.tenantId);
    const agent = snapshot.agents.find((a) => a.agentNumber === '101')!;
    expect(agent.callsOut).toBe(2);
    expect(agent.groups.map((g) => [g.groupNumber, g.callsOut])).toEqual([
      ['500', 2],
      ['501', 0],
      ['502', 2],
    ]);
    expect(snapshot.groups.map((g) => [g.groupNumber, g.today.callsOut])).toEqual([
      ['500', 2],
      ['501', 0],
      ['502', 2],
    ]);
    expect(snapshot.agents.find((a) => a.agentNumber === '102')!.callsOut).toBe(0);
  });
});
