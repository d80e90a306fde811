import type { z, ZodType } from 'zod';
import { ValidationError, type FieldIssue } from '../../errors/errors.js';
import { fieldIssuesFromZod } from '../../errors/zod.js';
import type { NewCustomerValues } from '../../storage/repositories/customers.js';
import { validateCustomValues, type CustomValue } from '../custom-values.js';
import { customerInputSchema } from '../customers.js';
import type { CustomFieldConfig } from '../model.js';
import type { ColumnMapping } from './column-mapping.js';
import type { CsvRecord } from './csv-reader.js';
import type { NumberMemo } from '../../routing/number-memo.js';
import { acceptedAsIs } from './standard-values.js';

/** A dictionary as an import uses it: the field whose value finds an entry, and its columns resolved to fields. */
export interface ImportDictionary {
  name: string;
  keyField: string;
  entries: ReadonlyMap<string, Record<string, string>>;
  /** Dictionary column → customer field. */
  columns: ReadonlyMap<string, string>;
}

/** What every row of one import shares. */
export interface RowRules {
  packageId: string | null;
  mapping: ColumnMapping;
  /** Columns the header has (0 without a header): more non-empty cells than that is an error. */
  headerWidth: number;
  fields: readonly CustomFieldConfig[];
  /** What a new customer gets for the fields its row leaves empty (`customDefaults`): a required field with one is never missing. */
  defaults: Readonly<Record<string, CustomValue>>;
  numbers: NumberMemo;
  stripLeadingZero: boolean;
  /** Fields the user made required for this import (§3.2 "Select Required Fields"). */
  requiredFields: ReadonlySet<string>;
  dictionaries: readonly ImportDictionary[];
  /** Tag ids by lower-case name. */
  tagIds: ReadonlyMap<string, string>;
  /** Given to every row. */
  fixed: { dataSourceId: string | null; tagIds: readonly string[]; agentNumber: string | null; taskId: string | null };
  /** `customerInputSchema` narrowed to the fields rows give (`rowSchema`): the same checks, without re-checking the fixed values on every row. */
  schema: RowSchema;
}

type RowKey = 'name' | 'phones' | 'email' | 'gender' | 'age' | 'address' | 'area' | 'notes' | 'agentNumber' | 'tags';
const ROW_KEYS: readonly RowKey[] = ['name', 'phones', 'email', 'gender', 'age', 'address', 'area', 'notes', 'agentNumber', 'tags'];
export type RowSchema = ZodType;
type Parsed = z.output<typeof customerInputSchema>;

/**
 * `customerInputSchema` for the rows of one import: its checks of the standard fields the
 * columns map to (and of the name and numbers, always); the values every row shares (package,
 * data source, task, agent, tags) are checked once here, with the full schema.
 */
export function rowSchema(mapping: ColumnMapping, dictionaries: readonly ImportDictionary[], fixed: RowRules['fixed'], packageId: string | null): RowSchema {
  const shared = customerInputSchema.safeParse({ packageId, tags: fixed.tagIds, dataSourceId: fixed.dataSourceId, taskId: fixed.taskId, agentNumber: fixed.agentNumber });
  if (!shared.success) throw new ValidationError(`Invalid import: ${fieldIssuesFromZod(shared.error).map((i) => `${i.path}: ${i.message}`).join('; ')}`, fieldIssuesFromZod(shared.error));
  // The fields the columns go to, and those a dictionary can fill.
  const mapped = new Set<string>(['name', 'phones', ...mapping.columns.map((c) => c.field), ...dictionaries.flatMap((d) => [...d.columns.values()])]);
  const keys = ROW_KEYS.filter((key) => mapped.has(key));
  return customerInputSchema.pick(Object.fromEntries(keys.map((key) => [key, true])) as { [K in RowKey]?: true });
}

/** A row that reads as a customer. */
export interface CustomerRow {
  line: number;
  cells: string[];
  values: NewCustomerValues;
  /** Fields the row gave a value for: what an update of an existing customer replaces. */
  given: GivenFields;
  /** Tag names of the row no tag has yet: created by the batch. */
  newTags: string[];
  /** Custom fields required by the package that the row leaves empty: a new customer needs them, an update does not. */
  missingRequired: string[];
}

export interface RejectedRow {
  line: number;
  cells: string[];
  reason: string;
}

const PHONE_SEPARATORS = /[;,|\n\r]+/;

/** The fields a row gave a value for, read from the row itself (no set built per row). */
class GivenFields {
  constructor(
    private readonly raw: Readonly<Record<string, string>>,
    private readonly phones: boolean,
  ) {}

  has(field: string): boolean {
    return field === 'phones' ? this.phones : this.raw[field] !== undefined;
  }
}
const GENDERS: Record<string, 'male' | 'female' | 'other'> = {
  male: 'male', m: 'male', man: 'male', '男': 'male', '男性': 'male',
  female: 'female', f: 'female', woman: 'female', '女': 'female', '女性': 'female',
  other: 'other', o: 'other', '其他': 'other', 'その他': 'other',
};
const AGE = /^\d{1,3}$/;
const PHONE = /^\+?[0-9]{3,20}$/;
/** Our exports prefix cells that would run as formulas with `'`: an import takes it off again. */
const NEUTRALISED = /^'[=+\-@\t\r]/;

/**
 * Reads one record as a customer: the mapped cells (a dictionary fills the empty ones),
 * phone numbers normalised like every other write path (a leading 0 stripped first when
 * asked), custom values checked by their fields' types (`validateCustomValues`) and the
 * standard fields by `customerInputSchema` — the same rules as a form or the API.
 */
export function readCustomerRow(record: CsvRecord, rules: RowRules): CustomerRow | RejectedRow {
  const { line, cells } = record;
  if (record.error) return { line, cells, reason: record.error };
  if (rules.headerWidth > 0 && cells.length > rules.headerWidth) {
    for (let i = rules.headerWidth; i < cells.length; i++) {
      if (cells[i]!.trim() !== '') return { line, cells, reason: `${cells.length} cells, but the header has ${rules.headerWidth} columns` };
    }
  }
  const raw: Record<string, string> = {};
  const phones: string[] = [];
  for (const column of rules.mapping.columns) {
    let cell = cells[column.index];
    if (cell === undefined) continue;
    if (cell.charCodeAt(0) === 39 && NEUTRALISED.test(cell)) cell = cell.slice(1);
    cell = cell.trim();
    if (cell === '') continue;
    if (column.field === 'phones') {
      if (!PHONE_SEPARATORS.test(cell)) phones.push(cell);
      else for (const part of cell.split(PHONE_SEPARATORS)) if (part.trim() !== '') phones.push(part.trim());
    } else {
      raw[column.field] = cell;
    }
  }
  for (const dictionary of rules.dictionaries) fillFromDictionary(raw, phones, dictionary);

  const issues: FieldIssue[] = [];
  for (const field of rules.requiredFields) {
    if (field === 'phones' ? phones.length === 0 : raw[field] === undefined) issues.push({ path: field, message: 'required for this import' });
  }

  const numbers: string[] = [];
  for (let i = 0; i < phones.length; i++) {
    const phone = phones[i]!;
    const text = rules.stripLeadingZero && phone.startsWith('0') ? phone.slice(1) : phone;
    const number = rules.numbers.normalize(text);
    if (!PHONE.test(number)) issues.push({ path: `phones.${i}`, message: `a phone number expected, not "${phone.slice(0, 40)}"` });
    else if (!numbers.includes(number)) numbers.push(number);
  }

  const given = new GivenFields(raw, numbers.length > 0);
  const customRaw: Record<string, string> = {};
  for (const field of rules.fields) {
    const value = raw[field.name];
    if (value !== undefined) customRaw[field.name] = value;
  }
  const custom = validateCustomValues(rules.fields, customRaw, { partial: true });
  issues.push(...custom.issues);

  const gender = raw['gender'] === undefined ? null : (GENDERS[raw['gender'].toLowerCase()] ?? raw['gender']);
  const ageText = raw['age'];
  if (ageText !== undefined && !AGE.test(ageText)) issues.push({ path: 'age', message: 'a whole number of years expected' });

  // The import's own tags, shared by every row that names none (rows' values are never changed in place).
  let tags = rules.fixed.tagIds as string[];
  const newTags: string[] = [];
  if (raw['tags'] !== undefined) {
    tags = [...tags];
    for (const name of raw['tags'].split(/[;,|]/)) {
      const trimmed = name.trim().slice(0, 100);
      if (trimmed === '') continue;
      const id = rules.tagIds.get(trimmed.toLowerCase());
      if (id !== undefined) {
        if (!tags.includes(id)) tags.push(id);
      } else if (!newTags.includes(trimmed)) {
        newTags.push(trimmed);
      }
    }
  }

  const input = {
    name: raw['name'] ?? '',
    phones: numbers,
    email: raw['email'] ?? null,
    gender,
    age: ageText !== undefined && AGE.test(ageText) ? Number(ageText) : null,
    address: raw['address'] ?? null,
    area: raw['area'] ?? null,
    notes: raw['notes'] ?? null,
    tags,
    agentNumber: raw['agentNumber'] ?? rules.fixed.agentNumber,
  };
  // The schema is asked only when the values are not plainly acceptable as they are (rare): it decides and words the reasons.
  let d: Partial<Parsed> = input as Partial<Parsed>;
  if (!acceptedAsIs(input)) {
    const parsed = rules.schema.safeParse(input);
    if (parsed.success) d = parsed.data as Partial<Parsed>;
    else issues.push(...fieldIssuesFromZod(parsed.error));
  }
  if (issues.length > 0) return { line, cells, reason: issues.map((i) => `${i.path}: ${i.message}`).join('; ') };

  const missingRequired: string[] = [];
  for (const f of rules.fields) if (f.required && custom.values[f.name] === undefined && rules.defaults[f.name] === undefined) missingRequired.push(f.name);
  return {
    line,
    cells,
    given,
    newTags,
    missingRequired,
    // Fields outside the narrowed schema are the values checked once, or their defaults.
    values: {
      packageId: rules.packageId,
      name: d.name ?? input.name,
      phones: d.phones ?? numbers,
      email: d.email ?? null,
      gender: d.gender ?? null,
      age: d.age ?? null,
      address: d.address ?? null,
      area: d.area ?? null,
      notes: d.notes ?? null,
      custom: custom.values as Record<string, CustomValue>,
      tags: d.tags ?? tags,
      dataSourceId: rules.fixed.dataSourceId,
      taskId: rules.fixed.taskId,
      agentNumber: d.agentNumber ?? input.agentNumber,
      allocatedAt: null,
      totalCalls: 0,
      lastCallResult: null,
      funnelStage: null,
      noCall: false,
    },
  };
}

/** Fills what the row leaves empty from the dictionary entry its key value finds (§3.3.9). */
function fillFromDictionary(raw: Record<string, string>, phones: string[], dictionary: ImportDictionary): void {
  const key = dictionary.keyField === 'phones' ? phones[0] : raw[dictionary.keyField];
  if (key === undefined) return;
  const entry = dictionary.entries.get(key);
  if (!entry) return;
  for (const [column, value] of Object.entries(entry)) {
    const field = dictionary.columns.get(column);
    if (field === undefined || value.trim() === '') continue;
    if (field === 'phones') {
      if (phones.length === 0) phones.push(value.trim());
    } else if (raw[field] === undefined) {
      raw[field] = value.trim();
    }
  }
}
