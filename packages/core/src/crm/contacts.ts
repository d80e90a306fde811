import { ValidationError } from '../errors/errors.js';
import { parseOrThrow } from '../errors/zod.js';
import type { ContactRecord } from '../storage/repositories/contact-records.js';
import type { Storage } from '../storage/storage.js';
import { contactSubmissionSchema, type ContactSubmission } from './contact-model.js';
import { missingOnSuccess } from './custom-values.js';

/**
 * Contact records (manual §3.3.5) and what a submission implies: one record is written
 * when an agent connects with a customer (ConnectedCallRecorder), another when the agent
 * saves a call result and funnel stage. A submission must fit its call result (call status, task, mandatory
 * appointment) and, when its stage is a success (score above 0), the customer must have
 * every field required on success — only those are checked: the customer's other values were
 * checked when written, and a field deleted or an option removed since must not block it.
 */
export class ContactService {
  constructor(private readonly storage: Storage) {}

  /** `agentView`: the submitter is an agent, who may not choose a stage hidden from agents (a call result may still imply one). */
  async submit(tenantId: string, agentNumber: string | null, input: ContactSubmission, options: { agentView?: boolean } = {}): Promise<ContactRecord> {
    const submission = parseOrThrow(contactSubmissionSchema, input, 'contact submission');
    const customer = await this.storage.customers.get(tenantId, submission.customerId);
    const result = submission.callResultId ? await this.storage.callResults.findById(tenantId, submission.callResultId) : undefined;
    const issues: Array<{ path: string; message: string }> = [];
    if (submission.callResultId && !result) issues.push({ path: 'callResultId', message: 'no such call result' });
    if (result) {
      if (result.callStatus !== 'any' && submission.callStatus !== result.callStatus) issues.push({ path: 'callResultId', message: `"${result.name}" is for ${result.callStatus} calls only` });
      if (result.taskIds.length > 0 && (!submission.taskId || !result.taskIds.includes(submission.taskId))) issues.push({ path: 'callResultId', message: `"${result.name}" does not apply to this task` });
      if (result.mandatoryAppointment && submission.appointmentAt === null) issues.push({ path: 'appointmentAt', message: `"${result.name}" needs an appointment` });
    }
    const stageId = submission.funnelStageId ?? result?.funnelStageId ?? null;
    const stage = stageId ? await this.storage.funnelStages.find(tenantId, stageId) : undefined;
    if (stageId && !stage) issues.push({ path: 'funnelStageId', message: 'no such sales funnel stage' });
    const hidden = options.agentView === true && stage?.status === 'hidden' && submission.funnelStageId === stage.id;
    if (stage && (stage.status === 'closed' || hidden || stage.packageId !== customer.packageId)) issues.push({ path: 'funnelStageId', message: `the stage "${stage.name}" cannot be chosen for this customer` });
    if (stage && stage.score > 0) issues.push(...missingOnSuccess(await this.storage.customFields.list(tenantId, customer.packageId), customer.custom));
    if (issues.length > 0) throw new ValidationError(`Invalid contact submission: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, issues);
    const record = await this.storage.contactRecords.add(tenantId, {
      packageId: customer.packageId,
      customerId: customer.id,
      kind: 'submission',
      callId: submission.callId,
      agentNumber,
      phoneNumber: customer.phones[0] ?? null,
      callStatus: submission.callStatus,
      callResultId: result?.id ?? null,
      funnelStageId: stage?.id ?? null,
      score: stage?.score ?? null,
      notes: submission.notes,
      dataSourceId: customer.dataSourceId,
      appointmentAt: submission.appointmentAt,
    });
    await this.storage.customers.recordSubmission(tenantId, customer.id, { callResultId: result?.id ?? customer.lastCallResult, funnelStageId: stage?.id ?? customer.funnelStage });
    return record;
  }
}
