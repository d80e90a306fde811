import type { Logger } from '../logging/logger.js';
import { groupBy } from '../collections/group-by.js';
import { BatchWriter } from '../storage/batch-writer.js';
import type { NewContactRecord } from '../storage/repositories/contact-records.js';
import type { Storage } from '../storage/storage.js';

export interface ConnectedCall {
  tenantId: string;
  callId: string;
  agentNumber: string | null;
  /** Normalised (E.164 where the numbering plan knows it). */
  callerNumber: string;
  /** The package of the DID the call came in on; null: the default package. */
  packageId: string | null;
}

/**
 * Writes the contact record of every connected call with a known customer (manual §3.3.5
 * "as long as the agent connects to the call with the customer, a default contact record
 * will be generated") and counts the call on the customer. Calls are handled in batches,
 * a few milliseconds after they connect: one query finds the customers of all their
 * numbers, one batched insert writes the records — a busy center does not pay a query
 * per call on its hot path.
 */
export class ConnectedCallRecorder {
  private readonly writer: BatchWriter<ConnectedCall>;

  constructor(
    private readonly storage: Storage,
    logger: Logger,
  ) {
    this.writer = new BatchWriter((calls) => this.record(calls), logger, 'contact records of connected calls');
  }

  add(call: ConnectedCall): void {
    if (call.callerNumber !== '') this.writer.append(call);
  }

  /** Resolves when every call added so far is recorded. */
  flush(): Promise<void> {
    return this.writer.flush();
  }

  private async record(calls: ConnectedCall[]): Promise<void> {
    for (const [tenantId, tenantCalls] of groupBy(calls, (call) => call.tenantId)) {
      const matches = await this.storage.customers.findByPhones(tenantId, [...new Set(tenantCalls.map((c) => c.callerNumber))]);
      const records: NewContactRecord[] = [];
      const counted: string[] = [];
      for (const call of tenantCalls) {
        for (const customer of matches.filter((m) => m.number === call.callerNumber && m.packageId === call.packageId)) {
          counted.push(customer.customerId);
          records.push({
            packageId: customer.packageId,
            customerId: customer.customerId,
            kind: 'call',
            callId: call.callId,
            agentNumber: call.agentNumber,
            phoneNumber: call.callerNumber,
            callStatus: 'answered',
            callResultId: null,
            funnelStageId: null,
            score: null,
            notes: null,
            dataSourceId: customer.dataSourceId,
            appointmentAt: null,
          });
        }
      }
      if (records.length === 0) continue;
      await this.storage.contactRecords.addMany(tenantId, records);
      await this.storage.customers.countCalls(tenantId, counted);
    }
  }
}
