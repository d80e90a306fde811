import { describe, expect, it } from 'vitest';
import { main } from './index.js';

describe('examples/embedded-basic', () => {
  it('places a call to an agent, connects it, and prints the trace of both legs', async () => {
    const lines: string[] = [];
    const trace = await main((line) => lines.push(line));
    const names = trace.map((t) => t.name);
    expect(names).toContain('call.incoming');
    expect(names.filter((n) => n === 'call.bridged')).toHaveLength(2);
    expect(names.filter((n) => n === 'call.hangup')).toHaveLength(2);
    // Greeting 3 s + ring 0.15 s + answer 2 s, then two minutes of talk.
    const customerHangup = trace.find((t) => t.name === 'talk_done');
    expect(customerHangup!.at - trace[0]!.at).toBe(3_000 + 150 + 2_000 + 120_000);
    expect(lines).toHaveLength(trace.length);
    expect(lines[0]).toMatch(/^\+\s+0\.000 s {2}customer/);
  });
});
