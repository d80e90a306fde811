import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sipHa1 } from '@switchboard/core';
import { startTestServer } from '../test-support/test-server.js';

describe('agents\' SIP accounts reach the media servers', () => {
  let s: Awaited<ReturnType<typeof startTestServer>>;
  let token: string;
  let apiKey: string;
  let tenantId: string;
  beforeAll(async () => {
    s = await startTestServer();
    token = await s.login();
    apiKey = (await s.call('POST', '/api/v1/api-keys', { token, body: { name: 'freeswitch xml_curl' } })).body.key;
    tenantId = (await s.switchboard.storage.tenants.getBySlug('demo')).id;
  });
  afterAll(() => s.close());

  /** What mod_xml_curl sends: a form post with Basic credentials (gateway-credentials). */
  const xmlCurl = async (fields: Record<string, string>, credentials = `freeswitch:${apiKey}`) => {
    const response = await fetch(`${s.url}/api/v1/media/freeswitch/directory`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(credentials).toString('base64')}` },
      body: new URLSearchParams(fields).toString(),
    });
    return { status: response.status, type: response.headers.get('content-type') ?? '', text: await response.text() };
  };
  const register = (user: string, domain = 'demo.switchboard.test') => xmlCurl({ section: 'directory', tag_name: 'domain', key_name: 'name', key_value: domain, user, domain, action: 'sip_auth' });

  it('creates phones for a tenant without ever showing their secret', async () => {
    const created = await s.call('POST', `/api/v1/platform/tenants/${tenantId}/sip-accounts`, { token, body: { username: '1001', domain: 'demo.switchboard.test', password: 'phone-pass-1001', displayName: 'Ann <Sales> & "Co"' } });
    expect(created).toMatchObject({ status: 201, body: { username: '1001', domain: 'demo.switchboard.test', enabled: true } });
    expect(created.body).not.toHaveProperty('ha1');
    const weak = await s.call('POST', `/api/v1/platform/tenants/${tenantId}/sip-accounts`, { token, body: { username: '1002', domain: 'demo.switchboard.test', password: 'short' } });
    expect(weak).toMatchObject({ status: 400, body: { errors: [{ path: 'password' }] } });
    expect((await s.call('POST', `/api/v1/platform/tenants/nope/sip-accounts`, { token, body: { username: '1', domain: 'x.test', password: 'long-enough' } })).status).toBe(404);
  });

  it('answers FreeSWITCH\'s directory lookup with the a1-hash of a known phone, escaped', async () => {
    const found = await register('1001');
    expect(found.status).toBe(200);
    expect(found.type).toContain('text/xml');
    expect(found.text).toContain('<section name="directory">');
    expect(found.text).toContain('<domain name="demo.switchboard.test">');
    expect(found.text).toContain(`<param name="a1-hash" value="${sipHa1('1001', 'demo.switchboard.test', 'phone-pass-1001')}"/>`);
    expect(found.text).toContain('value="Ann &lt;Sales&gt; &amp; &quot;Co&quot;"');
    expect(found.text).toContain('<variable name="user_context" value="switchboard-inbound"/>');
    expect(found.text).not.toContain('phone-pass-1001');
  });

  it('says "not found" for unknown phones, other domains and other sections, so FreeSWITCH falls back', async () => {
    for (const res of [await register('9999'), await register('1001', 'other.test'), await xmlCurl({ section: 'dialplan', 'Caller-Destination-Number': '1001' }), await xmlCurl({ section: 'directory', purpose: 'gateways' })]) {
      expect(res.status).toBe(200);
      expect(res.text).toContain('<result status="not found"/>');
    }
  });

  it('refuses a media server without a platform API key', async () => {
    expect((await register('1001').then(() => xmlCurl({ section: 'directory', user: '1001', domain: 'demo.switchboard.test' }, 'freeswitch:wrong'))).status).toBe(401);
    const noAuth = await fetch(`${s.url}/api/v1/media/freeswitch/directory`, { method: 'POST', body: 'section=directory' });
    expect(noAuth.status).toBe(401);
  });

  it('changes a password and disables a phone: the directory follows at once', async () => {
    const [account] = (await s.call('GET', `/api/v1/platform/tenants/${tenantId}/sip-accounts`, { token })).body.items;
    await s.call('PATCH', `/api/v1/platform/tenants/${tenantId}/sip-accounts/${account.id}`, { token, body: { password: 'new-phone-pass' } });
    expect((await register('1001')).text).toContain(sipHa1('1001', 'demo.switchboard.test', 'new-phone-pass'));
    await s.call('PATCH', `/api/v1/platform/tenants/${tenantId}/sip-accounts/${account.id}`, { token, body: { enabled: false } });
    expect((await register('1001')).text).toContain('not found');
    await s.call('PATCH', `/api/v1/platform/tenants/${tenantId}/sip-accounts/${account.id}`, { token, body: { enabled: true } });
  });

  it('writes a pjsip.conf include with endpoint, auth and aor per phone, and reports user names it cannot serve twice', async () => {
    const other = (await s.call('POST', '/api/v1/platform/tenants', { token, body: { slug: 'other', name: 'Other' } })).body.id;
    await s.call('POST', `/api/v1/platform/tenants/${other}/sip-accounts`, { token, body: { username: '1001', domain: 'other.switchboard.test', password: 'other-pass-1001' } });
    await s.call('POST', `/api/v1/platform/tenants/${other}/sip-accounts`, { token, body: { username: '3001', domain: 'other.switchboard.test', password: 'other-pass-3001' } });
    const response = await fetch(`${s.url}/api/v1/media/asterisk/pjsip.conf?transport=transport-tls`, { headers: { 'x-api-key': apiKey } });
    const conf = await response.text();
    expect(response.headers.get('content-type')).toContain('text/plain');
    const sections = conf.split('\n').filter((l) => l.startsWith('['));
    expect(sections).toEqual(['[1001]', '[1001]', '[1001]', '[3001]', '[3001]', '[3001]']);
    expect(conf).toContain(`md5_cred=${sipHa1('1001', 'demo.switchboard.test', 'new-phone-pass')}`);
    expect(conf).toContain('realm=demo.switchboard.test');
    expect(conf).toContain('transport=transport-tls');
    expect(conf).toContain('context=switchboard-inbound');
    expect(conf).toContain('; skipped 1001@other.switchboard.test');
    expect(conf).not.toMatch(/password/);
  });

  it('keeps tenant users away from the media server endpoints', async () => {
    await s.call('DELETE', `/api/v1/platform/tenants/${tenantId}/sip-accounts/${(await s.call('GET', `/api/v1/platform/tenants/${tenantId}/sip-accounts`, { token })).body.items[0].id}`, { token });
    expect((await register('1001')).text).toContain('not found');
    const { hashPassword } = await import('../auth/passwords.js');
    await s.switchboard.storage.users.create(tenantId, { username: 'ops', passwordHash: await hashPassword('ops-password-123'), role: 'tenant_admin' });
    const opsToken = await s.login('ops', 'ops-password-123', 'demo');
    expect((await s.call('GET', '/api/v1/media/asterisk/pjsip.conf', { token: opsToken })).status).toBe(403);
  });
});
