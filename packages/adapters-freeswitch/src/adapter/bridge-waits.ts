import { MediaError, type CallId } from '@switchboard/core';

interface Wait {
  a: CallId;
  b: CallId;
  resolve: () => void;
  reject: (error: Error) => void;
}

/**
 * bridge() calls waiting for FreeSWITCH's CHANNEL_BRIDGE: resolving on the
 * uuid_bridge reply alone would let a hang-up right after race the bridge,
 * which leaves the survivor in neither park nor bridge.
 */
export class BridgeWaits {
  private readonly waits = new Set<Wait>();

  /** Starts waiting for the pair (either order); `cancel` if the command itself fails. */
  wait(a: CallId, b: CallId): { done: Promise<void>; cancel: () => void } {
    let wait!: Wait;
    const done = new Promise<void>((resolve, reject) => (wait = { a, b, resolve, reject }));
    this.waits.add(wait);
    return { done, cancel: () => this.waits.delete(wait) };
  }

  /** The pair was joined. */
  bridged(a: CallId, b: CallId): void {
    for (const wait of this.waits) {
      if ((wait.a === a && wait.b === b) || (wait.a === b && wait.b === a)) {
        this.waits.delete(wait);
        wait.resolve();
      }
    }
  }

  /** A leg ended: its waits fail; returns the legs that were to be joined to it. */
  ended(id: CallId): CallId[] {
    const survivors: CallId[] = [];
    for (const wait of this.waits) {
      if (wait.a !== id && wait.b !== id) continue;
      this.waits.delete(wait);
      wait.reject(new MediaError(`Call ${id} ended before the bridge was up`));
      survivors.push(wait.a === id ? wait.b : wait.a);
    }
    return survivors;
  }
}
