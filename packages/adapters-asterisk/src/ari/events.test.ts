import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readTraces } from '../test-support/trace-format.js';
import { ARI_EVENT_TYPES, parseAriMessage } from './events.js';

describe('parseAriMessage', () => {
  it('reads every event recorded from Asterisk 22; the types the adapter uses are typed, the rest are `unknown`', () => {
    const seen = new Set<string>();
    for (const trace of readTraces()) {
      for (const entry of trace.entries) {
        if (entry.kind !== 'event') continue;
        const parsed = parseAriMessage(JSON.stringify(entry.event));
        expect(parsed.ok, JSON.stringify(entry.event).slice(0, 200)).toBe(true);
        if (!parsed.ok) continue;
        const type = String(entry.event['type']);
        seen.add(type);
        if ((ARI_EVENT_TYPES as string[]).includes(type)) expect(parsed.event.type).toBe(type);
        else expect(parsed.event).toMatchObject({ type: 'unknown', eventType: type });
      }
    }
    for (const type of ['StasisStart', 'StasisEnd', 'ChannelStateChange', 'ChannelDtmfReceived', 'ChannelHangupRequest', 'ChannelDestroyed', 'Dial', 'PlaybackFinished', 'RecordingFinished', 'ChannelEnteredBridge', 'ChannelLeftBridge']) {
      expect(seen.has(type), type).toBe(true);
    }
  });

  it('refuses what is not an event, with the reason', () => {
    expect(parseAriMessage('{')).toMatchObject({ ok: false, reason: expect.stringContaining('not JSON') });
    expect(parseAriMessage('null')).toMatchObject({ ok: false, reason: 'not a JSON object' });
    expect(parseAriMessage('{"type": 3}')).toMatchObject({ ok: false, reason: 'no "type"' });
    expect(parseAriMessage('{"type": "ChannelDestroyed", "application": "a", "timestamp": "t", "cause": "16", "cause_txt": "", "channel": {}}')).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/^ChannelDestroyed: /),
    });
  });

  it('never throws, whatever arrives', () => {
    const known = fc.constantFrom(...ARI_EVENT_TYPES, 'ChannelDialplan', '');
    const frame = fc.oneof(
      fc.string(),
      fc.json(),
      fc.record({ type: known, application: fc.string(), timestamp: fc.string(), channel: fc.anything(), args: fc.anything(), cause: fc.anything() }).map((o) => JSON.stringify(o)),
    );
    fc.assert(
      fc.property(frame, (text) => {
        const parsed = parseAriMessage(text);
        expect(typeof parsed.ok).toBe('boolean');
      }),
      { numRuns: 2_000 },
    );
  });
});
