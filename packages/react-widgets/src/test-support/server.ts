import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
// Tests start the real server; the widgets' own code never imports it (see eslint.config.js).
import { loadConfig, startServer, VERSION } from '@switchboard/server';

export const ADMIN_PASSWORD = 'correct-horse-battery';
export const SERVER_VERSION: string = VERSION;

export interface TestServer {
  url: string;
  close(): Promise<void>;
}

/** A real Switchboard server on a free port, with an in-memory database and `admin` / ADMIN_PASSWORD. */
export async function startTestServer(): Promise<TestServer> {
  const server = await startServer(
    loadConfig(['--port', '0', '--db', ':memory:', '--log-level', 'silent', '--host', '127.0.0.1'], { SWITCHBOARD_ADMIN_PASSWORD: ADMIN_PASSWORD }),
    { print: () => {} },
  );
  return { url: server.url, close: () => server.close() };
}

/** The URL of a port nothing listens on any more: a server that is down. */
export async function closedPortUrl(): Promise<string> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve, reject) => probe.close((error) => (error ? reject(error) : resolve())));
  return `http://127.0.0.1:${port}`;
}
