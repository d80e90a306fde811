import type { Knex } from 'knex';
import { ConflictError } from '../../errors/errors.js';
import type { StorageDialect } from '../config.js';
import { withStorageErrors } from '../db-errors.js';

/** Standard customer fields a package may index, by their column. */
const STANDARD_COLUMNS: Record<string, string> = { name: 'name', email: 'email', gender: 'gender', age: 'age', address: 'address', area: 'area' };

/** The SQL expression for a customer field, standard (a column) or custom (inside the JSON). */
export function customerValueSql(dialect: StorageDialect, field: string): string {
  const column = STANDARD_COLUMNS[field];
  if (column) return column;
  if (!/^[a-z][a-z0-9_]{0,39}$/.test(field)) throw new Error(`not a field name: ${field}`);
  return dialect === 'sqlite' ? `json_extract(custom, '$.${field}')` : `((custom::jsonb) ->> '${field}')`;
}

/** What a stored package's indexes are made from. */
export interface IndexedPackage {
  id: string;
  tenantId: string;
  displayName: string;
  uniqueKeyFields: readonly string[];
  indexFields: readonly string[];
}

/**
 * The custom fields of a package (null: the default package) marked `unique` (§3.2.1). Read
 * from the rows themselves, so a repository bound to a transaction sees its own changes.
 */
export async function uniqueCustomFields(db: Knex, tenantId: string, packageId: string | null): Promise<string[]> {
  const rows = (await withStorageErrors(() => db('custom_fields').where({ tenant_id: tenantId, package_key: packageId ?? '' }).orderBy('name').select('name', 'config'))) as Array<{ name: string; config: string }>;
  return rows.filter((row) => (JSON.parse(row.config) as { unique?: boolean }).unique === true).map((row) => row.name);
}

/** Every field whose values may not repeat in the package: its unique key fields and its custom fields marked unique. */
export async function uniqueFieldsOf(db: Knex, tenantId: string, packageId: string | null, uniqueKeyFields: readonly string[] = []): Promise<string[]> {
  return [...new Set([...uniqueKeyFields, ...(await uniqueCustomFields(db, tenantId, packageId))])].filter((field) => field !== 'phones');
}

/** Up to `limit` values of `field` that several customers of the package share: what a unique index would refuse. */
export async function repeatedValues(db: Knex, dialect: StorageDialect, tenantId: string, packageId: string | null, field: string, limit = 5): Promise<string[]> {
  const expression = customerValueSql(dialect, field);
  const rows = (await withStorageErrors(() =>
    db('customers')
      .where({ tenant_id: tenantId, package_key: packageId ?? '' })
      .whereRaw(`${expression} is not null`)
      .groupByRaw(expression)
      .havingRaw('count(*) > 1')
      .select(db.raw(`${expression} as v`))
      .limit(limit),
  )) as Array<{ v: unknown }>;
  return rows.map((row) => String(row.v));
}

/** Refuses to make `field` unique in a package whose customers already repeat its values, naming a few. */
export async function refuseRepeatedValues(db: Knex, dialect: StorageDialect, tenantId: string, packageId: string | null, packageName: string, field: string): Promise<void> {
  const repeated = await repeatedValues(db, dialect, tenantId, packageId, field);
  if (repeated.length === 0) return;
  throw new ConflictError(`Customers of package "${packageName}" already repeat values of ${field} (${repeated.map((v) => `"${v}"`).join(', ')}): it cannot be unique until they differ`, {
    details: { field, values: repeated },
  });
}

/**
 * Creates the indexes a stored package asks for — unique ones for its unique key fields and
 * its custom fields marked unique, plain ones for its index fields: partial expression
 * indexes over that package's customers only — and drops those no longer asked for. A
 * unique index that cannot be built because customers repeat a value is refused naming them.
 */
export async function syncPackageIndexes(db: Knex, dialect: StorageDialect, pkg: IndexedPackage): Promise<void> {
  const unique = await uniqueFieldsOf(db, pkg.tenantId, pkg.id, pkg.uniqueKeyFields);
  const wanted = [...unique.map((field) => ({ field, unique: true })), ...pkg.indexFields.filter((f) => f !== 'phones' && !unique.includes(f)).map((field) => ({ field, unique: false }))];
  const names = wanted.map((w) => indexName(pkg.id, w.field, w.unique));
  const existing = await indexNames(db, dialect, `cpx_${compact(pkg.id)}_`);
  for (const name of existing) if (!names.includes(name)) await withStorageErrors(() => db.raw(`drop index if exists ${name}`));
  for (const [i, { field, unique: isUnique }] of wanted.entries()) {
    if (existing.includes(names[i]!)) continue;
    if (isUnique) await refuseRepeatedValues(db, dialect, pkg.tenantId, pkg.id, pkg.displayName, field);
    const sql = createIndexSql(dialect, names[i]!, isUnique, pkg.tenantId, pkg.id, field);
    await withStorageErrors(() => db.raw(sql), {
      conflict: (cause) => new ConflictError(`Customers of package "${pkg.displayName}" already repeat values of ${field}: it cannot be unique`, { cause, details: { field } }),
    });
  }
}

/** Drops every index of a package (it is being deleted). */
export async function dropPackageIndexes(db: Knex, dialect: StorageDialect, packageId: string): Promise<void> {
  for (const name of await indexNames(db, dialect, `cpx_${compact(packageId)}_`)) await withStorageErrors(() => db.raw(`drop index if exists ${name}`));
}

/** The field a package's unique index is for, read from a driver's unique violation (its message or constraint names the index). */
export function fieldOfUniqueIndex(cause: unknown): string | undefined {
  const error = (typeof cause === 'object' && cause !== null ? cause : {}) as { message?: unknown; constraint?: unknown };
  const text = `${typeof error.constraint === 'string' ? error.constraint : ''} ${typeof error.message === 'string' ? error.message : ''}`;
  return /cpx_[a-z0-9]+_u_([a-z0-9_]+)/.exec(text)?.[1];
}

async function indexNames(db: Knex, dialect: StorageDialect, prefix: string): Promise<string[]> {
  // `_` is a wildcard of LIKE: escaped, so that one package's prefix never matches another's indexes.
  const pattern = `${prefix.replace(/_/g, '\\_')}%`;
  const rows =
    dialect === 'sqlite'
      ? ((await db.raw("select name from sqlite_master where type = 'index' and name like ? escape '\\'", [pattern])) as Array<{ name: string }>)
      : ((await db.raw("select indexname as name from pg_indexes where schemaname = current_schema() and indexname like ? escape '\\'", [pattern])) as { rows: Array<{ name: string }> }).rows;
  return rows.map((r) => r.name);
}

/** Index names carry the package, the field and uniqueness, so that syncing can tell them apart. */
export function indexName(packageId: string, field: string, unique: boolean): string {
  return `cpx_${compact(packageId)}_${unique ? 'u' : 'i'}_${field}`.slice(0, 63);
}

const compact = (id: string): string => id.replace(/[^A-Za-z0-9]/g, '').slice(0, 24).toLowerCase();

/**
 * The expression must be written exactly as queries write it for the index to serve them
 * (customerValueSql). Names are validated identifiers and ids are UUID-like, so they are
 * safe to inline; DDL takes no bound parameters.
 */
function createIndexSql(dialect: StorageDialect, name: string, unique: boolean, tenantId: string, packageId: string, field: string): string {
  if (!/^[A-Za-z0-9-]+$/.test(tenantId) || !/^[A-Za-z0-9-]+$/.test(packageId)) throw new Error('unexpected id format');
  return `create ${unique ? 'unique ' : ''}index if not exists ${name} on customers (${customerValueSql(dialect, field)}) where tenant_id = '${tenantId}' and package_key = '${packageId}'`;
}
