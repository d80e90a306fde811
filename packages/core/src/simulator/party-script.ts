import { z } from 'zod';
import { distributionSchema } from '../random/distribution.js';

const durationSpecSchema = z.union([z.number().nonnegative(), distributionSchema]);

export const dtmfStepSchema = z.object({
  /** Milliseconds after the leg is answered. */
  afterMs: z.number().nonnegative(),
  digits: z.string().regex(/^[0-9*#A-D]+$/, 'digits are 0-9, *, #, A-D'),
  /** Pause between the digits of this step. Default 250 ms. */
  gapMs: z.number().nonnegative().optional(),
});

/**
 * How a simulated outside party behaves. Inbound callers and the numbers that
 * outbound calls reach are both parties.
 */
export const partyScriptSchema = z.object({
  /** When called: answers after a delay with a probability; otherwise busy, no answer, or a SIP failure. */
  answer: z
    .object({
      probability: z.number().min(0).max(1).default(1),
      afterMs: durationSpecSchema.default({ kind: 'uniform', minMs: 2_000, maxMs: 12_000 }),
      otherwise: z
        .union([z.literal('busy'), z.literal('no-answer'), z.object({ sipCode: z.number().int().min(400).max(699) })])
        .default('no-answer'),
    })
    .optional(),
  /** Sends early media (a ringback or an operator announcement) before answering. */
  earlyMedia: z.boolean().optional(),
  /** Hangs up after this long waiting unbridged (in an IVR or a queue, or after answering a dialer call): patience. */
  patienceMs: durationSpecSchema.optional(),
  /** Hangs up after this long in conversation (bridged to another leg). */
  talkMs: durationSpecSchema.optional(),
  /** Hangs up this long after the call started, whatever happens. */
  hangupAfterMs: durationSpecSchema.optional(),
  /** Keys pressed at given times after the leg is answered. */
  dtmf: z.array(dtmfStepSchema).default([]),
});

export type PartyScript = z.input<typeof partyScriptSchema>;
export type ResolvedPartyScript = z.output<typeof partyScriptSchema>;

/** How a simulated agent phone (SIP extension) behaves. */
export const extensionBehaviourSchema = z.object({
  registered: z.boolean().default(true),
  /** Do-not-disturb: every call is refused busy (486). */
  dnd: z.boolean().default(false),
  /** Refuses every call (603 Decline), like a phone set to reject. */
  reject: z.boolean().default(false),
  /**
   * `auto`: answers at once; a number or distribution: answers after that long;
   * `manual`: rings until answered through the simulator (the demo softphone) or the ring times out.
   */
  answer: z.union([z.literal('auto'), z.literal('manual'), durationSpecSchema]).default({ kind: 'uniform', minMs: 1_000, maxMs: 4_000 }),
  /** Answers at once when the call asks for auto-answer (queue / click-to-dial calls). Default true. */
  honourAutoAnswer: z.boolean().default(true),
});

export type ExtensionBehaviour = z.input<typeof extensionBehaviourSchema>;
export type ResolvedExtensionBehaviour = z.output<typeof extensionBehaviourSchema>;

export const trunkSchema = z.object({
  name: z.string().min(1),
  /** Concurrent calls the trunk carries; one more is refused with 503 congestion. */
  channels: z.number().int().positive(),
});

export type Trunk = z.infer<typeof trunkSchema>;
