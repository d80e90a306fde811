import type { FieldIssue } from '../errors/errors.js';
import { normalizeNumber } from '../routing/phone-number.js';
import type { AssociationOption, CustomFieldConfig } from './model.js';

/** What a custom field holds once validated. */
export type CustomValue = string | number | string[];

export interface ValidateOptions {
  /** Numbers without a country code are read as this country's. */
  defaultCountry?: string;
  /** A contact submitted as a success: fields required on success must be there too. */
  success?: boolean;
  /** A change: fields left out keep their value, so "required" is not checked for them. */
  partial?: boolean;
  /** The role of the user writing: fields it may only view (or not see) may not be written. */
  role?: string;
  /** Prefix of every issue path: `custom`, or `line 12: custom`. */
  path?: string;
  /** A new customer: a field left empty takes its default (options' `defaultOptions`, an address's `defaultAddress`). */
  defaults?: boolean;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]{2,}$/;

/**
 * Checks and normalises the custom values of one customer against the package's fields,
 * the same way on every write path (form, API, import): each value by its field's type,
 * required fields, fields required on success, unknown fields, and field permissions.
 * Returns the normalised values and every issue, so an import can report them all.
 */
export function validateCustomValues(fields: readonly CustomFieldConfig[], input: Record<string, unknown>, options: ValidateOptions = {}): { values: Record<string, CustomValue>; issues: FieldIssue[] } {
  const prefix = options.path ?? 'custom';
  const values: Record<string, CustomValue> = {};
  const issues: FieldIssue[] = [];
  // A package has a handful of fields: a scan per given key, no lookup table per call.
  for (const key in input) {
    if (!fields.some((f) => f.name === key)) issues.push({ path: `${prefix}.${key}`, message: 'no such custom field in this package' });
  }
  for (const field of fields) {
    let raw = input[field.name];
    let empty = isEmpty(raw);
    const byDefault = empty && options.defaults === true ? defaultOf(field) : undefined;
    if (byDefault !== undefined) [raw, empty] = [byDefault, false];
    // A default is the field's own value, not the writer's: a role that may only view the field still gets it.
    if (!empty && byDefault === undefined && options.role !== undefined && (field.permissions[options.role] ?? 'edit') !== 'edit') {
      issues.push({ path: `${prefix}.${field.name}`, message: `the ${options.role} role may not change this field` });
      continue;
    }
    if (empty) {
      const given = raw !== undefined;
      if ((field.required || (options.success && field.requiredOnSuccess)) && (given || !options.partial)) {
        issues.push({ path: `${prefix}.${field.name}`, message: field.required ? 'required' : 'required when the contact is a success' });
      }
      continue;
    }
    const result = valueOf(field, raw, options.defaultCountry);
    if (typeof result === 'object' && result !== null && 'error' in result) issues.push({ path: `${prefix}.${field.name}`, message: result.error });
    else values[field.name] = result;
  }
  return { values, issues };
}

/**
 * The values a new customer gets for the fields it leaves empty (§3.2.1 "default"): the
 * chosen default options of an options field, the default address of an address field —
 * normalised like given values. What an import gives the customers it creates.
 */
export function customDefaults(fields: readonly CustomFieldConfig[]): Record<string, CustomValue> {
  return validateCustomValues(fields, {}, { defaults: true, partial: true }).values;
}

/**
 * What a contact submitted as a success lacks (§3.3.5): the fields required on success that
 * the customer leaves empty. Only those: the customer's other values were checked when they
 * were written, and values of fields deleted since (or options removed) must not block it.
 */
export function missingOnSuccess(fields: readonly CustomFieldConfig[], values: Readonly<Record<string, unknown>>, path = 'custom'): FieldIssue[] {
  return fields.filter((f) => f.requiredOnSuccess && isEmpty(values[f.name])).map((f) => ({ path: `${path}.${f.name}`, message: 'required when the contact is a success' }));
}

/** The values of fields the package has now: values of a deleted field stay stored, but are no field any more. */
export function currentValues<V>(fields: ReadonlyArray<{ name: string }>, values: Readonly<Record<string, V>>): Record<string, V> {
  return Object.fromEntries(Object.entries(values).filter(([name]) => fields.some((f) => f.name === name)));
}

const isEmpty = (raw: unknown): boolean => raw === undefined || raw === null || raw === '' || (Array.isArray(raw) && raw.length === 0);

function defaultOf(field: CustomFieldConfig): CustomValue | undefined {
  if (field.type === 'options' && field.defaultOptions.length > 0) return field.multiple ? [...field.defaultOptions] : field.defaultOptions[0];
  if (field.type === 'address' && field.defaultAddress.trim() !== '') return field.defaultAddress;
  return undefined;
}

function valueOf(field: CustomFieldConfig, raw: unknown, defaultCountry: string | undefined): CustomValue | { error: string } {
  const text = typeof raw === 'string' ? raw.trim() : typeof raw === 'number' ? String(raw) : undefined;
  switch (field.type) {
    case 'input':
    case 'address':
      if (text === undefined) return { error: 'text expected' };
      if (/[\r\n]/.test(text)) return { error: 'one line only' };
      return text.length > 500 ? { error: 'at most 500 characters' } : text;
    case 'textarea':
      if (text === undefined) return { error: 'text expected' };
      return text.length > 10_000 ? { error: 'at most 10000 characters' } : text;
    case 'phone': {
      if (text === undefined || !/^\+?[0-9 ().-]{3,30}$/.test(text)) return { error: 'a phone number expected' };
      return normalizeNumber(text, defaultCountry);
    }
    case 'email':
      if (text === undefined || !EMAIL.test(text) || text.length > 254) return { error: 'an e-mail address expected' };
      return text.replace(/@(.*)$/, (_, domain: string) => `@${domain.toLowerCase()}`);
    case 'date': {
      const match = text === undefined ? null : /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$/.exec(text);
      if (!match) return { error: 'a date (YYYY-MM-DD) expected' };
      const year = Number(match[1]);
      const month = Number(match[2]);
      const day = Number(match[3]);
      const date = new Date(Date.UTC(year, month - 1, day));
      if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return { error: 'no such date' };
      return `${match[1]}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
    }
    case 'link':
      if (text === undefined || !/^https?:\/\/[^\s]+$/i.test(text)) return { error: 'an http(s) link expected' };
      return text;
    case 'number': {
      const plain = text === undefined || text.indexOf(',') === -1 ? text : text.replace(/,/g, '');
      const number = typeof raw === 'number' ? raw : plain !== undefined && /^-?\d+(\.\d+)?$/.test(plain) ? Number(plain) : NaN;
      return Number.isFinite(number) ? number : { error: 'a number expected' };
    }
    case 'attachment': {
      const ids = Array.isArray(raw) ? raw : [raw];
      if (!ids.every((id) => typeof id === 'string' && /^[A-Za-z0-9_-]{1,64}$/.test(id))) return { error: 'attachment ids expected' };
      return ids as string[];
    }
    case 'options':
      return optionsValue(field, raw);
    case 'association':
      return associationValue(field.association, raw);
    default:
      return unknownType(field.type);
  }
}

function optionsValue(field: CustomFieldConfig, raw: unknown): CustomValue | { error: string } {
  // A single text of several choices (an import cell) splits on | or ;.
  const chosen = (Array.isArray(raw) ? raw : typeof raw === 'string' && field.multiple ? raw.split(/[|;]/) : [raw]).map((v) => (typeof v === 'string' ? v.trim() : v)).filter((v) => v !== '');
  if (!chosen.every((v): v is string => typeof v === 'string')) return { error: 'option text expected' };
  if (!field.multiple && chosen.length > 1) return { error: 'one option only' };
  const unknown = chosen.filter((v) => !field.options.includes(v));
  if (unknown.length > 0 && !field.enterable) return { error: `not an option: ${unknown.join(', ')}` };
  return field.multiple ? [...new Set(chosen)] : chosen[0]!;
}

/** A path down the cascade: each value must be an option under the one before (province → city → district). */
function associationValue(tree: readonly AssociationOption[], raw: unknown): CustomValue | { error: string } {
  const path = (Array.isArray(raw) ? raw : typeof raw === 'string' ? raw.split('/') : []).map((v) => (typeof v === 'string' ? v.trim() : v));
  if (path.length === 0 || !path.every((v): v is string => typeof v === 'string' && v !== '')) return { error: 'a path of options expected (a / b)' };
  let level: readonly AssociationOption[] | undefined = tree;
  for (const value of path) {
    const option: AssociationOption | undefined = level?.find((o) => o.value === value);
    if (!option) return { error: `"${value}" is not an option at this level` };
    level = option.children;
  }
  return path;
}

function unknownType(type: never): never {
  throw new Error(`Unknown custom field type ${String(type)}`);
}
