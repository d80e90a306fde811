/**
 * Every error Switchboard throws is a SwitchboardError with a stable `code`.
 * Codes are part of the public API: the server maps them to HTTP statuses and
 * clients branch on them, so they never change meaning.
 */
export type ErrorCode =
  | 'VALIDATION'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'ILLEGAL_STATE'
  | 'RATE_LIMITED'
  | 'MEDIA'
  | 'TIMEOUT'
  | 'UNAVAILABLE'
  | 'INTERNAL';

export interface FieldIssue {
  /** Path to the offending field, e.g. `body.to.number` or `line 12: phone`. */
  path: string;
  message: string;
}

export interface SwitchboardErrorOptions {
  cause?: unknown;
  details?: Record<string, unknown>;
}

export class SwitchboardError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, options: SwitchboardErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.details = options.details;
  }

  toJSON(): Record<string, unknown> {
    return { name: this.name, code: this.code, message: this.message, details: this.details };
  }
}

export class ValidationError extends SwitchboardError {
  readonly issues: FieldIssue[];
  constructor(message: string, issues: FieldIssue[] = [], options: SwitchboardErrorOptions = {}) {
    super('VALIDATION', message, options);
    this.issues = issues;
  }
}

export class UnauthenticatedError extends SwitchboardError {
  constructor(message = 'Authentication required', options: SwitchboardErrorOptions = {}) {
    super('UNAUTHENTICATED', message, options);
  }
}

export class ForbiddenError extends SwitchboardError {
  constructor(message = 'Not allowed', options: SwitchboardErrorOptions = {}) {
    super('FORBIDDEN', message, options);
  }
}

export class NotFoundError extends SwitchboardError {
  constructor(what: string, id?: string | number, options: SwitchboardErrorOptions = {}) {
    super('NOT_FOUND', id === undefined ? `${what} not found` : `${what} ${String(id)} not found`, options);
  }
}

export class ConflictError extends SwitchboardError {
  constructor(message: string, options: SwitchboardErrorOptions = {}) {
    super('CONFLICT', message, options);
  }
}

/** A state machine was asked for a transition its current state does not allow. */
export class IllegalStateError extends SwitchboardError {
  constructor(message: string, options: SwitchboardErrorOptions = {}) {
    super('ILLEGAL_STATE', message, options);
  }
}

export class RateLimitedError extends SwitchboardError {
  constructor(message = 'Too many requests', options: SwitchboardErrorOptions = {}) {
    super('RATE_LIMITED', message, options);
  }
}

/** The media server refused or failed a command, or the call it named is gone. */
export class MediaError extends SwitchboardError {
  constructor(message: string, options: SwitchboardErrorOptions = {}) {
    super('MEDIA', message, options);
  }
}

export class TimeoutError extends SwitchboardError {
  constructor(message: string, options: SwitchboardErrorOptions = {}) {
    super('TIMEOUT', message, options);
  }
}

/** A dependency (database, media server) is not reachable right now; retrying may help. */
export class UnavailableError extends SwitchboardError {
  constructor(message: string, options: SwitchboardErrorOptions = {}) {
    super('UNAVAILABLE', message, options);
  }
}

export function isSwitchboardError(error: unknown): error is SwitchboardError {
  return error instanceof SwitchboardError;
}
