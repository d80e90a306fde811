import { describe, expect, it } from 'vitest';
import { IllegalStateError } from '../errors/errors.js';
import { VirtualClock } from './virtual-clock.js';

describe('VirtualClock', () => {
  it('starts at the given time and moves only when advanced', async () => {
    const clock = new VirtualClock({ startAt: 1_000 });
    expect(clock.now()).toBe(1_000);
    await clock.advance(500);
    expect(clock.now()).toBe(1_500);
  });

  it('fires timers in due order, ties in the order they were set, each at its own time', async () => {
    const clock = new VirtualClock({ startAt: 0 });
    const fired: Array<[string, number]> = [];
    clock.setTimer(300, () => fired.push(['c', clock.now()]));
    clock.setTimer(100, () => fired.push(['a', clock.now()]));
    clock.setTimer(100, () => fired.push(['b', clock.now()]));
    clock.setTimer(1_000, () => fired.push(['late', clock.now()]));
    await clock.advance(300);
    expect(fired).toEqual([['a', 100], ['b', 100], ['c', 300]]);
    expect(clock.now()).toBe(300);
    expect(clock.pendingTimers).toBe(1);
  });

  it('never fires a cleared timer', async () => {
    const clock = new VirtualClock({ startAt: 0 });
    let fired = false;
    const handle = clock.setTimer(10, () => (fired = true));
    clock.clearTimer(handle);
    await clock.runUntilIdle();
    expect(fired).toBe(false);
    expect(clock.pendingTimers).toBe(0);
  });

  it('runs promise continuations between timers, so async code sees the right time', async () => {
    const clock = new VirtualClock({ startAt: 0 });
    const seen: number[] = [];
    const flow = (async () => {
      await clock.sleep(100);
      seen.push(clock.now());
      await Promise.resolve();
      await clock.sleep(50);
      seen.push(clock.now());
    })();
    await clock.advance(1_000);
    await flow;
    expect(seen).toEqual([100, 150]);
  });

  it('fires timers set by timers within the same advance', async () => {
    const clock = new VirtualClock({ startAt: 0 });
    const fired: number[] = [];
    clock.setTimer(10, () => clock.setTimer(10, () => fired.push(clock.now())));
    await clock.advance(20);
    expect(fired).toEqual([20]);
  });

  it('runUntilIdle fires everything and counts it; a timer that always reschedules is reported', async () => {
    const clock = new VirtualClock({ startAt: 0 });
    clock.setTimer(5, () => {});
    clock.setTimer(7, () => {});
    expect(await clock.runUntilIdle()).toBe(2);
    expect(clock.now()).toBe(7);

    const looping = new VirtualClock({ startAt: 0, maxTimersPerRun: 50 });
    const again = () => looping.setTimer(1, again);
    again();
    await expect(looping.runUntilIdle()).rejects.toBeInstanceOf(IllegalStateError);
  });

  it('refuses overlapping advances and negative time', async () => {
    const clock = new VirtualClock({ startAt: 0 });
    clock.setTimer(10, () => {});
    const first = clock.advance(100);
    await expect(clock.advance(1)).rejects.toBeInstanceOf(IllegalStateError);
    await first;
    await expect(clock.advance(-1)).rejects.toBeInstanceOf(RangeError);
    await expect(clock.advanceTo(0)).rejects.toBeInstanceOf(RangeError);
  });
});
