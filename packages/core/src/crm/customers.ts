import { z } from 'zod';
import { AGENT_NUMBER_PATTERN } from '../acd/model.js';
import type { Clock } from '../clock/clock.js';
import { ConflictError, ValidationError, type FieldIssue } from '../errors/errors.js';
import { fieldIssuesFromZod } from '../errors/zod.js';
import { normalizeNumber } from '../routing/phone-number.js';
import type { Storage } from '../storage/storage.js';
import type { Customer, CustomerRepository, CustomerSearch, NewCustomerValues } from '../storage/repositories/customers.js';
import type { CustomerPackage } from '../storage/repositories/customer-packages.js';
import { isStandardColumn } from '../storage/repositories/package-indexes.js';
import { attachmentIssues, holdsAttachments, lockedAttachmentIssues } from './attachments.js';
import { validateCustomValues, type CustomValue } from './custom-values.js';
import type { CustomFieldConfig } from './model.js';

/** What a customer's `gender` may be (null: not known). */
export const CUSTOMER_GENDERS = ['male', 'female', 'other'] as const;

/** The standard fields of a customer as the API and imports give them (§3.3.3). */
export const customerInputSchema = z.object({
  // The descriptions are the API's: the OpenAPI document's create and change of a customer say what each field does.
  packageId: z.string().min(1).nullable().default(null).describe("The customer package; null: the tenant's default package. Its rules (open, phone uniqueness, unique fields) apply"),
  name: z.string().trim().max(200).default('').describe("The customer's name"),
  phones: z
    .array(z.string().trim().min(1).max(40))
    .max(10)
    .default([])
    .describe("Up to 10 numbers, the first the main one; normalised to E.164 with the tenant's country and checked against the package's uniqueness rule"),
  email: z.email().max(254).nullable().default(null).describe('E-mail address; null: none'),
  gender: z.enum(CUSTOMER_GENDERS).nullable().default(null).describe('null: not known'),
  age: z.number().int().min(0).max(150).nullable().default(null).describe('Age in years; null: not known'),
  address: z.string().trim().max(500).nullable().default(null).describe('Postal address; null: none'),
  area: z.string().trim().max(200).nullable().default(null).describe('Region or city; null: none'),
  notes: z.string().max(10_000).nullable().default(null).describe('Free text; null: none'),
  custom: z
    .record(z.string(), z.unknown())
    .default({})
    .describe("Custom values keyed by the package's custom field names (another name is refused), each checked by its field's type and the writer's role's permission; a change merges them by field, and an empty value (null, '' or []) clears one"),
  tags: z.array(z.string().min(1).max(64)).max(100).default([]).describe('Ids of customer tags (GET /customer-tags); each must exist'),
  dataSourceId: z.string().min(1).nullable().default(null).describe('Id of a data source (GET /data-sources); null: none'),
  taskId: z.string().min(1).nullable().default(null).describe('The task the customer is allocated to; null: none'),
  agentNumber: z
    .string()
    .regex(AGENT_NUMBER_PATTERN)
    .nullable()
    .default(null)
    .describe('The agent the customer is allocated to (who sees and calls it); null: the pool'),
});
export type CustomerInput = z.input<typeof customerInputSchema>;

/** A field whose values no two customers of a package share, and where its value is. */
export interface UniqueField {
  name: string;
  /** The custom value; false: the standard field's column. */
  custom: boolean;
}

/**
 * A package's unique fields as every customer write checks them (`CustomerService`, the
 * import) and as its indexes are built (`syncPackageIndexes`): each unique key field — a
 * standard field's name means its column, any other name a custom value — and each custom
 * field marked unique, always over its custom value, even one named like a standard field
 * (created before such names were refused).
 */
export function packageUniqueFields(uniqueKeyFields: readonly string[], fields: readonly CustomFieldConfig[]): UniqueField[] {
  return [
    ...uniqueKeyFields.filter((name) => name !== 'phones').map((name) => ({ name, custom: !isStandardColumn(name) })),
    ...fields.filter((f) => f.unique).map((f) => ({ name: f.name, custom: true })),
  ].filter((c, i, all) => all.findIndex((o) => o.name === c.name && o.custom === c.custom) === i);
}

/** Told of every customer a write changed, as stored now (undefined: deleted): the compliance screen's highlighted customers listen. */
export interface CustomerChangeListener {
  customerChanged(tenantId: string, customer: Customer | undefined, customerId: string): void;
}

export interface WriteOptions {
  /** The writer's role: field permissions apply. */
  role?: string;
}

/** The custom values a write gives (on a change: only those it names), with the package's fields. */
interface CustomValuesWritten {
  fields: readonly CustomFieldConfig[];
  values: Readonly<Record<string, CustomValue>>;
}

/**
 * Customers with their package's rules on every write: standard fields by schema, custom
 * values by their fields' types (validateCustomValues), defaults for a new customer's empty
 * fields, tags and data source that exist, phone numbers normalised to E.164 with the
 * tenant's country and deduplicated, the package open, its phone uniqueness (within the
 * package by a unique index; a number of a package whose numbers are globally unique is in
 * no other package, either way round), and its unique fields (unique key fields and custom
 * fields marked unique).
 */
export class CustomerService {
  constructor(
    private readonly storage: Storage,
    private readonly clock: Clock,
    private readonly listener?: CustomerChangeListener,
  ) {}

  async create(tenantId: string, input: unknown, options: WriteOptions = {}): Promise<Customer> {
    const { values, written } = await this.prepare(tenantId, input, options);
    return this.save(tenantId, written, (customers) => customers.insert(tenantId, values));
  }

  /** A partial change: fields given replace the stored ones; custom values merge by field. */
  async update(tenantId: string, id: string, patch: Record<string, unknown>, options: WriteOptions = {}): Promise<Customer> {
    const current = await this.storage.customers.get(tenantId, id);
    const { id: _id, tenantId: _t, createdAt: _c, updatedAt: _u, totalCalls, lastCallResult, funnelStage, noCall, allocatedAt, ...editable } = current;
    const merged = { ...editable, ...patch, custom: { ...current.custom, ...((patch.custom as Record<string, unknown> | undefined) ?? {}) } };
    const { values, written } = await this.prepare(tenantId, merged, options, { current, touchedCustom: Object.keys((patch.custom as object | undefined) ?? {}) });
    const saved = await this.save(tenantId, written, (customers) =>
      customers.replace(tenantId, id, { ...values, totalCalls, lastCallResult, funnelStage, noCall, allocatedAt: values.taskId !== current.taskId || values.agentNumber !== current.agentNumber ? this.clock.now() : allocatedAt }),
    );
    // A highlighted customer's numbers (or package) may have changed.
    this.listener?.customerChanged(tenantId, saved, id);
    return saved;
  }

  async remove(tenantId: string, id: string): Promise<void> {
    await this.storage.customers.delete(tenantId, id);
    this.listener?.customerChanged(tenantId, undefined, id);
  }

  /**
   * Without a package, the global search covers the fields each open package marks for it;
   * `options.role`: not those hidden from the caller's role.
   */
  async search(tenantId: string, search: Omit<CustomerSearch, 'globalSearchFields' | 'includeClosed'>, options: { role?: string } = {}): Promise<{ items: Customer[]; total: number }> {
    const globalSearchFields = search.q?.trim() ? await this.storage.customFields.globalSearchFields(tenantId, search.packageId, options.role) : [];
    return this.storage.customers.search(tenantId, { ...search, globalSearchFields });
  }

  /**
   * Stores a customer. A write that stores attachment ids checks them again in the
   * transaction that saves it, locked against a delete (`lockedAttachmentIssues`): `prepare`
   * checked them to report them with the write's other issues, but a delete between that
   * check and the save would leave the customer holding an id of nothing. Other writes need
   * no transaction of their own.
   */
  private async save<T>(tenantId: string, written: CustomValuesWritten, write: (customers: CustomerRepository) => Promise<T>): Promise<T> {
    if (!holdsAttachments(written.fields, written.values)) return write(this.storage.customers);
    return this.storage.transaction(async (tx) => {
      const issues = await lockedAttachmentIssues(tx, tenantId, written.fields, written.values);
      if (issues.length > 0) throw invalid(issues);
      return write(tx.customers);
    });
  }

  /** `change`: a change of the stored customer `current`, of which only the custom values `touchedCustom` are the caller's. */
  private async prepare(
    tenantId: string,
    input: unknown,
    options: WriteOptions,
    change?: { current: Customer; touchedCustom: readonly string[] },
  ): Promise<{ values: NewCustomerValues; written: CustomValuesWritten }> {
    const partial = change !== undefined;
    const parsed = customerInputSchema.safeParse(input);
    if (!parsed.success) {
      // Report the custom values' problems too, so a form or an import line shows everything at once.
      const raw = (input as { custom?: unknown; packageId?: unknown } | null)?.custom;
      const packageId = (input as { packageId?: unknown } | null)?.packageId;
      const fields = typeof packageId === 'string' || packageId === null || packageId === undefined ? await this.storage.customFields.list(tenantId, (packageId as string | null | undefined) ?? null) : [];
      const given = raw && typeof raw === 'object' && !Array.isArray(raw) ? Object.entries(raw as Record<string, unknown>).filter(([k]) => !change || change.touchedCustom.includes(k)) : undefined;
      const custom = given ? validateCustomValues(fields, Object.fromEntries(given), { partial }).issues : [];
      throw invalid([...fieldIssuesFromZod(parsed.error).filter((i) => !i.path.startsWith('custom')), ...custom]);
    }
    const customer = parsed.data;
    const [tenant, pkg] = await Promise.all([this.storage.tenants.get(tenantId), customer.packageId ? this.storage.customerPackages.getById(tenantId, customer.packageId) : undefined]);
    if (pkg?.status === 'closed') throw new ConflictError(`Customer package "${pkg.displayName}" is closed`, { details: { field: 'packageId' } });
    const fields = await this.storage.customFields.list(tenantId, customer.packageId);
    // On a change, only the custom values the caller named are checked (against permissions too): stored ones were checked when written.
    const custom = change ? Object.fromEntries(Object.entries(customer.custom).filter(([k]) => change.touchedCustom.includes(k))) : customer.custom;
    const checked = validateCustomValues(fields, custom, { defaultCountry: tenant.defaultCountry, partial, defaults: !partial, ...(options.role ? { role: options.role } : {}) });
    const phones = [...new Set(customer.phones.map((p) => normalizeNumber(p, tenant.defaultCountry)))];
    const issues = [
      ...checked.issues,
      ...phones.flatMap((p, i) => (/^\+?[0-9]{3,20}$/.test(p) ? [] : [{ path: `phones.${i}`, message: 'a phone number expected' }])),
      ...(await this.missingReferences(tenantId, customer.tags, customer.dataSourceId)),
      ...(await attachmentIssues(this.storage, tenantId, fields, checked.values)),
    ];
    if (issues.length > 0) throw invalid(issues);
    await this.checkGlobalPhones(tenantId, customer.packageId, pkg, phones, change?.current.id);
    const { packageId, name, email, gender, age, address, area, notes, tags, dataSourceId, taskId, agentNumber } = customer;
    const values = {
      packageId,
      name,
      phones,
      email,
      gender,
      age,
      address,
      area,
      notes,
      tags,
      dataSourceId,
      taskId,
      agentNumber,
      // Untouched values come from storage, validated when they were written.
      custom: partial ? ({ ...customer.custom, ...checked.values } as Record<string, CustomValue>) : checked.values,
      allocatedAt: taskId !== null || agentNumber !== null ? this.clock.now() : null,
      totalCalls: 0,
      lastCallResult: null,
      funnelStage: null,
      noCall: false,
    };
    await this.checkUniqueFields(tenantId, pkg, fields, values, change?.current);
    return { values, written: { fields, values: checked.values } };
  }

  /** Tags and a data source a customer names must be the tenant's (a deleted one is taken off customers, so stored ones are). */
  private async missingReferences(tenantId: string, tags: readonly string[], dataSourceId: string | null): Promise<FieldIssue[]> {
    const issues: FieldIssue[] = [];
    if (tags.length > 0) {
      const found = new Set((await this.storage.customerTags.byIds(tenantId, [...new Set(tags)])).map((t) => t.id));
      tags.forEach((id, i) => {
        if (!found.has(id)) issues.push({ path: `tags.${i}`, message: `no customer tag ${id}` });
      });
    }
    if (dataSourceId !== null && !(await this.storage.dataSources.findById(tenantId, dataSourceId))) issues.push({ path: 'dataSourceId', message: `no data source ${dataSourceId}` });
    return issues;
  }

  /**
   * Globally unique numbers, both ways round: a package whose numbers are globally unique
   * takes no number another package's customer holds, and no package takes a number a
   * customer of such a package holds. `customerId`: the customer being changed, whose own
   * numbers (in the package it may be leaving) are no conflict.
   */
  private async checkGlobalPhones(tenantId: string, packageId: string | null, pkg: CustomerPackage | undefined, phones: readonly string[], customerId?: string): Promise<void> {
    const globallyUnique = pkg?.phoneUniqueness === 'global';
    const taken = (await this.storage.customers.numbersTakenElsewhere(tenantId, packageId, globallyUnique, phones)).find((holder) => holder.customerId !== customerId);
    if (!taken) return;
    const reason = globallyUnique ? "this package's numbers are globally unique" : "that package's numbers are globally unique";
    throw new ConflictError(`The number ${taken.number} already belongs to a customer of another package, and ${reason}`, { details: { field: 'phones', number: taken.number } });
  }

  /**
   * No two customers of the package share a value of a unique field: its unique key fields
   * and the custom fields marked unique. Checked here for a clear error naming the field in
   * every package — the default package has no unique indexes, a stored package's indexes
   * still stop a writer that races this check. A change checks only the values it changes.
   */
  private async checkUniqueFields(tenantId: string, pkg: CustomerPackage | undefined, fields: readonly CustomFieldConfig[], values: NewCustomerValues, current?: Customer): Promise<void> {
    const checked = packageUniqueFields(pkg?.uniqueKeyFields ?? [], fields);
    const valueIn = (c: NewCustomerValues, name: string, custom: boolean): unknown => (custom ? c.custom[name] : (c as unknown as Record<string, unknown>)[name]);
    const wanted: Array<{ field: string; value: string | number; custom: boolean }> = [];
    for (const { name, custom } of checked) {
      const value = valueIn(values, name, custom);
      if ((typeof value !== 'string' && typeof value !== 'number') || value === '') continue;
      if (current && current.packageId === values.packageId && valueIn(current, name, custom) === value) continue;
      wanted.push({ field: name, value, custom });
    }
    const taken = await this.storage.customers.uniqueValueTaken(tenantId, values.packageId, wanted, current?.id);
    if (!taken) return;
    const custom = wanted.find((w) => w.field === taken.field && w.value === taken.value)?.custom ?? true;
    const field = custom ? fields.find((f) => f.name === taken.field) : undefined;
    const path = custom ? `custom.${taken.field}` : taken.field;
    throw new ConflictError(`Another customer of this package already has the value "${taken.value}" of the unique field ${field ? `${field.displayName} (${field.name})` : taken.field}`, {
      details: { field: path, value: taken.value, customerId: taken.customerId },
    });
  }
}

function invalid(issues: FieldIssue[]): ValidationError {
  return new ValidationError(`Invalid customer: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, issues);
}

/**
 * A number as agents see it when a task masks numbers (§3.3.3): the middle four digits
 * hidden, for numbers of seven digits or more (+33612345678 → +336****5678).
 */
export function maskNumber(number: string): string {
  const digits = number.replace(/^\+/, '');
  if (digits.length < 7) return number;
  const start = Math.floor((digits.length - 4) / 2);
  const masked = `${digits.slice(0, start)}****${digits.slice(start + 4)}`;
  return number.startsWith('+') ? `+${masked}` : masked;
}
