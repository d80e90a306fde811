import type { ErrorCode, FieldIssue, Problem } from './types.js';

/**
 * A request to the Switchboard server that did not succeed: an error response
 * (parsed from problem+json when the server sent one) or no response at all
 * (`status` 0, code `UNAVAILABLE` or `TIMEOUT`).
 */
export class SwitchboardApiError extends Error {
  override readonly name = 'SwitchboardApiError';
  /** The HTTP status; 0 when no response arrived (network failure, timeout). */
  readonly status: number;
  /** The server's stable error code (`VALIDATION`, `UNAUTHENTICATED` …). */
  readonly code: ErrorCode | (string & {});
  /** A human-readable explanation of this occurrence. */
  readonly detail: string;
  /** The problem's short title, e.g. "Invalid request". */
  readonly title: string;
  /** The problem type URI, e.g. `urn:switchboard:problem:validation`. */
  readonly type: string;
  /** The request path the problem is about, when the server said. */
  readonly instance: string | undefined;
  /** The invalid fields of a `VALIDATION` error; empty otherwise. */
  readonly errors: FieldIssue[];
  /** The HTTP method and path of the failed request, e.g. `GET /healthz`. */
  readonly request: string;

  constructor(problem: Problem, request: string, options?: { cause?: unknown }) {
    super(problem.detail || problem.title, options);
    this.status = problem.status;
    this.code = problem.code;
    this.detail = problem.detail;
    this.title = problem.title;
    this.type = problem.type;
    this.instance = problem.instance;
    this.errors = problem.errors ?? [];
    this.request = request;
  }

  /** The messages of the issues at `path` (e.g. `body.username`), for showing beside a form field. */
  messagesFor(path: string): string[] {
    return this.errors.filter((issue) => issue.path === path).map((issue) => issue.message);
  }
}

/**
 * True for a SwitchboardApiError. Prefer this to `instanceof` in host code: when a bundle
 * ends up with both the ESM and the CommonJS build, there are two classes.
 */
export function isSwitchboardApiError(error: unknown): error is SwitchboardApiError {
  return error instanceof SwitchboardApiError || (error instanceof Error && error.name === 'SwitchboardApiError' && typeof (error as { code?: unknown }).code === 'string');
}
