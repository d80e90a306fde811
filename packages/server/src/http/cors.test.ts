import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer } from '../test-support/test-server.js';

describe('CORS for host CRMs', () => {
  let s: Awaited<ReturnType<typeof startTestServer>>;
  beforeAll(async () => {
    s = await startTestServer({ corsOrigins: 'https://crm.example.com, http://localhost:5173' });
  });
  afterAll(() => s.close());

  it('answers the preflight of an allowed origin and marks its responses', async () => {
    const preflight = await fetch(`${s.url}/api/v1/auth/me`, {
      method: 'OPTIONS',
      headers: { origin: 'https://crm.example.com', 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('https://crm.example.com');
    expect(preflight.headers.get('access-control-allow-headers')).toContain('Authorization');
    const login = await fetch(`${s.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { origin: 'http://localhost:5173', 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: 'wrong' }),
    });
    expect(login.status).toBe(401);
    expect(login.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
  });

  it('gives another origin nothing', async () => {
    const res = await fetch(`${s.url}/api/v1/auth/me`, { headers: { origin: 'https://evil.example.net' } });
    expect(res.status).toBe(401);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });
});
