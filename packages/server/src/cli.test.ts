import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const cli = fileURLToPath(new URL('./cli.ts', import.meta.url));

/** Runs the CLI from the sources (tsx), as `npm start` does. */
function run(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, ['--import', 'tsx', cli, ...args], {
    cwd: root,
    env: { ...process.env, SWITCHBOARD_LOG_LEVEL: 'silent', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const waitFor = async (pattern: RegExp) => {
    for (let i = 0; i < 200 && !pattern.test(stdout); i++) await new Promise((r) => setTimeout(r, 100));
    return pattern.exec(stdout);
  };
  return { child, exited, waitFor, out: () => stdout, err: () => stderr };
}

describe('switchboard CLI', () => {
  it('serves on the given port and stops cleanly on SIGTERM', async () => {
    const proc = run(['serve', '--port', '0', '--host', '127.0.0.1', '--db', ':memory:']);
    const match = await proc.waitFor(/running at (http:\/\/\S+)/);
    expect(match, proc.err()).not.toBeNull();
    expect(proc.out()).toMatch(/administrator "admin" with the password: \S{20}/);
    const health = await fetch(`${match![1]}/healthz`);
    expect(await health.json()).toMatchObject({ status: 'ok' });
    proc.child.kill('SIGTERM');
    expect(await proc.exited).toBe(0);
  });

  it('takes its port from PORT when no flag is given', async () => {
    const port = String(20_000 + Math.floor(Math.random() * 20_000));
    const proc = run(['serve', '--host', '127.0.0.1', '--db', ':memory:'], { PORT: port });
    const match = await proc.waitFor(/running at (http:\/\/\S+)/);
    expect(match?.[1]).toBe(`http://127.0.0.1:${port}`);
    proc.child.kill('SIGINT');
    expect(await proc.exited).toBe(0);
  });

  it('refuses a bad setting with a message naming it and exit code 2', async () => {
    const proc = run(['serve', '--media', 'pots']);
    expect(await proc.exited).toBe(2);
    expect(proc.err()).toContain('media');
    const unknown = run(['launch']);
    expect(await unknown.exited).toBe(2);
    expect(unknown.err()).toContain('Unknown command "launch"');
  });
});
