import { z } from 'zod';

/**
 * Something to play to a call. Adapters translate each kind to the vendor's
 * form (FreeSWITCH file paths / tone_stream / say; ARI `sound:`, `tone:`, …).
 */
export const mediaRefSchema = z.discriminatedUnion('kind', [
  /** A tenant media file (voice file or hold music) by its stored name. */
  z.object({ kind: z.literal('file'), name: z.string().min(1) }),
  /** A call recording made earlier. */
  z.object({ kind: z.literal('recording'), name: z.string().min(1) }),
  /** A tone: a named one or a frequency list in the vendors' shared `f1+f2/ms` syntax. */
  z.object({ kind: z.literal('tone'), tone: z.string().min(1), durationMs: z.number().int().positive().optional() }),
  z.object({ kind: z.literal('silence'), durationMs: z.number().int().positive() }),
  /** Digits spoken one by one (an agent's number, a queue position). */
  z.object({ kind: z.literal('digits'), digits: z.string().regex(/^[0-9*#]+$/) }),
  z.object({ kind: z.literal('number'), value: z.number().int() }),
  /** Text to speech, where the media server has an engine. */
  z.object({ kind: z.literal('tts'), text: z.string().min(1), voice: z.string().optional() }),
]);

export type MediaRef = z.infer<typeof mediaRefSchema>;

/** Shorthand used by tests and examples: `file('welcome')`. */
export const file = (name: string): MediaRef => ({ kind: 'file', name });
export const silence = (durationMs: number): MediaRef => ({ kind: 'silence', durationMs });
export const digits = (value: string): MediaRef => ({ kind: 'digits', digits: value });
