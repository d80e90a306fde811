import { describe, expect, it } from 'vitest';
import { main } from './index.js';

describe('examples/acd-queue', () => {
  it('runs twenty callers through a three-agent queue and accounts for every one', async () => {
    const lines: string[] = [];
    const snapshot = await main((line) => lines.push(line));
    const group = snapshot.groups[0]!;
    expect(group.today.entered).toBe(20);
    expect(group.today.answered + group.today.abandoned + group.today.timedOut).toBe(20);
    expect(group.today.answered).toBeGreaterThan(10);
    // Every caller's life is in the queue log, Asterisk style: epoch|callid|queue|agent|event|data…
    expect(lines.filter((l) => l.includes('|ENTERQUEUE|'))).toHaveLength(20);
    expect(lines.filter((l) => l.includes('|CONNECT|'))).toHaveLength(group.today.answered);
    expect(lines.at(-1)).toMatch(/^Sales: 20 entered/);
  });
});
