/**
 * The fields of a parsed patch that the caller actually gave.
 *
 * The patch schemas of the model are built with `.partial()` over schemas with defaults, and
 * zod fills those defaults in even for absent keys: `{ firstName: 'x' }` parses to a value
 * that also resets the role, the department, the display numbers… Keeping only the keys the
 * input named turns the parse back into a true patch.
 */
export function presentFields<T extends object>(parsed: T, input: unknown): Partial<T> {
  if (typeof input !== 'object' || input === null) return {};
  const given = input as Record<string, unknown>;
  const present: Partial<T> = {};
  for (const key of Object.keys(parsed) as (keyof T & string)[]) {
    if (given[key] !== undefined) present[key] = parsed[key];
  }
  return present;
}
