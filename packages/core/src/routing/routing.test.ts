import { afterEach, describe, expect, it } from 'vitest';
import { file } from '../media/media-ref.js';
import { routingHarness, type RoutingHarness } from './test-support/routing-harness.js';

const DID = '+33140000000';
const group = (number: string, members: string[], queue: Record<string, unknown> = {}) => ({
  name: `Group ${number}`,
  number,
  members: members.map((agentNumber) => ({ agentNumber, kind: 'static' as const })),
  queue: { strategy: 'longest-idle' as const, ...queue },
});

let h: RoutingHarness;
afterEach(async () => {
  await h?.close();
});

/** What was played to a call, one JSON string per play command. */
function playedTo(callId: string): string[] {
  return h.sb.simulator!.call(callId)!.trace.filter((t) => t.kind === 'command' && t.name === 'play').map((t) => JSON.stringify(t.detail));
}

async function loggedIn(...agents: string[]) {
  for (const agent of agents) {
    await h.sb.acd.login(h.tenantId, agent);
    await h.sb.acd.checkIn(h.tenantId, agent);
  }
}

describe('inbound routing on the simulator', () => {
  it('DID → IVR → key 1 → queue: the caller reaches an agent, and one CDR tells the whole story', async () => {
    h = await routingHarness({ agents: ['1001'], groups: [group('600', ['1001'])] });
    await loggedIn('1001');
    const ivr = await h.add('ivr-menus', { name: 'Main', prompts: [{ media: file('welcome'), pauseAfterMs: 500 }], keys: [{ input: '1', destination: { kind: 'agent-group', groupNumber: '600' } }] });
    const did = await h.add('dids', { numbers: [DID], name: 'Paris line', destination: { kind: 'ivr', ivrId: ivr }, callerPrefix: { number: '9', name: 'FR-' } });
    const callId = h.dial(DID, { from: '+33612345678', script: { talkMs: 30_000, dtmf: [{ afterMs: 1_000, digits: '1' }] } });
    await h.advance(120_000);
    await h.sb.routing.flush();
    const cdr = h.cdrOf(callId);
    expect(cdr).toMatchObject({
      callType: 'inbound',
      originalCallerNumber: '+33612345678',
      callerNumber: '9+33612345678',
      callerName: 'FR-',
      didId: did,
      didName: 'Paris line',
      dtmfInput: '1',
      agentNumber: '1001',
      groupNumber: '600',
      calledNumber: '1001',
      hangupReason: 'connected',
      hangupParty: 'caller',
      sipCode: 200,
      route: [`ivr:${ivr}`, 'agent-group:600'],
    });
    expect(cdr.talkMs).toBeGreaterThanOrEqual(29_000);
    expect(cdr.answeredAt).not.toBeNull();
    expect(await h.sb.storage.cdrs.findByCallId(h.tenantId, callId)).toMatchObject({ callId, hangupReason: 'connected' });
    expect(h.events()).toContain('CONNECT 1001');
  });

  it('IVR without input: the prompts repeat, then the timeout prompt and destination', async () => {
    h = await routingHarness();
    const bye = await h.add('voice-broadcasts', { name: 'Bye', media: [file('goodbye')] });
    const ivr = await h.add('ivr-menus', {
      name: 'Main',
      prompts: [{ media: file('menu') }],
      repeats: 2,
      inputTimeoutMs: 4_000,
      timeoutPrompt: [file('no-input')],
      timeoutDestination: { kind: 'voice-broadcast', broadcastId: bye },
    });
    await h.add('dids', { numbers: [DID], name: 'Line', destination: { kind: 'ivr', ivrId: ivr } });
    const callId = h.dial(DID, { script: { patienceMs: 600_000 } });
    await h.advance(120_000);
    const played = playedTo(callId);
    expect(played.filter((p) => p.includes('"menu"'))).toHaveLength(3);
    expect(played.some((p) => p.includes('no-input'))).toBe(true);
    expect(played.some((p) => p.includes('goodbye'))).toBe(true);
    expect(h.cdrOf(callId)).toMatchObject({ route: [`ivr:${ivr}`, `voice-broadcast:${bye}`, 'hangup'], hangupReason: 'connected', hangupParty: 'system' });
  });

  it('IVR invalid input: the invalid prompt, then the menu again, then the invalid destination if set', async () => {
    h = await routingHarness({ agents: ['1001'], groups: [group('600', ['1001'])] });
    await loggedIn('1001');
    const ivr = await h.add('ivr-menus', {
      name: 'Main',
      maxInputLength: 1,
      keys: [{ input: '1', destination: { kind: 'agent-group', groupNumber: '600' } }],
      invalidPrompt: [file('invalid')],
    });
    await h.add('dids', { numbers: [DID], name: 'Line', destination: { kind: 'ivr', ivrId: ivr } });
    const callId = h.dial(DID, { script: { talkMs: 10_000, dtmf: [{ afterMs: 1_000, digits: '7' }, { afterMs: 8_000, digits: '1' }] } });
    await h.advance(120_000);
    const played = playedTo(callId);
    expect(played.some((p) => p.includes('invalid'))).toBe(true);
    expect(h.cdrOf(callId)).toMatchObject({ dtmfInput: '7,1', agentNumber: '1001', hangupReason: 'connected' });
  });

  it('IVR multi-digit keys wait for the longer entry; direct dial reaches an agent by number', async () => {
    h = await routingHarness({ agents: ['1001', '1002'], groups: [group('600', ['1001'])] });
    await loggedIn('1001', '1002');
    const ivr = await h.add('ivr-menus', {
      name: 'Main',
      directDialAgents: true,
      keys: [
        { input: '1', destination: { kind: 'agent-group', groupNumber: '600' } },
        { input: '12', destination: { kind: 'hangup' } },
      ],
    });
    await h.add('dids', { numbers: [DID], name: 'Line', destination: { kind: 'ivr', ivrId: ivr } });
    const direct = h.dial(DID, { script: { talkMs: 10_000, dtmf: [{ afterMs: 500, digits: '1002', gapMs: 200 }] } });
    const twelve = h.dial(DID, { script: { talkMs: 10_000, dtmf: [{ afterMs: 500, digits: '12', gapMs: 200 }] } });
    await h.advance(120_000);
    expect(h.cdrOf(direct)).toMatchObject({ dtmfInput: '1002', agentNumber: '1002', calledNumber: '1002', route: [`ivr:${ivr}`, 'agent:1002'], hangupReason: 'connected' });
    expect(h.cdrOf(twelve)).toMatchObject({ dtmfInput: '12', route: [`ivr:${ivr}`, 'hangup'] });
  });

  it('a time condition steers by the tenant clock; a voice broadcast skips on a key', async () => {
    // The harness clock starts on Monday 2026-11-23 09:00 UTC.
    h = await routingHarness({ timeZone: 'Europe/Paris' });
    const open = await h.add('voice-broadcasts', { name: 'Open', media: [file('long-welcome'), file('more')], skipOnAnyKey: true, destination: { kind: 'hangup' } });
    const closed = await h.add('voice-broadcasts', { name: 'Closed', media: [file('closed')] });
    const hours = await h.add('time-conditions', {
      name: 'Business hours',
      rules: [{ kind: 'weekly', days: [1, 2, 3, 4, 5], from: '09:00', to: '18:00' }],
      matchDestination: { kind: 'voice-broadcast', broadcastId: open },
      noMatchDestination: { kind: 'voice-broadcast', broadcastId: closed },
    });
    await h.add('dids', { numbers: [DID], name: 'Line', destination: { kind: 'condition', conditionId: hours } });
    const inHours = h.dial(DID, { script: { patienceMs: 600_000, dtmf: [{ afterMs: 1_000, digits: '5' }] } });
    await h.advance(60_000);
    expect(h.cdrOf(inHours).route).toEqual([`condition:${hours}`, `voice-broadcast:${open}`, 'hangup']);
    expect(h.cdrOf(inHours).totalMs).toBeLessThan(5_000);
    await h.advance(10 * 3_600_000); // 19:00 in Paris
    const late = h.dial(DID, { script: { patienceMs: 600_000 } });
    await h.advance(60_000);
    expect(h.cdrOf(late).route).toEqual([`condition:${hours}`, `voice-broadcast:${closed}`, 'hangup']);
  });

  it('a disabled DID rejects its calls; a number no DID has is left to the application and still gets a CDR once queued', async () => {
    h = await routingHarness({ agents: ['1001'], groups: [group('600', ['1001'])] });
    await loggedIn('1001');
    await h.add('dids', { numbers: [DID], name: 'Old line', enabled: false, destination: { kind: 'hangup' } });
    const rejected = h.dial(DID);
    const direct = await h.call('600');
    await h.advance(120_000);
    expect(h.cdrOf(rejected)).toMatchObject({ hangupReason: 'call-failed', answeredAt: null });
    expect(h.sb.simulator!.call(rejected)!.hangup?.cause).toBe('CALL_REJECTED');
    expect(h.cdrOf(direct)).toMatchObject({ agentNumber: '1001', groupNumber: '600', hangupReason: 'connected' });
  });

  it('a queue that is full overflows into routing: the overflow destination runs and the CDR says why', async () => {
    h = await routingHarness({ agents: ['1001'], groups: [group('600', ['1001'], { maxQueueLength: 1 })] });
    const sorry = await h.add('voice-broadcasts', { name: 'Sorry', media: [file('all-busy')] });
    await h.sb.storage.agentGroups.update(h.tenantId, (await h.sb.storage.agentGroups.findByNumber(h.tenantId, '600'))!.id, {
      queue: { overflowDestination: { kind: 'voice-broadcast', broadcastId: sorry } },
    });
    await h.sb.acd.reloadGroup(h.tenantId, '600');
    h.sb.routing.reload(h.tenantId);
    await h.add('dids', { numbers: [DID], name: 'Line', destination: { kind: 'agent-group', groupNumber: '600' } });
    const first = h.dial(DID, { script: { patienceMs: 30_000 } });
    await h.advance(1_000);
    const second = h.dial(DID, { script: { patienceMs: 30_000 } });
    await h.advance(120_000);
    expect(h.cdrOf(first)).toMatchObject({ hangupReason: 'queue-abandoned', groupNumber: '600' });
    expect(h.cdrOf(second)).toMatchObject({ hangupReason: 'queue-full-overflow', route: ['agent-group:600', `voice-broadcast:${sorry}`, 'hangup'] });
  });
});
