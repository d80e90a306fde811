import { fileURLToPath } from 'node:url';
import { ValidationError } from '../errors/errors.js';

export type StorageDialect = 'sqlite' | 'pg';

export type StorageConfig =
  | { client: 'sqlite'; filename: string }
  | { client: 'pg'; connection: string; schema?: string; pool?: { min?: number; max?: number } };

/** PostgreSQL's identifier limit is 63 bytes; unquoted-style names keep `searchPath` simple. */
const SCHEMA_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/** `scheme:` at the start of a string; one letter is a Windows drive (`C:\…`), not a scheme. */
const URL_SCHEME = /^([A-Za-z][A-Za-z0-9+.-]+):/;

const USAGE =
  'use a file path (./data/switchboard.db), :memory:, sqlite:<path>, file:<path> or postgres://user:password@host:port/database';

/**
 * Reads `DATABASE_URL`-style strings:
 * `:memory:`, `sqlite::memory:`, `sqlite:./data/x.db`, `sqlite:///abs/x.db`, `file:./x.db`,
 * `file:///abs/x.db`, a bare path, and `postgres://…` / `postgresql://…`
 * (`?schema=name` selects the schema).
 */
export function parseDatabaseUrl(url: string): StorageConfig {
  const input = url.trim();
  if (input === '') throw invalid('Database URL is empty', input);

  if (input === ':memory:') return { client: 'sqlite', filename: ':memory:' };

  const scheme = URL_SCHEME.exec(input)?.[1]?.toLowerCase();
  if (scheme === undefined) return { client: 'sqlite', filename: input };

  switch (scheme) {
    case 'sqlite':
      return { client: 'sqlite', filename: sqlitePath(input.slice('sqlite:'.length), input) };
    case 'file':
      return { client: 'sqlite', filename: filePath(input) };
    case 'postgres':
    case 'postgresql':
      return parsePostgresUrl(input);
    default:
      throw invalid(`Unsupported database URL scheme "${scheme}:"; ${USAGE}`, input);
  }
}

/** Checks a config built in code the same way a parsed URL is checked. */
export function validateStorageConfig(config: StorageConfig): StorageConfig {
  if (config.client === 'sqlite') {
    if (typeof config.filename !== 'string' || config.filename.trim() === '') {
      throw new ValidationError('SQLite filename is empty', [{ path: 'filename', message: 'required' }]);
    }
    return config;
  }
  if (config.client !== 'pg') {
    throw new ValidationError(`Unknown storage client "${String((config as { client: unknown }).client)}"; use "sqlite" or "pg"`, [
      { path: 'client', message: 'must be "sqlite" or "pg"' },
    ]);
  }
  if (typeof config.connection !== 'string' || config.connection.trim() === '') {
    throw new ValidationError('PostgreSQL connection string is empty', [{ path: 'connection', message: 'required' }]);
  }
  if (config.schema !== undefined) checkSchemaName(config.schema, 'schema');
  const { min, max } = config.pool ?? {};
  if (min !== undefined && !(Number.isInteger(min) && min >= 0)) {
    throw new ValidationError(`Pool min must be an integer >= 0, got ${String(min)}`, [{ path: 'pool.min', message: 'integer >= 0' }]);
  }
  if (max !== undefined && !(Number.isInteger(max) && max >= 1)) {
    throw new ValidationError(`Pool max must be an integer >= 1, got ${String(max)}`, [{ path: 'pool.max', message: 'integer >= 1' }]);
  }
  if (min !== undefined && max !== undefined && min > max) {
    throw new ValidationError(`Pool min (${min}) is larger than max (${max})`, [{ path: 'pool', message: 'min <= max' }]);
  }
  return config;
}

/** The connection string with its password replaced, for logs and error messages. */
export function redactConnectionString(connection: string): string {
  return connection.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*:)[^@]*@/i, '$1***@');
}

function sqlitePath(rest: string, input: string): string {
  if (rest === ':memory:') return ':memory:';
  if (rest.includes('?')) throw invalid('SQLite URLs take no query parameters', input);
  // sqlite:///abs/path → /abs/path; sqlite://./rel → ./rel
  const path = rest.startsWith('//') ? rest.slice(2) : rest;
  if (path === '') throw invalid(`SQLite URL has no file path; ${USAGE}`, input);
  return path;
}

function filePath(input: string): string {
  if (input.includes('?')) throw invalid('file: URLs take no query parameters', input);
  if (input.startsWith('file://')) {
    try {
      return fileURLToPath(input);
    } catch (cause) {
      throw invalid(`Not a valid file URL (use file:///absolute/path or file:./relative/path)`, input, cause);
    }
  }
  const path = input.slice('file:'.length);
  if (path === '') throw invalid(`file: URL has no path; ${USAGE}`, input);
  return path;
}

function parsePostgresUrl(input: string): StorageConfig {
  let parsed: URL;
  try {
    parsed = new URL(input);
  } catch (cause) {
    throw invalid('Not a valid PostgreSQL URL (postgres://user:password@host:port/database)', input, cause);
  }
  const schemas = parsed.searchParams.getAll('schema');
  const schema = schemas[0];
  if (schema === undefined) return { client: 'pg', connection: input };
  if (schemas.length > 1) throw invalid('PostgreSQL URL names more than one schema', input);
  checkSchemaName(schema, 'schema');
  // The driver does not know `schema`; everything else (sslmode, host=/socket…) is its business.
  parsed.searchParams.delete('schema');
  return { client: 'pg', connection: parsed.toString(), schema };
}

function checkSchemaName(schema: string, path: string): void {
  if (!SCHEMA_NAME.test(schema)) {
    throw new ValidationError(
      `Invalid PostgreSQL schema name "${schema}": use letters, digits and underscores, starting with a letter or underscore, at most 63 characters`,
      [{ path, message: 'letters, digits and underscores; starts with a letter or underscore; at most 63 characters' }],
    );
  }
}

function invalid(message: string, input: string, cause?: unknown): ValidationError {
  return new ValidationError(`${message} (got "${redactConnectionString(input)}")`, [{ path: 'databaseUrl', message }], {
    ...(cause === undefined ? {} : { cause }),
  });
}
