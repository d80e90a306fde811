import { describe, expect, it } from 'vitest';
import { startSimulation } from '../simulator/test-support.js';
import type { CollectDigitsOptions } from './media-adapter.js';
import { file } from './media-ref.js';

const menu: CollectDigitsOptions = {
  minDigits: 1,
  maxDigits: 4,
  firstDigitTimeoutMs: 5_000,
  interDigitTimeoutMs: 2_000,
  terminators: '#',
  prompt: [file('menu')],
};

/** An answered inbound caller who presses `dtmf` (ms after answer); the menu prompt lasts 4 s. */
async function caller(dtmf: Array<{ afterMs: number; digits: string; gapMs?: number }>) {
  const sim = await startSimulation({ media: { files: { menu: 4_000, invalid: 2_000 } } });
  const callId = sim.pbx.placeCall({ from: { number: '+15551230001' }, to: '+18005550100', script: { dtmf } });
  await sim.clock.advance(0);
  await sim.pbx.answer(callId);
  return { ...sim, callId };
}

describe('collectDigits', () => {
  it('a key during the prompt stops it and counts; the terminator ends the entry', async () => {
    const { clock, pbx, callId, last } = await caller([{ afterMs: 1_000, digits: '12#', gapMs: 300 }]);
    const result = pbx.collectDigits(callId, menu);
    await clock.advance(10_000);
    expect(await result).toEqual({ status: 'ok', digits: '12', terminator: '#', attempts: 1 });
    expect(last('playback.finished', callId)).toMatchObject({ reason: 'interrupted', digit: '1' });
  });

  it('ends at the maximum length without a terminator', async () => {
    const { clock, pbx, callId } = await caller([{ afterMs: 5_000, digits: '98765', gapMs: 100 }]);
    const result = pbx.collectDigits(callId, menu);
    await clock.advance(10_000);
    expect(await result).toEqual({ status: 'ok', digits: '9876', attempts: 1 });
  });

  it('the inter-digit timeout ends the entry with what was typed', async () => {
    const { clock, pbx, callId } = await caller([{ afterMs: 5_000, digits: '42' }]);
    const result = pbx.collectDigits(callId, menu);
    await clock.advance(5_250);
    const settled = await Promise.race([result, Promise.resolve('pending')]);
    expect(settled).toBe('pending');
    await clock.advance(2_000);
    expect(await result).toEqual({ status: 'ok', digits: '42', attempts: 1 });
  });

  it('no input: retries after the timeout prompt (not the invalid one), then reports the timeout', async () => {
    const { clock, pbx, callId, events } = await caller([]);
    const result = pbx.collectDigits(callId, { ...menu, retries: 1, invalidPrompt: [file('menu')], timeoutPrompt: [file('invalid')] });
    // prompt 4 s + first-digit 5 s, then the 2 s timeout prompt + 5 s.
    await clock.advance(15_999);
    expect(await Promise.race([result, Promise.resolve('pending')])).toBe('pending');
    await clock.advance(1);
    expect(await result).toEqual({ status: 'timeout', digits: '', attempts: 2 });
    expect(events.filter((e) => e.type === 'playback.finished')).toHaveLength(2);
  });

  it('a too-short or invalid entry is retried; a good second entry wins', async () => {
    const { clock, pbx, callId } = await caller([
      { afterMs: 4_500, digits: '7#' },
      { afterMs: 9_000, digits: '1234' },
    ]);
    const result = pbx.collectDigits(callId, { ...menu, minDigits: 4, retries: 2, validPattern: '1[0-9]{3}' });
    await clock.advance(20_000);
    expect(await result).toEqual({ status: 'ok', digits: '1234', attempts: 2 });
  });

  it('reports invalid input after the last try', async () => {
    const { clock, pbx, callId } = await caller([{ afterMs: 4_500, digits: '55#' }]);
    const result = pbx.collectDigits(callId, { ...menu, validPattern: '[0-4]+' });
    await clock.advance(20_000);
    expect(await result).toEqual({ status: 'invalid', digits: '55', terminator: '#', attempts: 1 });
  });

  it('stops when the caller hangs up', async () => {
    const { clock, pbx, callId } = await caller([{ afterMs: 4_500, digits: '3' }]);
    const result = pbx.collectDigits(callId, menu);
    await clock.advance(4_600);
    pbx.hangupParty(callId);
    await clock.advance(0);
    expect(await result).toEqual({ status: 'hangup', digits: '3', attempts: 1 });
  });
});
