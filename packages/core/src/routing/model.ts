import { z } from 'zod';
import { destinationSchema } from '../destination/destination.js';
import { mediaRefSchema } from '../media/media-ref.js';
import { parkSlots } from './phone-features.js';

/**
 * The inbound routing objects of manual §3.5–3.7 as zod schemas: what the REST API
 * validates, what storage keeps (as JSON beside a few indexed columns) and what the call
 * session runner executes. Every place that offers a "steering" holds a `Destination`.
 */

/** An internal number: an IVR's or ring group's extension, dialled from an agent's phone. */
export const extensionNumberSchema = z.string().regex(/^[0-9]{2,8}$/, 'an internal number of 2–8 digits');
/** A number as callers and DIDs write it: digits with an optional leading +. */
export const phoneNumberSchema = z.string().trim().regex(/^\+?[0-9]{2,20}$/, 'a phone number: digits, optionally starting with +');
const prefixSchema = z.string().regex(/^\+?[0-9*#]{0,16}$/, 'digits only (a leading + allowed)');
const nameSchema = z.string().trim().min(1).max(100);

/** What a DID, route, IVR or ring group puts in front of the caller's number and name (manual §3.5.1, §3.6.1). */
export const callerPrefixSchema = z.object({
  number: prefixSchema.default(''),
  name: z.string().max(40).default(''),
});
export type CallerPrefix = z.infer<typeof callerPrefixSchema>;

// ── DIDs (§3.5.1) ────────────────────────────────────────────────────────────

export const didSchema = z.object({
  /** One record may carry several numbers (the manual separates them by spaces or commas). */
  numbers: z.array(phoneNumberSchema).min(1).max(1000),
  name: nameSchema,
  /** Routes can match a DID group (§3.6.1 "group matching"). */
  group: z.string().trim().max(100).default(''),
  /** Where calls to this DID go; none: the incoming routes decide (then the default route). */
  destination: destinationSchema.nullable().default(null),
  callerPrefix: callerPrefixSchema.default({ number: '', name: '' }),
  /** The customer package calls to this DID belong to; none: the tenant's default package. */
  customerPackageId: z.string().min(1).nullable().default(null),
  /** Disabled: calls to its numbers are rejected. */
  enabled: z.boolean().default(true),
  country: z.string().regex(/^[A-Za-z]{2}$/).nullable().default(null),
  remarks: z.string().max(1000).default(''),
});
export type DidInput = z.input<typeof didSchema>;
export type DidConfig = z.infer<typeof didSchema>;

// ── Incoming routes (§3.6.1) ─────────────────────────────────────────────────

export const routeMatchSchema = z.discriminatedUnion('on', [
  z.object({
    on: z.literal('caller'),
    /** prefix: the caller number starts with it; region: its home region; regex: a pattern the number contains. */
    kind: z.enum(['prefix', 'region', 'regex']),
    /** Empty: every call matches. */
    value: z.string().max(200).default(''),
  }),
  z.object({
    on: z.literal('did'),
    kind: z.enum(['prefix', 'region', 'regex', 'group']),
    value: z.string().max(200).default(''),
  }),
]);
export type RouteMatch = z.infer<typeof routeMatchSchema>;

export const incomingRouteSchema = z.object({
  name: nameSchema,
  /** Routes are tried in ascending order; the default route last, whatever its order. */
  order: z.number().int().min(0).max(1_000_000).default(0),
  /** The route for calls that neither their DID nor any other route steers (§3.6.1 "Default Routing"). */
  isDefault: z.boolean().default(false),
  match: routeMatchSchema.default({ on: 'caller', kind: 'prefix', value: '' }),
  /** Removed from the front of the caller number (after the DID's prefix was added). */
  stripCallerPrefix: prefixSchema.default(''),
  /** Put in front of the caller number, ahead of the DID's prefix. */
  addCallerPrefix: prefixSchema.default(''),
  /** A returning caller rings the agent who last spoke with them first, if that agent is free. */
  lastAgentFirst: z.boolean().default(false),
  destination: destinationSchema,
  enabled: z.boolean().default(true),
});
export type IncomingRouteInput = z.input<typeof incomingRouteSchema>;
export type IncomingRouteConfig = z.infer<typeof incomingRouteSchema>;

// ── IVR menus (§3.6.2) ───────────────────────────────────────────────────────

const keyInputSchema = z.string().regex(/^[0-9*#]{1,16}$/, 'keys 0–9, * and #');

export const ivrMenuSchema = z
  .object({
    name: nameSchema,
    extension: extensionNumberSchema.nullable().default(null),
    /** Played in order; each followed by its pause. A key press stops the prompts. */
    prompts: z.array(z.object({ media: mediaRefSchema, pauseAfterMs: z.number().int().min(0).max(60_000).default(0) })).max(20).default([]),
    /** How often the prompts play again when the caller presses nothing; 0 = once. */
    repeats: z.number().int().min(0).max(10).default(2),
    /** Silence before the first prompt. */
    startDelayMs: z.number().int().min(0).max(30_000).default(0),
    /** Wait for the first key after the prompts ended. */
    inputTimeoutMs: z.number().int().min(500).max(120_000).default(5_000),
    /** Wait between keys. */
    interDigitTimeoutMs: z.number().int().min(200).max(30_000).default(3_000),
    maxInputLength: z.number().int().min(1).max(16).default(4),
    /** The caller may dial an agent's number to reach that agent. */
    directDialAgents: z.boolean().default(false),
    callerPrefix: callerPrefixSchema.default({ number: '', name: '' }),
    timeoutPrompt: z.array(mediaRefSchema).max(10).default([]),
    /** After the last repeat without input; none: hang up. */
    timeoutDestination: destinationSchema.nullable().default(null),
    invalidPrompt: z.array(mediaRefSchema).max(10).default([]),
    /** After input that matches nothing; none: the menu plays again (counting as a repeat). */
    invalidDestination: destinationSchema.nullable().default(null),
    /** Key entries (one key or several digits) → destinations. */
    keys: z.array(z.object({ input: keyInputSchema, destination: destinationSchema })).max(200).default([]),
    /** The manual's "matching steering interface": an HTTP service asked what to do with the input. */
    matchingWebhook: z
      .object({
        url: z.url({ protocol: /^https?$/ }),
        timeoutMs: z.number().int().min(100).max(30_000).default(3_000),
        fallbackDestination: destinationSchema.nullable().default(null),
      })
      .nullable()
      .default(null),
  })
  .superRefine((menu, ctx) => {
    const seen = new Set<string>();
    menu.keys.forEach((key, index) => {
      if (seen.has(key.input)) ctx.addIssue({ code: 'custom', path: ['keys', index, 'input'], message: `key ${key.input} is mapped twice` });
      seen.add(key.input);
      if (key.input.length > menu.maxInputLength) {
        ctx.addIssue({ code: 'custom', path: ['keys', index, 'input'], message: `longer than the menu's maximum input length ${menu.maxInputLength}` });
      }
    });
  });
export type IvrMenuInput = z.input<typeof ivrMenuSchema>;
export type IvrMenuConfig = z.infer<typeof ivrMenuSchema>;

// ── Voice broadcasts (§3.6.3) ────────────────────────────────────────────────

export const voiceBroadcastSchema = z.object({
  name: nameSchema,
  media: z.array(mediaRefSchema).min(1).max(50),
  /** Any key skips the rest of the list. */
  skipOnAnyKey: z.boolean().default(false),
  /** When the list ended or was skipped; none: hang up. */
  destination: destinationSchema.nullable().default(null),
});
export type VoiceBroadcastInput = z.input<typeof voiceBroadcastSchema>;
export type VoiceBroadcastConfig = z.infer<typeof voiceBroadcastSchema>;

// ── Ring groups (§3.7.4) ─────────────────────────────────────────────────────

export const ringGroupStrategies = ['all', 'polling', 'random', 'memory-polling', 'sequential-polling'] as const;
export type RingGroupStrategy = (typeof ringGroupStrategies)[number];

export const ringGroupSchema = z.object({
  name: nameSchema,
  extension: extensionNumberSchema.nullable().default(null),
  /** Agent numbers / extensions, or outside numbers. */
  members: z.array(z.string().trim().regex(/^\+?[0-9]{2,20}$/, 'an extension or a phone number')).min(1).max(100),
  strategy: z.enum(ringGroupStrategies).default('all'),
  /** "all": for the whole group; otherwise for each member. */
  ringTimeoutSec: z.number().int().min(5).max(600).default(30),
  /** When nobody answered; none: hang up. */
  timeoutDestination: destinationSchema.nullable().default(null),
  callerPrefix: callerPrefixSchema.default({ number: '', name: '' }),
});
export type RingGroupInput = z.input<typeof ringGroupSchema>;
export type RingGroupConfig = z.infer<typeof ringGroupSchema>;

// ── Time conditions (§3.7.8) ─────────────────────────────────────────────────

const hhmm = z.string().regex(/^([01][0-9]|2[0-3]):[0-5][0-9]$/, 'HH:mm');
const hhmmss = z.string().regex(/^([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]$/, 'HH:mm:ss');
const isoDate = z.iso.date();
const dateMinute = z.string().regex(/^\d{4}-\d{2}-\d{2}T([01][0-9]|2[0-3]):[0-5][0-9]$/, 'YYYY-MM-DDTHH:mm');

export const timeRuleSchema = z.discriminatedUnion('kind', [
  /** Weekly repeating: ISO weekdays (1 Monday … 7 Sunday), from (inclusive) to (exclusive) wall time. */
  z.object({ kind: z.literal('weekly'), days: z.array(z.number().int().min(1).max(7)).min(1).max(7), from: hhmm, to: hhmm }),
  /** Every day, from and to inclusive at the second ("00:00:00–12:00:00": 12:00:01 does not match). */
  z.object({ kind: z.literal('time'), from: hhmmss, to: hhmmss }),
  /** A whole calendar day. */
  z.object({ kind: z.literal('date'), date: isoDate }),
  /** From one minute to another, both inclusive: the end minute matches up to its last second. */
  z.object({ kind: z.literal('date-range'), from: dateMinute, to: dateMinute }),
]);
export type TimeRule = z.infer<typeof timeRuleSchema>;

export const timeConditionSchema = z
  .object({
    name: nameSchema,
    /** Any rule matching makes the condition match. */
    rules: z.array(timeRuleSchema).min(1).max(200),
    matchDestination: destinationSchema,
    noMatchDestination: destinationSchema,
  })
  .superRefine((condition, ctx) => {
    condition.rules.forEach((rule, index) => {
      if (rule.kind === 'date-range' && rule.from > rule.to) ctx.addIssue({ code: 'custom', path: ['rules', index, 'to'], message: 'ends before it starts' });
      if (rule.kind === 'weekly' && rule.from === rule.to) ctx.addIssue({ code: 'custom', path: ['rules', index, 'to'], message: 'an empty slot' });
    });
  });
export type TimeConditionInput = z.input<typeof timeConditionSchema>;
export type TimeConditionConfig = z.infer<typeof timeConditionSchema>;

// ── Tenant routing settings (§3.15.1 call settings) ──────────────────────────

export const blacklistTreatmentSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('hangup') }),
  /** Never answered: the caller hears ringing until they give up (or the limit). */
  z.object({ kind: z.literal('ring'), maxMs: z.number().int().min(1_000).max(600_000).default(60_000) }),
  z.object({ kind: z.literal('voice'), media: z.array(mediaRefSchema).min(1).max(10) }),
  z.object({ kind: z.literal('hold-music'), music: mediaRefSchema.optional(), maxMs: z.number().int().min(1_000).max(3_600_000).default(300_000) }),
  /** Another steering of the tenant's choice (§3.7.5: "other directions of incoming calls"). */
  z.object({ kind: z.literal('destination'), destination: destinationSchema }),
]);
export type BlacklistTreatment = z.infer<typeof blacklistTreatmentSchema>;

/** The codes an agent's phone dials to change the agent's state: the ACD runs them. */
export const agentFeatureCodeKeys = ['agentCheckIn', 'agentCheckOut', 'agentIdle', 'agentPause'] as const;
export type AgentFeatureCodeKey = (typeof agentFeatureCodeKeys)[number];

const featureCodeSchema = z.string().regex(/^\*?[0-9]{1,6}$/, 'digits, optionally after *');

/**
 * The phone feature codes of manual §3.7.7, the administrator's to set. The agent ones
 * (check in, check out, idle, pause) are the ACD's; routing runs the others.
 */
export const featureCodesSchema = z
  .object({
    /** Parking: dialling it parks the call the phone is talking on in the first free of the 20 slots after it (900 → 901–920); a slot number retrieves from any phone. */
    park: z.string().regex(/^[0-9]{2,6}$/).default('900'),
    announceExtension: featureCodeSchema.default('*65'),
    /** Records a voice file by phone: speak after the beep, # ends. */
    recordVoice: featureCodeSchema.default('*77'),
    dndToggle: featureCodeSchema.default('*78'),
    /** Answers a phone ringing in the same department. */
    pickup: featureCodeSchema.default('*8'),
    echoTest: featureCodeSchema.default('*43'),
    /** Followed by the agent number: listen to, whisper to, or barge into the agent's call. */
    listen: featureCodeSchema.default('*31'),
    whisper: featureCodeSchema.default('*32'),
    barge: featureCodeSchema.default('*33'),
    /** Checks the agent in to all its dynamic groups, or followed by a group number to that group only (`*71500`). */
    agentCheckIn: featureCodeSchema.default('*71'),
    /** Checks the agent out of all its dynamic groups, or followed by a group number out of that group only. */
    agentCheckOut: featureCodeSchema.default('*72'),
    /** Ends the agent's pause: ready for calls. */
    agentIdle: featureCodeSchema.default('*73'),
    /** Pauses the agent; followed by a digit, with the n-th enabled pause reason (default the first). */
    agentPause: featureCodeSchema.default('*74'),
  })
  .superRefine((codes, ctx) => {
    // The monitor and agent codes take digits after them, so a code that is a prefix of
    // another (or the same) would make the other one ambiguous.
    const dialled = Object.entries(codes).filter(([key]) => key !== 'park');
    for (const [key, code] of dialled) {
      for (const [other, otherCode] of dialled) {
        if (other === key) continue;
        if (otherCode === code) ctx.addIssue({ code: 'custom', path: [key], message: `is also the code of ${other}` });
        else if (otherCode.startsWith(code)) ctx.addIssue({ code: 'custom', path: [key], message: `is a prefix of ${other} (${otherCode})` });
        else if (code.startsWith(otherCode)) ctx.addIssue({ code: 'custom', path: [key], message: `starts with the code of ${other} (${otherCode})` });
      }
    }
    // The ACD answers an agent code before routing sees the call, so one written without a
    // star must leave the park number and its slots alone. (The others were never checked
    // against park, and settings stored before must keep parsing.)
    const parking = [codes.park, ...parkSlots(codes.park)];
    for (const key of agentFeatureCodeKeys) {
      const code = codes[key];
      const clash = parking.find((number) => number.startsWith(code) || code.startsWith(number));
      if (clash !== undefined) ctx.addIssue({ code: 'custom', path: [key], message: `clashes with the park number or slot ${clash}` });
    }
  });
export type FeatureCodes = z.infer<typeof featureCodesSchema>;

/**
 * A blind transfer hands the caller to another party without consulting it. The manual's
 * three dial settings: the ring timeout of the new party; whether an unanswered transfer
 * comes back to the phone that transferred it; and the caller-name prefix that phone shows,
 * so its user knows the call is one they transferred and not a new caller.
 */
export const blindTransferSettingsSchema = z.object({
  ringTimeoutSec: z.number().int().min(5).max(600).default(30),
  callBackWhenNotConnected: z.boolean().default(true),
  callBackNamePrefix: z.string().max(32).default('Returned: '),
});
export type BlindTransferSettings = z.infer<typeof blindTransferSettingsSchema>;

export const routingSettingsSchema = z.object({
  blacklistTreatment: blacklistTreatmentSchema.default({ kind: 'hangup' }),
  /** Dates (YYYY-MM-DD, tenant time zone) that CDRs flag as holidays. */
  holidays: z.array(isoDate).max(1000).default([]),
  /** Ringing an outside number (ring group, external destination). */
  externalRingTimeoutSec: z.number().int().min(5).max(600).default(60),
  /** Ringing an extension or agent (agent / extension destination). */
  extensionRingTimeoutSec: z.number().int().min(5).max(600).default(30),
  /** Where a call goes when a destination it was sent to cannot take it (agent offline, no answer). */
  unreachableDestination: destinationSchema.nullable().default(null),
  featureCodes: featureCodesSchema.default(featureCodesSchema.parse({})),
  /** The tenant's display numbers (§3.5.2, §3.15.1): shown on outbound calls when neither the agent nor the task has its own. */
  displayNumbers: z.array(phoneNumberSchema).max(1000).default([]),
  /** What callers hear while they wait without a queue of their own: parked calls, the blacklist's hold-music treatment. */
  defaultHoldMusic: mediaRefSchema.nullable().default(null),
  /** Change the display number every N days; 0 = a new number for each call. */
  displayNumberRotationDays: z.number().int().min(0).max(365).default(1),
  /** A parked call nobody retrieved rings the phone that parked it after this long. */
  parkTimeoutSec: z.number().int().min(10).max(3_600).default(120),
  /** Blind transfers (§3.15.1 "Dial"): how long the new party rings, and what happens when nobody takes the call. */
  blindTransfer: blindTransferSettingsSchema.default(blindTransferSettingsSchema.parse({})),
});
export type RoutingSettings = z.infer<typeof routingSettingsSchema>;
export type RoutingSettingsInput = z.input<typeof routingSettingsSchema>;
