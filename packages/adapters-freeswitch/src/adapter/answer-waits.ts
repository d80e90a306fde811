import { MediaError, type CallId } from '@switchboard/core';

interface Wait {
  resolve: () => void;
  reject: (error: Error) => void;
}

/**
 * answer() calls waiting for the leg's CHANNEL_ANSWER: FreeSWITCH replies `+OK`
 * to uuid_answer some 20 ms before that event reaches the Event Socket, and
 * until it has, the leg is not answered here, so a play or bridge sent right
 * after the reply would be refused.
 */
export class AnswerWaits {
  private readonly waits = new Map<CallId, Set<Wait>>();

  /** Starts waiting for the leg's answer; `cancel` if the command itself fails. */
  wait(id: CallId): { done: Promise<void>; cancel: () => void } {
    let wait!: Wait;
    const done = new Promise<void>((resolve, reject) => (wait = { resolve, reject }));
    const set = this.waits.get(id) ?? new Set<Wait>();
    set.add(wait);
    this.waits.set(id, set);
    return {
      done,
      cancel: () => {
        set.delete(wait);
        if (set.size === 0 && this.waits.get(id) === set) this.waits.delete(id);
      },
    };
  }

  /** The leg was answered. */
  answered(id: CallId): void {
    for (const wait of this.take(id)) wait.resolve();
  }

  /** The leg ended first. */
  ended(id: CallId): void {
    for (const wait of this.take(id)) wait.reject(new MediaError(`Call ${id} ended before it was answered`));
  }

  private take(id: CallId): Set<Wait> {
    const set = this.waits.get(id) ?? new Set<Wait>();
    this.waits.delete(id);
    return set;
  }
}
