import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { MediaError, MemoryLogger, UnavailableError, ValidationError, VirtualClock, type MediaEvent } from '@switchboard/core';
import { EventLog } from '@switchboard/core/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FreeSwitchAdapter } from './freeswitch-adapter.js';
import type { FreeSwitchAdapterOptions } from './options.js';
import { FakeFreeSwitch } from './test-support/fake-freeswitch.js';
import { conformanceAdapterOptions } from './test-support/real-target.js';

let clock: VirtualClock;
let fake: FakeFreeSwitch;
let logger: MemoryLogger;
let adapter: FreeSwitchAdapter;
let log: EventLog;
const lifecycle: string[] = [];

function options(extra: Partial<FreeSwitchAdapterOptions> = {}): FreeSwitchAdapterOptions {
  return {
    ...conformanceAdapterOptions(fake.host, fake.port, fake.password, clock, logger),
    ...extra,
  };
}

async function start(extra: Partial<FreeSwitchAdapterOptions> = {}): Promise<void> {
  adapter = new FreeSwitchAdapter(options(extra));
  log = new EventLog(adapter);
  adapter.events.on('disconnected', (e) => lifecycle.push(`disconnected@${e.at - T0}`));
  adapter.events.on('reconnected', (e) => lifecycle.push(`reconnected@${e.at - T0}`));
  await adapter.connect();
}

let T0 = 0;
const step = 20;

/** Lets virtual time pass in small steps, letting the sockets settle after each. */
async function pass(ms: number): Promise<void> {
  for (let done = 0; done < ms; done += step) {
    await clock.advance(Math.min(step, ms - done));
    await fake.settle();
  }
}

async function until(done: () => boolean, what: string, limitMs = 10_000): Promise<void> {
  await fake.settle();
  for (let waited = 0; !done(); waited += step) {
    if (waited > limitMs) throw new Error(`timed out waiting for ${what}`);
    await clock.advance(step);
    await fake.settle();
  }
}

async function answered(to: string): Promise<string> {
  const id = await adapter.originate({ to: { kind: 'external', number: to }, timeoutMs: 30_000 });
  await until(() => log.has('call.answered', id), `${to} to answer`);
  return id;
}

const warnings = () => logger.records.filter((r) => r.level === 'warn' || r.level === 'error').map((r) => r.message);

beforeEach(async () => {
  clock = new VirtualClock();
  T0 = clock.now();
  logger = new MemoryLogger();
  lifecycle.length = 0;
  fake = await FakeFreeSwitch.start({ clock });
});

afterEach(async () => {
  await adapter?.close().catch(() => undefined);
  await fake.stop();
});

describe('options', () => {
  it('are validated with a ValidationError that names the field', () => {
    expect(() => new FreeSwitchAdapter({ port: 99_999 })).toThrow(ValidationError);
    expect(() => new FreeSwitchAdapter({ port: 99_999 })).toThrow(/port/);
    // The default extension dial string is user/{extension}@{domain}: the domain is needed.
    expect(() => new FreeSwitchAdapter({})).toThrow(/domain/);
    expect(() => new FreeSwitchAdapter({ domain: 'pbx', trunks: { a: 'sofia/gateway/a/{number}' }, defaultTrunk: 'b' })).toThrow(/defaultTrunk/);
    expect(() => new FreeSwitchAdapter({ domain: 'pbx', trunks: { a: 'sofia/gateway/a' } })).toThrow(/\{number\}/);
    expect(() => new FreeSwitchAdapter({ domain: 'pbx', replyTimeoutMs: 0 })).toThrow(/replyTimeoutMs/);
  });

  it('dial extensions and trunks through their templates, and refuse what a dial string cannot carry', async () => {
    await start();
    await expect(adapter.originate({ to: { kind: 'external', number: '1/2' } })).rejects.toBeInstanceOf(ValidationError);
    await expect(adapter.originate({ to: { kind: 'external', number: '123', trunk: 'nope' } })).rejects.toBeInstanceOf(MediaError);
    await expect(adapter.originate({ to: { kind: 'extension', extension: '1001 x' } })).rejects.toBeInstanceOf(ValidationError);
    const id = await adapter.originate({ to: { kind: 'extension', extension: '1001' }, callerId: { number: '+15550001', name: "O'Brien, Sales" }, variables: { tenant: 'acme' } });
    const sent = fake.received.find((c) => c.line.startsWith('bgapi originate'))!.line;
    expect(sent).toContain(`origination_uuid=${id}`);
    expect(sent).toMatch(/\}loopback\/1001\/switchboard-test &park\(\)$/);
    expect(sent).toContain('tenant=acme');
  });
});

describe('connecting', () => {
  it('refuses a wrong password with a MediaError, and an unreachable server with UnavailableError', async () => {
    await expect(new FreeSwitchAdapter({ ...options(), password: 'wrong' }).connect()).rejects.toThrow(/password/);
    const closed = createServer();
    const port = await new Promise<number>((resolve) => closed.listen(0, '127.0.0.1', () => resolve((closed.address() as { port: number }).port)));
    await new Promise((resolve) => closed.close(resolve));
    await expect(new FreeSwitchAdapter({ ...options(), port }).connect()).rejects.toBeInstanceOf(UnavailableError);
  });

  it('subscribes with `event json` and reconciles: a call parked before we connected is handed over', async () => {
    fake.placeInbound('+18005550111', '+15551110000');
    await fake.settle();
    await start();
    expect(fake.received.map((c) => c.line)).toContain(
      'event json CHANNEL_CREATE CHANNEL_PROGRESS CHANNEL_PROGRESS_MEDIA CHANNEL_ANSWER CHANNEL_PARK CHANNEL_BRIDGE CHANNEL_UNBRIDGE CHANNEL_HOLD CHANNEL_UNHOLD CHANNEL_EXECUTE_COMPLETE CHANNEL_HANGUP_COMPLETE DTMF PLAYBACK_START PLAYBACK_STOP RECORD_START RECORD_STOP BACKGROUND_JOB',
    );
    await until(() => log.has('call.incoming'), 'call.incoming');
    expect(log.first('call.incoming')).toMatchObject({ dialed: '+18005550111', callerId: { number: '+15551110000' } });
    expect(log.events.map((e) => e.type)).toEqual(['call.created', 'call.incoming']);
  });

  it('close() says goodbye, emits no `disconnected`, and later commands are refused as unavailable', async () => {
    await start();
    await adapter.close();
    expect(adapter.isConnected()).toBe(false);
    expect(fake.received.at(-1)?.line).toBe('exit');
    await expect(adapter.originate({ to: { kind: 'external', number: 'answer' } })).rejects.toBeInstanceOf(UnavailableError);
    expect(lifecycle).toEqual([]);
  });
});

describe('faults', () => {
  it('rejects commands with UnavailableError while disconnected, then reconnects on the backoff schedule', async () => {
    // 100, 200, 400, 800 ms between attempts: the server is back at 1 s, the attempt at 1.5 s succeeds.
    await start({ reconnect: { delayMs: (n: number) => 100 * 2 ** (n - 1) } });
    const id = await answered('answer');
    fake.dropConnections(1_000);
    await fake.settle();
    expect(adapter.isConnected()).toBe(false);
    await expect(adapter.hangup(id)).rejects.toBeInstanceOf(UnavailableError);
    await expect(adapter.originate({ to: { kind: 'external', number: 'answer' } })).rejects.toBeInstanceOf(UnavailableError);
    await expect(adapter.listCalls()).rejects.toBeInstanceOf(UnavailableError);
    const dropAt = clock.now() - T0;
    await pass(1_499);
    expect(lifecycle).toEqual([`disconnected@${dropAt}`]);
    await pass(1);
    await until(() => lifecycle.length === 2, 'the reconnect');
    expect(lifecycle).toEqual([`disconnected@${dropAt}`, `reconnected@${dropAt + 1_500}`]);
    expect(adapter.isConnected()).toBe(true);
    // Subscriptions were restored: a hang-up now arrives as an event.
    await adapter.hangup(id);
    await until(() => log.has('call.hangup', id), 'the hang-up');
  });

  it('reconciles: a leg answered during the outage gets its call.answered, one that ended its hang-up, once', async () => {
    await start({ reconnect: { delayMs: () => 100 } });
    const ringing = await adapter.originate({ to: { kind: 'external', number: 'answer' }, timeoutMs: 30_000 });
    const leaving = await answered('hangup2s');
    fake.dropConnections(2_500);
    await pass(3_000);
    await until(() => lifecycle.includes(`reconnected@${clock.now() - T0}`) || lifecycle.length === 2, 'the reconnect');
    expect(log.of('call.answered', ringing)).toHaveLength(1);
    expect(log.of('call.hangup', leaving)).toEqual([expect.objectContaining({ cause: 'NORMAL_UNSPECIFIED', side: 'unknown', sipCode: undefined, answered: true })]);
    const order = log.events.filter((e) => e.callId === leaving).map((e) => e.type);
    expect(order.at(-1)).toBe('call.hangup');
  });

  it('times a missing reply out with a MediaError, and drops a connection whose replies stopped', async () => {
    await start({ replyTimeoutMs: 1_000, reconnect: { delayMs: () => 50 } });
    const id = await answered('answer');
    fake.holdReplies((line) => line.startsWith('api uuid_send_dtmf'));
    const sent = adapter.sendDtmf(id, '1');
    const outcome = sent.then(
      () => 'resolved',
      (error: unknown) => error,
    );
    await pass(999);
    await expect(Promise.race([outcome, Promise.resolve('pending')])).resolves.toBe('pending');
    await pass(1);
    const error = await outcome;
    expect(error).toBeInstanceOf(MediaError);
    expect((error as MediaError).message).toMatch(/did not answer "uuid_send_dtmf" within 1000 ms/);
    // Replies come in order with nothing to match them by: a stream that stopped answering is dropped.
    fake.releaseReplies();
    fake.holdReplies(() => true);
    const next = adapter.sendDtmf(id, '2').catch((e: unknown) => e);
    await pass(2_000);
    expect(await next).toBeInstanceOf(MediaError);
    fake.releaseReplies();
    await until(() => lifecycle.length === 2, 'the reconnect after the wedge');
    expect(lifecycle[0]).toMatch(/^disconnected/);
    expect(warnings()).toContain('FreeSWITCH stopped answering commands; dropping the connection');
  });

  it('logs and skips malformed frames; the session and the calls go on', async () => {
    await start();
    const id = await answered('answer');
    for (const kind of ['bad-json', 'unknown-content-type', 'no-content-type', 'bad-content-length', 'not-a-header'] as const) fake.sendMalformed(kind);
    await fake.settle();
    expect(warnings().filter((m) => m === 'skipped a malformed ESL frame')).toHaveLength(5);
    expect(adapter.isConnected()).toBe(true);
    expect(lifecycle).toEqual([]);
    await adapter.hangup(id);
    await until(() => log.has('call.hangup', id), 'the hang-up after the garbage');
    expect(log.first('call.hangup', id)).toMatchObject({ side: 'local', cause: 'NORMAL_CLEARING' });
  });

  it('a listener that throws does not keep the event from the others', async () => {
    await start();
    const seen: string[] = [];
    adapter.events.on('call.created', () => {
      throw new Error('listener bug');
    });
    adapter.events.on('call.created', (e) => seen.push(e.callId));
    const id = await adapter.originate({ to: { kind: 'external', number: 'answer' } });
    await until(() => seen.includes(id), 'the second listener');
    expect(logger.records.some((r) => r.message === 'media event listener failed')).toBe(true);
  });
});

describe('originate', () => {
  it('a refusal before any channel exists (BACKGROUND_JOB -ERR CALL_REJECTED) still gives call.created then call.hangup', async () => {
    await start();
    const id = await adapter.originate({ to: { kind: 'external', number: 'call_rejected', trunk: 'failing' } });
    await until(() => log.has('call.hangup', id), 'the hang-up');
    expect(log.events.filter((e) => e.callId === id).map((e) => e.type)).toEqual(['call.created', 'call.hangup']);
    expect(log.first('call.hangup', id)).toMatchObject({ cause: 'CALL_REJECTED', q850: 21, side: 'remote', answered: false });
  });

  it('an unregistered user (user/1009) ends with USER_NOT_REGISTERED', async () => {
    await start({ extensionDialString: 'user/{extension}@{domain}', domain: 'switchboard.test' });
    const id = await adapter.originate({ to: { kind: 'extension', extension: '1009' } });
    await until(() => log.has('call.hangup', id), 'the hang-up');
    expect(log.first('call.hangup', id)).toMatchObject({ cause: 'USER_NOT_REGISTERED', side: 'remote' });
  });

  it('ends the ringing at exactly the timeout, on its own clock', async () => {
    await start();
    const sentAt = clock.now();
    const id = await adapter.originate({ to: { kind: 'external', number: 'noanswer' }, timeoutMs: 2_500 });
    await pass(2_480);
    expect(log.has('call.hangup', id)).toBe(false);
    await until(() => log.has('call.hangup', id), 'the timeout');
    expect(log.first('call.hangup', id)!.at - sentAt).toBe(2_500);
    expect(log.first('call.hangup', id)).toMatchObject({ cause: 'NO_ANSWER', side: 'local' });
  });

  it('a hang-up before FreeSWITCH created the channel (bgapi replies first) ends the leg when it shows up', async () => {
    await fake.stop();
    fake = await FakeFreeSwitch.start({ clock, threadLatency: 'virtual' });
    await start();
    const id = await adapter.originate({ to: { kind: 'external', number: 'answer' }, timeoutMs: 30_000 });
    // The originate's thread has not run yet (20 ms of virtual time): there is no channel to kill.
    await adapter.hangup(id, 'LOSE_RACE');
    await pass(40);
    await until(() => log.has('call.hangup', id), 'the hang-up');
    expect(log.first('call.hangup', id)).toMatchObject({ cause: 'LOSE_RACE', side: 'local', answered: false });
    await pass(1_000);
    expect(log.has('call.answered', id)).toBe(false);
  });

  it('refuses a call id already in use', async () => {
    await start();
    const callId = randomUUID();
    await adapter.originate({ callId, to: { kind: 'external', number: 'answer' } });
    await expect(adapter.originate({ callId, to: { kind: 'external', number: 'answer' } })).rejects.toBeInstanceOf(MediaError);
  });
});

describe('media', () => {
  const playback = (id: string) => log.of('playback.finished', id);

  it('waits for an originated leg to be out of its originate before playing to it', async () => {
    // The originate's thread takes 20 ms (virtual here) to let go of the answered leg; a playback
    // sent in that window is cut off when it does, on a real FreeSWITCH as on the fake.
    await fake.stop();
    fake = await FakeFreeSwitch.start({ clock, threadLatency: 'virtual' });
    await start();
    const id = await adapter.originate({ to: { kind: 'external', number: 'dtmf123' } });
    await pass(20);
    await until(() => log.has('call.answered', id), 'the answer');
    let playbackId: string | undefined;
    void adapter.play(id, { media: [{ kind: 'silence', durationMs: 10_000 }], interruptible: true }).then((pb) => (playbackId = pb));
    await fake.settle();
    expect(fake.received.some((c) => c.line === `sendmsg ${id}`)).toBe(false);
    await pass(40);
    expect(playbackId).toBeDefined();
    await until(() => playback(id).length > 0, 'the playback to end');
    expect(playback(id)[0]).toMatchObject({ playbackId, reason: 'interrupted', digit: '1' });
  });

  it('answer() resolves once the leg is answered: FreeSWITCH replies before its CHANNEL_ANSWER comes', async () => {
    await start();
    fake.placeInbound('+18005550112', '+15551110001');
    await until(() => log.has('call.incoming'), 'call.incoming');
    const id = log.first('call.incoming')!.callId;
    await adapter.answer(id);
    // Played at once: refused if the leg were not answered yet.
    const playbackId = await adapter.play(id, { media: [{ kind: 'silence', durationMs: 500 }] });
    await until(() => playback(id).length > 0, 'the playback to end');
    expect(playback(id)[0]).toMatchObject({ playbackId, reason: 'completed' });
    expect(log.of('call.answered', id)).toHaveLength(1);
  });

  it('a key stops an interruptible playback: interrupted, with the digit', async () => {
    await start();
    const id = await answered('dtmf123');
    const pb = await adapter.play(id, { media: [{ kind: 'silence', durationMs: 10_000 }], interruptible: true });
    await until(() => playback(id).length > 0, 'the playback to end');
    expect(playback(id)[0]).toMatchObject({ playbackId: pb, reason: 'interrupted', digit: '1' });
    expect(fake.received.map((c) => c.line)).toContain(`api uuid_setvar ${id} playback_terminators any`);
  });

  it('stopPlayback ends it as stopped; a new play replaces the one playing', async () => {
    await start();
    const id = await answered('answer');
    const first = await adapter.play(id, { media: [{ kind: 'silence', durationMs: 10_000 }] });
    const second = await adapter.play(id, { media: [{ kind: 'silence', durationMs: 10_000 }] });
    await until(() => playback(id).length === 1, 'the first to end');
    expect(playback(id)[0]).toMatchObject({ playbackId: first, reason: 'stopped' });
    await adapter.stopPlayback(id, second);
    await until(() => playback(id).length === 2, 'the second to end');
    expect(playback(id)[1]).toMatchObject({ playbackId: second, reason: 'stopped' });
    const third = await adapter.play(id, { media: [{ kind: 'silence', durationMs: 300 }] });
    await until(() => playback(id).length === 3, 'the third to end');
    expect(playback(id)[2]).toMatchObject({ playbackId: third, reason: 'completed' });
  });

  it('collects digits over a prompt the first key interrupts', async () => {
    await start();
    const id = await answered('dtmf123');
    let result: unknown;
    void adapter.collectDigits(id, { minDigits: 3, maxDigits: 3, firstDigitTimeoutMs: 5_000, interDigitTimeoutMs: 2_000, prompt: [{ kind: 'silence', durationMs: 20_000 }] }).then((r) => (result = r));
    await until(() => result !== undefined, 'the digits');
    expect(result).toEqual({ status: 'ok', digits: '123', attempts: 1 });
    expect(playback(id)[0]).toMatchObject({ reason: 'interrupted', digit: '1' });
  });

  it('records: stopped by us, cut at the maximum duration, or ended by the hang-up', async () => {
    await start();
    const id = await answered('answer');
    const recordings = () => log.of('recording.finished', id);
    const first = await adapter.startRecording(id, { name: 'calls/first', maxDurationMs: 60_000 });
    expect(fake.received.map((c) => c.line)).toContain(`api uuid_record ${id} start /tmp/switchboard-recordings/calls/first.wav 61 {RECORD_MIN_SEC=0}`);
    await pass(1_000);
    await adapter.stopRecording(id, first);
    await until(() => recordings().length === 1, 'the first recording');
    expect(recordings()[0]).toMatchObject({ recordingId: first, name: 'calls/first', reason: 'stopped', durationMs: 1_000 });
    const second = await adapter.startRecording(id, { name: 'second', maxDurationMs: 1_500, direction: 'in' });
    await until(() => recordings().length === 2, 'the second recording');
    expect(recordings()[1]).toMatchObject({ recordingId: second, reason: 'max-duration' });
    const third = await adapter.startRecording(id, { name: 'third' });
    await adapter.hangup(id);
    await until(() => log.has('call.hangup', id), 'the hang-up');
    expect(recordings()[2]).toMatchObject({ recordingId: third, reason: 'hangup' });
    await expect(adapter.startRecording(id, { name: 'late' })).rejects.toBeInstanceOf(MediaError);
  });

  it('refuses a hang-up cause it does not know and DTMF that is not DTMF', async () => {
    await start();
    const id = await answered('answer');
    await expect(adapter.hangup(id, 'NOT_A_CAUSE' as never)).rejects.toBeInstanceOf(ValidationError);
    await expect(adapter.sendDtmf(id, '12x')).rejects.toBeInstanceOf(ValidationError);
    await adapter.sendDtmf(id, '12#', { durationMs: 120 });
    expect(fake.received.at(-1)?.line).toBe(`api uuid_send_dtmf ${id} 12#@120`);
  });
});

describe('calls that are not ours', () => {
  it('are ignored: the far ends of our loopback calls, other clients’ calls, channels still in the dialplan', async () => {
    await start();
    const id = await answered('answer');
    const ids = new Set(log.events.map((e: MediaEvent) => e.callId));
    expect([...ids]).toEqual([id]);
    const listed = await adapter.listCalls();
    expect(listed.map((c) => c.callId)).toContain(id);
    expect(listed.find((c) => c.callId === id)).toMatchObject({ direction: 'outbound', state: 'answered', bridgedTo: undefined, held: false });
  });
});
