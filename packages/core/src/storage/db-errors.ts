import {
  ConflictError,
  isSwitchboardError,
  UnavailableError,
  ValidationError,
  type SwitchboardError,
} from '../errors/errors.js';

/** How a repository wants the constraint violations of one statement reported. */
export interface ConstraintMessages {
  /** A unique index or primary key refused the row. Default: a generic ConflictError. */
  conflict?: (cause: unknown) => SwitchboardError;
  /** A foreign key pointed at a row that does not exist. Default: a ValidationError. */
  missingReference?: (cause: unknown) => SwitchboardError;
}

type DriverError = { code?: unknown; errno?: unknown; name?: unknown; message?: unknown };

const asDriverError = (error: unknown): DriverError => (typeof error === 'object' && error !== null ? (error as DriverError) : {});

// better-sqlite3 reports extended result codes by name; PostgreSQL reports SQLSTATE codes.
export function isUniqueViolation(error: unknown): boolean {
  const { code } = asDriverError(error);
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === '23505';
}

export function isForeignKeyViolation(error: unknown): boolean {
  const { code } = asDriverError(error);
  return code === 'SQLITE_CONSTRAINT_FOREIGNKEY' || code === '23503';
}

function isOtherConstraintViolation(error: unknown): boolean {
  const { code } = asDriverError(error);
  return (
    code === 'SQLITE_CONSTRAINT_NOTNULL' ||
    code === 'SQLITE_CONSTRAINT_CHECK' ||
    code === '23502' || // not_null_violation
    code === '23514' // check_violation
  );
}

/** The database could not be reached or is momentarily locked: retrying may help. */
export function isUnavailable(error: unknown): boolean {
  const { code, name } = asDriverError(error);
  if (name === 'KnexTimeoutError') return true; // no pooled connection within acquireConnectionTimeout
  if (typeof code !== 'string') return false;
  return (
    ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE'].includes(code) ||
    code === 'SQLITE_BUSY' ||
    code === 'SQLITE_CANTOPEN' ||
    code.startsWith('08') || // connection_exception
    code.startsWith('57P') || // admin/crash shutdown, cannot_connect_now
    code === '53300' // too_many_connections
  );
}

/**
 * Turns a driver error into the SwitchboardError a caller can act on. Errors that mean
 * nothing to a caller (syntax errors, bugs) are returned unchanged, never swallowed.
 */
export function toStorageError(error: unknown, messages: ConstraintMessages = {}): unknown {
  if (isSwitchboardError(error)) return error;
  if (isUniqueViolation(error)) {
    return messages.conflict ? messages.conflict(error) : new ConflictError(`Already exists: ${driverMessage(error)}`, { cause: error });
  }
  if (isForeignKeyViolation(error) && messages.missingReference) return messages.missingReference(error);
  if (isForeignKeyViolation(error) || isOtherConstraintViolation(error)) {
    return new ValidationError(`The database refused the change: ${driverMessage(error)}`, [], { cause: error });
  }
  if (isUnavailable(error)) {
    return new UnavailableError(`The database is unavailable: ${driverMessage(error)}`, { cause: error });
  }
  return error;
}

export function driverMessage(error: unknown): string {
  const { message } = asDriverError(error);
  if (typeof message !== 'string') return String(error);
  // knex prefixes the whole SQL statement ("insert into … - UNIQUE constraint failed"): keep the reason.
  const reason = message.split(' - ').pop() ?? message;
  return reason.trim();
}

/** Runs one statement and throws what toStorageError makes of a failure. */
export async function withStorageErrors<T>(statement: () => PromiseLike<T>, messages?: ConstraintMessages): Promise<T> {
  try {
    return await statement();
  } catch (error) {
    throw toStorageError(error, messages);
  }
}
