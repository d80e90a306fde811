/**
 * How an entity field is stored. SQLite has no boolean and no JSON type, so the codec
 * makes both dialects look the same to repositories:
 * - `text`, `number`: stored as is. (PostgreSQL bigint arrives as a number because the
 *   storage installs a per-connection int8 parser; see storage.ts.)
 * - `boolean`: SQLite stores 0/1; entities always see true/false.
 * - `json`: a text column holding JSON; entities see the parsed value.
 * `null` passes through every kind unchanged (a nullable column).
 */
export type ColumnKind = 'text' | 'number' | 'boolean' | 'json';

/** One ColumnKind for every field of the entity: a forgotten field is a type error. */
export type ColumnSpec<T> = { readonly [K in keyof T]-?: ColumnKind };

export type Row = Record<string, unknown>;

/** `createdAt` → `created_at`. */
export function snakeCase(name: string): string {
  return name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}

interface Field {
  readonly key: string;
  readonly column: string;
  readonly kind: ColumnKind;
}

/** Maps rows (snake_case columns) to entities (camelCase fields) and back. */
export class RowCodec<T extends object> {
  private readonly fields: readonly Field[];
  private readonly byKey: ReadonlyMap<string, Field>;

  constructor(spec: ColumnSpec<T>) {
    this.fields = Object.entries(spec as Record<string, ColumnKind>).map(([key, kind]) => ({ key, column: snakeCase(key), kind }));
    this.byKey = new Map(this.fields.map((field) => [field.key, field]));
  }

  has(key: string): boolean {
    return this.byKey.has(key);
  }

  /** The column that stores `key`, for where / orderBy clauses. */
  column(key: keyof T & string): string {
    const field = this.byKey.get(key);
    if (!field) throw new Error(`No column for field "${key}"`);
    return field.column;
  }

  fromRow(row: Row): T {
    const entity: Record<string, unknown> = {};
    for (const { key, column, kind } of this.fields) entity[key] = decode(kind, row[column]);
    return entity as T;
  }

  /** Only the fields present (not undefined) become columns, so a partial patch updates only what it names. */
  toRow(values: Partial<T>): Row {
    const row: Row = {};
    for (const [key, value] of Object.entries(values)) {
      if (value === undefined) continue;
      const field = this.byKey.get(key);
      if (!field) continue;
      row[field.column] = encode(field.kind, value);
    }
    return row;
  }
}

function decode(kind: ColumnKind, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  switch (kind) {
    case 'boolean':
      return Boolean(value);
    case 'json':
      // jsonb columns come back parsed from pg; text columns hold the encoded string.
      return typeof value === 'string' ? (JSON.parse(value) as unknown) : value;
    default:
      return value;
  }
}

function encode(kind: ColumnKind, value: unknown): unknown {
  if (value === null) return null;
  switch (kind) {
    case 'boolean':
      // knex's better-sqlite3 client binds booleans as 0/1; pg binds them as booleans.
      return Boolean(value);
    case 'json':
      return JSON.stringify(value);
    default:
      return value;
  }
}
