import { ConflictError, UnavailableError, ValidationError } from '../errors/errors.js';
import type { Logger } from '../logging/logger.js';

const FLUSH_DELAY_MS = 25;
const MAX_BATCH = 5_000;
/** Waits before the next tries of a batch the database could not take (locked, connection lost): ~2 s in all, then it is given up. */
const RETRY_DELAYS_MS = [100, 400, 1_600];

/**
 * Batches records on their way to storage: an engine appends synchronously (it never
 * waits on the database in the middle of a decision) and the writer hands everything
 * appended so far to the sink a few milliseconds later — a burst of a thousand records is
 * a few batched statements, not a thousand round trips. Batches are written in order.
 */
export class BatchWriter<T> {
  private items: T[] = [];
  private scheduled: ReturnType<typeof setTimeout> | undefined;
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly sink: (items: T[]) => Promise<void>,
    private readonly logger: Logger,
    /** What the records are, for the log line when storing fails: "ACD agent events", "CDRs". */
    private readonly what: string,
  ) {}

  append(item: T): void {
    this.items.push(item);
    if (this.items.length >= MAX_BATCH) {
      void this.flush();
      return;
    }
    if (this.scheduled) return;
    // Real time on purpose (storage is I/O, not simulated time): records reach the
    // database within FLUSH_DELAY_MS, in a few large statements rather than many small ones.
    this.scheduled = setTimeout(() => {
      this.scheduled = undefined;
      void this.flush();
    }, FLUSH_DELAY_MS);
    this.scheduled.unref?.();
  }

  /** Records not yet handed to storage. */
  get pending(): number {
    return this.items.length;
  }

  /** Resolves when everything appended before the call is stored. */
  flush(): Promise<void> {
    clearTimeout(this.scheduled);
    this.scheduled = undefined;
    this.chain = this.chain.then(() => this.write());
    return this.chain;
  }

  private async write(): Promise<void> {
    const items = this.items;
    this.items = [];
    if (items.length === 0) return;
    try {
      await this.sinkRetrying(items);
    } catch (error) {
      // The runtime must go on when the database hiccups. Only a refused record (a constraint,
      // a bad value) is worth trying again alone; with the database away or closed, one at a
      // time would fail the same way, so the loss is logged loudly.
      if (!(error instanceof ConflictError || error instanceof ValidationError) || items.length === 1) {
        this.logger.error({ err: error, count: items.length }, `${this.what} could not be stored`);
        return;
      }
      // A record the database refuses (a constraint, a value out of range) must not take the
      // rest of its batch with it: the batch goes again record by record, and only the refused are lost.
      let lost = 0;
      for (const item of items) {
        try {
          await this.sink([item]);
        } catch (itemError) {
          lost++;
          this.logger.error({ err: itemError, record: item }, `a record of the ${this.what} could not be stored`);
        }
      }
      this.logger.warn({ err: error, count: items.length, lost }, `a batch of ${this.what} was refused; stored record by record`);
    }
  }

  /** The sink, tried again after a pause while the database is unavailable (locked, reconnecting); records appended meanwhile wait their turn. */
  private async sinkRetrying(items: T[]): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await this.sink(items);
        return;
      } catch (error) {
        const delay = RETRY_DELAYS_MS[attempt];
        if (!(error instanceof UnavailableError) || delay === undefined) throw error;
        this.logger.warn({ err: error, count: items.length, attempt: attempt + 1 }, `${this.what} could not be stored yet; trying again`);
        // Real time, like the flush delay: the database's recovery is not simulated.
        await new Promise<void>((resolve) => setTimeout(resolve, delay));
      }
    }
  }
}
