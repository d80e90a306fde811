import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../clock/virtual-clock.js';
import { MediaError } from '../errors/errors.js';
import { SeededRandom } from '../random/random.js';
import { reconcileCalls } from './reconcile.js';
import { ReconnectLoop, exponentialBackoff } from './reconnect.js';
import { withReplyTimeout } from './reply-timeout.js';

describe('exponentialBackoff', () => {
  it('grows by the factor up to the ceiling, and gives up after the maximum attempts', () => {
    const policy = exponentialBackoff({ initialMs: 100, maxMs: 1_000, factor: 2, jitter: 0, maxAttempts: 6 });
    expect([1, 2, 3, 4, 5, 6, 7].map((a) => policy.delayMs(a))).toEqual([100, 200, 400, 800, 1_000, 1_000, undefined]);
  });

  it('spreads delays by the jitter, repeatably from the seed', () => {
    const a = exponentialBackoff({ initialMs: 1_000, jitter: 0.2 }, new SeededRandom(1));
    const b = exponentialBackoff({ initialMs: 1_000, jitter: 0.2 }, new SeededRandom(1));
    const delays = [1, 1, 1, 1, 1].map(() => a.delayMs(1)!);
    expect(delays).toEqual([1, 1, 1, 1, 1].map(() => b.delayMs(1)!));
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(800);
    expect(Math.max(...delays)).toBeLessThanOrEqual(1_200);
    expect(new Set(delays).size).toBeGreaterThan(1);
  });
});

describe('ReconnectLoop', () => {
  it('retries on the policy schedule until an attempt succeeds', async () => {
    const clock = new VirtualClock({ startAt: 0 });
    const attempts: number[] = [];
    let connectedAfter = 0;
    const loop = new ReconnectLoop({
      clock,
      policy: exponentialBackoff({ initialMs: 100, jitter: 0 }),
      attempt: async () => {
        attempts.push(clock.now());
        if (attempts.length < 3) throw new Error('refused');
      },
      onConnected: (n) => {
        connectedAfter = n;
      },
      onGiveUp: () => {},
    });
    loop.start();
    loop.start();
    await clock.runUntilIdle();
    expect(attempts).toEqual([100, 300, 700]);
    expect(connectedAfter).toBe(3);
    expect(loop.active).toBe(false);
  });

  it('reports giving up with the last error', async () => {
    const clock = new VirtualClock({ startAt: 0 });
    let gaveUp: unknown;
    new ReconnectLoop({
      clock,
      policy: exponentialBackoff({ initialMs: 10, jitter: 0, maxAttempts: 2 }),
      attempt: () => Promise.reject(new Error('still down')),
      onConnected: () => {},
      onGiveUp: (error) => (gaveUp = error),
    }).start();
    await clock.runUntilIdle();
    expect((gaveUp as Error).message).toBe('still down');
  });
});

describe('reconcileCalls', () => {
  it('finds legs that ended and legs answered while disconnected', () => {
    const snapshot = (callId: string, state: 'ringing' | 'answered') => ({ callId, direction: 'outbound' as const, state, answeredAt: undefined, bridgedTo: undefined, held: false, variables: {} });
    const result = reconcileCalls(
      [
        { callId: 'gone', answered: true },
        { callId: 'now-up', answered: false },
        { callId: 'still-ringing', answered: false },
      ],
      [snapshot('now-up', 'answered'), snapshot('still-ringing', 'ringing'), snapshot('unknown', 'answered')],
    );
    expect(result.ended).toEqual(['gone']);
    expect(result.answered).toEqual(['now-up']);
  });
});

describe('withReplyTimeout', () => {
  it('rejects with a MediaError when the reply is late, passes it through when on time', async () => {
    const clock = new VirtualClock({ startAt: 0 });
    const late = withReplyTimeout(clock, 5_000, 'uuid_answer', new Promise(() => {})).catch((error: unknown) => error);
    const onTime = withReplyTimeout(clock, 5_000, 'status', clock.sleep(10).then(() => 'UP'));
    await clock.advance(5_000);
    expect(await late).toBeInstanceOf(MediaError);
    expect((await late as MediaError).message).toMatch(/uuid_answer within 5000 ms/);
    await expect(onTime).resolves.toBe('UP');
  });
});
