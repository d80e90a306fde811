import { z } from 'zod';

/** A sales funnel stage (§3.15.2): a score above 0 is a success, 0 a follow-up, below 0 a failure. */
export const funnelStageSchema = z.object({
  packageId: z.string().min(1).nullable().default(null),
  name: z.string().trim().min(1).max(100),
  score: z.number().int().min(-1000).max(1000),
  /** hidden: agents do not see it; closed: nobody does. */
  status: z.enum(['enabled', 'hidden', 'closed']).default('enabled'),
});
export type FunnelStageInput = z.input<typeof funnelStageSchema>;

/** A call result (§3.3.4 "Call Results"): what an agent may pick after a call, and what it implies. */
export const callResultSchema = z.object({
  name: z.string().trim().min(1).max(100),
  /** answered: only after an answered call; unanswered: only after one nobody answered; any: both. */
  callStatus: z.enum(['answered', 'unanswered', 'any']).default('any'),
  funnelStageId: z.string().min(1).nullable().default(null),
  /** The tasks it applies to; empty: every task. */
  taskIds: z.array(z.string().min(1)).max(1000).default([]),
  /** The agent must set an appointment to save it. */
  mandatoryAppointment: z.boolean().default(false),
});
export type CallResultInput = z.input<typeof callResultSchema>;

/** What an agent submits about a customer after (or without) a call (§3.3.5). */
export const contactSubmissionSchema = z.object({
  customerId: z.string().min(1),
  callId: z.string().min(1).nullable().default(null),
  callStatus: z.enum(['answered', 'unanswered']).nullable().default(null),
  callResultId: z.string().min(1).nullable().default(null),
  funnelStageId: z.string().min(1).nullable().default(null),
  notes: z.string().max(10_000).nullable().default(null),
  appointmentAt: z.number().int().nullable().default(null),
  taskId: z.string().min(1).nullable().default(null),
});
export type ContactSubmission = z.input<typeof contactSubmissionSchema>;
