import type { Knex } from 'knex';
import type { Row } from '../row-codec.js';

/**
 * The submission that makes a customer successful (§3.3.2): the customer's latest submission
 * that chose a sales funnel stage, when that stage scores above 0 now.
 */
export interface SuccessfulSubmission {
  /** The contact record's id. */
  id: string;
  agentNumber: string | null;
  callResultId: string | null;
  funnelStageId: string;
  /** The stage's score (as it is now). */
  score: number;
  notes: string | null;
  qcResult: string | null;
  qcNotes: string | null;
  submittedAt: number;
}

/** What narrows the successful customers by their submission. */
export interface SubmissionFilter {
  /** The stage of the submission. */
  funnelStage?: string;
  /** The call result of the submission. */
  callResult?: string;
  /** The agent who submitted. */
  submittedBy?: string;
  /** Submitted at or after (epoch ms, inclusive). */
  submittedFrom?: number;
  /** Submitted before (epoch ms, exclusive). */
  submittedTo?: number;
  qcResult?: string;
}

/** The submission's columns next to the customer's (`c.*`). */
export const SUBMISSION_COLUMNS = [
  'c.*',
  'r.id as submission_id',
  'r.agent_number as submission_agent_number',
  'r.call_result_id as submission_call_result_id',
  'r.funnel_stage_id as submission_funnel_stage_id',
  's.score as submission_score',
  'r.notes as submission_notes',
  'r.qc_result as submission_qc_result',
  'r.qc_notes as submission_qc_notes',
  'r.created_at as submitted_at',
];

/**
 * The customers `customers` selects (a query of the customers table) joined to their
 * successful submission as `r` and its stage as `s`. "Latest" is by (created_at, id), the
 * contact history's order; with `asOf`, as it was then (an export's snapshot). Every step is
 * an index read on contact_records (tenant, customer, created_at).
 */
export function successfulCustomersQuery(db: Knex, tenantId: string, customers: Knex.QueryBuilder, filter: SubmissionFilter, asOf?: number): Knex.QueryBuilder {
  const later = db('contact_records as l')
    .select(db.raw('1'))
    .where('l.tenant_id', tenantId)
    .whereRaw('l.customer_id = r.customer_id')
    .where('l.kind', 'submission')
    .whereNotNull('l.funnel_stage_id')
    .where((q) => q.whereRaw('l.created_at > r.created_at').orWhere((same) => same.whereRaw('l.created_at = r.created_at').whereRaw('l.id > r.id')));
  if (asOf !== undefined) later.where('l.created_at', '<=', asOf);
  const query = db
    .from(customers.as('c'))
    .join('contact_records as r', 'r.customer_id', 'c.id')
    .join('funnel_stages as s', 's.id', 'r.funnel_stage_id')
    .where('r.tenant_id', tenantId)
    .where('s.tenant_id', tenantId)
    .where('r.kind', 'submission')
    .where('s.score', '>', 0)
    .whereNotExists(later);
  if (asOf !== undefined) query.where('r.created_at', '<=', asOf);
  if (filter.funnelStage !== undefined) query.where('r.funnel_stage_id', filter.funnelStage);
  if (filter.callResult !== undefined) query.where('r.call_result_id', filter.callResult);
  if (filter.submittedBy !== undefined) query.where('r.agent_number', filter.submittedBy);
  if (filter.qcResult !== undefined) query.where('r.qc_result', filter.qcResult);
  if (filter.submittedFrom !== undefined) query.where('r.created_at', '>=', filter.submittedFrom);
  if (filter.submittedTo !== undefined) query.where('r.created_at', '<', filter.submittedTo);
  return query;
}

export function submissionOf(row: Row): SuccessfulSubmission {
  const text = (value: unknown) => (value === null || value === undefined ? null : String(value));
  return {
    id: String(row['submission_id']),
    agentNumber: text(row['submission_agent_number']),
    callResultId: text(row['submission_call_result_id']),
    funnelStageId: String(row['submission_funnel_stage_id']),
    score: Number(row['submission_score']),
    notes: text(row['submission_notes']),
    qcResult: text(row['submission_qc_result']),
    qcNotes: text(row['submission_qc_notes']),
    submittedAt: Number(row['submitted_at']),
  };
}
