import type { Clock } from '../clock/clock.js';
import { MediaError } from '../errors/errors.js';

/**
 * Rejects with a MediaError when the media server does not answer `what`
 * within `ms` of the clock's time. The pending work is not cancelled (the
 * server may still act), but the caller is told at once.
 */
export function withReplyTimeout<T>(clock: Clock, ms: number, what: string, work: Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = clock.setTimer(ms, () => reject(new MediaError(`The media server did not answer ${what} within ${ms} ms`, { details: { timeoutMs: ms } })));
    work.then(
      (value) => {
        clock.clearTimer(timer);
        resolve(value);
      },
      (error: unknown) => {
        clock.clearTimer(timer);
        reject(error);
      },
    );
  });
}
