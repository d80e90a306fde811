import type { Clock, TimerHandle } from '../clock/clock.js';
import type { CollectDigitsOptions, CollectDigitsResult } from './media-adapter.js';
import type { MediaRef } from './media-ref.js';
import type { PlaybackEndReason } from './media-events.js';

/** What the collector needs from the adapter it runs in. */
export interface DigitCollectorIo {
  clock: Clock;
  /** Starts an interruptible playback and resolves with its id. */
  play(media: MediaRef[]): Promise<string>;
  stopPlayback(playbackId: string): Promise<void>;
}

type Phase = 'prompting' | 'waiting' | 'reprompting' | 'done';

/**
 * Collects DTMF on one leg the way `play_and_get_digits` does: the prompt plays
 * (a key stops it and counts as the first digit), then the first-digit timeout
 * runs, then the inter-digit timeout after each key; a terminator or reaching
 * `maxDigits` ends the entry. A too-short entry or one failing `validPattern` is
 * retried (up to `retries` times) after `invalidPrompt`; no entry at all after
 * `timeoutPrompt`; either defaults to the prompt again.
 * The adapter feeds it `onDtmf`, `onPlaybackFinished` and `onHangup`.
 */
export class DigitCollector {
  private readonly terminators: string;
  private readonly retries: number;
  private readonly pattern: RegExp | undefined;
  private phase: Phase = 'prompting';
  private digits = '';
  private attempts = 0;
  private timer: TimerHandle | undefined;
  private playbackId: string | undefined;
  private resolve!: (result: CollectDigitsResult) => void;
  readonly result: Promise<CollectDigitsResult>;

  constructor(
    private readonly options: CollectDigitsOptions,
    private readonly io: DigitCollectorIo,
  ) {
    this.terminators = options.terminators ?? '#';
    this.retries = options.retries ?? 0;
    this.pattern = options.validPattern === undefined ? undefined : new RegExp(`^(?:${options.validPattern})$`);
    this.result = new Promise((resolve) => (this.resolve = resolve));
  }

  /** Begins the first try. */
  start(): Promise<CollectDigitsResult> {
    this.beginAttempt(this.options.prompt);
    return this.result;
  }

  get done(): boolean {
    return this.phase === 'done';
  }

  onDtmf(digit: string): void {
    if (this.phase === 'done') return;
    if (this.phase === 'prompting' || this.phase === 'reprompting') {
      // A key during a prompt stops it; during the invalid prompt it starts the new try.
      if (this.phase === 'reprompting') this.digits = '';
      this.stopPrompt();
      this.phase = 'waiting';
    }
    if (this.terminators.includes(digit)) {
      this.finishAttempt(digit);
      return;
    }
    this.digits += digit;
    if (this.digits.length >= this.options.maxDigits) {
      this.finishAttempt(undefined);
      return;
    }
    this.arm(this.options.interDigitTimeoutMs);
  }

  onPlaybackFinished(playbackId: string, reason: PlaybackEndReason): void {
    if (playbackId !== this.playbackId) return;
    this.playbackId = undefined;
    if (reason === 'hangup') return this.onHangup();
    if (this.phase === 'prompting' || this.phase === 'reprompting') {
      this.phase = 'waiting';
      this.arm(this.options.firstDigitTimeoutMs);
    }
  }

  onHangup(): void {
    if (this.phase === 'done') return;
    this.finish({ status: 'hangup', digits: this.digits, attempts: Math.max(1, this.attempts) });
  }

  private beginAttempt(prompt: MediaRef[] | undefined): void {
    this.attempts++;
    this.digits = '';
    if (prompt && prompt.length > 0) {
      this.phase = this.attempts === 1 ? 'prompting' : 'reprompting';
      this.playPrompt(prompt);
    } else {
      this.phase = 'waiting';
      this.arm(this.options.firstDigitTimeoutMs);
    }
  }

  private playPrompt(prompt: MediaRef[]): void {
    const attempt = this.attempts;
    this.io.play(prompt).then(
      (id) => {
        // The prompt may have been overtaken by a key press while the play command was in flight.
        if (this.phase === 'done' || this.attempts !== attempt || this.phase === 'waiting') {
          void this.io.stopPlayback(id).catch(() => {});
          if (this.phase === 'waiting' && this.attempts === attempt && this.digits === '') this.arm(this.options.firstDigitTimeoutMs);
          return;
        }
        this.playbackId = id;
      },
      // A prompt that cannot play is not a reason to lose the caller's input: just wait for keys.
      () => {
        if (this.phase === 'done') return;
        this.phase = 'waiting';
        this.arm(this.options.firstDigitTimeoutMs);
      },
    );
  }

  private stopPrompt(): void {
    if (this.playbackId !== undefined) {
      const id = this.playbackId;
      this.playbackId = undefined;
      void this.io.stopPlayback(id).catch(() => {});
    }
  }

  private arm(ms: number): void {
    this.io.clock.clearTimer(this.timer);
    this.timer = this.io.clock.setTimer(ms, () => {
      this.timer = undefined;
      this.finishAttempt(undefined);
    });
  }

  private finishAttempt(terminator: string | undefined): void {
    this.io.clock.clearTimer(this.timer);
    this.timer = undefined;
    const digits = this.digits;
    const valid = digits.length >= Math.max(1, this.options.minDigits) && (this.pattern === undefined || this.pattern.test(digits));
    if (valid) {
      this.finish({ status: 'ok', digits, attempts: this.attempts, ...(terminator === undefined ? {} : { terminator }) });
      return;
    }
    const status = digits === '' ? 'timeout' : 'invalid';
    if (this.attempts > this.retries) {
      this.finish({ status, digits, attempts: this.attempts, ...(terminator === undefined ? {} : { terminator }) });
      return;
    }
    this.beginAttempt((status === 'timeout' ? this.options.timeoutPrompt : this.options.invalidPrompt) ?? this.options.prompt);
  }

  private finish(result: CollectDigitsResult): void {
    this.phase = 'done';
    this.io.clock.clearTimer(this.timer);
    this.stopPrompt();
    this.resolve(result);
  }
}
