import { MediaError, type Clock, type Logger } from '@switchboard/core';

/**
 * What commands wait for in the event stream: a snoop channel entering
 * Stasis (before it can be recorded or bridged), and both legs reported in a
 * bridge (Asterisk answers `addChannel` before it moves the channels), an
 * inbound leg reported Up (Asterisk answers `answer` before its
 * ChannelStateChange arrives). Every wait ends after the reply timeout at the
 * latest.
 */
export class Waiters {
  private readonly stasis = new Map<string, { resolve: () => void; reject: (error: Error) => void }>();
  private readonly bridges = new Map<string, () => void>();
  private readonly answers = new Map<string, Set<(error?: Error) => void>>();

  constructor(
    private readonly clock: Clock,
    private readonly timeoutMs: number,
    private readonly logger: Logger,
  ) {}

  /** Resolves when the channel enters Stasis; rejects if it goes first or does not come in time. */
  inStasis(channelId: string, already: boolean): Promise<void> {
    if (already) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const timer = this.clock.setTimer(this.timeoutMs, () => {
        this.stasis.delete(channelId);
        reject(new MediaError(`Channel ${channelId} did not enter Stasis within ${this.timeoutMs} ms`));
      });
      this.stasis.set(channelId, {
        resolve: () => {
          this.clock.clearTimer(timer);
          resolve();
        },
        reject: (error) => {
          this.clock.clearTimer(timer);
          reject(error);
        },
      });
    });
  }

  enteredStasis(channelId: string): void {
    this.stasis.get(channelId)?.resolve();
    this.stasis.delete(channelId);
  }

  gone(channelId: string): void {
    this.stasis.get(channelId)?.reject(new MediaError(`Channel ${channelId} ended before it entered Stasis`));
    this.stasis.delete(channelId);
  }

  /** Resolves when both legs are reported in the bridge, or after the timeout (the move was accepted either way). */
  joined(bridgeId: string): { promise: Promise<void>; cancel: () => void } {
    let cancel = () => {};
    const promise = new Promise<void>((resolve) => {
      const timer = this.clock.setTimer(this.timeoutMs, () => {
        this.bridges.delete(bridgeId);
        this.logger.warn({ bridgeId }, 'the bridged legs were not reported in time');
        resolve();
      });
      const done = () => {
        this.clock.clearTimer(timer);
        resolve();
      };
      this.bridges.set(bridgeId, done);
      cancel = () => {
        this.bridges.delete(bridgeId);
        done();
      };
    });
    return { promise, cancel };
  }

  bridged(bridgeId: string): void {
    this.bridges.get(bridgeId)?.();
    this.bridges.delete(bridgeId);
  }

  /** Resolves when the leg is reported answered; rejects if it ends first or is not reported in time. */
  answered(callId: string): { promise: Promise<void>; cancel: () => void } {
    const set = this.answers.get(callId) ?? new Set<(error?: Error) => void>();
    this.answers.set(callId, set);
    let settle: (error?: Error) => void = () => {};
    const promise = new Promise<void>((resolve, reject) => {
      const timer = this.clock.setTimer(this.timeoutMs, () => settle(new MediaError(`Call ${callId} was not reported answered within ${this.timeoutMs} ms`)));
      settle = (error) => {
        this.clock.clearTimer(timer);
        set.delete(settle);
        if (error) reject(error);
        else resolve();
      };
      set.add(settle);
    });
    return { promise, cancel: () => set.delete(settle) };
  }

  legAnswered(callId: string): void {
    const set = this.answers.get(callId);
    this.answers.delete(callId);
    for (const settle of set ?? []) settle();
  }

  legEnded(callId: string): void {
    const set = this.answers.get(callId);
    this.answers.delete(callId);
    for (const settle of set ?? []) settle(new MediaError(`Call ${callId} ended before it was answered`));
  }
}
