import { z } from 'zod';
import type { Clock } from '../clock/clock.js';
import { ConflictError, ValidationError, type FieldIssue } from '../errors/errors.js';
import { fieldIssuesFromZod } from '../errors/zod.js';
import { normalizeNumber } from '../routing/phone-number.js';
import type { Storage } from '../storage/storage.js';
import type { Customer, CustomerSearch, NewCustomerValues } from '../storage/repositories/customers.js';
import type { CustomerPackage } from '../storage/repositories/customer-packages.js';
import { attachmentIssues } from './attachments.js';
import { validateCustomValues, type CustomValue } from './custom-values.js';

/** The standard fields of a customer as the API and imports give them (§3.3.3). */
export const customerInputSchema = z.object({
  packageId: z.string().min(1).nullable().default(null),
  name: z.string().trim().max(200).default(''),
  phones: z.array(z.string().trim().min(1).max(40)).max(10).default([]),
  email: z.email().max(254).nullable().default(null),
  gender: z.enum(['male', 'female', 'other']).nullable().default(null),
  age: z.number().int().min(0).max(150).nullable().default(null),
  address: z.string().trim().max(500).nullable().default(null),
  area: z.string().trim().max(200).nullable().default(null),
  notes: z.string().max(10_000).nullable().default(null),
  custom: z.record(z.string(), z.unknown()).default({}),
  tags: z.array(z.string().min(1).max(64)).max(100).default([]),
  dataSourceId: z.string().min(1).nullable().default(null),
  taskId: z.string().min(1).nullable().default(null),
  agentNumber: z.string().regex(/^[0-9]{2,16}$/).nullable().default(null),
});
export type CustomerInput = z.input<typeof customerInputSchema>;

/** Told of every customer a write changed, as stored now (undefined: deleted): the compliance screen's highlighted customers listen. */
export interface CustomerChangeListener {
  customerChanged(tenantId: string, customer: Customer | undefined, customerId: string): void;
}

export interface WriteOptions {
  /** The writer's role: field permissions apply. */
  role?: string;
}

/**
 * Customers with their package's rules on every write: standard fields by schema, custom
 * values by their fields' types (validateCustomValues), phone numbers normalised to E.164
 * with the tenant's country and deduplicated, the package open, its phone uniqueness
 * (within the package by a unique index; across packages when "globally unique").
 */
export class CustomerService {
  constructor(
    private readonly storage: Storage,
    private readonly clock: Clock,
    private readonly listener?: CustomerChangeListener,
  ) {}

  async create(tenantId: string, input: unknown, options: WriteOptions = {}): Promise<Customer> {
    const values = await this.prepare(tenantId, input, options, false);
    return this.storage.customers.insert(tenantId, values);
  }

  /** A partial change: fields given replace the stored ones; custom values merge by field. */
  async update(tenantId: string, id: string, patch: Record<string, unknown>, options: WriteOptions = {}): Promise<Customer> {
    const current = await this.storage.customers.get(tenantId, id);
    const { id: _id, tenantId: _t, createdAt: _c, updatedAt: _u, totalCalls, lastCallResult, funnelStage, noCall, allocatedAt, ...editable } = current;
    const merged = { ...editable, ...patch, custom: { ...current.custom, ...((patch.custom as Record<string, unknown> | undefined) ?? {}) } };
    const values = await this.prepare(tenantId, merged, options, true, Object.keys((patch.custom as object | undefined) ?? {}));
    const saved = await this.storage.customers.replace(tenantId, id, { ...values, totalCalls, lastCallResult, funnelStage, noCall, allocatedAt: values.taskId !== current.taskId || values.agentNumber !== current.agentNumber ? this.clock.now() : allocatedAt });
    // A highlighted customer's numbers (or package) may have changed.
    this.listener?.customerChanged(tenantId, saved, id);
    return saved;
  }

  async remove(tenantId: string, id: string): Promise<void> {
    await this.storage.customers.delete(tenantId, id);
    this.listener?.customerChanged(tenantId, undefined, id);
  }

  async search(tenantId: string, search: Omit<CustomerSearch, 'globalSearchFields'>): Promise<{ items: Customer[]; total: number }> {
    const fields = search.packageId === undefined ? [] : await this.storage.customFields.list(tenantId, search.packageId ?? null);
    return this.storage.customers.search(tenantId, { ...search, globalSearchFields: fields.filter((f) => f.globalSearch).map((f) => f.name) });
  }

  private async prepare(tenantId: string, input: unknown, options: WriteOptions, partial: boolean, touchedCustom?: readonly string[]): Promise<NewCustomerValues> {
    const parsed = customerInputSchema.safeParse(input);
    if (!parsed.success) {
      // Report the custom values' problems too, so a form or an import line shows everything at once.
      const raw = (input as { custom?: unknown; packageId?: unknown } | null)?.custom;
      const packageId = (input as { packageId?: unknown } | null)?.packageId;
      const fields = typeof packageId === 'string' || packageId === null || packageId === undefined ? await this.storage.customFields.list(tenantId, (packageId as string | null | undefined) ?? null) : [];
      const custom = raw && typeof raw === 'object' && !Array.isArray(raw) ? validateCustomValues(fields, raw as Record<string, unknown>, { partial }).issues : [];
      throw invalid([...fieldIssuesFromZod(parsed.error).filter((i) => !i.path.startsWith('custom')), ...custom]);
    }
    const customer = parsed.data;
    const [tenant, pkg] = await Promise.all([this.storage.tenants.get(tenantId), customer.packageId ? this.storage.customerPackages.getById(tenantId, customer.packageId) : undefined]);
    if (pkg?.status === 'closed') throw new ConflictError(`Customer package "${pkg.displayName}" is closed`, { details: { field: 'packageId' } });
    const fields = await this.storage.customFields.list(tenantId, customer.packageId);
    // On a change, only the custom values the caller named are checked against permissions.
    const custom = partial && touchedCustom ? Object.fromEntries(Object.entries(customer.custom).filter(([k]) => touchedCustom.includes(k))) : customer.custom;
    const checked = validateCustomValues(fields, custom, { defaultCountry: tenant.defaultCountry, partial, ...(options.role ? { role: options.role } : {}) });
    const phones = [...new Set(customer.phones.map((p) => normalizeNumber(p, tenant.defaultCountry)))];
    const issues = [...checked.issues, ...phones.flatMap((p, i) => (/^\+?[0-9]{3,20}$/.test(p) ? [] : [{ path: `phones.${i}`, message: 'a phone number expected' }]))];
    issues.push(...(await attachmentIssues(this.storage, tenantId, fields, checked.values)));
    if (issues.length > 0) throw invalid(issues);
    await this.checkGlobalPhones(tenantId, pkg, phones);
    const { packageId, name, email, gender, age, address, area, notes, tags, dataSourceId, taskId, agentNumber } = customer;
    return {
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
  }

  private async checkGlobalPhones(tenantId: string, pkg: CustomerPackage | undefined, phones: readonly string[]): Promise<void> {
    if (pkg?.phoneUniqueness !== 'global') return;
    const [taken] = await this.storage.customers.phonesElsewhere(tenantId, pkg.id, phones);
    if (taken) throw new ConflictError(`The number ${taken.number} already belongs to a customer of another package, and this package's numbers are globally unique`, { details: { field: 'phones', ...taken } });
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
