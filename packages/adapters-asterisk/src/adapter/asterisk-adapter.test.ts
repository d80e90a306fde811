import { exponentialBackoff, MediaError, MemoryLogger, UnavailableError, ValidationError } from '@switchboard/core';
import { EventLog } from '@switchboard/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeAsterisk } from '../test-support/fake-asterisk.js';
import { AsteriskAdapter } from './asterisk-adapter.js';
import type { AsteriskAdapterOptions } from './options.js';

const callerId = { number: '+15550001000', name: 'Adapter test' };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(done: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

describe('AsteriskAdapter against the fake Asterisk', () => {
  const opened: Array<{ close(): Promise<void> }> = [];
  afterEach(async () => {
    for (const thing of opened.splice(0).reverse()) await thing.close().catch(() => {});
  });

  async function setup(options: Partial<AsteriskAdapterOptions> = {}) {
    const fake = new FakeAsterisk();
    await fake.listen();
    opened.push(fake);
    const logger = new MemoryLogger();
    const adapter = new AsteriskAdapter({
      url: fake.url,
      username: 'switchboard',
      password: 'switchboard',
      extensionEndpoint: 'Local/{extension}@switchboard-test',
      reconnect: exponentialBackoff({ initialMs: 100, maxMs: 300, jitter: 0 }),
      logger,
      ...options,
    });
    opened.push(adapter);
    const log = new EventLog(adapter);
    await adapter.connect();
    const answered = async (extension: string) => {
      const id = await adapter.originate({ to: { kind: 'extension', extension }, callerId });
      await until(() => log.has('call.answered', id), `${extension} to answer`);
      return id;
    };
    return { fake, adapter, log, logger, answered };
  }

  it('validates its options with a ValidationError naming the field', () => {
    const base = { url: 'http://127.0.0.1:8088', username: 'switchboard', password: 'x' };
    expect(() => new AsteriskAdapter({ ...base, url: 'ftp://host' })).toThrow(ValidationError);
    expect(() => new AsteriskAdapter({ ...base, extensionEndpoint: 'PJSIP/1001' })).toThrow(/extensionEndpoint/);
    expect(() => new AsteriskAdapter({ ...base, trunks: { pstn: 'PJSIP/{number}@pstn&PJSIP/x' } })).toThrow(/trunks\.pstn/);
    expect(() => new AsteriskAdapter({ ...base, trunks: { pstn: 'carrier' }, defaultTrunk: 'other' })).toThrow(/defaultTrunk/);
    expect(() => new AsteriskAdapter({ ...base, app: 'switch board' })).toThrow(/app/);
    expect(() => new AsteriskAdapter({ ...base, trunks: { pstn: 'PJSIP/{number}@pstn' } })).not.toThrow();
  });

  it('cannot connect with a wrong password or to nothing: UnavailableError', async () => {
    const fake = new FakeAsterisk();
    await fake.listen();
    opened.push(fake);
    const wrong = new AsteriskAdapter({ url: fake.url, username: 'switchboard', password: 'wrong' });
    await expect(wrong.connect()).rejects.toBeInstanceOf(UnavailableError);
    expect(wrong.isConnected()).toBe(false);
    const nowhere = new AsteriskAdapter({ url: 'http://127.0.0.1:9', username: 'a', password: 'b', replyTimeoutMs: 1_000 });
    await expect(nowhere.connect()).rejects.toBeInstanceOf(UnavailableError);
  });

  it('answer() resolves once the leg is answered (Asterisk replies 204 before its ChannelStateChange), so a bridge can follow at once', async () => {
    const { fake, adapter, log, answered } = await setup();
    const { status } = await fake.request('POST', '/ari/channels', { endpoint: 'Local/7001@switchboard-inbound', context: 'switchboard-test', extension: 'answer', callerId: '"Caller" <+15550002000>' });
    expect(status).toBe(200);
    await until(() => log.has('call.incoming'), 'the inbound call');
    const caller = log.first('call.incoming')!.callId;
    const agent = await answered('1001');
    await adapter.answer(caller);
    await adapter.bridge(caller, agent);
    await until(() => log.has('call.bridged', caller), 'the bridge');
    expect(log.of('call.answered', caller)).toHaveLength(1);
  });

  it('reports call.created first even when the events beat the originate reply', async () => {
    const { fake, adapter, log } = await setup();
    fake.delayReplies(300); // the agent answers while the POST /channels reply is still on its way
    const id = await adapter.originate({ to: { kind: 'extension', extension: '1001' }, callerId, variables: { sb_case: 'race' } });
    fake.delayReplies(0);
    await until(() => log.has('call.answered', id), 'the answer');
    const mine = log.events.filter((e) => e.callId === id).map((e) => e.type);
    expect(mine).toEqual(['call.created', 'call.answered']);
    expect(log.first('call.created', id)?.variables).toEqual({ sb_case: 'race' });
  });

  it('a command without a reply in time rejects with a MediaError (and an originate that timed out is hung up)', async () => {
    const { fake, adapter, log, answered } = await setup({ replyTimeoutMs: 300 });
    const id = await answered('answer');
    fake.withholdReplies();
    const error = await adapter.hold(id).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MediaError);
    expect((error as MediaError).details).toMatchObject({ timeoutMs: 300 });
    const late = await adapter.originate({ to: { kind: 'extension', extension: '1002' }, callerId }).catch((e: unknown) => e);
    expect(late).toBeInstanceOf(MediaError);
    fake.releaseReplies();
    // The channel whose originate "failed" turns up: the adapter hangs it up and never reports it.
    await until(() => ![...fake.model.channels.values()].some((c) => c.name.startsWith('Local/1002@')), 'the abandoned leg to be hung up');
    expect(log.events.filter((e) => e.callId !== id)).toEqual([]);
  });

  it('commands while the WebSocket is down reject with UnavailableError; it reconnects and reconciles', async () => {
    const { fake, adapter, log, answered } = await setup();
    const live = await answered('answer');
    const disconnected: string[] = [];
    let reconnected = 0;
    adapter.events.on('disconnected', (info) => disconnected.push(info.reason));
    adapter.events.on('reconnected', () => reconnected++);
    const ringing = await adapter.originate({ to: { kind: 'extension', extension: 'answer' }, callerId });
    fake.dropConnection(1_000); // the new leg answers during the outage
    await until(() => disconnected.length === 1, 'disconnected');
    expect(adapter.isConnected()).toBe(false);
    await expect(adapter.hold(live)).rejects.toBeInstanceOf(UnavailableError);
    await expect(adapter.originate({ to: { kind: 'extension', extension: '1001' } })).rejects.toBeInstanceOf(UnavailableError);
    await expect(adapter.listCalls()).rejects.toBeInstanceOf(UnavailableError);
    await until(() => reconnected === 1, 'reconnected');
    expect(adapter.isConnected()).toBe(true);
    expect(log.of('call.answered', ringing)).toHaveLength(1); // answered meanwhile: recovered by the reconcile
    await adapter.hold(live);
    expect(log.has('call.held', live)).toBe(true);
  });

  it('logs and skips malformed WebSocket messages, and goes on', async () => {
    const { fake, adapter, logger, answered } = await setup();
    fake.sendRaw('not json');
    fake.sendRaw('[1, 2, 3]');
    fake.sendRaw('{"no": "type"}');
    fake.sendRaw('{"type": "StasisStart", "application": "switchboard", "timestamp": "2026-01-01T00:00:00.000+0000", "args": []}');
    fake.sendRaw('{"type": "ChannelDtmfReceived", "application": "switchboard", "timestamp": "x", "digit": 1, "channel": {}}');
    fake.sendRaw(Buffer.from([0, 1, 2]), true);
    fake.sendEvent('switchboard', 'BridgeBlindTransfer', { result: 'Success' });
    const id = await answered('answer');
    const skipped = logger.records.filter((r) => r.message?.includes('skipped'));
    expect(skipped).toHaveLength(6);
    expect(adapter.isConnected()).toBe(true);
    await adapter.hangup(id);
  });

  it('a listener that throws is logged and the others still get the event', async () => {
    const { adapter, logger, answered } = await setup();
    adapter.events.on('call.created', () => {
      throw new Error('listener bug');
    });
    const seen: string[] = [];
    adapter.events.on('call.created', (e) => seen.push(e.callId));
    const id = await answered('1001');
    expect(seen).toEqual([id]);
    expect(logger.records.some((r) => r.level === 'error' && r.message === 'media event listener failed')).toBe(true);
  });

  it('adopts the calls waiting in its application when it connects', async () => {
    const { fake, adapter } = await setup();
    await fake.request('POST', '/ari/channels', { endpoint: 'Local/+18005550123@switchboard-inbound', context: 'switchboard-test', extension: 'answer', callerId: '"Early" <+15551239999>' });
    await sleep(50);
    await adapter.close();
    const second = new AsteriskAdapter({ url: fake.url, username: 'switchboard', password: 'switchboard' });
    opened.push(second);
    const log = new EventLog(second);
    await second.connect();
    await until(() => log.has('call.incoming'), 'the adopted call');
    expect(log.first('call.incoming')).toMatchObject({ dialed: '+18005550123', callerId: { number: '+15551239999', name: 'Early' } });
    expect((await second.listCalls()).map((c) => c.direction)).toEqual(['inbound']);
  });

  it('refuses what it cannot do before asking Asterisk', async () => {
    const { adapter, answered } = await setup();
    const id = await answered('answer');
    await expect(adapter.answer(id)).rejects.toThrow(/outbound/);
    await expect(adapter.bridge(id, id)).rejects.toBeInstanceOf(MediaError);
    await expect(adapter.startRecording(id, { name: '../etc/passwd' })).rejects.toBeInstanceOf(ValidationError);
    await expect(adapter.play(id, { media: [{ kind: 'tts', text: 'hello' }] })).rejects.toBeInstanceOf(MediaError);
    await expect(adapter.hold(id, { mohClass: 'bad class' })).rejects.toBeInstanceOf(ValidationError);
    await expect(adapter.setMonitorMode(id, 'barge')).rejects.toThrow(/not monitoring/);
    await expect(adapter.stopRecording(id, 'nope')).rejects.toBeInstanceOf(MediaError);
    await expect(adapter.hangup('no-such-call')).rejects.toBeInstanceOf(MediaError);
    expect(adapter.capabilities).toMatchObject({ tts: false, recordingFormats: ['wav'] });
  });
});
