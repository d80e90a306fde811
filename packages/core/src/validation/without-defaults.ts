import { z } from 'zod';

export type WithoutDefaults<T extends z.ZodRawShape> = { [K in keyof T]: T[K] extends z.ZodDefault<infer I> ? I : T[K] extends z.ZodPrefault<infer P> ? P : T[K] };

/**
 * The fields of a shape without their defaults: a patch must leave out what the caller left
 * out (zod's `.partial()` would otherwise fill every default in, resetting stored values).
 */
export function withoutDefaults<T extends z.ZodRawShape>(shape: T): WithoutDefaults<T> {
  return Object.fromEntries(Object.entries(shape).map(([key, field]) => [key, field instanceof z.ZodDefault || field instanceof z.ZodPrefault ? described(field.unwrap() as z.ZodType, field.description) : field])) as WithoutDefaults<T>;
}

/** A description written after `.default()` sits on the default wrapper: kept, so a patch's OpenAPI fields say what they do. */
function described(field: z.ZodType, description: string | undefined): z.ZodType {
  return description === undefined || field.description === description ? field : field.describe(description);
}

/** A patch schema of an object schema: every field optional, none defaulted. */
export function patchOf<T extends z.ZodRawShape>(schema: z.ZodObject<T>) {
  return z.object(withoutDefaults(schema.shape)).partial();
}
