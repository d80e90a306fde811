import { z } from 'zod';

/**
 * Do-not-call lists (manual §3.7.6): numbers that must not be called, per customer package.
 * A tenant user's entries are in force at once (or disabled); an agent's submissions wait
 * for review. Only `enabled` entries stop calls.
 */
export const dncStatuses = ['enabled', 'disabled', 'pending', 'rejected'] as const;
export const dncStatusSchema = z.enum(dncStatuses);
export type DncStatus = z.infer<typeof dncStatusSchema>;

/** A number as stored: normalised (`normalizeNumber` with the tenant's country), E.164 where the plan reads it. */
export const dncNumberSchema = z.string().regex(/^\+?[0-9]{1,20}$/, 'a normalised phone number: digits, optionally starting with +');
/** A customer package's id; null is the tenant's default package. */
export const customerPackageIdSchema = z.string().trim().min(1).max(64).nullable();
export const dncReasonSchema = z.string().trim().max(500);

export const dncEntrySchema = z.object({
  id: z.string(),
  tenantId: z.string(),
  /** null: the tenant's default package. The same number in two packages is two independent entries. */
  customerPackageId: z.string().nullable(),
  number: z.string(),
  reason: z.string(),
  status: dncStatusSchema,
  /** tenant: added by a tenant user; agent: submitted from a customer's page, for review. */
  source: z.enum(['tenant', 'agent']),
  createdBy: z.string(),
  reviewedBy: z.string().nullable(),
  reviewedAt: z.number().int().nullable(),
  createdAt: z.number().int(),
  updatedAt: z.number().int(),
});
export type DncEntry = z.infer<typeof dncEntrySchema>;

export const dncAddSchema = z.object({
  customerPackageId: customerPackageIdSchema.default(null),
  numbers: z.array(dncNumberSchema).max(100_000),
  status: z.enum(['enabled', 'disabled']).default('enabled'),
  reason: dncReasonSchema.default(''),
  by: z.string().min(1).max(100),
});
export type DncAddInput = z.input<typeof dncAddSchema>;

export const dncSubmitSchema = z.object({
  customerPackageId: customerPackageIdSchema.default(null),
  number: dncNumberSchema,
  reason: dncReasonSchema.min(1),
  by: z.string().min(1).max(100),
});
export type DncSubmitInput = z.input<typeof dncSubmitSchema>;

export const dncPatchSchema = z.object({
  enabled: z.boolean().optional(),
  reason: dncReasonSchema.optional(),
});
export type DncPatch = z.input<typeof dncPatchSchema>;

/** Which entries a list (or a delete by conditions) covers. `customerPackageId` absent: every package; null: the default one. */
export const dncFilterSchema = z.object({
  customerPackageId: customerPackageIdSchema.optional(),
  status: dncStatusSchema.optional(),
  /** Part of the number (digits) or of the reason. */
  search: z.string().trim().max(60).optional(),
});
export type DncFilter = z.input<typeof dncFilterSchema>;

export const dncListSchema = dncFilterSchema.extend({
  limit: z.number().int().min(1).max(1000).default(100),
  offset: z.number().int().min(0).default(0),
});
export type DncListQuery = z.input<typeof dncListSchema>;

/** One line of a bulk import, its number already normalised. */
export interface DncImportRow {
  /** 1-based line of the file, for reports. */
  line: number;
  number: string;
  reason: string;
}

/** Enabled numbers of one package, as the screen loads them (a page holds one group per package it reaches). */
export interface DncListedNumbers {
  customerPackageId: string | null;
  numbers: readonly string[];
}

/** A change of what stops calls: `number` in `customerPackageId` is now listed (an enabled entry) or not. */
export interface DncChange {
  customerPackageId: string | null;
  number: string;
  listed: boolean;
}
