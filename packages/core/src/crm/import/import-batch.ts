import type { Knex } from 'knex';
import type { BloomFilter } from '../../collections/bloom-filter.js';
import type { ScreenResult } from '../../compliance/dnc-screen.js';
import { ConflictError } from '../../errors/errors.js';
import { bulkStatements, type BulkStatements } from '../../storage/bulk-statements.js';
import type { StorageDialect } from '../../storage/config.js';
import { PHONE_COLUMNS, uniqueValueConflict } from '../../storage/repositories/customers.js';
import { customerValueSql, isStandardColumn } from '../../storage/repositories/package-indexes.js';
import type { JobError } from '../../jobs/model.js';
import { LABEL_PALETTE } from '../catalog.js';
import type { CustomValue } from '../custom-values.js';
import type { UniqueField } from '../customers.js';
import type { CustomerRow } from './customer-rows.js';

/** Screens numbers against the do-not-call lists (the compliance engine's `DncScreen`). */
export interface NumberScreen {
  screenNow(tenantId: string, customerPackageId: string | null, numbers: readonly string[]): ScreenResult;
}

/** What every batch of one import shares. */
export interface BatchSettings {
  tenantId: string;
  jobId: string;
  packageId: string | null;
  /** The package's number scope (`CustomerRepository.numberScope`): the numbers' unique index holds it. */
  numberScope: number;
  /**
   * The numbers this import gave customers of the package, kept while the package had no
   * customer when the import began (decision 54): a number the filter certainly does not
   * hold is no customer's of the package, and is not looked up. Another writer's number
   * meanwhile meets the unique index (ConflictError): the caller then writes that batch row by
   * row without the filter. The batch adds the numbers it writes.
   */
  writtenNumbers?: BloomFilter;
  phoneUniqueness: 'package' | 'global';
  /** The tenant's other packages whose numbers are globally unique: a number their customers hold is no other package's. */
  globalPackageIds: readonly string[];
  /** Fields whose values no two customers of the package share: its unique key fields and custom fields marked unique (`packageUniqueFields`). */
  uniqueFields: readonly UniqueField[];
  /** Custom values a new customer gets for the fields its row leaves empty (`customDefaults`). */
  defaults: Readonly<Record<string, CustomValue>>;
  /** §3.2 "When data is repeated": update the customer, or list the existing one for pre-dial. */
  onDuplicate: 'update' | 'pre-dial';
  /** §3.2 "Import pre-dial": list the new customers for pre-dial. */
  importToPreDial: boolean;
  taskId: string | null;
  dnc: 'ignore' | 'skip' | 'flag';
  screen: NumberScreen | undefined;
  dialect: StorageDialect;
  now: number;
  newId: () => string;
}

export interface BatchOutcome {
  created: number;
  updated: number;
  /** Rows whose number some customer of the package already had (or an earlier row of the file). */
  duplicates: number;
  preDial: number;
  /** Rows imported although a number is on a do-not-call list (`dnc: 'flag'`): kept off the pre-dial list. */
  flagged: number;
  succeeded: number;
  errors: JobError[];
  /** Tags the batch created, by lower-case name. */
  createdTags: Map<string, string>;
  /** Existing customers the batch gave new numbers, with all their numbers now: the screen follows those it holds as highlighted. */
  numbersAdded: Array<{ customerId: string; numbers: string[] }>;
}

type Value = string | number | boolean | null;

const CUSTOMER_COLUMNS = [
  'id', 'tenant_id', 'package_key', 'name', 'email', 'gender', 'age', 'address', 'area', 'notes', 'custom', 'tags', 'data_source_id',
  'task_id', 'agent_number', 'allocated_at', 'total_calls', 'last_call_result', 'funnel_stage', 'no_call', 'created_at', 'updated_at',
] as const;
const PRE_DIAL_COLUMNS = ['id', 'tenant_id', 'package_key', 'customer_id', 'number', 'task_id', 'import_job_id', 'created_at'] as const;
const STANDARD_FIELDS = ['name', 'email', 'gender', 'age', 'address', 'area', 'notes'] as const;
const LOOKUP = 500;
const marks = (n: number) => Array.from({ length: n }, () => '?').join(',');
/** Ids are letters, digits and `-` (checked before they are written into SQL). */
const literal = (id: string): string => {
  if (!/^[A-Za-z0-9-]*$/.test(id)) throw new Error('unexpected id format');
  return id;
};

interface Pending {
  id: string;
  row: CustomerRow;
  values: CustomerRow['values'];
}

/**
 * Writes one batch of an import in the caller's transaction, with a few statements per
 * table rather than a round trip per row: looks the batch's numbers up in the package (and
 * in the others when its numbers are globally unique), decides per row — new customer,
 * duplicate to update, duplicate to list for pre-dial, or an error — following the manual's
 * matrix (§3.2), then inserts the new customers, their numbers and the pre-dial entries in
 * multi-row INSERTs and updates the duplicates. A row repeating a number of an earlier row
 * of the same file is a duplicate of the customer that row created.
 */
export async function writeBatch(trx: Knex, settings: BatchSettings, rows: readonly CustomerRow[], tagIds: ReadonlyMap<string, string>): Promise<BatchOutcome> {
  const { tenantId } = settings;
  const packageKey = settings.packageId ?? '';
  const db = await bulkStatements(trx, settings.dialect);
  const outcome: BatchOutcome = { created: 0, updated: 0, duplicates: 0, preDial: 0, flagged: 0, succeeded: 0, errors: [], createdTags: new Map(), numbersAdded: [] };
  const reject = (row: CustomerRow, reason: string) => outcome.errors.push({ line: row.line, reason, cells: row.cells });

  // Do-not-call screening (an option of the import).
  const flagged = new Set<CustomerRow>();
  let live: CustomerRow[] = [...rows];
  if (settings.screen && settings.dnc !== 'ignore') {
    // The whole batch's numbers in one screening; each row's numbers are a run of them.
    const all: string[] = [];
    for (const row of rows) for (const phone of row.values.phones) all.push(phone);
    const result = settings.screen.screenNow(tenantId, settings.packageId, all);
    if (result.blocked > 0) {
      live = [];
      let start = 0;
      for (const row of rows) {
        const end = start + row.values.phones.length;
        let index = start;
        while (index < end && result.verdicts[index] === 0) index++;
        start = end;
        if (index === end) live.push(row);
        else if (settings.dnc === 'skip') reject(row, `phones: ${all[index]} must not be called (${result.blockedBy(index) ?? 'dnc'})`);
        else {
          flagged.add(row);
          live.push(row);
        }
      }
    }
  }

  // Tags named by rows that no tag has yet are created; rows are copied, never changed (a batch may be written twice).
  const tags = await createTags(db, settings, live, tagIds, outcome.createdTags);
  if (tags.size > 0) {
    live = live.map((row) => {
      if (row.newTags.length === 0) return row;
      const ids = row.newTags.map((name) => tags.get(name.toLowerCase())).filter((id): id is string => id !== undefined);
      const copy = { ...row, values: { ...row.values, tags: [...new Set([...row.values.tags, ...ids])] } };
      if (flagged.has(row)) flagged.add(copy);
      return copy;
    });
  }

  // Who has these numbers already; and, where numbers are globally unique, which other package's customer (either way round).
  const numbers = [...new Set(live.flatMap((row) => row.values.phones))];
  const owner = new Map<string, string>();
  const elsewhere = new Map<string, string>();
  const globallyUnique = settings.phoneUniqueness === 'global';
  const otherPackages = globallyUnique ? 'package_key <> ?' : `package_key in (${settings.globalPackageIds.map((id) => `'${literal(id)}'`).join(',')})`;
  const written = settings.writtenNumbers;
  const inPackage = written ? numbers.filter((number) => written.mayHold(number)) : numbers;
  for (let i = 0; i < inPackage.length; i += LOOKUP) {
    const chunk = inPackage.slice(i, i + LOOKUP);
    const found = await db.all<{ number: string; customer_id: string }>(`select number, customer_id from customer_phones where scope = ? and number in (${marks(chunk.length)})`, [settings.numberScope, ...chunk]);
    for (const f of found) owner.set(f.number, f.customer_id);
  }
  if (globallyUnique || settings.globalPackageIds.length > 0) {
    for (let i = 0; i < numbers.length; i += LOOKUP) {
      const chunk = numbers.slice(i, i + LOOKUP);
      const other = await db.all<{ number: string; customer_id: string }>(`select number, customer_id from customer_phones where tenant_id = ? and ${otherPackages} and number in (${marks(chunk.length)})`, [tenantId, ...(globallyUnique ? [packageKey] : []), ...chunk]);
      for (const f of other) elsewhere.set(f.number, f.customer_id);
    }
  }

  // Who holds the values of the package's unique fields that the rows give (value → customer, by field).
  // A custom field is looked up by its custom value, even one named like a standard field (as CustomerService checks it).
  const holders = new Map<UniqueField, Map<string, string>>();
  for (const field of settings.uniqueFields) {
    const byDefault = field.custom ? settings.defaults[field.name] : undefined;
    const values = [...new Set([...live.map((row) => uniqueValue(row.values, field)), typeof byDefault === 'string' || typeof byDefault === 'number' ? byDefault : undefined].filter((v): v is string | number => v !== undefined))];
    const held = new Map<string, string>();
    for (let i = 0; i < values.length; i += LOOKUP) {
      const chunk = values.slice(i, i + LOOKUP);
      const expression = customerValueSql(settings.dialect, field.name, field.custom);
      // A package's unique index is partial (its tenant and package written in it): the query names them the same way, as literals, so the planner can use it.
      const found = await db.all<{ id: string; v: unknown }>(`select id, ${expression} as v from customers where tenant_id = '${literal(tenantId)}' and package_key = '${literal(packageKey)}' and ${expression} in (${marks(chunk.length)})`, chunk);
      for (const f of found) held.set(String(f.v), f.id);
    }
    holders.set(field, held);
  }
  /** The first value of a unique field the row gives that another customer than `self` holds. */
  const uniqueClash = (values: CustomerRow['values'], given: (field: string) => boolean, self?: string): string | undefined => {
    for (const field of settings.uniqueFields) {
      const value = given(field.name) ? uniqueValue(values, field) : undefined;
      const holder = value === undefined ? undefined : holders.get(field)?.get(String(value));
      // A custom field named like a standard one is told apart by its `custom.` prefix.
      const name = field.custom && isStandardColumn(field.name) ? `custom.${field.name}` : field.name;
      if (holder !== undefined && holder !== self) return `${name}: another customer of the package has the value "${String(value)}"`;
    }
    return undefined;
  };
  const hold = (values: CustomerRow['values'], given: (field: string) => boolean, id: string) => {
    for (const field of settings.uniqueFields) {
      const value = given(field.name) ? uniqueValue(values, field) : undefined;
      if (value !== undefined) holders.get(field)?.set(String(value), id);
    }
  };

  // Decide, row by row, in the file's order.
  const fresh: Pending[] = [];
  const freshById = new Map<string, Pending>();
  const updates = new Map<string, CustomerRow[]>();
  const preDial = new Map<string, string>();
  const noDefaults = Object.keys(settings.defaults).length === 0;
  rows: for (const row of live) {
    let match: string | undefined;
    let several = false;
    for (const number of row.values.phones) {
      if (elsewhere.has(number)) {
        reject(row, `phones: ${number} belongs to a customer of another package, and ${globallyUnique ? "this package's" : "that package's"} numbers are globally unique`);
        continue rows;
      }
      const id = owner.get(number);
      if (id === undefined) continue;
      if (match === undefined) match = id;
      else if (id !== match) several = true;
    }
    if (several) {
      const owners = new Set(row.values.phones.map((n) => owner.get(n)).filter((id) => id !== undefined));
      reject(row, `phones: its numbers belong to ${owners.size} different customers`);
      continue;
    }
    if (match === undefined) {
      if (row.missingRequired.length > 0) {
        reject(row, row.missingRequired.map((name) => `custom.${name}: required`).join('; '));
        continue;
      }
      // A new customer: the fields its row leaves empty take their defaults (the row itself when nothing changes: rows are never changed in place).
      const allocated = allocatedAt(row.values, settings.now);
      const values = noDefaults && allocated === null ? row.values : { ...row.values, custom: { ...settings.defaults, ...row.values.custom }, allocatedAt: allocated };
      const clash = uniqueClash(values, everyField);
      if (clash !== undefined) {
        reject(row, clash);
        continue;
      }
      const pending: Pending = { id: settings.newId(), row, values };
      hold(values, everyField, pending.id);
      fresh.push(pending);
      freshById.set(pending.id, pending);
      for (const number of row.values.phones) owner.set(number, pending.id);
      outcome.created++;
      if (settings.importToPreDial && !flagged.has(row) && row.values.phones.length > 0) preDial.set(pending.id, row.values.phones[0]!);
    } else {
      // What the row gives replaces the customer's value: that value must be no other customer's.
      const given = (field: string) => row.given.has(field);
      const clash = settings.onDuplicate === 'update' ? uniqueClash(row.values, given, match) : undefined;
      if (clash !== undefined) {
        reject(row, clash);
        continue;
      }
      if (settings.onDuplicate === 'update') hold(row.values, given, match);
      outcome.duplicates++;
      if (settings.onDuplicate === 'update') {
        const pending = freshById.get(match);
        if (pending) pending.values = merge(pending.values, row, settings.now);
        else updates.set(match, [...(updates.get(match) ?? []), row]);
        for (const number of row.values.phones) owner.set(number, match);
        outcome.updated++;
      } else if (!flagged.has(row)) {
        preDial.set(match, row.values.phones.find((n) => owner.get(n) === match) ?? row.values.phones[0]!);
      }
    }
    if (flagged.has(row)) outcome.flagged++;
    outcome.succeeded++;
  }

  outcome.numbersAdded = await updateExisting(db, settings, updates);
  await insertFresh(db, settings, fresh);
  outcome.preDial = await listForPreDial(db, settings, preDial);
  return outcome;
}

const everyField = (): boolean => true;

/** A customer's value of a unique field, as the index compares it. */
function uniqueValue(values: CustomerRow['values'], field: UniqueField): string | number | undefined {
  const value: unknown = field.custom ? values.custom[field.name] : (values as unknown as Record<string, unknown>)[field.name];
  return typeof value === 'string' || typeof value === 'number' ? value : undefined;
}

const allocatedAt = (values: CustomerRow['values'], now: number): number | null => (values.agentNumber !== null || values.taskId !== null ? now : null);

/** A duplicate row over the customer it repeats: the values it gives replace, custom values and tags merge, new numbers are added. */
function merge(current: CustomerRow['values'], row: CustomerRow, now: number): CustomerRow['values'] {
  const next = { ...current, custom: { ...current.custom, ...row.values.custom } as Record<string, CustomValue> };
  for (const field of STANDARD_FIELDS) if (row.given.has(field)) (next as Record<string, unknown>)[field] = row.values[field];
  next.tags = [...new Set([...current.tags, ...row.values.tags])];
  next.phones = [...new Set([...current.phones, ...row.values.phones])].slice(0, 10);
  if (current.dataSourceId === null) next.dataSourceId = row.values.dataSourceId;
  const agent = row.values.agentNumber ?? current.agentNumber;
  const task = row.values.taskId ?? current.taskId;
  if (agent !== current.agentNumber || task !== current.taskId) {
    next.agentNumber = agent;
    next.taskId = task;
    next.allocatedAt = now;
  }
  return next;
}

async function createTags(db: BulkStatements, settings: BatchSettings, rows: readonly CustomerRow[], known: ReadonlyMap<string, string>, created: Map<string, string>): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  for (const row of rows) for (const name of row.newTags) if (!known.has(name.toLowerCase()) && !names.has(name.toLowerCase())) names.set(name.toLowerCase(), name);
  if (names.size === 0) return created;
  const values = [...names.values()].map((name, i) => [settings.newId(), settings.tenantId, name, LABEL_PALETTE[i % LABEL_PALETTE.length]!, '', settings.now, settings.now]);
  await db.insert('customer_tags', ['id', 'tenant_id', 'name', 'color', 'description', 'created_at', 'updated_at'], values, ['tenant_id', 'name']);
  const found = await db.all<{ id: string; name: string }>(`select id, name from customer_tags where tenant_id = ? and name in (${marks(names.size)})`, [settings.tenantId, ...names.values()]);
  for (const tag of found) created.set(tag.name.toLowerCase(), tag.id);
  return created;
}

async function insertFresh(db: BulkStatements, settings: BatchSettings, fresh: readonly Pending[]): Promise<void> {
  if (fresh.length === 0) return;
  const packageKey = settings.packageId ?? '';
  const customers: Value[][] = [];
  const phones: Value[][] = [];
  for (const { id, values: v } of fresh) {
    customers.push([
      id, settings.tenantId, packageKey, v.name, v.email, v.gender, v.age, v.address, v.area, v.notes, JSON.stringify(v.custom), JSON.stringify(v.tags), v.dataSourceId,
      v.taskId, v.agentNumber, v.allocatedAt, 0, null, null, false, settings.now, settings.now,
    ]);
    v.phones.forEach((number, position) => {
      phones.push([settings.tenantId, packageKey, settings.numberScope, id, number, position]);
      settings.writtenNumbers?.add(number);
    });
  }
  await db.insert('customers', CUSTOMER_COLUMNS, customers);
  await db.insert('customer_phones', PHONE_COLUMNS, phones);
}

/** Writes the merged duplicates; returns those that got new numbers. */
async function updateExisting(db: BulkStatements, settings: BatchSettings, updates: ReadonlyMap<string, CustomerRow[]>): Promise<BatchOutcome['numbersAdded']> {
  const numbersAdded: BatchOutcome['numbersAdded'] = [];
  const ids = [...updates.keys()];
  const packageKey = settings.packageId ?? '';
  for (let i = 0; i < ids.length; i += LOOKUP) {
    const chunk = ids.slice(i, i + LOOKUP);
    // By id alone: with `tenant_id = ?` too, SQLite may prefer an index on the tenant and read all its customers.
    // The ids come from this tenant's numbers; the check below keeps it honest.
    const stored = (await db.all<Record<string, unknown>>(`select * from customers where id in (${marks(chunk.length)})`, chunk)).filter((row) => row['tenant_id'] === settings.tenantId);
    const phoneRows = await db.all<{ customer_id: string; number: string }>(`select customer_id, number from customer_phones where customer_id in (${marks(chunk.length)}) order by customer_id, position`, chunk);
    const phonesOf = new Map<string, string[]>();
    for (const p of phoneRows) phonesOf.set(p.customer_id, [...(phonesOf.get(p.customer_id) ?? []), p.number]);
    const added: Value[][] = [];
    for (const row of stored) {
      const id = String(row['id']);
      const before = fromStored(row, phonesOf.get(id) ?? []);
      let after = before;
      for (const update of updates.get(id) ?? []) after = merge(after, update, settings.now);
      // Only the columns that change: an unchanged indexed column costs no index update.
      const changed: string[] = [];
      const values: Value[] = [];
      const set = (column: string, from: Value, to: Value) => {
        if (from === to) return;
        changed.push(`${column} = ?`);
        values.push(to);
      };
      set('name', before.name, after.name);
      set('email', before.email, after.email);
      set('gender', before.gender, after.gender);
      set('age', before.age, after.age);
      set('address', before.address, after.address);
      set('area', before.area, after.area);
      set('notes', before.notes, after.notes);
      set('custom', JSON.stringify(before.custom), JSON.stringify(after.custom));
      set('tags', JSON.stringify(before.tags), JSON.stringify(after.tags));
      set('data_source_id', before.dataSourceId, after.dataSourceId);
      set('task_id', before.taskId, after.taskId);
      set('agent_number', before.agentNumber, after.agentNumber);
      set('allocated_at', before.allocatedAt, after.allocatedAt);
      try {
        await db.run(`update customers set ${changed.join(', ')}${changed.length > 0 ? ', ' : ''}updated_at = ? where id = ?`, [...values, settings.now, id]);
      } catch (error) {
        throw error instanceof ConflictError ? uniqueValueConflict(error.cause ?? error) : error;
      }
      after.phones.forEach((number, position) => {
        if (position < before.phones.length) return;
        added.push([settings.tenantId, packageKey, settings.numberScope, id, number, position]);
        settings.writtenNumbers?.add(number);
      });
      if (after.phones.length > before.phones.length) numbersAdded.push({ customerId: id, numbers: after.phones });
    }
    await db.insert('customer_phones', PHONE_COLUMNS, added);
  }
  return numbersAdded;
}

function fromStored(row: Record<string, unknown>, phones: string[]): CustomerRow['values'] {
  const text = (key: string) => (row[key] === null || row[key] === undefined ? null : String(row[key]));
  return {
    packageId: text('package_key') || null,
    name: String(row['name'] ?? ''),
    phones,
    email: text('email'),
    gender: text('gender') as CustomerRow['values']['gender'],
    age: row['age'] === null || row['age'] === undefined ? null : Number(row['age']),
    address: text('address'),
    area: text('area'),
    notes: text('notes'),
    custom: JSON.parse(String(row['custom'] ?? '{}')) as Record<string, CustomValue>,
    tags: JSON.parse(String(row['tags'] ?? '[]')) as string[],
    dataSourceId: text('data_source_id'),
    taskId: text('task_id'),
    agentNumber: text('agent_number'),
    allocatedAt: row['allocated_at'] === null || row['allocated_at'] === undefined ? null : Number(row['allocated_at']),
    totalCalls: Number(row['total_calls'] ?? 0),
    lastCallResult: text('last_call_result'),
    funnelStage: text('funnel_stage'),
    noCall: Boolean(row['no_call']),
  };
}

/** Lists customers for pre-dial, once per import: a customer this import listed already is not listed again. */
async function listForPreDial(db: BulkStatements, settings: BatchSettings, entries: ReadonlyMap<string, string>): Promise<number> {
  if (entries.size === 0) return 0;
  const ids = [...entries.keys()];
  const listed = new Set<string>();
  for (let i = 0; i < ids.length; i += LOOKUP) {
    const chunk = ids.slice(i, i + LOOKUP);
    // By customer (its index), not by tenant and job, which would read every entry of the job.
    const found = await db.all<{ customer_id: string }>(`select customer_id from pre_dial_entries where customer_id in (${marks(chunk.length)}) and import_job_id = ?`, [...chunk, settings.jobId]);
    for (const f of found) listed.add(f.customer_id);
  }
  const rows = ids.filter((id) => !listed.has(id)).map((id) => [settings.newId(), settings.tenantId, settings.packageId ?? '', id, entries.get(id)!, settings.taskId, settings.jobId, settings.now]);
  await db.insert('pre_dial_entries', PRE_DIAL_COLUMNS, rows);
  return rows.length;
}
