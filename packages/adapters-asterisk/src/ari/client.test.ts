import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MediaError, UnavailableError } from '@switchboard/core';
import { afterEach, describe, expect, it } from 'vitest';
import { AriClient } from './client.js';

interface Seen {
  method: string;
  url: string;
  authorization: string | undefined;
  body: string;
}

/** A server that records requests and answers with what the test says. */
async function server(reply: (req: IncomingMessage) => { status: number; body?: string; delayMs?: number }) {
  const seen: Seen[] = [];
  const http = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', authorization: req.headers.authorization, body: Buffer.concat(chunks).toString() });
      const r = reply(req);
      setTimeout(() => {
        res.writeHead(r.status, r.body ? { 'content-type': 'application/json' } : {});
        res.end(r.body ?? '');
      }, r.delayMs ?? 0);
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(http.address() as AddressInfo).port}`, seen, close: () => new Promise<void>((resolve) => http.close(() => resolve())) };
}

describe('AriClient', () => {
  const closers: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const close of closers.splice(0)) await close();
  });

  it('sends basic auth, query parameters (lists comma-joined) and JSON bodies under /ari', async () => {
    const s = await server(() => ({ status: 204 }));
    closers.push(s.close);
    const ari = new AriClient({ url: `${s.url}/`, username: 'switchboard', password: 'p@ss' });
    await ari.bridges.addChannel('b 1', ['c1', 'c;2']);
    await ari.channels.hangup('abc', { reasonCode: 17 });
    await ari.channels.sendDtmf('abc', '12#', { durationMs: 120 });
    expect(s.seen.map((r) => `${r.method} ${r.url}`)).toEqual([
      'POST /ari/bridges/b%201/addChannel?channel=c1%2Cc%3B2',
      'DELETE /ari/channels/abc?reason_code=17',
      'POST /ari/channels/abc/dtmf?dtmf=12%23&duration=120',
    ]);
    expect(s.seen[0]!.authorization).toBe(`Basic ${Buffer.from('switchboard:p@ss').toString('base64')}`);
    expect(ari.eventsUrl('switchboard')).toBe(`${s.url.replace('http', 'ws')}/ari/events?app=switchboard`);
  });

  it('validates replies and turns error statuses into MediaErrors', async () => {
    const s = await server((req) =>
      req.url?.startsWith('/ari/channels/gone')
        ? { status: 404, body: '{"message":"Channel not found"}' }
        : req.url === '/ari/channels'
          ? { status: 200, body: '[{"id":"1.2"}]' }
          : { status: 200, body: '{"id":"p1","media_uri":"sound:beep","target_uri":"channel:x","language":"en","state":"queued"}' },
    );
    closers.push(s.close);
    const ari = new AriClient({ url: s.url, username: 'u', password: 'p' });
    const error = await ari.channels.answer('gone').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MediaError);
    expect((error as MediaError).details).toMatchObject({ status: 404, failure: 'not-found', method: 'POST', path: '/channels/gone/answer' });
    await expect(ari.channels.list()).rejects.toThrow(/unexpected body/);
    await expect(ari.channels.play('x', 'p1', ['sound:beep'])).resolves.toMatchObject({ id: 'p1', state: 'queued' });
    expect(JSON.parse(s.seen.at(-1)!.body)).toEqual({ media: ['sound:beep'] });
  });

  it('a reply that does not come in time is a MediaError; no server at all is an UnavailableError', async () => {
    const s = await server(() => ({ status: 204, delayMs: 1_000 }));
    closers.push(s.close);
    const slow = new AriClient({ url: s.url, username: 'u', password: 'p', requestTimeoutMs: 100 });
    const error = await slow.channels.answer('x').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MediaError);
    expect((error as MediaError).details).toMatchObject({ timeoutMs: 100 });
    const nowhere = new AriClient({ url: 'http://127.0.0.1:9', username: 'u', password: 'p' });
    await expect(nowhere.channels.list()).rejects.toBeInstanceOf(UnavailableError);
  });
});
