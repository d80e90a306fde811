import { z } from 'zod';

/**
 * The CRM's configuration objects (manual §3.2): customer packages and their custom
 * fields. Customers themselves are validated against these at run time (custom-values.ts):
 * a field's type decides what its values may be on every write path (form, API, import).
 */

// ── Customer packages (§3.2.2) ───────────────────────────────────────────────

/** A custom field's key in the database: what imports map columns to and filters name. */
export const fieldNameSchema = z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, 'lower-case letters, digits and _, starting with a letter (at most 40)');

export const customerPackageSchema = z.object({
  displayName: z.string().trim().min(1).max(100),
  /** The package's unique id (letters and digits), as reported to the customer. */
  key: z.string().regex(/^[A-Za-z0-9]{1,32}$/, 'letters and digits only'),
  /** Closed: its customers, fields, records are hidden everywhere (§3.2.2 "Status"). */
  status: z.enum(['open', 'closed']).default('open'),
  /** Phone numbers unique within this package, or across every package of the tenant ("globally unique"). */
  phoneUniqueness: z.enum(['package', 'global']).default('package'),
  /** Fields (standard or custom) whose value may not repeat in the package: real unique indexes. */
  uniqueKeyFields: z.array(fieldNameSchema).max(10).default([]),
  /** Fields searched often: real database indexes. */
  indexFields: z.array(fieldNameSchema).max(20).default([]),
});
export type CustomerPackageInput = z.input<typeof customerPackageSchema>;
export type CustomerPackageConfig = z.infer<typeof customerPackageSchema>;

// ── Custom fields (§3.2.1) ───────────────────────────────────────────────────

export const customFieldTypes = ['input', 'phone', 'textarea', 'email', 'date', 'link', 'attachment', 'address', 'options', 'association', 'number'] as const;
export type CustomFieldType = (typeof customFieldTypes)[number];

/** An association (cascading) option: a value and the options that appear under it (province → city). */
export interface AssociationOption {
  value: string;
  children?: AssociationOption[];
}
const associationOptionSchema: z.ZodType<AssociationOption> = z.lazy(() =>
  z.object({ value: z.string().trim().min(1).max(100), children: z.array(associationOptionSchema).max(500).optional() }),
);

export const customFieldSchema = z
  .object({
    // The descriptions are the API's: the OpenAPI document's create, change and read of a field say what each part does.
    packageId: z.string().min(1).nullable().default(null).describe("The customer package the field belongs to; null: the tenant's default package. Fixed once created"),
    name: fieldNameSchema.describe('The key of the values in storage, imports, exports and filters. Fixed once created: stored values are keyed by it'),
    displayName: z.string().trim().min(1).max(100).describe('The label shown on forms and lists, and matched by an import header'),
    type: z
      .enum(customFieldTypes)
      .describe('What a value may be: input (a line of text), phone, textarea, email, date, link, attachment (ids of uploaded customer attachments), address, options (one or several of `options`), association (a path through the `association` cascade), number'),
    required: z.boolean().default(false).describe('A new customer must have a value (a default counts); a change may not clear it'),
    requiredOnSuccess: z.boolean().default(false).describe('Required when a contact is submitted as a success (its funnel stage scores above 0)'),
    unique: z
      .boolean()
      .default(false)
      .describe('No two customers of the package share a value: a real unique index of a stored package, checked on every write in the default package. Not for attachment, textarea or several-valued fields; refused (409) while customers repeat a value'),
    globalSearch: z.boolean().default(false).describe("Searched by the customers page's global search (`q`)"),
    tag: z.enum(['A', 'B']).default('A').describe("B: highlighted in the agent's pop-up screen"),
    displayOrder: z.number().int().min(0).max(10_000).default(0).describe('Position on forms and lists, lowest first (then by name)'),
    permissions: z
      .record(z.string().min(1), z.enum(['edit', 'view', 'hidden']))
      .default({})
      .describe('Per role (agent, supervisor, …): what its users may do with the field; roles not named may edit'),
    options: z.array(z.string().trim().min(1).max(200)).max(1000).default([]).describe('`options`: the choices'),
    multiple: z.boolean().default(false).describe('`options`: several may be chosen (the value is a list)'),
    enterable: z.boolean().default(false).describe('`options`: free text beyond the choices may be entered'),
    defaultOptions: z.array(z.string()).max(1000).default([]).describe('`options`: what a new customer gets when it leaves the field empty (one unless `multiple`), even if the writer may only view the field'),
    association: z.array(associationOptionSchema).max(1000).default([]).describe('`association`: the cascade of options (province → city …)'),
    linkOpenMode: z.enum(['new-tab', 'same-tab', 'popup']).default('new-tab').describe('`link`: how the link opens'),
    defaultAddress: z.string().max(500).default('').describe('`address`: what a new customer gets when it leaves the field empty'),
  })
  .superRefine((field, ctx) => {
    if (field.type === 'options' && field.options.length === 0 && !field.enterable) {
      ctx.addIssue({ code: 'custom', path: ['options'], message: 'an options field needs options, or must be enterable' });
    }
    for (const [index, value] of field.defaultOptions.entries()) {
      if (!field.options.includes(value)) ctx.addIssue({ code: 'custom', path: ['defaultOptions', index], message: `"${value}" is not one of the options` });
    }
    if (field.defaultOptions.length > 1 && !field.multiple) ctx.addIssue({ code: 'custom', path: ['defaultOptions'], message: 'one default unless multiple choice' });
    if (field.type === 'association' && field.association.length === 0) ctx.addIssue({ code: 'custom', path: ['association'], message: 'an association field needs its options' });
    if (field.unique && (field.type === 'attachment' || field.type === 'textarea')) ctx.addIssue({ code: 'custom', path: ['unique'], message: `a ${field.type} field cannot be unique` });
    // Uniqueness compares one value per customer (the package's unique index, or a lookup of it): a list of choices is none.
    if (field.unique && (field.type === 'association' || (field.type === 'options' && field.multiple))) ctx.addIssue({ code: 'custom', path: ['unique'], message: 'a field of several values (multiple choice, association) cannot be unique' });
  });
export type CustomFieldInput = z.input<typeof customFieldSchema>;
export type CustomFieldConfig = z.infer<typeof customFieldSchema>;

/** The customer fields every package has (§3.3.3), which imports map to like custom ones. */
export const standardCustomerFields = ['name', 'phones', 'email', 'gender', 'age', 'address', 'area', 'notes'] as const;
export type StandardCustomerField = (typeof standardCustomerFields)[number];

/**
 * A new custom field: also not named like a standard customer field, whose name imports,
 * filters and unique keys already resolve to the standard value. Fields so named before this
 * rule stay readable and changeable (`customFieldSchema`).
 */
export const newCustomFieldSchema = customFieldSchema.superRefine((field, ctx) => {
  if ((standardCustomerFields as readonly string[]).includes(field.name)) {
    ctx.addIssue({ code: 'custom', path: ['name'], message: `${field.name} is a standard customer field: choose another name` });
  }
});
