import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import { ConflictError } from '../../errors/errors.js';
import type { Logger } from '../../logging/logger.js';
import type { StorageDialect } from '../config.js';
import { withStorageErrors } from '../db-errors.js';

/** Standard customer fields a package may index, by their column. */
const STANDARD_COLUMNS: Record<string, string> = { name: 'name', email: 'email', gender: 'gender', age: 'age', address: 'address', area: 'area' };

/** Whether `field` names a standard customer field, which has a column of its own. */
export const isStandardColumn = (field: string): boolean => Object.hasOwn(STANDARD_COLUMNS, field);

/**
 * The SQL expression for a customer field, standard (a column) or custom (inside the JSON).
 * `custom`: the value of a custom field, even one named like a standard field (created
 * before such names were refused): a custom field marked unique is about its own value.
 */
export function customerValueSql(dialect: StorageDialect, field: string, custom = false): string {
  const column = custom ? undefined : STANDARD_COLUMNS[field];
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

/** Up to `limit` values of `field` that several customers of the package share: what a unique index would refuse. */
export async function repeatedValues(db: Knex, dialect: StorageDialect, tenantId: string, packageId: string | null, field: string, limit = 5, custom = false): Promise<string[]> {
  const expression = customerValueSql(dialect, field, custom);
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

/** Refuses to make `field` unique in a package whose customers already repeat its values, naming a few. `custom`: the custom field's value (see customerValueSql). */
export async function refuseRepeatedValues(db: Knex, dialect: StorageDialect, tenantId: string, packageId: string | null, packageName: string, field: string, custom = false): Promise<void> {
  const repeated = await repeatedValues(db, dialect, tenantId, packageId, field, 5, custom);
  if (repeated.length === 0) return;
  throw repeatedConflict(packageName, field, repeated);
}

function repeatedConflict(packageName: string, field: string, repeated: readonly string[]): ConflictError {
  return new ConflictError(`Customers of package "${packageName}" already repeat values of ${field} (${repeated.map((v) => `"${v}"`).join(', ')}): it cannot be unique until they differ`, {
    details: { field, values: repeated },
  });
}

/** What a save asks of the indexes beyond the package's own rows. */
export interface SyncOptions {
  /**
   * The fields this save makes unique: a unique index of one of them that cannot be built
   * because customers repeat a value refuses the save (ConflictError naming the values).
   * Any other unique field whose index is missing and cannot be built (marked unique before
   * uniqueness was enforced) is left without one, with a warning: the service's and the
   * import's checks keep enforcing it, and an unrelated save is not refused for it.
   */
  newlyUnique?: readonly string[];
  logger?: Logger | undefined;
}

/** One index a package asks for: `kind` u (unique), c (unique, the custom value of a field named like a standard one), i (plain). */
interface WantedIndex {
  field: string;
  kind: 'u' | 'c' | 'i';
  custom: boolean;
}

/**
 * Creates the indexes a stored package asks for — unique ones for its unique key fields and
 * its custom fields marked unique (over the custom value, whatever the field's name), plain
 * ones for its index fields: partial expression indexes over that package's customers only —
 * and drops those no longer asked for. Run it in the transaction of the save it follows, so
 * that a refusal takes the save back.
 */
export async function syncPackageIndexes(db: Knex, dialect: StorageDialect, pkg: IndexedPackage, options: SyncOptions = {}): Promise<void> {
  const keys = pkg.uniqueKeyFields.filter((f) => f !== 'phones');
  const customUnique = await uniqueCustomFields(db, pkg.tenantId, pkg.id);
  // A unique key field and a unique custom field of the same (custom) name are one expression, one index.
  const sameAsKey = (field: string) => keys.includes(field) && !isStandardColumn(field);
  const wanted: WantedIndex[] = [
    ...keys.map((field) => ({ field, kind: 'u' as const, custom: false })),
    ...customUnique.filter((f) => !sameAsKey(f)).map((field) => ({ field, kind: isStandardColumn(field) ? ('c' as const) : ('u' as const), custom: true })),
    ...pkg.indexFields.filter((f) => f !== 'phones' && !keys.includes(f) && !(customUnique.includes(f) && !isStandardColumn(f))).map((field) => ({ field, kind: 'i' as const, custom: false })),
  ];
  const existing = await packageIndexList(db, dialect, `cpx_${compact(pkg.id)}_`);
  const plan = wanted.map((w) => {
    const name = indexName(pkg.id, w.field, w.kind);
    const legacy = legacyIndexName(pkg.id, w.field, w.kind);
    // An index made under the name cut at 63 characters serves on, if it is over this very field.
    const present = existing.find((e) => e.name === name) ?? (legacy === name ? undefined : existing.find((e) => e.name === legacy && mentionsField(dialect, e.definition, w.field)));
    return { ...w, name, present: present?.name };
  });
  const kept = new Set(plan.map((p) => p.present).filter((n): n is string => n !== undefined));
  for (const { name } of existing) if (!kept.has(name)) await withStorageErrors(() => db.raw(`drop index if exists ${name}`));
  for (const { field, kind, custom, name, present } of plan) {
    if (present !== undefined) continue;
    if (kind !== 'i') {
      const repeated = await repeatedValues(db, dialect, pkg.tenantId, pkg.id, field, 5, custom);
      if (repeated.length > 0) {
        if (options.newlyUnique?.includes(field)) throw repeatedConflict(pkg.displayName, field, repeated);
        options.logger?.warn(
          { tenantId: pkg.tenantId, packageId: pkg.id, field, values: repeated },
          `customer package "${pkg.displayName}": no unique index for ${field}, its customers repeat values; the checks on each write keep it unique`,
        );
        continue;
      }
    }
    const sql = createIndexSql(dialect, name, kind !== 'i', pkg.tenantId, pkg.id, customerValueSql(dialect, field, custom));
    await withStorageErrors(() => db.raw(sql), {
      conflict: (cause) => new ConflictError(`Customers of package "${pkg.displayName}" already repeat values of ${field}: it cannot be unique`, { cause, details: { field } }),
    });
  }
}

/** Drops every index of a package (it is being deleted). */
export async function dropPackageIndexes(db: Knex, dialect: StorageDialect, packageId: string): Promise<void> {
  for (const { name } of await packageIndexList(db, dialect, `cpx_${compact(packageId)}_`)) await withStorageErrors(() => db.raw(`drop index if exists ${name}`));
}

/** The field a package's unique index is for, read from a driver's unique violation (its message or constraint names the index). */
export function fieldOfUniqueIndex(cause: unknown): string | undefined {
  const error = (typeof cause === 'object' && cause !== null ? cause : {}) as { message?: unknown; constraint?: unknown };
  const text = `${typeof error.constraint === 'string' ? error.constraint : ''} ${typeof error.message === 'string' ? error.message : ''}`;
  const name = /cpx_[a-z0-9]+_[uc]_([a-z0-9_]+)/.exec(text)?.[1];
  // A long name ends in a hash of the whole name (indexName): the field is what comes before it, as far as it fits.
  return name?.replace(/_h[0-9a-f]{8}$/, '');
}

/** A package's indexes: names start with `prefix`; the definition says what each is over. */
async function packageIndexList(db: Knex, dialect: StorageDialect, prefix: string): Promise<Array<{ name: string; definition: string }>> {
  // `_` is a wildcard of LIKE: escaped, so that one package's prefix never matches another's indexes.
  const pattern = `${prefix.replace(/_/g, '\\_')}%`;
  const rows =
    dialect === 'sqlite'
      ? ((await db.raw("select name, sql as definition from sqlite_master where type = 'index' and name like ? escape '\\'", [pattern])) as Array<{ name: string; definition: string | null }>)
      : ((await db.raw("select indexname as name, indexdef as definition from pg_indexes where schemaname = current_schema() and indexname like ? escape '\\'", [pattern])) as { rows: Array<{ name: string; definition: string | null }> }).rows;
  return rows.map((r) => ({ name: r.name, definition: r.definition ?? '' }));
}

/** Whether an index definition is over the custom value `field` (not another one sharing its first characters). */
function mentionsField(dialect: StorageDialect, definition: string, field: string): boolean {
  return definition.includes(dialect === 'sqlite' ? `'$.${field}'` : `'${field}'`);
}

/** The longest name PostgreSQL keeps (NAMEDATALEN - 1); SQLite takes what PostgreSQL takes. */
const MAX_NAME = 63;

/**
 * Index names carry the package, the field and the kind (u unique, c unique over the custom
 * value of a field named like a standard one, i plain), so that syncing can tell them apart.
 * A name longer than 63 characters keeps its first 53 and ends in `_h` and 8 hex digits of
 * a hash of the whole name: two long fields sharing a prefix get two indexes. Names that fit
 * are as they always were.
 */
export function indexName(packageId: string, field: string, kind: 'u' | 'c' | 'i'): string {
  const full = `cpx_${compact(packageId)}_${kind}_${field}`;
  if (full.length <= MAX_NAME) return full;
  return `${full.slice(0, MAX_NAME - 11)}_h${createHash('sha256').update(full).digest('hex').slice(0, 8)}`;
}

/** The name an index had before long names were hashed: cut at 63 characters. */
function legacyIndexName(packageId: string, field: string, kind: 'u' | 'c' | 'i'): string {
  return `cpx_${compact(packageId)}_${kind}_${field}`.slice(0, MAX_NAME);
}

const compact = (id: string): string => id.replace(/[^A-Za-z0-9]/g, '').slice(0, 24).toLowerCase();

/**
 * The expression must be written exactly as queries write it for the index to serve them
 * (customerValueSql). Names are validated identifiers and ids are UUID-like, so they are
 * safe to inline; DDL takes no bound parameters.
 */
function createIndexSql(dialect: StorageDialect, name: string, unique: boolean, tenantId: string, packageId: string, expression: string): string {
  if (!/^[A-Za-z0-9-]+$/.test(tenantId) || !/^[A-Za-z0-9-]+$/.test(packageId)) throw new Error('unexpected id format');
  return `create ${unique ? 'unique ' : ''}index if not exists ${name} on customers (${expression}) where tenant_id = '${tenantId}' and package_key = '${packageId}'`;
}
