import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from './auth/passwords.js';
import { JWT_SECRET, startTestServer } from './test-support/test-server.js';

type TestServer = Awaited<ReturnType<typeof startTestServer>>;

describe('server', () => {
  let s: TestServer;
  let token: string;
  beforeAll(async () => {
    s = await startTestServer();
    token = await s.login();
  });
  afterAll(() => s.close());

  it('reports health and readiness without auth', async () => {
    expect(await s.call('GET', '/healthz')).toMatchObject({ status: 200, body: { status: 'ok', version: '0.1.0' } });
    expect(await s.call('GET', '/readyz')).toMatchObject({ status: 200, body: { status: 'ready', checks: { storage: 'ok', media: 'ok' } } });
  });

  it('publishes an OpenAPI 3.1 document without auth, describing every route with its schemas', async () => {
    const { status, body } = await s.call('GET', '/api/v1/openapi.json');
    expect(status).toBe(200);
    expect(body.openapi).toBe('3.1.0');
    const login = body.paths['/api/v1/auth/login'].post;
    expect(login.security).toEqual([]);
    expect(login.requestBody.content['application/json'].schema.required).toEqual(['username', 'password']);
    const agent = body.paths['/api/v1/simulator/agents/{agentNumber}'].post;
    expect(agent.parameters).toEqual([expect.objectContaining({ name: 'agentNumber', in: 'path', required: true })]);
    expect(agent.responses['401'].content['application/problem+json'].schema.$ref).toBe('#/components/schemas/Problem');
    expect(body.components.schemas.Problem.properties).toHaveProperty('errors');
  });

  it('serves the browsable API reference', async () => {
    const page = await fetch(`${s.url}/docs/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('/api/v1/openapi.json');
    expect((await fetch(`${s.url}/docs/swagger-ui-bundle.js`)).status).toBe(200);
  });

  it('refuses every /api/v1 route but login and the OpenAPI document without credentials', async () => {
    const { body: doc } = await s.call('GET', '/api/v1/openapi.json');
    let checked = 0;
    for (const [path, operations] of Object.entries(doc.paths as Record<string, Record<string, { security: unknown[] }>>)) {
      for (const [method, operation] of Object.entries(operations)) {
        const concrete = path.replace(/\{[^}]+\}/g, 'x1');
        const res = await s.call(method.toUpperCase(), concrete, method === 'get' || method === 'delete' ? {} : { body: {} });
        if (path === '/api/v1/auth/login') {
          expect(res.status).toBe(400);
          continue;
        }
        expect(operation.security.length, `${method} ${path} must require auth`).toBeGreaterThan(0);
        expect(res.status, `${method} ${path}`).toBe(401);
        expect(res.type).toContain('application/problem+json');
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(10);
  });

  it('logs in with the right password only, without telling which part was wrong', async () => {
    const wrongPassword = await s.call('POST', '/api/v1/auth/login', { body: { username: 'admin', password: 'nope' } });
    const wrongUser = await s.call('POST', '/api/v1/auth/login', { body: { username: 'nobody', password: 'nope' } });
    for (const res of [wrongPassword, wrongUser]) {
      expect(res).toMatchObject({ status: 401, body: { code: 'UNAUTHENTICATED', detail: 'Invalid username or password' } });
    }
    const me = await s.call('GET', '/api/v1/auth/me', { token });
    expect(me).toMatchObject({ status: 200, body: { username: 'admin', role: 'platform_admin', tenantId: null, via: 'token' } });
  });

  it('rejects tampered and expired tokens', async () => {
    const tampered = token.slice(0, -2) + (token.endsWith('A') ? 'BB' : 'AA');
    expect((await s.call('GET', '/api/v1/auth/me', { token: tampered })).status).toBe(401);
    const me = (await s.call('GET', '/api/v1/auth/me', { token })).body;
    const expired = await new SignJWT({ tid: null, role: 'platform_admin' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(me.id)
      .setIssuer('switchboard')
      .setAudience('switchboard-api')
      .setExpirationTime(Math.floor(Date.now() / 1000) - 10)
      .sign(new TextEncoder().encode(JWT_SECRET));
    expect(await s.call('GET', '/api/v1/auth/me', { token: expired })).toMatchObject({ status: 401, body: { detail: expect.stringContaining('expired') } });
    expect((await s.call('GET', '/api/v1/auth/me', { headers: { authorization: 'Basic abc' } })).status).toBe(401);
  });

  it('issues API keys that work until revoked, and never shows the secret again', async () => {
    const created = await s.call('POST', '/api/v1/api-keys', { token, body: { name: 'crm sync' } });
    expect(created.status).toBe(201);
    const key: string = created.body.key;
    expect(key).toMatch(/^sbk_/);
    expect((await s.call('GET', '/api/v1/auth/me', { headers: { 'x-api-key': key } })).body).toMatchObject({ username: 'admin', via: 'api-key' });
    expect((await s.call('GET', '/api/v1/auth/me', { token: key })).status).toBe(200);
    const listed = await s.call('GET', '/api/v1/api-keys', { token });
    // The secret is base64url and may itself contain '_': it is everything after the prefix.
    const secret = key.slice(`sbk_${created.body.prefix}_`.length);
    expect(secret).toHaveLength(32);
    expect(JSON.stringify(listed.body)).not.toContain(secret);
    expect(listed.body.items).toEqual(expect.arrayContaining([expect.objectContaining({ id: created.body.id, prefix: created.body.prefix, revokedAt: null })]));
    expect((await s.call('DELETE', `/api/v1/api-keys/${created.body.id}`, { token })).status).toBe(204);
    expect(await s.call('GET', '/api/v1/auth/me', { headers: { 'x-api-key': key } })).toMatchObject({ status: 401, body: { detail: expect.stringContaining('revoked') } });
    expect((await s.call('GET', '/api/v1/auth/me', { headers: { 'x-api-key': 'sbk_short_bad' } })).status).toBe(401);
  });

  it('answers bad input with problem+json naming the field, never a 500', async () => {
    const malformed = await s.call('POST', '/api/v1/platform/tenants', { token, raw: '{"slug": ' });
    expect(malformed).toMatchObject({ status: 400, body: { code: 'VALIDATION', errors: [{ path: 'body' }] } });
    expect(malformed.type).toContain('application/problem+json');
    const wrongTypes = await s.call('POST', '/api/v1/platform/tenants', { token, body: { slug: 7, name: '' } });
    expect(wrongTypes.status).toBe(400);
    expect(wrongTypes.body.errors.map((e: { path: string }) => e.path)).toEqual(['body.slug', 'body.name']);
    const badSlug = await s.call('POST', '/api/v1/platform/tenants', { token, body: { slug: 'Not A Slug', name: 'X' } });
    expect(badSlug).toMatchObject({ status: 400, body: { code: 'VALIDATION' } });
    expect(await s.call('GET', '/api/v1/no-such-thing', { token })).toMatchObject({ status: 404, body: { code: 'NOT_FOUND' } });
    const big = await s.call('POST', '/api/v1/platform/tenants', { token, raw: JSON.stringify({ slug: 'a', name: 'x'.repeat(2_000_000) }) });
    expect(big.status).toBe(413);
  });

  it('lets a platform admin manage tenants, with conflicts reported, and audits it', async () => {
    const created = await s.call('POST', '/api/v1/platform/tenants', { token, body: { slug: 'acme', name: 'Acme Support', timeZone: 'Europe/Berlin', defaultCountry: 'DE' } });
    expect(created).toMatchObject({ status: 201, body: { slug: 'acme', timeZone: 'Europe/Berlin', status: 'active' } });
    expect(await s.call('POST', '/api/v1/platform/tenants', { token, body: { slug: 'acme', name: 'Again' } })).toMatchObject({ status: 409, body: { code: 'CONFLICT' } });
    const patched = await s.call('PATCH', `/api/v1/platform/tenants/${created.body.id}`, { token, body: { status: 'suspended' } });
    expect(patched.body.status).toBe('suspended');
    expect(await s.call('GET', '/api/v1/platform/tenants/missing', { token })).toMatchObject({ status: 404 });
    const audit = await s.switchboard.storage.auditLog.list(null, { limit: 50 });
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['POST /platform/tenants', 'PATCH /platform/tenants/{id}']));
    expect(audit.find((a) => a.action === 'PATCH /platform/tenants/{id}')).toMatchObject({ resourceId: created.body.id, actorType: 'user' });
  });

  it('keeps tenant users out of platform routes', async () => {
    const demo = await s.switchboard.storage.tenants.getBySlug('demo');
    await s.switchboard.storage.users.create(demo.id, { username: 'sup', passwordHash: await hashPassword('supervisor-password-1'), role: 'supervisor' });
    const supToken = await s.login('sup', 'supervisor-password-1', 'demo');
    expect(await s.call('GET', '/api/v1/platform/tenants', { token: supToken })).toMatchObject({ status: 403, body: { code: 'FORBIDDEN' } });
    expect((await s.call('GET', '/api/v1/auth/me', { token: supToken })).body).toMatchObject({ username: 'sup', tenantId: demo.id });
    // The same name without the tenant is not the tenant's user.
    expect((await s.call('POST', '/api/v1/auth/login', { body: { username: 'sup', password: 'supervisor-password-1' } })).status).toBe(401);
  });

  it('changes a password: the old one stops working', async () => {
    const demo = await s.switchboard.storage.tenants.getBySlug('demo');
    await s.switchboard.storage.users.create(demo.id, { username: 'agent7', passwordHash: await hashPassword('first-password-123'), role: 'agent' });
    const t = await s.login('agent7', 'first-password-123', 'demo');
    expect((await s.call('POST', '/api/v1/auth/password', { token: t, body: { currentPassword: 'wrong', newPassword: 'second-password-456' } })).status).toBe(400);
    expect((await s.call('POST', '/api/v1/auth/password', { token: t, body: { currentPassword: 'first-password-123', newPassword: 'short' } })).body.errors[0].path).toBe('body.newPassword');
    expect((await s.call('POST', '/api/v1/auth/password', { token: t, body: { currentPassword: 'first-password-123', newPassword: 'second-password-456' } })).status).toBe(204);
    expect((await s.call('POST', '/api/v1/auth/login', { body: { username: 'agent7', password: 'first-password-123', tenant: 'demo' } })).status).toBe(401);
    expect(await s.login('agent7', 'second-password-456', 'demo')).toBeTruthy();
  });

  it('slows down password guessing', async () => {
    const attempt = () => s.call('POST', '/api/v1/auth/login', { body: { username: 'target', password: 'guess' } });
    for (let i = 0; i < 10; i++) expect((await attempt()).status).toBe(401);
    expect(await attempt()).toMatchObject({ status: 429, body: { code: 'RATE_LIMITED' } });
  });

  it('refuses to move time on the real clock', async () => {
    expect(await s.call('POST', '/api/v1/simulator/advance', { token, body: { ms: 1_000 } })).toMatchObject({ status: 409, body: { code: 'ILLEGAL_STATE' } });
  });
});
