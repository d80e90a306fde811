import { RateLimitedError } from '@switchboard/core';

/**
 * Slows password guessing: after `maxFailures` failed logins for one
 * username from one address within `windowMs`, further tries are refused
 * until the window passes. A success clears the count.
 */
export class LoginThrottle {
  private readonly failures = new Map<string, { count: number; since: number }>();

  constructor(
    private readonly maxFailures = 10,
    private readonly windowMs = 15 * 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  check(key: string): void {
    const entry = this.failures.get(key);
    if (!entry) return;
    if (this.now() - entry.since > this.windowMs) {
      this.failures.delete(key);
      return;
    }
    if (entry.count >= this.maxFailures) {
      const retryInS = Math.ceil((entry.since + this.windowMs - this.now()) / 1000);
      throw new RateLimitedError(`Too many failed logins; try again in ${retryInS} s`, { details: { retryAfterSeconds: retryInS } });
    }
  }

  fail(key: string): void {
    const entry = this.failures.get(key);
    if (!entry || this.now() - entry.since > this.windowMs) this.failures.set(key, { count: 1, since: this.now() });
    else entry.count++;
    // Bound memory under a spray of usernames: forget the oldest.
    if (this.failures.size > 100_000) this.failures.delete(this.failures.keys().next().value!);
  }

  succeed(key: string): void {
    this.failures.delete(key);
  }
}
