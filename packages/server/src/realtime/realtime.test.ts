import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { hashPassword } from '../auth/passwords.js';
import { startTestServer } from '../test-support/test-server.js';
import { ACD_EVENTS, REALTIME_PROTOCOL } from './realtime.js';

type Server = Awaited<ReturnType<typeof startTestServer>>;
interface Message {
  type: string;
  data: Record<string, unknown>;
}

/** A real client: collects every message, and can wait for one that matches. */
function connect(url: string, options: { protocols?: string[]; headers?: Record<string, string> } = {}) {
  const ws = new WebSocket(url, options.protocols ?? [], { headers: options.headers ?? {} });
  const messages: Message[] = [];
  const waiters: Array<{ match: (m: Message) => boolean; resolve: (m: Message) => void }> = [];
  ws.on('message', (raw) => {
    const message = JSON.parse(String(raw)) as Message;
    messages.push(message);
    for (const w of [...waiters]) {
      if (!w.match(message)) continue;
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve(message);
    }
  });
  const next = (match: (m: Message) => boolean) =>
    new Promise<Message>((resolve, reject) => {
      const found = messages.find(match);
      if (found) return resolve(found);
      waiters.push({ match, resolve });
      setTimeout(() => reject(new Error(`no matching message; got ${JSON.stringify(messages.map((m) => m.type))}`)), 3_000);
    });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: String(reason) })));
  const refused = new Promise<number>((resolve) => ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0)));
  return { ws, messages, next, closed, refused, open: new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    }) };
}

describe('the realtime WebSocket', () => {
  let s: Server;
  let token: string;
  let otherToken: string;
  let wsUrl: string;
  beforeAll(async () => {
    s = await startTestServer({ clock: 'virtual' });
    wsUrl = `${s.url.replace('http', 'ws')}/api/v1/realtime`;
    for (const slug of ['acme', 'globex']) {
      const tenant = await s.switchboard.storage.tenants.create({ slug, name: slug });
      await s.switchboard.storage.users.create(tenant.id, { username: 'boss', passwordHash: await hashPassword('boss-password-123'), role: 'tenant_admin' });
    }
    token = await s.login('boss', 'boss-password-123', 'acme');
    otherToken = await s.login('boss', 'boss-password-123', 'globex');
    await s.call('POST', '/api/v1/agents', { token, body: { number: '1001', sipPassword: 'sip-secret-1' } });
    await s.call('POST', '/api/v1/agents', { token: otherToken, body: { number: '1001', sipPassword: 'sip-secret-1' } });
  });
  afterAll(() => s.close());

  it("streams the tenant's ACD events, and only those", async () => {
    const mine = connect(`${wsUrl}?token=${token}`);
    const theirs = connect(wsUrl, { headers: { authorization: `Bearer ${otherToken}` } });
    await Promise.all([mine.open, theirs.open]);
    expect((await mine.next((m) => m.type === 'hello')).data.tenantId).toEqual(expect.any(String));
    await theirs.next((m) => m.type === 'hello');

    expect((await s.call('POST', '/api/v1/agents/1001/login', { token })).status).toBe(204);
    const state = await mine.next((m) => m.type === 'agent.state');
    expect(state.data).toMatchObject({ agentNumber: '1001', state: { kind: 'idle' }, previous: { kind: 'logged-out' } });
    await mine.next((m) => m.type === 'agent.event' && m.data['event'] === 'logged-in');

    // The other tenant's socket sees its own agent, never acme's.
    await s.call('POST', '/api/v1/agents/1001/login', { token: otherToken });
    await theirs.next((m) => m.type === 'agent.state');
    const tenantIds = new Set(theirs.messages.filter((m) => m.type !== 'hello').map((m) => m.data['tenantId']));
    expect(tenantIds.size).toBe(1);
    expect(tenantIds).not.toContain(state.data['tenantId']);
    mine.ws.close();
    theirs.ws.close();
    await Promise.all([mine.closed, theirs.closed]);
  });

  it('relays every ACD event: check-ins, the queue log and how each queue call ended', async () => {
    const client = connect(`${wsUrl}?token=${token}`);
    await client.open;
    const tenantId = (await client.next((m) => m.type === 'hello')).data['tenantId'];
    await s.call('POST', '/api/v1/agents', { token, body: { number: '1002', sipPassword: 'sip-secret-1' } });
    await s.call('POST', '/api/v1/agent-groups', { token, body: { name: 'Sales', number: '600', members: [{ agentNumber: '1002', kind: 'dynamic' }] } });
    await s.call('POST', '/api/v1/agents/1002/login', { token });
    expect((await s.call('POST', '/api/v1/agents/1002/check-in', { token, body: { groupNumber: '600' } })).status).toBe(204);
    const checkedIn = await client.next((m) => m.type === 'agent.membership' && m.data['agentNumber'] === '1002');
    expect(checkedIn.data).toMatchObject({ tenantId, groupNumber: '600', checkedIn: true, at: expect.any(Number) });

    const sim = s.switchboard.simulator!;
    sim.setExtension('1002', { answer: 1_000 });
    const callId = sim.placeCall({ from: { number: '+15550003333' }, to: '600', script: { talkMs: 30_000 } });
    await s.switchboard.acd.enqueue(String(tenantId), { callId, groupNumber: '600', callerNumber: '+15550003333' });
    await s.call('POST', '/api/v1/simulator/advance', { token, body: { ms: 60_000 } });

    const queueLog = (event: string) => client.next((m) => m.type === 'queue.log' && m.data['callId'] === callId && m.data['event'] === event);
    expect((await queueLog('ENTERQUEUE')).data).toMatchObject({ tenantId, queue: '600', agent: 'NONE' });
    expect((await queueLog('CONNECT')).data).toMatchObject({ queue: '600', agent: '1002' });
    await client.next((m) => m.type === 'queue.log' && m.data['callId'] === callId && /^COMPLETE(CALLER|AGENT)$/.test(String(m.data['event'])));
    const ended = await client.next((m) => m.type === 'queue.ended' && m.data['callId'] === callId);
    expect(ended.data).toMatchObject({ tenantId, groupNumber: '600', outcome: 'answered', waitMs: expect.any(Number) });

    await s.call('POST', '/api/v1/agents/1002/check-out', { token, body: { groupNumber: '600' } });
    expect((await client.next((m) => m.type === 'agent.membership' && m.data['agentNumber'] === '1002' && m.data['checkedIn'] === false)).data).toMatchObject({ groupNumber: '600' });

    // Every event the core emits reached the client, each for this tenant only.
    const relayed = client.messages.filter((m) => m.type !== 'hello');
    expect(new Set(relayed.map((m) => m.type))).toEqual(new Set(ACD_EVENTS));
    expect(new Set(relayed.map((m) => m.data['tenantId']))).toEqual(new Set([tenantId]));
    client.ws.close();
    await client.closed;
  });

  it('takes the token as a subprotocol, as browsers must', async () => {
    const client = connect(wsUrl, { protocols: [REALTIME_PROTOCOL, `bearer.${token}`] });
    await client.open;
    expect(client.ws.protocol).toBe(REALTIME_PROTOCOL);
    await client.next((m) => m.type === 'hello');
    client.ws.close();
    await client.closed;
  });

  it('refuses callers without valid credentials, and other paths', async () => {
    expect(await connect(wsUrl).refused).toBe(401);
    expect(await connect(`${wsUrl}?token=not-a-token`).refused).toBe(401);
    const admin = await s.login();
    expect(await connect(`${wsUrl}?token=${admin}`).refused).toBe(400);
    expect(await connect(`${s.url.replace('http', 'ws')}/api/v1/elsewhere?token=${token}`).refused).toBe(404);
    const named = connect(`${wsUrl}?token=${admin}&tenant=acme`);
    await named.open;
    named.ws.close();
  });

  it('answers pings, and closes sockets cleanly when the server stops', async () => {
    const server = await startTestServer();
    const admin = await server.login();
    const tenant = await server.switchboard.storage.tenants.create({ slug: 'solo', name: 'Solo' });
    const client = connect(`${server.url.replace('http', 'ws')}/api/v1/realtime?token=${admin}&tenant=${tenant.slug}`);
    await client.open;
    const pong = new Promise<void>((resolve) => client.ws.once('pong', () => resolve()));
    client.ws.ping();
    await pong;
    await server.close();
    expect(await client.closed).toEqual({ code: 1001, reason: 'server shutting down' });
  });
});
