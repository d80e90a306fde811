import { z } from 'zod';
import type { Random } from './random.js';

/**
 * A duration drawn at random, in milliseconds: talk times, answer delays, waits.
 * Samples are clamped to >= 0 (and to [min, max] where given).
 */
export const distributionSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('fixed'), ms: z.number().nonnegative() }),
  z.object({ kind: z.literal('uniform'), minMs: z.number().nonnegative(), maxMs: z.number().nonnegative() })
    .refine((d) => d.maxMs >= d.minMs, { message: 'maxMs must be >= minMs', path: ['maxMs'] }),
  z.object({ kind: z.literal('exponential'), meanMs: z.number().positive(), maxMs: z.number().positive().optional() }),
  z.object({
    kind: z.literal('normal'),
    meanMs: z.number().nonnegative(),
    sdMs: z.number().nonnegative(),
    minMs: z.number().nonnegative().optional(),
    maxMs: z.number().nonnegative().optional(),
  }),
  // Call durations are right-skewed; a log-normal with the observed mean and sd fits them well.
  z.object({ kind: z.literal('lognormal'), meanMs: z.number().positive(), sdMs: z.number().positive(), maxMs: z.number().positive().optional() }),
]);

export type Distribution = z.infer<typeof distributionSchema>;

/** Shorthand: a number is a fixed duration. */
export type DurationSpec = number | Distribution;

function gaussian(random: Random): number {
  // Box–Muller; 1 - next() keeps the log argument in (0, 1].
  const u = 1 - random.next();
  const v = random.next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

export function sampleDuration(spec: DurationSpec, random: Random): number {
  if (typeof spec === 'number') return Math.max(0, spec);
  const clamp = (ms: number, min = 0, max = Number.POSITIVE_INFINITY) => Math.round(Math.min(max, Math.max(min, ms)));
  switch (spec.kind) {
    case 'fixed':
      return clamp(spec.ms);
    case 'uniform':
      return clamp(spec.minMs + random.next() * (spec.maxMs - spec.minMs));
    case 'exponential':
      return clamp(-spec.meanMs * Math.log(1 - random.next()), 0, spec.maxMs);
    case 'normal':
      return clamp(spec.meanMs + spec.sdMs * gaussian(random), spec.minMs, spec.maxMs);
    case 'lognormal': {
      const variance = Math.log(1 + (spec.sdMs * spec.sdMs) / (spec.meanMs * spec.meanMs));
      const mu = Math.log(spec.meanMs) - variance / 2;
      return clamp(Math.exp(mu + Math.sqrt(variance) * gaussian(random)), 0, spec.maxMs);
    }
  }
}
