import { StrictMode } from 'react';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SwitchboardClient } from '../client/client.js';
import { SERVER_VERSION, closedPortUrl, startTestServer, type TestServer } from '../test-support/server.js';
import { ConnectionStatus } from './connection-status.js';
import { SwitchboardProvider } from './provider.js';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(async () => {
  await server?.close();
});

// Vitest runs without globals, so Testing Library cannot register its own cleanup.
afterEach(cleanup);

const status = () => screen.getByRole('status');

describe('ConnectionStatus', () => {
  it('says it is checking, then that it is connected, with the server version', async () => {
    render(
      <SwitchboardProvider client={new SwitchboardClient({ baseUrl: server.url })}>
        <ConnectionStatus />
      </SwitchboardProvider>,
    );
    expect(status().textContent).toBe('Checking…');
    await waitFor(() => expect(status().textContent).toBe(`Connected (v${SERVER_VERSION})`));
    expect(status().getAttribute('aria-live')).toBe('polite');
    expect(screen.getByRole('group', { name: 'Switchboard server connection' }).getAttribute('data-state')).toBe('connected');
  });

  it('says the server is unreachable when nothing listens', async () => {
    render(
      <SwitchboardProvider client={new SwitchboardClient({ baseUrl: await closedPortUrl() })}>
        <ConnectionStatus />
      </SwitchboardProvider>,
    );
    await waitFor(() => expect(status().textContent).toBe('Server unreachable'));
    expect(status().getAttribute('title')).toMatch(/Could not reach the Switchboard server/);
  });

  it('speaks Chinese when the provider says so', async () => {
    render(
      <SwitchboardProvider client={new SwitchboardClient({ baseUrl: server.url })} locale="zh-CN">
        <ConnectionStatus />
      </SwitchboardProvider>,
    );
    expect(status().textContent).toBe('正在检查…');
    await waitFor(() => expect(status().textContent).toBe(`已连接（v${SERVER_VERSION}）`));
    expect(screen.getByRole('button').textContent).toBe('刷新');
  });

  it('speaks Japanese when its own locale prop says so, over the provider', async () => {
    render(
      <SwitchboardProvider client={new SwitchboardClient({ baseUrl: await closedPortUrl() })} locale="zh">
        <ConnectionStatus locale="ja" />
      </SwitchboardProvider>,
    );
    expect(status().textContent).toBe('確認中…');
    await waitFor(() => expect(status().textContent).toBe('サーバーに接続できません'));
    expect(screen.getByRole('button', { name: '再確認' })).toBeTruthy();
  });

  it('checks again on Refresh: a server that went down shows as unreachable', async () => {
    const own = await startTestServer();
    render(
      <StrictMode>
        <SwitchboardProvider client={new SwitchboardClient({ baseUrl: own.url })}>
          <ConnectionStatus className="host-class" />
        </SwitchboardProvider>
      </StrictMode>,
    );
    await waitFor(() => expect(status().textContent).toBe(`Connected (v${SERVER_VERSION})`));
    await own.close();
    fireEvent.click(screen.getByRole('button', { name: 'Refresh' }));
    expect(status().textContent).toBe('Checking…');
    await waitFor(() => expect(status().textContent).toBe('Server unreachable'));
    expect(screen.getByRole('group').classList.contains('host-class')).toBe(true);
  });
});
