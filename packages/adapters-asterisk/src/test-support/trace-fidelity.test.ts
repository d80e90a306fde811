import { describe, expect, it } from 'vitest';
import { sequenceDifferences, shapeDifferences } from './trace-fidelity.js';
import { readTraces, traceFileName, type AriTrace } from './trace-format.js';

const traces = readTraces();

describe('the recorded traces and the fidelity check', () => {
  it('has a trace of every scenario recorded from a real Asterisk 22', () => {
    expect(traces.length).toBeGreaterThanOrEqual(20);
    for (const trace of traces) {
      expect(trace.asterisk, trace.scenario).toMatchObject({ system: { version: expect.stringMatching(/^22\./) } });
      expect(trace.entries.some((e) => e.kind === 'event')).toBe(true);
    }
    expect(new Set(traces.map((t) => traceFileName(t.scenario))).size).toBe(traces.length);
  });

  it('finds no difference between a trace and itself, and finds a changed cause or a reordering', () => {
    const trace = traces.find((t) => t.scenario.includes('refuses (busy)'))!;
    expect(sequenceDifferences(trace, trace)).toEqual([]);
    const changed: AriTrace = structuredClone(trace);
    const destroyed = changed.entries.filter((e) => e.kind === 'event' && e.event['type'] === 'ChannelDestroyed').at(-1)!;
    if (destroyed.kind === 'event') destroyed.event['cause'] = 16;
    expect(sequenceDifferences(trace, changed).join('\n')).toMatch(/Destroyed cause=17[\s\S]*Destroyed cause=16/);
    // The originated leg's hang-up request and its destruction, swapped (both come before the clean-up).
    const reordered: AriTrace = structuredClone(trace);
    const index = (type: string) =>
      reordered.entries.findIndex((e) => e.kind === 'event' && e.event['type'] === type && String((e.event['channel'] as { name: string }).name).endsWith(';1'));
    const [i, j] = [index('ChannelHangupRequest'), index('ChannelDestroyed')];
    expect(i).toBeLessThan(j);
    [reordered.entries[i], reordered.entries[j]] = [reordered.entries[j]!, reordered.entries[i]!];
    expect(sequenceDifferences(trace, reordered)).toHaveLength(1);
  });

  it('finds an event whose fields differ from every recorded one', () => {
    const trace = traces[0]!;
    expect(shapeDifferences(trace, traces)).toEqual([]);
    const odd: AriTrace = structuredClone(trace);
    const event = odd.entries.find((e) => e.kind === 'event');
    if (event?.kind === 'event') delete event.event['timestamp'];
    expect(shapeDifferences(odd, traces)).toHaveLength(1);
  });
});
