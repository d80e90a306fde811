import { z } from 'zod';

/**
 * What groups and completes customer data (manual §3.3.6 customer tags, §3.3.7 data
 * sources, §3.3.9 dictionaries) and the tenant's data preferences (§3.15.1 "3 Data").
 */

export const colorSchema = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'a colour as #rrggbb').transform((c) => c.toLowerCase());

/** Colours given to data sources an import creates, in turn (§3.3.7: "marked with time and colour"). */
export const LABEL_PALETTE = ['#1677ff', '#52c41a', '#fa8c16', '#eb2f96', '#722ed1', '#13c2c2', '#f5222d', '#a0d911', '#2f54eb', '#faad14', '#8c8c8c', '#08979c'] as const;

/** A customer tag or a data source: a name, a colour and what it is for. */
export const labelSchema = z.object({
  name: z.string().trim().min(1).max(100),
  color: colorSchema.default('#1677ff'),
  description: z.string().max(500).default(''),
});
export type LabelInput = z.input<typeof labelSchema>;
export type LabelConfig = z.output<typeof labelSchema>;

export interface Label extends LabelConfig {
  id: string;
  tenantId: string;
  createdAt: number;
  updatedAt: number;
}
export type CustomerTag = Label;
export type DataSource = Label;

/** A dictionary (§3.3.9): rows of values keyed by one column, filling what an imported row leaves empty. */
export const dictionarySchema = z.object({
  name: z.string().trim().min(1).max(100),
  /** The column (a customer field's name or a header) whose value finds an entry; empty: the first column of the first import. */
  matchKey: z.string().trim().max(100).default(''),
  description: z.string().max(500).default(''),
});
export type DictionaryInput = z.input<typeof dictionarySchema>;

export interface Dictionary extends z.output<typeof dictionarySchema> {
  id: string;
  tenantId: string;
  createdAt: number;
  updatedAt: number;
}

export interface DictionaryEntry {
  key: string;
  /** Column (as the dictionary file named it) → value. */
  data: Record<string, string>;
}

/** The encodings exported files may have (§3.15.1 "Export file encoding"). `utf-8-bom` is what Excel opens without asking. */
export const exportEncodings = ['utf-8', 'utf-8-bom', 'gbk', 'shift_jis'] as const;
export type ExportEncoding = (typeof exportEncodings)[number];

/** A tenant's data preferences (§3.15.1 "3 Data"). */
export const crmSettingsSchema = z.object({
  exportEncoding: z.enum(exportEncodings).default('utf-8-bom'),
  /** Rows per exported file: an export with more becomes a zip of numbered files. */
  exportMaxRowsPerFile: z.number().int().min(100).max(10_000_000).default(100_000),
});
export type CrmSettings = z.output<typeof crmSettingsSchema>;
