import type { Logger } from '../logging/logger.js';
import type { AgentEvent, QueueLogEntry } from './records.js';

const FLUSH_DELAY_MS = 25;
const MAX_BATCH = 5_000;

/** Where the writer puts its batches: the storage repositories, or a test's array. */
export interface RecordSink {
  writeAgentEvents(events: AgentEvent[]): Promise<void>;
  writeQueueLog(entries: QueueLogEntry[]): Promise<void>;
}

/**
 * Batches the ACD's records: the engine appends synchronously (it never waits on the
 * database in the middle of a decision) and the writer flushes everything appended
 * so far in batched inserts, a few milliseconds later — so a burst of a
 * thousand state changes is a few statements, not two thousand.
 */
export class RecordsWriter {
  private agentEvents: AgentEvent[] = [];
  private queueLog: QueueLogEntry[] = [];
  private scheduled: ReturnType<typeof setTimeout> | undefined;
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly sink: RecordSink,
    private readonly logger: Logger,
  ) {}

  appendAgentEvent(event: AgentEvent): void {
    this.agentEvents.push(event);
    this.schedule();
  }

  appendQueueLog(entry: QueueLogEntry): void {
    this.queueLog.push(entry);
    this.schedule();
  }

  /** Records not yet handed to storage. */
  get pending(): number {
    return this.agentEvents.length + this.queueLog.length;
  }

  /** Resolves when everything appended before the call is stored. */
  flush(): Promise<void> {
    clearTimeout(this.scheduled);
    this.scheduled = undefined;
    this.chain = this.chain.then(() => this.write());
    return this.chain;
  }

  private schedule(): void {
    if (this.pending >= MAX_BATCH) {
      clearTimeout(this.scheduled);
      this.scheduled = undefined;
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

  private async write(): Promise<void> {
    const events = this.agentEvents;
    const log = this.queueLog;
    this.agentEvents = [];
    this.queueLog = [];
    try {
      if (events.length > 0) await this.sink.writeAgentEvents(events);
      if (log.length > 0) await this.sink.writeQueueLog(log);
    } catch (error) {
      // The runtime must go on when the database hiccups; the loss is logged loudly.
      this.logger.error({ err: error, agentEvents: events.length, queueLog: log.length }, 'ACD records could not be stored');
    }
  }
}
