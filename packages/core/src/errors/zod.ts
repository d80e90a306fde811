import type { ZodError, ZodType, z } from 'zod';
import { ValidationError, type FieldIssue } from './errors.js';

/** Turns zod's issues into field issues with dotted paths under `prefix`. */
export function fieldIssuesFromZod(error: ZodError, prefix = ''): FieldIssue[] {
  return error.issues.map((issue) => {
    const path = [prefix, ...issue.path.map(String)].filter((part) => part !== '').join('.');
    return { path: path === '' ? '(root)' : path, message: issue.message };
  });
}

/** Parses `value` with `schema` or throws a ValidationError naming every bad field. */
export function parseOrThrow<S extends ZodType>(schema: S, value: unknown, what: string, prefix = ''): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = fieldIssuesFromZod(result.error, prefix);
  const first = issues[0];
  throw new ValidationError(`Invalid ${what}${first ? `: ${first.path}: ${first.message}` : ''}`, issues);
}
