import { request } from 'node:http';
import { hashPassword } from '../auth/passwords.js';
import { CONFIG_ENV, loadConfig, type ServerConfigInput } from '../config.js';
import { startServer, type RunningServer, type StartServerOptions } from '../server.js';

export const ADMIN_PASSWORD = 'correct-horse-battery-staple';
export const JWT_SECRET = 'test-secret-that-is-long-enough-for-hs256-0123456789';

/** A real server on a free loopback port with an in-memory database, quiet logs and a known admin password. */
export async function startTestServer(overrides: Partial<Record<keyof ServerConfigInput, string>> = {}, options: StartServerOptions = {}) {
  const env: NodeJS.ProcessEnv = {
    SWITCHBOARD_PORT: '0',
    SWITCHBOARD_HOST: '127.0.0.1',
    SWITCHBOARD_DB: ':memory:',
    SWITCHBOARD_LOG_LEVEL: 'silent',
    SWITCHBOARD_ADMIN_PASSWORD: ADMIN_PASSWORD,
    SWITCHBOARD_JWT_SECRET: JWT_SECRET,
  };
  const names: Record<string, string> = CONFIG_ENV;
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined) delete env[names[key]!];
    else env[names[key]!] = value;
  }
  const server = await startServer(loadConfig([], env), { print: () => {}, ...options });
  return withClient(server);
}

export function withClient(server: RunningServer) {
  const call = async (method: string, path: string, init: { body?: unknown; token?: string; headers?: Record<string, string>; raw?: string } = {}) => {
    const headers: Record<string, string> = { ...init.headers };
    if (init.token) headers['authorization'] = `Bearer ${init.token}`;
    if (init.body !== undefined || init.raw !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(server.url + path, { method, headers, body: init.raw ?? (init.body === undefined ? undefined : JSON.stringify(init.body)) });
    const text = await response.text();
    const body = text === '' ? undefined : JSON.parse(text);
    return { status: response.status, type: response.headers.get('content-type') ?? '', body };
  };
  const login = async (username = 'admin', password = ADMIN_PASSWORD, tenant?: string) => {
    const res = await call('POST', '/api/v1/auth/login', { body: { username, password, ...(tenant ? { tenant } : {}) } });
    if (res.status !== 200) throw new Error(`login failed: ${JSON.stringify(res.body)}`);
    return res.body.token as string;
  };
  return { ...server, server, call, login };
}

/** A tenant with a user of the given role; returns the tenant and the user's token. */
export async function tenantWithUser(
  s: Awaited<ReturnType<typeof startTestServer>>,
  slug: string,
  options: { username?: string; password?: string; role?: string; tenant?: { defaultCountry?: string; timeZone?: string } } = {},
): Promise<{ tenantId: string; token: string }> {
  const { username = 'boss', password = 'boss-password-123', role = 'tenant_admin' } = options;
  const existing = await s.switchboard.storage.tenants.getBySlug(slug).catch(() => undefined);
  const tenant = existing ?? (await s.switchboard.storage.tenants.create({ slug, name: slug, ...options.tenant }));
  await s.switchboard.storage.users.create(tenant.id, { username, passwordHash: await hashPassword(password), role });
  return { tenantId: tenant.id, token: await s.login(username, password, slug) };
}

/**
 * A multipart upload whose Content-Length declares `bytes`, of which only the first boundary
 * is ever sent: a server that refuses it up front answers at once; one that waits for the
 * body never does. Resolves with the answer's status and body.
 */
export function declaredUpload(url: string, token: string, bytes: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'multipart/form-data; boundary=x', 'content-length': String(bytes) },
    });
    req.on('response', (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.write('--x\r\n');
  });
}

