import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { HOP_LIMIT } from './call-session.js';
import { routingHarness, type RoutingHarness } from './test-support/routing-harness.js';

const DID = '+33140000000';
const group = (number: string, members: string[]) => ({
  name: `Group ${number}`,
  number,
  members: members.map((agentNumber) => ({ agentNumber, kind: 'static' as const })),
  queue: { strategy: 'longest-idle' as const },
});

let h: RoutingHarness;
let server: Server | undefined;
afterEach(async () => {
  await h?.close();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  server = undefined;
});

async function loggedIn(...agents: string[]) {
  for (const agent of agents) {
    await h.sb.acd.login(h.tenantId, agent);
    await h.sb.acd.checkIn(h.tenantId, agent);
  }
}

describe('incoming routes', () => {
  it('a DID without a destination takes the first matching route in order, else the default route; prefixes follow the manual', async () => {
    h = await routingHarness();
    const hangup = { kind: 'hangup' as const };
    const mobile = await h.add('incoming-routes', { name: 'Mobiles', order: 2, match: { on: 'caller', kind: 'prefix', value: '+336' }, destination: hangup, stripCallerPrefix: '32', addCallerPrefix: '88' });
    const vip = await h.add('incoming-routes', { name: 'VIP', order: 1, match: { on: 'caller', kind: 'regex', value: '1234' }, destination: hangup });
    const sales = await h.add('incoming-routes', { name: 'Sales line', order: 3, match: { on: 'did', kind: 'group', value: 'sales' }, destination: hangup });
    const fallback = await h.add('incoming-routes', { name: 'Default', order: 0, isDefault: true, destination: hangup });
    await h.add('dids', { numbers: [DID], name: 'Line', callerPrefix: { number: '32', name: '' } });
    await h.add('dids', { numbers: ['+33150000000'], name: 'Sales', group: 'sales' });
    const fromMobile = h.dial(DID, { from: '+33611112222' });
    const fromVip = h.dial(DID, { from: '+33612345678' });
    const fromLandline = h.dial(DID, { from: '+33144445555' });
    const toSales = h.dial('+33150000000', { from: '+33144445555' });
    await h.advance(10_000);
    expect(h.cdrOf(fromMobile)).toMatchObject({ route: [`route:${mobile}`, 'hangup'], callerNumber: '88+33611112222' });
    expect(h.cdrOf(fromVip).route[0]).toBe(`route:${vip}`);
    expect(h.cdrOf(fromLandline)).toMatchObject({ route: [`route:${fallback}`, 'hangup'], callerNumber: '32+33144445555' });
    expect(h.cdrOf(toSales).route[0]).toBe(`route:${sales}`);
  });

  it('matches the caller by home region from the tenant table', async () => {
    h = await routingHarness();
    await h.sb.storage.routingSettings.replaceRegions(h.tenantId, [{ prefix: '+331', region: 'Paris' }]);
    const paris = await h.add('incoming-routes', { name: 'Paris callers', match: { on: 'caller', kind: 'region', value: 'paris' }, destination: { kind: 'hangup' } });
    await h.add('incoming-routes', { name: 'Default', isDefault: true, destination: { kind: 'hangup', cause: 'CALL_REJECTED' } });
    await h.add('dids', { numbers: [DID], name: 'Line' });
    const parisian = h.dial(DID, { from: '+33145678901' });
    const other = h.dial(DID, { from: '+33490000000' });
    await h.advance(10_000);
    expect(h.cdrOf(parisian).route[0]).toBe(`route:${paris}`);
    expect(h.cdrOf(other).route[0]).not.toBe(`route:${paris}`);
  });

  it('no DID destination and no route: the call is refused as "call failed"', async () => {
    h = await routingHarness();
    await h.add('dids', { numbers: [DID], name: 'Line' });
    const callId = h.dial(DID);
    await h.advance(10_000);
    expect(h.cdrOf(callId)).toMatchObject({ hangupReason: 'call-failed', hangupParty: 'system' });
  });

  it('last agent first: a returning caller rings the agent who last talked with them, if free', async () => {
    h = await routingHarness({ agents: ['1001', '1002'], groups: [group('600', ['1001', '1002'])] });
    await loggedIn('1001', '1002');
    await h.add('incoming-routes', { name: 'All', isDefault: true, lastAgentFirst: true, destination: { kind: 'agent-group', groupNumber: '600' } });
    await h.add('dids', { numbers: [DID], name: 'Line' });
    const first = h.dial(DID, { from: '+33612345678', script: { talkMs: 10_000 } });
    await h.advance(60_000);
    await h.sb.routing.flush();
    const firstAgent = h.cdrOf(first).agentNumber!;
    expect(['1001', '1002']).toContain(firstAgent);
    // Longest idle would now pick the other agent; the returning caller gets the same one.
    const again = h.dial(DID, { from: '+33612345678', script: { talkMs: 10_000 } });
    await h.advance(60_000);
    expect(h.cdrOf(again)).toMatchObject({ agentNumber: firstAgent, route: [expect.stringMatching(/^route:/), `last-agent:${firstAgent}`] });
  });
});

describe('blacklist', () => {
  it('refuses enabled entries before routing; a pending agent submission has no effect until approved; every step is recorded', async () => {
    h = await routingHarness();
    await h.add('dids', { numbers: [DID], name: 'Line', destination: { kind: 'voice-broadcast', broadcastId: await h.add('voice-broadcasts', { name: 'Hi', media: [{ kind: 'file', name: 'hi' }] }) } });
    await h.sb.storage.blacklist.add(h.tenantId, { numbers: ['+33600000001'], status: 'enabled', reason: 'abuse', by: 'admin' });
    const pending = await h.sb.storage.blacklist.submit(h.tenantId, { number: '+33600000002', reason: 'rude', by: 'agent:1001' });
    const blocked = h.dial(DID, { from: '+33600000001' });
    const notYet = h.dial(DID, { from: '+33600000002' });
    await h.advance(30_000);
    expect(h.cdrOf(blocked)).toMatchObject({ hangupReason: 'blacklist', route: [] });
    expect(h.sb.simulator!.call(blocked)!.answeredAt).toBeUndefined();
    expect(h.cdrOf(notYet).hangupReason).not.toBe('blacklist');
    await h.sb.storage.blacklist.review(h.tenantId, pending.id, { approve: true, by: 'supervisor' });
    const nowBlocked = h.dial(DID, { from: '+33600000002' });
    await h.advance(30_000);
    expect(h.cdrOf(nowBlocked).hangupReason).toBe('blacklist');
    const records = await h.sb.storage.blacklist.records(h.tenantId);
    expect(records.map((r) => `${r.action} ${r.number} ${r.by}`).sort()).toEqual(['added +33600000001 admin', 'approved +33600000002 supervisor', 'submitted +33600000002 agent:1001']);
  });

  it('treatments: a voice then hang-up, or a destination of the tenant', async () => {
    h = await routingHarness();
    await h.add('dids', { numbers: [DID], name: 'Line', destination: { kind: 'hangup' } });
    await h.sb.storage.blacklist.add(h.tenantId, { numbers: ['+33600000001'], status: 'enabled', reason: '', by: 'admin' });
    await h.store.putSettings(h.tenantId, { blacklistTreatment: { kind: 'voice', media: [{ kind: 'file', name: 'you-are-blocked' }] } });
    const callId = h.dial(DID, { from: '+33600000001', script: { patienceMs: 600_000 } });
    await h.advance(30_000);
    expect(h.sb.simulator!.call(callId)!.trace.some((t) => t.name === 'play' && JSON.stringify(t.detail).includes('you-are-blocked'))).toBe(true);
    expect(h.cdrOf(callId)).toMatchObject({ hangupReason: 'blacklist', hangupParty: 'system' });
  });
});

describe('IVR matching webhook and the hop limit', () => {
  it('asks the webhook over real HTTP for input the key map does not know; falls back when it fails', async () => {
    h = await routingHarness({ agents: ['1001'], groups: [group('600', ['1001'])] });
    await loggedIn('1001');
    const asked: unknown[] = [];
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        const parsed = JSON.parse(body) as { input: string };
        asked.push(parsed);
        if (parsed.input === '42') return res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ destination: { kind: 'agent-group', groupNumber: '600' } }));
        res.writeHead(500).end();
      });
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/match`;
    const ivr = await h.add('ivr-menus', { name: 'Lookup', maxInputLength: 2, matchingWebhook: { url, timeoutMs: 2_000, fallbackDestination: { kind: 'hangup' } } });
    await h.add('dids', { numbers: [DID], name: 'Line', destination: { kind: 'ivr', ivrId: ivr } });
    const known = h.dial(DID, { script: { talkMs: 5_000, dtmf: [{ afterMs: 500, digits: '42', gapMs: 100 }] } });
    const unknown = h.dial(DID, { script: { talkMs: 5_000, dtmf: [{ afterMs: 500, digits: '77', gapMs: 100 }] } });
    // The webhook is real I/O: let it answer between steps of simulated time.
    for (let i = 0; i < 60; i++) {
      await h.advance(1_000);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(asked).toHaveLength(2);
    expect(h.cdrOf(known)).toMatchObject({ agentNumber: '1001', route: [`ivr:${ivr}`, 'agent-group:600'] });
    expect(h.cdrOf(unknown).route).toEqual([`ivr:${ivr}`, 'hangup']);
  });

  it(`a caller looping through a menu by input is cut off after ${HOP_LIMIT} destinations, with a logged reason`, async () => {
    h = await routingHarness();
    const menu = await h.add('ivr-menus', { name: 'Main', maxInputLength: 1 });
    await h.store.update('ivr-menus', h.tenantId, menu, { keys: [{ input: '0', destination: { kind: 'ivr', ivrId: menu } }] });
    await h.add('dids', { numbers: [DID], name: 'Line', destination: { kind: 'ivr', ivrId: menu } });
    const callId = h.dial(DID, { script: { patienceMs: 3_600_000, dtmf: Array.from({ length: 50 }, (_, i) => ({ afterMs: 1_000 + i * 1_000, digits: '0' })) } });
    await h.advance(120_000);
    expect(h.cdrOf(callId)).toMatchObject({ hangupReason: 'other', hangupParty: 'system' });
    expect(h.cdrOf(callId).route).toHaveLength(HOP_LIMIT);
    expect(h.logger.records.some((r) => r.level === 'warn' && (r.message ?? '').includes('cut off'))).toBe(true);
  });
});
