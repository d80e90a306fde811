import type { ErrorRequestHandler, RequestHandler, Response } from 'express';
import { isSwitchboardError, ValidationError, type ErrorCode, type FieldIssue } from '@switchboard/core';
import { z } from 'zod';

/** Error code → HTTP status. Stable: clients rely on both. */
export const STATUS_OF: Record<ErrorCode, number> = {
  VALIDATION: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  ILLEGAL_STATE: 409,
  RATE_LIMITED: 429,
  INTERNAL: 500,
  MEDIA: 502,
  UNAVAILABLE: 503,
  TIMEOUT: 504,
};

const TITLES: Record<ErrorCode, string> = {
  VALIDATION: 'Invalid request',
  UNAUTHENTICATED: 'Authentication required',
  FORBIDDEN: 'Forbidden',
  NOT_FOUND: 'Not found',
  CONFLICT: 'Conflict',
  ILLEGAL_STATE: 'Not possible in the current state',
  RATE_LIMITED: 'Too many requests',
  INTERNAL: 'Internal error',
  MEDIA: 'Media server error',
  UNAVAILABLE: 'Service unavailable',
  TIMEOUT: 'Timed out',
};

/** An RFC 9457 problem document, as every error response carries it. */
export const problemSchema = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string(),
  code: z.string(),
  instance: z.string().optional(),
  errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});

export type Problem = z.infer<typeof problemSchema>;

export function problem(code: ErrorCode, detail: string, instance?: string, errors?: FieldIssue[]): Problem {
  return {
    type: `urn:switchboard:problem:${code.toLowerCase().replace(/_/g, '-')}`,
    title: TITLES[code],
    status: STATUS_OF[code],
    detail,
    code,
    ...(instance ? { instance } : {}),
    ...(errors && errors.length > 0 ? { errors } : {}),
  };
}

export function sendProblem(res: Response, body: Problem): void {
  res.status(body.status).type('application/problem+json').send(JSON.stringify(body));
}

/**
 * A refusal whose HTTP status is not its code's (413 for an upload over the limit, 415 for a
 * body of the wrong type): thrown by a handler, answered as problem+json with that status.
 */
export class HttpProblem extends Error {
  constructor(
    readonly status: 413 | 415,
    readonly detail: string,
    readonly errors: FieldIssue[] = [],
  ) {
    super(detail);
    this.name = 'HttpProblem';
  }
}

const HTTP_PROBLEM_TITLES: Record<HttpProblem['status'], string> = { 413: 'Payload too large', 415: 'Unsupported media type' };

/** Body-parser failures carry a `type` and a status of their own. */
interface HttpParseError extends Error {
  type?: string;
  status?: number;
}

/** The last middleware: every error becomes problem+json; nothing leaks a stack trace. */
export function errorMiddleware(log: (error: unknown, message: string) => void): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    if (res.headersSent) return;
    const instance = req.originalUrl;
    if (isSwitchboardError(error)) {
      const issues = error instanceof ValidationError ? error.issues : undefined;
      if (error.code === 'INTERNAL') log(error, 'internal error');
      // The core's stores refuse content over their size limit as `reason: 'too-large'`: for HTTP that is 413, whichever route uploaded it.
      if (error instanceof ValidationError && error.details?.['reason'] === 'too-large') {
        return sendProblem(res, { ...problem(error.code, error.message, instance, issues), status: 413, title: HTTP_PROBLEM_TITLES[413] });
      }
      return sendProblem(res, problem(error.code, error.message, instance, issues));
    }
    if (error instanceof HttpProblem) {
      return sendProblem(res, { ...problem('VALIDATION', error.detail, instance, error.errors), status: error.status, title: HTTP_PROBLEM_TITLES[error.status] });
    }
    const parseError = error as HttpParseError;
    if (parseError?.type === 'entity.parse.failed') {
      return sendProblem(res, problem('VALIDATION', `The body is not valid JSON: ${parseError.message}`, instance, [{ path: 'body', message: 'malformed JSON' }]));
    }
    if (parseError?.type === 'entity.too.large') {
      return sendProblem(res, { ...problem('VALIDATION', 'The body is too large', instance), status: 413, title: 'Payload too large' });
    }
    if (parseError?.type === 'encoding.unsupported' || parseError?.type === 'charset.unsupported') {
      return sendProblem(res, { ...problem('VALIDATION', parseError.message, instance), status: 415, title: 'Unsupported media type' });
    }
    log(error, 'unhandled error');
    sendProblem(res, problem('INTERNAL', 'Something went wrong on our side; it has been logged', instance));
  };
}

export const notFoundHandler: RequestHandler = (req, res) => {
  sendProblem(res, problem('NOT_FOUND', `No route ${req.method} ${req.path}`, req.originalUrl));
};
