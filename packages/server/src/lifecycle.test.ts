import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { reply } from './http/api.js';
import { startTestServer } from './test-support/test-server.js';

const dir = mkdtempSync(join(tmpdir(), 'switchboard-lifecycle-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('server lifecycle', () => {
  it('creates the administrator on first start only, showing a generated password once', async () => {
    const db = join(dir, 'first-start.db');
    const printed: string[] = [];
    const first = await startTestServer({ db, adminPassword: undefined }, { print: (l) => printed.push(l) });
    const line = printed.find((l) => l.includes('password'));
    expect(line).toBeDefined();
    const password = /password: (\S+)/.exec(line!)![1]!;
    expect(password.length).toBeGreaterThanOrEqual(20);
    await first.close();

    const again: string[] = [];
    const second = await startTestServer({ db, adminPassword: undefined }, { print: (l) => again.push(l) });
    expect(again).toEqual([]);
    // The password and the demo tenant survived the restart; the demo tenant was not duplicated.
    const token = await second.login('admin', password);
    const tenants = await second.call('GET', '/api/v1/platform/tenants', { token });
    expect(tenants.body.items.map((t: { slug: string }) => t.slug)).toEqual(['demo']);
    await second.close();
  });

  it('finishes requests in flight on shutdown, then closes storage and refuses new connections', async () => {
    let release!: () => void;
    const started = new Promise<void>((resolve) => {
      release = resolve;
    });
    const s = await startTestServer(
      {},
      {
        extend: (api) =>
          api.route({
            method: 'get',
            path: '/slow',
            summary: 'slow',
            tags: ['Test'],
            access: 'public',
            responses: { 200: { description: 'ok' } },
            handler: async () => {
              release();
              await new Promise((resolve) => setTimeout(resolve, 300));
              return reply(200, { done: true });
            },
          }),
      },
    );
    const inFlight = fetch(`${s.url}/api/v1/slow`);
    await started;
    const closed = s.close();
    const response = await inFlight;
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ done: true });
    await closed;
    await expect(s.switchboard.storage.ping()).rejects.toThrow();
    await expect(fetch(`${s.url}/healthz`)).rejects.toThrow();
  });

  it('refuses to start on Asterisk without the ARI password, naming the setting', async () => {
    await expect(startTestServer({ media: 'asterisk' })).rejects.toMatchObject({ code: 'VALIDATION', issues: [{ path: 'ariPassword' }] });
  });
});
