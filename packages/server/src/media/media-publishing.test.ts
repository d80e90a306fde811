import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeAsterisk } from '@switchboard/adapters-asterisk';
import { FakeFreeSwitch } from '@switchboard/adapters-freeswitch';
import { parseWav, type MediaEvent } from '@switchboard/core';
import { startTestServer, tenantWithUser } from '../test-support/test-server.js';

type Server = Awaited<ReturnType<typeof startTestServer>>;

const DID = '+18005550100';
const CALLER = '+15551230001';

/** A 16-bit PCM WAV with a 1 kHz tone: `seconds` long at `rate`, `channels` channels (what people upload: 44.1 kHz stereo and the like). */
function wav(seconds: number, rate: number, channels: number): Uint8Array {
  const frames = Math.round(seconds * rate);
  const dataLength = frames * channels * 2;
  const out = Buffer.alloc(44 + dataLength);
  out.write('RIFF', 0, 'latin1');
  out.writeUInt32LE(36 + dataLength, 4);
  out.write('WAVEfmt ', 8, 'latin1');
  out.writeUInt32LE(16, 16);
  out.writeUInt16LE(1, 20);
  out.writeUInt16LE(channels, 22);
  out.writeUInt32LE(rate, 24);
  out.writeUInt32LE(rate * channels * 2, 28);
  out.writeUInt16LE(channels * 2, 32);
  out.writeUInt16LE(16, 34);
  out.write('data', 36, 'latin1');
  out.writeUInt32LE(dataLength, 40);
  for (let i = 0; i < frames; i++) {
    const sample = Math.round(Math.sin((2 * Math.PI * 1000 * i) / rate) * 12_000);
    for (let c = 0; c < channels; c++) out.writeInt16LE(sample, 44 + (i * channels + c) * 2);
  }
  return out;
}

async function upload(s: Server, token: string, name: string, bytes: Uint8Array): Promise<{ status: number; body: { id: string } }> {
  const form = new FormData();
  form.append('name', name);
  form.append('file', new Blob([new Uint8Array(bytes)], { type: 'audio/wav' }), `${name}.wav`);
  const response = await fetch(`${s.url}/api/v1/media-files`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
  return { status: response.status, body: (await response.json()) as { id: string } };
}

/** A tenant whose DID plays a voice broadcast of its own upload "welcome"; another tenant has a "welcome" of its own. Returns the first tenant's id. */
async function tenantWithWelcome(s: Server): Promise<string> {
  const acme = await tenantWithUser(s, 'acme');
  const globex = await tenantWithUser(s, 'globex');
  expect((await upload(s, acme.token, 'welcome', wav(2, 44_100, 2))).status).toBe(201);
  expect((await upload(s, globex.token, 'welcome', wav(1, 16_000, 1))).status).toBe(201);
  const broadcast = await s.call('POST', '/api/v1/voice-broadcasts', { token: acme.token, body: { name: 'Welcome', media: [{ kind: 'file', name: 'welcome' }] } });
  expect(broadcast.status).toBe(201);
  const did = await s.call('POST', '/api/v1/dids', { token: acme.token, body: { numbers: [DID], name: 'Main line', destination: { kind: 'voice-broadcast', broadcastId: broadcast.body.id } } });
  expect(did.status).toBe(201);
  return acme.tenantId;
}

async function until(done: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200 && !done(); i++) await new Promise((resolve) => setTimeout(resolve, 25));
  if (!done()) throw new Error(`Timed out waiting for ${what}`);
}

describe('uploaded media files on a real media server (protocol fakes)', () => {
  const cleanup: Array<() => Promise<void>> = [];
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'switchboard-sounds-'));
    cleanup.push(() => rm(dir, { recursive: true, force: true }));
  });
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  /** The published file: a WAV FreeSWITCH and Asterisk both play, 8 kHz mono 16-bit, as long as the upload. */
  async function expectTelephonyWav(path: string, durationMs: number): Promise<void> {
    expect(existsSync(path)).toBe(true);
    expect(parseWav(await readFile(path))).toMatchObject({ codec: 'pcm', sampleRate: 8000, channels: 1, bitsPerSample: 16, durationMs });
  }

  it('FreeSWITCH: a call to the DID plays <soundsDir>/tenants/<tenantId>/welcome.wav, written there on upload', async () => {
    const fake = await FakeFreeSwitch.start({ password: 'lab-secret' });
    cleanup.push(() => fake.stop());
    const s = await startTestServer({ media: 'freeswitch', esl: `${fake.host}:${fake.port}`, eslPassword: 'lab-secret', sipDomain: 'switchboard.test', demo: 'false', mediaPublishDir: dir });
    cleanup.push(() => s.close());
    const tenantId = await tenantWithWelcome(s);

    fake.placeInbound(DID, CALLER);
    const playbackOf = () => fake.received.find((c) => c.headers.some(([name, value]) => name.toLowerCase() === 'execute-app-name' && value === 'playback'));
    await until(() => playbackOf() !== undefined, 'the playback');
    const arg = playbackOf()!.headers.find(([name]) => name.toLowerCase() === 'execute-app-arg')?.[1];
    const expected = join(dir, 'tenants', tenantId, 'welcome.wav');
    expect(arg).toBe(expected);
    await expectTelephonyWav(expected, 2000);
  });

  it('Asterisk: a call to the DID plays sound:<soundsDir>/tenants/<tenantId>/welcome, which Asterisk finds and plays to the end', async () => {
    const fake = new FakeAsterisk({ username: 'switchboard', password: 'lab-secret' });
    await fake.listen();
    cleanup.push(() => fake.close());
    const s = await startTestServer({ media: 'asterisk', ariUrl: fake.url, ariPassword: 'lab-secret', trunks: 'lab=Local/{number}@switchboard-test', demo: 'false', mediaPublishDir: dir });
    cleanup.push(() => s.close());
    const events: MediaEvent[] = [];
    s.switchboard.events.on('media', (event) => events.push(event));
    const tenantId = await tenantWithWelcome(s);

    await fake.request('POST', '/ari/channels', { endpoint: `Local/${DID}@switchboard-inbound`, extension: 'answer', context: 'switchboard-test', callerId: CALLER });
    await until(() => events.some((e) => e.type === 'playback.finished'), 'the end of the playback');
    const plays = fake
      .trace('media')
      .entries.filter((e) => e.kind === 'rest' && e.method === 'POST' && /\/play(\/[^/]+)?$/.test(e.path) && e.from === 'adapter')
      .map((e) => (e.kind === 'rest' ? e.body : undefined));
    expect(plays).toEqual([expect.objectContaining({ media: [`sound:${join(dir, 'tenants', tenantId, 'welcome')}`] })]);
    // The fake plays an 8 kHz WAV found on disk for as long as it lasts, and fails any other WAV, as Asterisk's format_wav does.
    expect(events.find((e) => e.type === 'playback.finished')).toMatchObject({ reason: 'completed' });
    await expectTelephonyWav(join(dir, 'tenants', tenantId, 'welcome.wav'), 2000);
  });

  it('serves the sim without publishing anything, and then names the files by tenant all the same', async () => {
    const s = await startTestServer({ clock: 'virtual', demo: 'false' });
    cleanup.push(() => s.close());
    expect(s.switchboard.mediaPublisher).toBeUndefined();
    const { tenantId, token } = await tenantWithUser(s, 'acme');
    expect((await upload(s, token, 'welcome', wav(1, 8000, 1))).status).toBe(201);
    expect(s.switchboard.mediaLibrary.resolve(tenantId, { kind: 'file', name: 'welcome' })).toEqual({ kind: 'file', name: `tenants/${tenantId}/welcome` });
  });
});
