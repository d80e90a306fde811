import { afterEach, describe, expect, it } from 'vitest';
import { FakeAsterisk } from '@switchboard/adapters-asterisk';
import { FakeFreeSwitch } from '@switchboard/adapters-freeswitch';
import type { MediaEvent } from '@switchboard/core';
import { startTestServer } from '../test-support/test-server.js';

describe('switchboard serve in front of a media server', () => {
  const cleanup: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  /** Starts the server, and checks it is ready and hands over an inbound call. */
  async function servesCalls(s: Awaited<ReturnType<typeof startTestServer>>, placeInbound: () => unknown) {
    const events: MediaEvent[] = [];
    s.switchboard.events.on('media', (e) => events.push(e));
    expect(await s.call('GET', '/readyz')).toMatchObject({ status: 200, body: { checks: { media: 'ok' } } });
    const token = await s.login();
    expect(await s.call('GET', '/api/v1/simulator', { token })).toMatchObject({ status: 409, body: { code: 'ILLEGAL_STATE' } });
    placeInbound();
    for (let i = 0; i < 100 && !events.some((e) => e.type === 'call.incoming'); i++) await new Promise((r) => setTimeout(r, 50));
    expect(events.find((e) => e.type === 'call.incoming')).toMatchObject({ dialed: '+18005550100', callerId: { number: '+15551230001' } });
  }

  it('runs on FreeSWITCH over the event socket', async () => {
    const fake = await FakeFreeSwitch.start({ password: 'lab-secret' });
    cleanup.push(() => fake.stop());
    const s = await startTestServer({ media: 'freeswitch', esl: `${fake.host}:${fake.port}`, eslPassword: 'lab-secret', sipDomain: 'switchboard.test', trunks: 'lab=loopback/{number}/switchboard-test' });
    cleanup.push(() => s.close());
    expect(s.switchboard.media.constructor.name).toBe('FreeSwitchAdapter');
    await servesCalls(s, () => fake.placeInbound('+18005550100', '+15551230001'));
  });

  it('runs on Asterisk over ARI', async () => {
    const fake = new FakeAsterisk({ username: 'switchboard', password: 'lab-secret' });
    await fake.listen();
    cleanup.push(() => fake.close());
    const s = await startTestServer({ media: 'asterisk', ariUrl: fake.url, ariPassword: 'lab-secret', trunks: 'lab=Local/{number}@switchboard-test' });
    cleanup.push(() => s.close());
    expect(s.switchboard.media.constructor.name).toBe('AsteriskAdapter');
    await servesCalls(s, () => fake.request('POST', '/ari/channels', { endpoint: 'Local/+18005550100@switchboard-inbound', extension: 'answer', context: 'switchboard-test', callerId: '+15551230001' }));
  });
});
