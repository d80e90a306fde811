import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { Acd } from '../../acd/acd.js';
import { agentRecord } from '../../acd/test-support/acd-harness.js';
import type { Clock } from '../../clock/clock.js';
import { SystemClock } from '../../clock/system-clock.js';
import type { Destination, DestinationHandler } from '../../destination/destination.js';
import { silentLogger } from '../../logging/logger.js';
import type { MediaRef } from '../../media/media-ref.js';
import { MediaFileStore } from '../../media-files/media-file-store.js';
import { MediaLibrary, TENANT_MEDIA_DIR } from '../../media-files/media-library.js';
import { MediaPublisher } from '../../media-files/media-publisher.js';
import { makeWav } from '../../media-files/test-audio.js';
import { parseWav } from '../../media-files/wav.js';
import { SeededRandom } from '../../random/random.js';
import type { CallDetailRecord } from '../../routing/cdr.js';
import { RoutingStore } from '../../routing/routing-store.js';
import { Routing } from '../../routing/routing.js';
import { createStorage, type Storage } from '../../storage/index.js';
import type { ConformanceSession, EventLog, PartyName } from './target.js';

/**
 * Agent numbers of the scenarios, and the suite party each one's phone is. 101 answers at
 * once; 102 rings half a second first, so that in a ring group 101 is always the first to
 * answer, on every server, and 102's leg is still ringing when it is cancelled. 103 and 104
 * take blind transfers: 103 answers at once, 104 never does.
 */
const PHONES: Record<string, PartyName> = { '101': 'agent1', '102': 'answer', '103': 'agent2', '104': 'noanswer' };
/** The DID every scenario's caller dials (the lab dialplans hand any digits to Switchboard), and the caller. */
const DID = '7001';
const CALLER = '+15550002000';
/** Short, and playable on every server (Asterisk's stock sounds have silence/1 … silence/10). */
const ONE_SECOND: MediaRef = { kind: 'silence', durationMs: 1_000 };
const QUEUE = '700';

interface RoutingWorld {
  acd: Acd;
  routing: Routing;
  store: RoutingStore;
  storage: Storage;
  tenantId: string;
  /** Every CDR routing wrote, in order. */
  cdrs: CallDetailRecord[];
  clock: Clock;
  /** The tenant's uploads by name, as routing plays them (`tenants/<tenantId>/<name>`). */
  library: MediaLibrary;
  /** Run after the scenario, last first. */
  cleanup: Array<() => Promise<unknown>>;
}

/**
 * Inbound routing's main scenarios on a real adapter: DID → IVR → queue, DID → time
 * condition → voice broadcast, DID → ring group, and the blacklist. Like the ACD's, they
 * run wherever the media suite runs (simulator, protocol fakes, real servers), so routing
 * is proven on each; every one ends in exactly one CDR.
 */
export function routingScenarios(current: () => { s: ConformanceSession; log: EventLog }, timeoutMs: number): void {
  let world: RoutingWorld | undefined;
  afterEach(async () => {
    for (const step of world?.cleanup.splice(0).reverse() ?? []) await step();
    await world?.routing.close();
    await world?.acd.close();
    await world?.storage.close();
    world = undefined;
  });

  /** A tenant with agents 101 and 102 and the agent group 700 (agent 101), routing started after the ACD. */
  async function start(loggedIn: string[] = []): Promise<RoutingWorld> {
    const { s } = current();
    const clock = s.clock ?? new SystemClock();
    const storage = await createStorage({ client: 'sqlite', filename: ':memory:' }, { clock });
    await storage.migrate();
    const tenant = await storage.tenants.create({ slug: 'conformance', name: 'Conformance', timeZone: 'UTC' });
    for (const number of Object.keys(PHONES)) await storage.agents.create(tenant.id, agentRecord(number));
    // Ringback while waiting: the queue's default music is a file the lab servers do not have.
    await storage.agentGroups.create(tenant.id, { name: 'Queue', number: QUEUE, members: [{ agentNumber: '101', kind: 'static' }], queue: { strategy: 'longest-idle', waitingMusicEnabled: false } });
    // The ACD hands what its queues let go of (overflow, timeout) to routing, built after it.
    const destinations: DestinationHandler = (request) => routing.destinationHandler(request);
    const library = new MediaLibrary(storage);
    await library.load();
    const acd = new Acd({
      storage,
      media: s.adapter,
      clock,
      random: new SeededRandom(3),
      logger: silentLogger,
      destinations,
      mediaRefs: library,
      agentEndpoint: (_tenant, number) => s.party(PHONES[number]!),
    });
    const routing = new Routing({ storage, media: s.adapter, clock, random: new SeededRandom(4), logger: silentLogger, acd, mediaRefs: library });
    acd.start();
    routing.start();
    const cdrs: CallDetailRecord[] = [];
    routing.events.on('cdr', (cdr) => cdrs.push(cdr));
    await acd.tenant(tenant.id);
    for (const number of loggedIn) await acd.login(tenant.id, number);
    world = { acd, routing, store: new RoutingStore(storage, routing), storage, tenantId: tenant.id, cdrs, clock, library, cleanup: [] };
    return world;
  }

  async function add(w: RoutingWorld, kind: Parameters<RoutingStore['create']>[0], input: Record<string, unknown>): Promise<string> {
    return (await w.store.create(kind, w.tenantId, input)).id;
  }

  /** The caller dials the DID; routing takes the call from there. Returns the caller's leg. */
  async function dialDid(w: RoutingWorld, destination: Destination): Promise<string> {
    const { s, log } = current();
    await add(w, 'dids', { numbers: [DID], name: 'Conformance line', destination });
    await s.placeInbound(DID, CALLER);
    await s.until(() => log.of('call.incoming').some((e) => e.dialed === DID), s.traits.patienceMs, 'the inbound call');
    return log.of('call.incoming').find((e) => e.dialed === DID)!.callId;
  }

  /** The legs routing placed for the caller (ring group members, agents' phones it rang itself). */
  const legsOf = (log: EventLog, callId: string) => log.of('call.created').filter((e) => e.variables['switchboard_caller_call_id'] === callId);

  /** Waits for the caller's CDR, then makes sure it stays the only one. */
  async function theCdr(w: RoutingWorld, callId: string): Promise<CallDetailRecord> {
    const { s } = current();
    await s.until(() => w.cdrs.some((c) => c.callId === callId), s.traits.patienceMs, 'the CDR');
    await s.pass(500);
    expect(w.cdrs.map((c) => c.callId)).toEqual([callId]);
    return w.cdrs[0]!;
  }

  it(
    'routing: DID → IVR, no key pressed → queue: an agent answers and talks with the caller',
    async () => {
      const { s, log } = current();
      const w = await start(['101']);
      // The caller presses nothing: the menu's no-input path (timeout destination) takes the call to the queue.
      // Inbound callers here cannot press keys portably (ConformanceSession.placeInbound has no caller script),
      // although both lab dialplans have a typing caller (switchboard-caller / dtmf123) that could be offered.
      const ivrId = await add(w, 'ivr-menus', {
        name: 'Main menu',
        prompts: [{ media: ONE_SECOND }],
        repeats: 0,
        inputTimeoutMs: 1_000,
        keys: [{ input: '1', destination: { kind: 'agent-group', groupNumber: QUEUE } }],
        timeoutDestination: { kind: 'agent-group', groupNumber: QUEUE },
      });
      const callId = await dialDid(w, { kind: 'ivr', ivrId });
      await s.until(() => log.has('call.bridged', callId), 2_000 + s.traits.patienceMs * 2, 'the caller to be bridged to an agent');
      expect(log.has('call.answered', callId)).toBe(true);
      // The menu's prompt was heard to its end before the queue took the call.
      expect(log.of('playback.finished', callId)[0]).toMatchObject({ reason: 'completed' });
      const agentLeg = log.first('call.bridged', callId)!.otherCallId;
      expect(log.first('call.created', agentLeg)).toMatchObject({ direction: 'outbound', to: s.party('agent1') });
      expect(log.has('call.answered', agentLeg)).toBe(true);
      expect((await w.acd.snapshot(w.tenantId)).groups[0]).toMatchObject({ onCall: 1, today: { entered: 1, answered: 1 } });
      await s.adapter.hangup(callId, 'NORMAL_CLEARING');
      expect(await theCdr(w, callId)).toMatchObject({
        callType: 'inbound',
        originalAccessNumber: DID,
        originalCallerNumber: CALLER,
        hangupReason: 'connected',
        agentNumber: '101',
        groupNumber: QUEUE,
        dtmfInput: '',
        route: [`ivr:${ivrId}`, `agent-group:${QUEUE}`],
      });
    },
    timeoutMs,
  );

  it.each(['match', 'no match'] as const)(
    'routing: DID → time condition (%s) → its voice broadcast, then the hang-up',
    async (outcome) => {
      const { s, log } = current();
      const w = await start();
      const open = await add(w, 'voice-broadcasts', { name: 'Open', media: [ONE_SECOND] });
      const closed = await add(w, 'voice-broadcasts', { name: 'Closed', media: [ONE_SECOND] });
      // A day either side of now matches (whatever the hour the suite runs at); a day long past never does.
      const minute = (ms: number) => new Date(ms).toISOString().slice(0, 16);
      const now = w.clock.now();
      const rule = outcome === 'match' ? { kind: 'date-range', from: minute(now - 86_400_000), to: minute(now + 86_400_000) } : { kind: 'date-range', from: '2000-01-01T00:00', to: '2000-01-01T23:59' };
      const conditionId = await add(w, 'time-conditions', {
        name: 'Opening hours',
        rules: [rule],
        matchDestination: { kind: 'voice-broadcast', broadcastId: open },
        noMatchDestination: { kind: 'voice-broadcast', broadcastId: closed },
      });
      const callId = await dialDid(w, { kind: 'condition', conditionId });
      await s.until(() => log.has('call.hangup', callId), 1_000 + s.traits.patienceMs * 2, 'the broadcast and the hang-up');
      expect(log.has('call.answered', callId)).toBe(true);
      expect(log.of('playback.finished', callId).map((e) => e.reason)).toEqual(['completed']);
      expect(log.first('call.hangup', callId)).toMatchObject({ cause: 'NORMAL_CLEARING', side: 'local', answered: true });
      expect(legsOf(log, callId)).toEqual([]);
      expect(await theCdr(w, callId)).toMatchObject({
        hangupReason: 'connected',
        hangupParty: 'system',
        agentNumber: null,
        route: [`condition:${conditionId}`, `voice-broadcast:${outcome === 'match' ? open : closed}`, 'hangup'],
      });
    },
    timeoutMs,
  );

  it(
    'routing: DID → ring group (all): the first phone to answer talks, the other is cancelled',
    async () => {
      const { s, log } = current();
      const w = await start();
      const ringGroupId = await add(w, 'ring-groups', { name: 'Front desk', members: ['101', '102'], strategy: 'all', ringTimeoutSec: 30 });
      const callId = await dialDid(w, { kind: 'ring-group', ringGroupId });
      await s.until(() => log.has('call.bridged', callId) && legsOf(log, callId).length === 2 && legsOf(log, callId).every((leg) => log.has('call.hangup', leg.callId) || log.has('call.bridged', leg.callId)), s.traits.patienceMs * 2, 'one phone talking, the other cancelled');
      const legs = legsOf(log, callId);
      expect(legs.map((leg) => leg.to)).toEqual([s.party('agent1'), s.party('answer')]);
      const [first, other] = legs.map((leg) => leg.callId) as [string, string];
      expect(log.of('call.bridged', callId).map((e) => e.otherCallId)).toEqual([first]);
      expect(log.first('call.hangup', other)).toMatchObject({ cause: 'LOSE_RACE', side: 'local', answered: false });
      // The agent puts the phone down: the caller, who talked with them, is released too.
      await s.adapter.hangup(first, 'NORMAL_CLEARING');
      await s.until(() => log.has('call.hangup', callId), s.traits.patienceMs, 'the caller to be released');
      expect(await theCdr(w, callId)).toMatchObject({ hangupReason: 'connected', hangupParty: 'callee', calledNumber: '101', originalCalledNumber: '101', route: [`ring-group:${ringGroupId}`] });
    },
    timeoutMs,
  );

  it(
    'routing: a blacklisted caller is refused before routing and never answered',
    async () => {
      const { s, log } = current();
      const w = await start(['101']);
      await w.storage.blacklist.add(w.tenantId, { numbers: [CALLER], status: 'enabled', reason: 'conformance', by: 'conformance' });
      // Routed, the call would be answered by the menu.
      const ivrId = await add(w, 'ivr-menus', { name: 'Main menu', prompts: [{ media: ONE_SECOND }], timeoutDestination: { kind: 'agent-group', groupNumber: QUEUE } });
      const callId = await dialDid(w, { kind: 'ivr', ivrId });
      await s.until(() => log.has('call.hangup', callId), s.traits.patienceMs, 'the refusal');
      expect(log.first('call.hangup', callId)).toMatchObject({ cause: 'CALL_REJECTED', side: 'local', answered: false });
      expect(log.has('call.answered', callId)).toBe(false);
      expect(log.has('playback.finished', callId)).toBe(false);
      expect(log.of('call.created').filter((e) => e.direction === 'outbound')).toEqual([]);
      expect(await theCdr(w, callId)).toMatchObject({ hangupReason: 'blacklist', answeredAt: null, talkMs: 0, route: [] });
    },
    timeoutMs,
  );
  /** The caller dials a DID that rings agent 101 directly, and talks with them. Returns the caller's leg and 101's. */
  async function talkingWith101(w: RoutingWorld): Promise<{ callId: string; first: string }> {
    const { s, log } = current();
    const callId = await dialDid(w, { kind: 'agent', agentNumber: '101' });
    await s.until(() => log.has('call.bridged', callId), s.traits.patienceMs * 2, 'the caller to talk with agent 101');
    const first = log.first('call.bridged', callId)!.otherCallId;
    expect(log.first('call.created', first)).toMatchObject({ direction: 'outbound', to: s.party('agent1') });
    return { callId, first };
  }

  it(
    'routing: blind transfer: the caller talking with an agent joins the new party, the agent is released',
    async () => {
      const { s, log } = current();
      const w = await start(['101']);
      const { callId, first } = await talkingWith101(w);
      await w.routing.blindTransfer(w.tenantId, '101', { kind: 'agent', agentNumber: '103' });
      // The agent who transferred is free at once: their leg is ended from our side.
      await s.until(() => log.has('call.hangup', first), s.traits.patienceMs, 'the first agent released');
      expect(log.first('call.hangup', first)).toMatchObject({ cause: 'NORMAL_CLEARING', side: 'local', answered: true });
      const target = () => legsOf(log, callId).find((leg) => leg.callId !== first);
      await s.until(() => target() !== undefined && log.of('call.bridged', callId).some((e) => e.otherCallId === target()!.callId), s.traits.patienceMs * 2, 'the caller to talk with the new party');
      const second = target()!.callId;
      expect(target()).toMatchObject({ direction: 'outbound', to: s.party('agent2') });
      expect(log.of('call.bridged', callId).map((e) => e.otherCallId)).toEqual([first, second]);
      // The caller waited on hold while the new party rang, and was taken off hold to talk.
      expect(log.has('call.held', callId) && log.has('call.unheld', callId)).toBe(true);
      expect(log.has('call.hangup', callId)).toBe(false);
      // The new party puts the phone down: the caller is released too.
      await s.adapter.hangup(second, 'NORMAL_CLEARING');
      await s.until(() => log.has('call.hangup', callId), s.traits.patienceMs, 'the caller to be released');
      expect(await theCdr(w, callId)).toMatchObject({
        hangupReason: 'connected',
        hangupParty: 'callee',
        transferType: 'blind',
        transferredTo: '103',
        agentNumber: '103',
        route: ['agent:101'],
      });
    },
    timeoutMs,
  );

  it(
    'routing: blind transfer nobody answers: the call comes back to the agent who transferred it',
    async () => {
      const { s, log } = current();
      const w = await start(['101']);
      await w.store.putSettings(w.tenantId, { blindTransfer: { ringTimeoutSec: 5, callBackNamePrefix: 'Back: ' } });
      const { callId, first } = await talkingWith101(w);
      await w.routing.blindTransfer(w.tenantId, '101', { kind: 'agent', agentNumber: '104' });
      await s.until(() => log.has('call.hangup', first), s.traits.patienceMs, 'the first agent released');
      const legs = () => legsOf(log, callId).filter((leg) => leg.callId !== first);
      await s.until(() => legs().length === 2 && log.of('call.bridged', callId).some((e) => e.otherCallId === legs()[1]!.callId), 5_000 + s.traits.patienceMs * 2, 'the call to come back to agent 101');
      const unanswered = legs()[0]!;
      const back = legs()[1]!;
      expect(unanswered).toMatchObject({ to: s.party('noanswer') });
      // It rang for the transfer timeout, not the extension timeout (30 s).
      const rang = log.first('call.hangup', unanswered.callId)!;
      expect(rang).toMatchObject({ cause: 'NO_ANSWER', side: 'local', answered: false });
      expect(rang.at - unanswered.at).toBeGreaterThanOrEqual(4_900);
      expect(rang.at - unanswered.at).toBeLessThan(5_000 + s.traits.patienceMs);
      // The phone that transferred it rings again, the caller's name marked so its user knows the call.
      expect(back).toMatchObject({ to: s.party('agent1') });
      expect(back.callerId.name?.startsWith('Back: ')).toBe(true);
      expect(log.has('call.unheld', callId)).toBe(true);
      await s.adapter.hangup(back.callId, 'NORMAL_CLEARING');
      await s.until(() => log.has('call.hangup', callId), s.traits.patienceMs, 'the caller to be released');
      expect(await theCdr(w, callId)).toMatchObject({ hangupReason: 'connected', transferType: 'blind', transferredTo: '104', agentNumber: '101', route: ['agent:101'] });
    },
    timeoutMs,
  );

  it(
    'routing: DID → voice broadcast of an uploaded file: published for the media server, it plays to its end',
    async () => {
      const { s, log } = current();
      const w = await start();
      const publisher = new MediaPublisher({ storage: w.storage, dir: s.soundsDir, clock: w.clock, logger: silentLogger });
      w.cleanup.push(() => rm(join(s.soundsDir, TENANT_MEDIA_DIR, w.tenantId), { recursive: true, force: true }), () => publisher.close());
      const files = new MediaFileStore(w.storage, { observers: [publisher, w.library], logger: silentLogger });
      // What people upload: 44.1 kHz stereo. The media servers get 8 kHz mono 16-bit (Asterisk's format_wav plays nothing else).
      await files.upload(w.tenantId, { name: 'welcome' }, makeWav({ sampleRate: 44_100, channels: 2, frames: 2 * 44_100 }));
      expect(parseWav(await readFile(publisher.pathOf(w.tenantId, 'welcome')))).toMatchObject({ codec: 'pcm', sampleRate: 8000, channels: 1, bitsPerSample: 16, durationMs: 2_000 });
      const broadcastId = await add(w, 'voice-broadcasts', { name: 'Welcome', media: [{ kind: 'file', name: 'welcome' }] });
      const callId = await dialDid(w, { kind: 'voice-broadcast', broadcastId });
      await s.until(() => log.has('call.hangup', callId), 2_000 + s.traits.patienceMs * 2, 'the broadcast and the hang-up');
      // Played to its end: not failed (a server that cannot read the file ends the playback at once).
      expect(log.of('playback.finished', callId).map((e) => e.reason)).toEqual(['completed']);
      const answered = log.first('call.answered', callId)!;
      expect(log.first('playback.finished', callId)!.at - answered.at).toBeGreaterThanOrEqual(1_900);
      expect(log.first('call.hangup', callId)).toMatchObject({ cause: 'NORMAL_CLEARING', side: 'local', answered: true });
      expect(await theCdr(w, callId)).toMatchObject({ hangupReason: 'connected', hangupParty: 'system', route: [`voice-broadcast:${broadcastId}`, 'hangup'] });
    },
    timeoutMs,
  );
}
