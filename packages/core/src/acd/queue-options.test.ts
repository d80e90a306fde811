import { afterEach, describe, expect, it } from 'vitest';
import { file } from '../media/media-ref.js';
import type { NewAgentGroup } from './model.js';
import { acdHarness, type AcdHarness, type HarnessOptions } from './test-support/acd-harness.js';

let h: AcdHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const staticMembers = (...numbers: string[]) => numbers.map((agentNumber) => ({ agentNumber, kind: 'static' as const }));

async function start(queue: NewAgentGroup['queue'], options: Partial<HarnessOptions> & { members?: string[]; login?: string[] } = {}): Promise<AcdHarness> {
  const agents = options.agents ?? ['101', '102'];
  const numbers = agents.map((a) => (typeof a === 'string' ? a : a.number));
  h = await acdHarness({ ...options, agents, groups: options.groups ?? [{ name: 'Sales', number: '500', members: staticMembers(...(options.members ?? numbers)), queue }] });
  for (const agent of options.login ?? numbers) await h.sb.acd.login(h.tenantId, agent);
  return h;
}

const commands = (harness: AcdHarness, name: string, callId?: string) =>
  harness.sb.simulator!.trace().filter((t) => t.kind === 'command' && t.name === name && (callId === undefined || t.callId === callId));

describe('queue options (manual §3.1.3 ③)', () => {
  it('refuses callers beyond the maximum queue length with FULL, to the overflow destination', async () => {
    const sent: string[] = [];
    h = await start({ maxQueueLength: 1, overflowDestination: { kind: 'ivr', ivrId: 'main' } }, { login: [], destinations: async (r) => void sent.push(`${r.destination.kind}:${r.reason}`) });
    await h.call('500', { script: {} });
    await h.call('500', { script: {} });
    expect(h.events()).toEqual(['ENTERQUEUE NONE', 'FULL NONE']);
    expect(sent).toEqual(['ivr:queue-full']);
    expect(h.ended.map((e) => e.outcome)).toEqual(['overflowed']);
  });

  it('without join-empty, a caller cannot enter a queue nobody is checked in to', async () => {
    h = await start({ joinEmpty: false }, { login: [] });
    await h.call('500', { script: {} });
    expect(h.events()).toEqual(['JOINEMPTY NONE']);
    expect(h.ended.map((e) => e.outcome)).toEqual(['exited-empty']);
  });

  it('overflow when no agent is available sends the caller on at once (JOINUNAVAIL)', async () => {
    h = await start({ overflowWhenNoAgent: true, noAgentDestination: { kind: 'agent-group', groupNumber: '501' } }, { login: ['101'] });
    await h.sb.acd.pause(h.tenantId, '101', 'Lunch');
    await h.call('500', { script: {} });
    expect(h.events()).toEqual(['PAUSE 101', 'JOINUNAVAIL NONE']);
  });

  it('leave when empty: waiting callers exit when the last agent checks out', async () => {
    // Only a dynamic member can check out while logged in.
    h = await start({}, { agents: ['101'], login: [], groups: [{ name: 'Sales', number: '500', members: [{ agentNumber: '101', kind: 'dynamic' }], queue: { leaveWhenEmpty: true } }] });
    await h.sb.acd.checkIn(h.tenantId, '101', '500');
    await h.sb.acd.pause(h.tenantId, '101', 'Break');
    await h.call('500', { script: {} });
    await h.advance(1_000);
    await h.sb.acd.checkOut(h.tenantId, '101');
    expect(h.events()).toEqual(['PAUSE 101', 'ENTERQUEUE NONE', 'EXITEMPTY NONE']);
    expect(h.ended.map((e) => e.outcome)).toEqual(['exited-empty']);
  });

  it('the exit key takes the caller out of the queue (EXITWITHKEY)', async () => {
    h = await start({ exitKey: '0', exitKeyDestination: { kind: 'extension', extension: '800' } }, { login: [] });
    await h.call('500', { script: { dtmf: [{ afterMs: 3_000, digits: '0' }] } });
    await h.advance(5_000);
    expect(h.events()).toEqual(['ENTERQUEUE NONE', 'EXITWITHKEY NONE']);
    expect(h.queueLog.at(-1)?.data[0]).toBe('0');
  });

  it('plays the entry announcement, then waiting music; periodic and position announcements interrupt it', async () => {
    h = await start(
      { entryAnnouncement: file('welcome'), waitingMusic: file('jazz'), periodicAnnouncementSec: 30, periodicAnnouncement: file('still-busy'), positionAnnouncementSec: 45 },
      { login: [] },
    );
    const callId = await h.call('500', { script: {} });
    await h.advance(55_000);
    const played = commands(h, 'play', callId).map((t) => (t.detail?.media as Array<{ kind: string; name?: string; value?: number }>).map((m) => m.name ?? `${m.kind}:${m.value ?? ''}`).join('+'));
    expect(played).toEqual(['welcome', 'jazz', 'still-busy', 'jazz', 'queue-you-are-number+number:1+queue-in-line', 'jazz']);
  });

  it('whispers the agent announcement and tells the caller the agent number before connecting', async () => {
    h = await start({ agentAnnouncement: file('sales-call'), announceAgentNumber: true, agentNumberVoiceBefore: file('agent-number-is'), agentNumberVoiceAfter: file('at-your-service') }, { agents: ['101'] });
    const callId = await h.call('500');
    await h.advance(4_000);
    expect(h.tenant.agent('101').state.kind).toBe('on-call');
    expect(h.events()).toEqual(['ENTERQUEUE NONE']);
    const leg = h.tenant.agent('101').call!.legId;
    expect(commands(h, 'play', leg).map((t) => t.detail?.media)).toEqual([[file('sales-call')]]);
    expect(commands(h, 'play', callId).at(-1)?.detail?.media).toEqual([file('agent-number-is'), { kind: 'digits', digits: '101' }, file('at-your-service')]);
    await h.advance(10_000);
    expect(h.events()).toEqual(['ENTERQUEUE NONE', 'CONNECT 101']);
  });

  it('rings agents with the caller number and name prefixes, the ring timeout and the SIP auto-answer flag', async () => {
    h = await acdHarness({
      agents: ['101'],
      groups: [{ name: 'Sales', number: '500', members: staticMembers('101'), autoAnswer: { queue: true }, queue: { callerNumberPrefix: '9', callerNamePrefix: 'Sales:', agentRingTimeoutSec: 15 } }],
    });
    await h.sb.acd.login(h.tenantId, '101');
    await h.call('500', { from: '+15551234' });
    const originate = commands(h, 'originate')[0]!;
    expect(originate.detail).toMatchObject({ to: { kind: 'extension', extension: '101' }, callerId: { number: '9+15551234', name: 'Sales:+15551234' }, autoAnswer: true, timeoutMs: 20_000 });
  });

  it('ends a talk automatically after the group limit', async () => {
    h = await acdHarness({ agents: ['101'], groups: [{ name: 'Sales', number: '500', members: staticMembers('101'), autoEndTalkSec: 20 }] });
    await h.sb.acd.login(h.tenantId, '101');
    await h.call('500', { script: { talkMs: 600_000 } });
    await h.advance(30_000);
    expect(h.events()).toEqual(['ENTERQUEUE NONE', 'CONNECT 101', 'COMPLETECALLER 101']);
  });

  it('auto-pause options: busy (rejected) pauses only with its option on', async () => {
    h = await start({ autoPause: true, autoPauseOnBusy: false, strategy: 'sequential' }, { agents: [{ number: '101', phone: { reject: true } }, '102'] });
    await h.call('500');
    await h.advance(10_000);
    expect(h.tenant.agent('101').state.kind).toBe('idle');
    expect(h.events()).toEqual(['ENTERQUEUE NONE', 'RINGNOANSWER 101', 'CONNECT 102']);
  });

  it('auto-pause on busy: an agent whose phone rejects the call is paused, the caller goes to the next agent', async () => {
    h = await start({ autoPauseOnBusy: true, strategy: 'sequential', retrySec: 0 }, { agents: [{ number: '101', phone: { reject: true } }, '102'] });
    await h.call('500');
    await h.advance(10_000);
    expect(h.tenant.agent('101').state).toMatchObject({ kind: 'paused', reason: 'auto-pause: busy' });
    expect(h.events()).toEqual(['ENTERQUEUE NONE', 'RINGNOANSWER 101', 'PAUSE 101', 'CONNECT 102']);
  });

  it('auto-pause on unavailable: an agent whose phone is not registered is paused only with its option on', async () => {
    h = await start({ autoPauseOnUnavailable: true, strategy: 'sequential', retrySec: 0 }, { agents: [{ number: '101', phone: { registered: false } }, '102'] });
    await h.call('500');
    await h.advance(10_000);
    expect(h.tenant.agent('101').state).toMatchObject({ kind: 'paused', reason: 'auto-pause: unavailable' });
    expect(h.events()).toEqual(['ENTERQUEUE NONE', 'RINGNOANSWER 101', 'PAUSE 101', 'CONNECT 102']);
    await h.close();
    h = await start({ autoPause: true, autoPauseOnUnavailable: false, strategy: 'sequential', retrySec: 0 }, { agents: [{ number: '101', phone: { registered: false } }, '102'] });
    await h.call('500');
    await h.advance(10_000);
    expect(h.tenant.agent('101').state.kind).toBe('idle');
  });

  it('with the incoming queue off, callers are refused and no agent rings', async () => {
    h = await start({ enabled: false });
    const pbx = h.sb.simulator!;
    const callId = pbx.placeCall({ from: { number: '+15550001111' }, to: '500', script: {} });
    await expect(h.sb.acd.enqueue(h.tenantId, { callId, groupNumber: '500' })).rejects.toMatchObject({ code: 'ILLEGAL_STATE', message: 'The queue of agent group 500 is off' });
    await h.advance(10_000);
    expect(h.events()).toEqual([]);
    expect(commands(h, 'originate')).toEqual([]);
    expect((await h.sb.acd.snapshot(h.tenantId)).groups[0]).toMatchObject({ waiting: 0, idle: 2, today: { entered: 0 } });
  });

  it('an agent who answers and hangs up before the bridge leaves the caller waiting for the next agent', async () => {
    h = await start({ agentAnnouncement: file('long-whisper'), strategy: 'sequential', retrySec: 0 }, { agents: ['101', '102'] });
    await h.call('500');
    await h.advance(2_500);
    const leg = h.tenant.agent('101').call!.legId;
    h.sb.simulator!.hangupParty(leg);
    await h.advance(10_000);
    expect(h.events()).toEqual(['ENTERQUEUE NONE', 'RINGNOANSWER 101', 'CONNECT 102']);
  });
});

describe('strategies end to end', () => {
  it('longest idle counts from when the agent became available, not from the end of the last call', async () => {
    // 101 ends a call at t=70 s then spends 60 s in wrap-up; 102 logs in at t=100 s.
    h = await acdHarness({ agents: ['101', '102'], groups: [{ name: 'S', number: '500', members: staticMembers('101', '102'), wrapUpSec: 60, queue: { strategy: 'longest-idle' } }] });
    await h.sb.acd.login(h.tenantId, '101');
    await h.call('500', { script: { talkMs: 60_000 } });
    await h.advance(100_000);
    await h.sb.acd.login(h.tenantId, '102');
    await h.advance(40_000);
    // 101 became available at ~130 s, 102 at 100 s: 102 has waited longest.
    await h.call('500');
    await h.advance(5_000);
    expect(h.events().filter((e) => e.startsWith('CONNECT'))).toEqual(['CONNECT 101', 'CONNECT 102']);
  });

  it('fewest calls today prefers the agent with fewer answered calls; the count rolls over at midnight in the tenant time zone', async () => {
    h = await acdHarness({
      timeZone: 'Asia/Tokyo',
      // 23:50 in Tokyo.
      startAt: Date.UTC(2026, 10, 23, 14, 50),
      agents: ['101', '102'],
      groups: [{ name: 'S', number: '500', members: staticMembers('101', '102'), queue: { strategy: 'fewest-calls' } }],
    });
    await h.sb.acd.login(h.tenantId, '101');
    await h.call('500', { script: { talkMs: 10_000 } });
    await h.advance(20_000);
    await h.sb.acd.login(h.tenantId, '102');
    await h.call('500', { script: { talkMs: 10_000 } });
    await h.advance(20_000);
    expect(h.events().filter((e) => e.startsWith('CONNECT'))).toEqual(['CONNECT 101', 'CONNECT 102']);
    await h.call('500', { script: { talkMs: 10_000 } });
    await h.advance(20_000);
    // Both have one call: the tie goes to the first on the group page.
    expect(h.events().filter((e) => e.startsWith('CONNECT')).at(-1)).toBe('CONNECT 101');
    expect((await h.sb.acd.snapshot(h.tenantId)).groups[0]!.today.answered).toBe(3);
    await h.advance(10 * 60_000);
    // Past midnight in Tokyo: today's figures start again.
    expect((await h.sb.acd.snapshot(h.tenantId)).groups[0]!.today.answered).toBe(0);
  });

  it('round-robin with memory starts after the agent rung last', async () => {
    h = await start({ strategy: 'round-robin' }, { agents: ['101', '102', '103'] });
    for (let i = 0; i < 4; i++) {
      await h.call('500', { script: { talkMs: 5_000 } });
      await h.advance(20_000);
    }
    expect(h.events().filter((e) => e.startsWith('CONNECT'))).toEqual(['CONNECT 101', 'CONNECT 102', 'CONNECT 103', 'CONNECT 101']);
  });

  it('sequential always starts from the top of the group page', async () => {
    h = await start({ strategy: 'sequential' }, { agents: ['101', '102', '103'] });
    for (let i = 0; i < 3; i++) {
      await h.call('500', { script: { talkMs: 5_000 } });
      await h.advance(20_000);
    }
    expect(h.events().filter((e) => e.startsWith('CONNECT'))).toEqual(['CONNECT 101', 'CONNECT 101', 'CONNECT 101']);
  });

  it('priority tiers come first', async () => {
    h = await acdHarness({
      agents: ['101', '102'],
      groups: [{ name: 'S', number: '500', members: [{ agentNumber: '101', kind: 'static', priority: 2 }, { agentNumber: '102', kind: 'static', priority: 1 }], queue: { strategy: 'sequential' } }],
    });
    await h.sb.acd.login(h.tenantId, '101');
    await h.sb.acd.login(h.tenantId, '102');
    await h.call('500');
    await h.advance(5_000);
    expect(h.events()).toEqual(['ENTERQUEUE NONE', 'CONNECT 102']);
  });

  it('ring progressively adds one more agent every interval while the first still rings', async () => {
    h = await start({ strategy: 'ring-progressively', progressiveIntervalSec: 5, agentRingTimeoutSec: 60 }, { agents: [{ number: '101', phone: { answer: 'manual' } }, { number: '102', phone: { answer: 'manual' } }, { number: '103', phone: { answer: 1_000 } }] });
    await h.call('500');
    await h.advance(4_000);
    expect(commands(h, 'originate')).toHaveLength(1);
    await h.advance(5_000);
    expect(commands(h, 'originate')).toHaveLength(2);
    await h.advance(10_000);
    // The others are cancelled the moment 103 answers; CONNECT follows the bridge.
    expect(h.events()).toEqual(['ENTERQUEUE NONE', 'RINGCANCELED 101', 'RINGCANCELED 102', 'CONNECT 103']);
  });

  it('linear remembers per caller where it got to', async () => {
    h = await start({ strategy: 'linear', retrySec: 0, agentRingTimeoutSec: 10 }, { agents: [{ number: '101', phone: { answer: 'manual' } }, '102'] });
    await h.call('500');
    await h.advance(20_000);
    expect(h.events()).toEqual(['ENTERQUEUE NONE', 'RINGNOANSWER 101', 'CONNECT 102']);
  });
});

describe('agents', () => {
  it('a disabled agent can do nothing', async () => {
    h = await acdHarness({ agents: [{ number: '101', enabled: false }], groups: [{ name: 'S', number: '500', members: staticMembers('101') }] });
    await expect(h.sb.acd.login(h.tenantId, '101')).rejects.toThrow(/disabled/);
  });

  it('a work-with-browser agent cannot check in by phone without a web login', async () => {
    h = await acdHarness({ agents: [{ number: '101', workWithBrowser: true }], groups: [{ name: 'S', number: '500', members: [{ agentNumber: '101', kind: 'dynamic' }] }] });
    await expect(h.sb.acd.checkIn(h.tenantId, '101', '500', 'agent:phone')).rejects.toThrow(/log in on the web/);
    await h.sb.acd.login(h.tenantId, '101', 'web');
    await h.sb.acd.checkIn(h.tenantId, '101', '500', 'agent:phone');
    expect((await h.sb.acd.snapshot(h.tenantId)).groups[0]!.checkedIn).toBe(1);
  });

  it('dynamic members only take calls once checked in; static members are in on login', async () => {
    h = await acdHarness({ agents: ['101', '102'], groups: [{ name: 'S', number: '500', members: [{ agentNumber: '101', kind: 'dynamic' }, { agentNumber: '102', kind: 'static' }] }] });
    await h.sb.acd.login(h.tenantId, '101');
    await h.sb.acd.login(h.tenantId, '102');
    expect((await h.sb.acd.snapshot(h.tenantId)).groups[0]!.checkedIn).toBe(1);
    await h.sb.acd.checkIn(h.tenantId, '101', '500');
    expect((await h.sb.acd.snapshot(h.tenantId)).groups[0]).toMatchObject({ checkedIn: 2, idle: 2 });
  });

  it('a pause asked for during a call starts when the call and its wrap-up end; every change is an agent event', async () => {
    h = await acdHarness({ agents: ['101'], groups: [{ name: 'S', number: '500', members: staticMembers('101'), wrapUpSec: 10 }] });
    await h.sb.acd.login(h.tenantId, '101');
    await h.call('500', { script: { talkMs: 20_000 } });
    await h.advance(5_000);
    await h.sb.acd.pause(h.tenantId, '101', 'Lunch');
    expect(h.tenant.agent('101').state.kind).toBe('on-call');
    await h.advance(40_000);
    expect(h.tenant.agent('101').state).toMatchObject({ kind: 'paused', reason: 'Lunch' });
    const emitted: string[] = [];
    h.sb.acd.events.on('agent.event', (e) => emitted.push(e.event));
    await h.sb.acd.unpause(h.tenantId, '101');
    expect(emitted).toEqual(['idle']);
    await h.sb.acd.flush();
    const stored = await h.sb.storage.agentEvents.query(h.tenantId, { agentNumber: '101' });
    expect(stored.items.map((e) => e.event).sort()).toEqual(['checked-in', 'idle', 'idle', 'logged-in', 'on-call', 'paused', 'reserved', 'wrap-up']);
    expect(stored.items.find((e) => e.event === 'paused')).toMatchObject({ cause: 'Lunch', initiator: 'agent:web', groupNumber: null });
  });

  it('a supervisor sets an agent busy and listens to their call', async () => {
    h = await acdHarness({ agents: ['101', '900'], groups: [{ name: 'S', number: '500', members: staticMembers('101') }] });
    await h.sb.acd.login(h.tenantId, '101');
    await h.call('500');
    await h.advance(5_000);
    const monitorId = await h.sb.acd.monitor(h.tenantId, '101', 'listen', { kind: 'extension', extension: '900' });
    expect(commands(h, 'monitor')).toHaveLength(1);
    expect(monitorId).toBeTruthy();
    await h.sb.acd.setBusy(h.tenantId, '101', 'sup-1');
    // Busy waits for the call to end.
    expect(h.tenant.agent('101').state.kind).toBe('on-call');
    await h.sb.acd.hangupAgentCall(h.tenantId, '101');
    await h.advance(1_000);
    expect(h.tenant.agent('101').state).toMatchObject({ kind: 'busy', by: 'sup-1' });
  });

  it('an agent on a call no queue made (a direct call) is not offered queue calls, and a pause comes back after it', async () => {
    h = await acdHarness({ agents: ['101', '102'], groups: [{ name: 'S', number: '500', members: staticMembers('101', '102'), queue: { strategy: 'sequential' } }] });
    await h.sb.acd.login(h.tenantId, '101');
    await h.sb.acd.login(h.tenantId, '102');
    await h.sb.acd.pause(h.tenantId, '102', 'Lunch');
    const pbx = h.sb.simulator!;
    // Someone calls agent 101's extension directly; agent 102 (paused) dials out.
    await pbx.originate({ to: { kind: 'extension', extension: '101' }, callerId: { number: '+15550009999' } });
    const dialOut = pbx.placeCall({ from: { extension: '102' }, to: '+15550008888' });
    await h.advance(3_000);
    await pbx.answer(dialOut);
    await h.advance(1_000);
    expect(h.tenant.agent('101').state.kind).toBe('on-call');
    expect(h.tenant.agent('102').state.kind).toBe('on-call');
    await h.call('500');
    await h.advance(10_000);
    expect(h.events()).toEqual(['PAUSE 102', 'ENTERQUEUE NONE']);
    pbx.hangupParty(dialOut);
    await h.advance(1_000);
    expect(h.tenant.agent('102').state).toMatchObject({ kind: 'paused', reason: 'Lunch' });
    const direct = pbx.calls().find((c) => c.to.kind === 'extension' && c.state !== 'ended')!;
    await pbx.hangup(direct.callId);
    await h.advance(5_000);
    expect(h.events()).toEqual(['PAUSE 102', 'ENTERQUEUE NONE', 'PAUSE 102', 'CONNECT 101']);
  });
});
