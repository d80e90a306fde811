import type { Logger } from '../logging/logger.js';
import { BatchWriter } from '../storage/batch-writer.js';
import type { AgentEvent, QueueLogEntry } from './records.js';

/** Where the writer puts its batches: the storage repositories, or a test's array. */
export interface RecordSink {
  writeAgentEvents(events: AgentEvent[]): Promise<void>;
  writeQueueLog(entries: QueueLogEntry[]): Promise<void>;
}

/** The ACD's records on their way to storage, each kind batched (see BatchWriter). */
export class RecordsWriter {
  private readonly agentEvents: BatchWriter<AgentEvent>;
  private readonly queueLog: BatchWriter<QueueLogEntry>;

  constructor(sink: RecordSink, logger: Logger) {
    this.agentEvents = new BatchWriter((events) => sink.writeAgentEvents(events), logger, 'ACD agent events');
    this.queueLog = new BatchWriter((entries) => sink.writeQueueLog(entries), logger, 'ACD queue log entries');
  }

  appendAgentEvent(event: AgentEvent): void {
    this.agentEvents.append(event);
  }

  appendQueueLog(entry: QueueLogEntry): void {
    this.queueLog.append(entry);
  }

  /** Records not yet handed to storage. */
  get pending(): number {
    return this.agentEvents.pending + this.queueLog.pending;
  }

  /** Resolves when everything appended before the call is stored. */
  async flush(): Promise<void> {
    await Promise.all([this.agentEvents.flush(), this.queueLog.flush()]);
  }
}
