import { describe, expect, it } from 'vitest';
import type { MediaEvent } from '../media/media-events.js';
import { runSmallCenter } from './test-support.js';

const summary = (events: MediaEvent[]) => events.map((e) => `${e.at}|${e.callId}|${e.type}`).join('\n');

describe('SimulatedPbx determinism', () => {
  it('the same seed gives the same trace; another seed gives another', async () => {
    const a = await runSmallCenter({ seed: 123, calls: 300 });
    const b = await runSmallCenter({ seed: 123, calls: 300 });
    const c = await runSmallCenter({ seed: 124, calls: 300 });
    expect(a.pbx.trace()).toEqual(b.pbx.trace());
    expect(summary(a.events)).toBe(summary(b.events));
    expect(summary(a.events)).not.toBe(summary(c.events));
  });

  it('a day of traffic plays out to the end: every call ends, every trunk channel is released', async () => {
    const { pbx, events } = await runSmallCenter({ seed: 7, calls: 2_000 });
    const inbound = pbx.calls().filter((c) => c.direction === 'inbound');
    expect(inbound).toHaveLength(2_000);
    expect(pbx.liveCallCount).toBe(0);
    expect(pbx.trunkUsage()[0]!.inUse).toBe(0);
    const connected = new Set(events.filter((e) => e.type === 'call.bridged').map((e) => e.callId));
    const served = inbound.filter((c) => connected.has(c.callId)).length;
    // Five agents, 2,000 calls a day: nearly everyone is served; the rest gave up waiting.
    expect(served).toBeGreaterThan(1_800);
    for (const call of inbound.filter((c) => !connected.has(c.callId))) expect(call.hangup).toMatchObject({ side: 'remote', cause: 'NORMAL_CLEARING' });
  });
});
