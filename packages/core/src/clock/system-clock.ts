import type { Clock, TimerHandle } from './clock.js';

interface SystemTimer extends TimerHandle {
  timeout: ReturnType<typeof setTimeout>;
}

/** Wall-clock time and Node's timers. */
export class SystemClock implements Clock {
  private nextId = 1;

  now(): number {
    return Date.now();
  }

  setTimer(delayMs: number, callback: () => void): TimerHandle {
    const timeout = setTimeout(callback, Math.max(0, delayMs));
    // A pending engine timer must not keep a process alive on its own.
    timeout.unref?.();
    const handle: SystemTimer = { id: this.nextId++, timeout };
    return handle;
  }

  clearTimer(handle: TimerHandle | undefined): void {
    if (handle && 'timeout' in handle) clearTimeout((handle as SystemTimer).timeout);
  }

  sleep(delayMs: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, Math.max(0, delayMs)));
  }
}
