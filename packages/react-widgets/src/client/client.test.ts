// @vitest-environment node
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, SERVER_VERSION, closedPortUrl, startTestServer, type TestServer } from '../test-support/server.js';
import { SwitchboardClient } from './client.js';
import { SwitchboardApiError, isSwitchboardApiError } from './errors.js';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(async () => {
  await server?.close();
});

/** Runs `promise`, which must fail, and returns its SwitchboardApiError. */
async function failure(promise: Promise<unknown>): Promise<SwitchboardApiError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SwitchboardApiError);
  return error as SwitchboardApiError;
}

describe('SwitchboardClient against a running server', () => {
  it('reports the server is alive and its version', async () => {
    const client = new SwitchboardClient({ baseUrl: server.url });
    expect(await client.health()).toEqual({ status: 'ok', version: SERVER_VERSION });
  });

  it('accepts a base URL with a trailing slash', async () => {
    const client = new SwitchboardClient({ baseUrl: `${server.url}/` });
    expect((await client.health()).status).toBe('ok');
  });

  it('logs in, keeps the token and sends it with later requests', async () => {
    const client = new SwitchboardClient({ baseUrl: server.url });
    const session = await client.login({ username: 'admin', password: ADMIN_PASSWORD });
    expect(session.tokenType).toBe('Bearer');
    expect(session.user).toMatchObject({ username: 'admin', tenantId: null });
    expect(session.expiresAt).toBeGreaterThan(Date.now());
    expect(client.token).toBe(session.token);

    const me = await client.me();
    expect(me).toMatchObject({ id: session.user.id, username: 'admin', via: 'token' });

    // The same token works from a client the host creates itself.
    const another = new SwitchboardClient({ baseUrl: server.url, token: session.token });
    expect((await another.me()).username).toBe('admin');
  });

  it('after logout the token is no longer sent and the server asks to log in', async () => {
    const client = new SwitchboardClient({ baseUrl: server.url });
    await client.login({ username: 'admin', password: ADMIN_PASSWORD });
    client.logout();
    expect(client.token).toBeUndefined();
    const error = await failure(client.me());
    expect(error.status).toBe(401);
    expect(error.code).toBe('UNAUTHENTICATED');
  });

  it('a wrong password fails with UNAUTHENTICATED / 401 and does not call onUnauthenticated', async () => {
    const calls: SwitchboardApiError[] = [];
    const client = new SwitchboardClient({ baseUrl: server.url, onUnauthenticated: (e) => calls.push(e) });
    const error = await failure(client.login({ username: 'admin', password: 'not-the-password' }));
    expect(error.status).toBe(401);
    expect(error.code).toBe('UNAUTHENTICATED');
    expect(error.detail).toBe('Invalid username or password');
    expect(error.message).toBe('Invalid username or password');
    expect(error.request).toBe('POST /api/v1/auth/login');
    expect(isSwitchboardApiError(error)).toBe(true);
    expect(client.token).toBeUndefined();
    // A mistyped password belongs to the login form, not to the host's "session expired" path.
    expect(calls).toEqual([]);
  });

  it('a 401 on any other request fires onUnauthenticated with the error', async () => {
    const calls: SwitchboardApiError[] = [];
    const client = new SwitchboardClient({ baseUrl: server.url, token: 'expired-or-forged', onUnauthenticated: (e) => calls.push(e) });
    const error = await failure(client.me());
    expect(error.code).toBe('UNAUTHENTICATED');
    expect(calls).toEqual([error]);
  });

  it('a validation error names every invalid field', async () => {
    const client = new SwitchboardClient({ baseUrl: server.url });
    const error = await failure(client.login({ username: '', password: '' }));
    expect(error.status).toBe(400);
    expect(error.code).toBe('VALIDATION');
    expect(error.type).toBe('urn:switchboard:problem:validation');
    expect(error.errors.map((issue) => issue.path).sort()).toEqual(['body.password', 'body.username']);
    expect(error.messagesFor('body.username')).toHaveLength(1);
    expect(error.messagesFor('body.tenant')).toEqual([]);
  });

  it('request() reaches any endpoint and turns its problem into an error', async () => {
    const client = new SwitchboardClient({ baseUrl: server.url });
    await client.login({ username: 'admin', password: ADMIN_PASSWORD });
    const me = await client.request<{ username: string }>('GET', '/api/v1/auth/me');
    expect(me.username).toBe('admin');

    const missing = await failure(client.request('GET', '/api/v1/no-such-thing'));
    expect(missing.status).toBe(404);
    expect(missing.code).toBe('NOT_FOUND');
    expect(missing.instance).toBe('/api/v1/no-such-thing');
  });

  it('request() resolves to undefined for 204 No Content', async () => {
    const client = new SwitchboardClient({ baseUrl: server.url });
    await client.login({ username: 'admin', password: ADMIN_PASSWORD });
    const key = await client.request<{ id: string; key: string }>('POST', '/api/v1/api-keys', { name: 'widgets test' });
    expect(key.key).toMatch(/^sbk_/);
    await expect(client.request('DELETE', `/api/v1/api-keys/${key.id}`)).resolves.toBeUndefined();
  });
});

describe('SwitchboardClient when the server cannot answer', () => {
  it('a server that is down fails with UNAVAILABLE and status 0', async () => {
    const url = await closedPortUrl();
    const client = new SwitchboardClient({ baseUrl: url });
    const error = await failure(client.health());
    expect(error.code).toBe('UNAVAILABLE');
    expect(error.status).toBe(0);
    expect(error.detail).toContain(url);
    expect(error.cause).toBeInstanceOf(Error);
  });

  it('a server that stopped after login fails with UNAVAILABLE', async () => {
    const own = await startTestServer();
    const client = new SwitchboardClient({ baseUrl: own.url });
    await client.login({ username: 'admin', password: ADMIN_PASSWORD });
    await own.close();
    const error = await failure(client.me());
    expect(error.code).toBe('UNAVAILABLE');
  });

  describe('behind a reverse proxy or a hung server', () => {
    let proxy: Server;
    let proxyUrl: string;

    beforeAll(async () => {
      // Stands for what sits in front of Switchboard in production (nginx, a CDN): it
      // answers in its own formats, not with problem+json, or not at all.
      proxy = createServer((req, res) => {
        if (req.url === '/healthz') {
          res.writeHead(502, 'Bad Gateway', { 'content-type': 'text/html' });
          res.end('<html><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>');
        } else if (req.url === '/too-many') {
          res.writeHead(429, 'Too Many Requests', { 'content-type': 'text/plain' });
          res.end('slow down');
        }
        // Anything else: never answer.
      });
      await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
      proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    });

    afterAll(async () => {
      proxy.closeAllConnections();
      await new Promise((resolve) => proxy.close(resolve));
    });

    it('an HTML error page becomes an error with a code from its status', async () => {
      const error = await failure(new SwitchboardClient({ baseUrl: proxyUrl }).health());
      expect(error.status).toBe(502);
      expect(error.code).toBe('UNAVAILABLE');
      expect(error.title).toBe('Bad Gateway');
      expect(error.detail).toBe('GET /healthz failed with HTTP 502 Bad Gateway');
      expect(error.errors).toEqual([]);
    });

    it('a short plain-text error keeps its text', async () => {
      const error = await failure(new SwitchboardClient({ baseUrl: proxyUrl }).request('GET', '/too-many'));
      expect(error.code).toBe('RATE_LIMITED');
      expect(error.detail).toBe('GET /too-many failed with HTTP 429 Too Many Requests: slow down');
    });

    it('no answer within timeoutMs fails with TIMEOUT', async () => {
      const error = await failure(new SwitchboardClient({ baseUrl: proxyUrl, timeoutMs: 200 }).request('GET', '/hang'));
      expect(error.code).toBe('TIMEOUT');
      expect(error.status).toBe(0);
    });

    it('a request the caller aborts rejects with the abort reason, not an API error', async () => {
      const controller = new AbortController();
      const pending = new SwitchboardClient({ baseUrl: proxyUrl }).request('GET', '/hang', undefined, { signal: controller.signal });
      controller.abort();
      await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    });
  });
});
