import { z } from 'zod';
import { withoutDefaults } from '../validation/without-defaults.js';
import { destinationSchema } from '../destination/destination.js';
import { mediaRefSchema } from '../media/media-ref.js';

/**
 * The ACD's stored configuration (manual §3.1.2 Agents, §3.1.3 Agent groups, §3.7.9 Pause
 * management). Runtime state (who is idle, who rings, who waits) lives in the engine.
 */

/** An agent number: 2–16 digits (also its SIP user name). */
export const AGENT_NUMBER_PATTERN = /^[0-9]{2,16}$/;
/** An agent's number: unique in the tenant, and the user name of the agent's SIP phone. */
export const agentNumberSchema = z.string().regex(AGENT_NUMBER_PATTERN, 'use 2-16 digits');
/** An agent group's number: digits, unique in the tenant, fixed once set. */
export const groupNumberSchema = z.string().regex(/^[0-9]{1,16}$/, 'use 1-16 digits');
/** The phone check-in password, typed on a keypad. */
export const phonePinSchema = z.string().regex(/^[0-9]{4,12}$/, 'use 4-12 digits');
const macSchema = z
  .string()
  .regex(/^[0-9A-Fa-f]{2}([:-]?[0-9A-Fa-f]{2}){5}$/, 'a MAC address such as 00:11:22:33:44:55')
  .transform((mac) => mac.replace(/[:-]/g, '').toLowerCase().replace(/(..)(?!$)/g, '$1:'));
const displayNumberSchema = z.string().regex(/^\+?[0-9]{3,20}$/, 'a phone number');

export interface Agent {
  id: string;
  tenantId: string;
  number: string;
  firstName: string;
  lastName: string;
  role: string;
  department: string | null;
  /** The agent's web login (a user whose username is the agent number). */
  userId: string | null;
  /** scrypt hash of the phone check-in password; null: phone check-in is off. */
  phonePinHash: string | null;
  /** May only call customers by clicking in the browser, never by dialing on the phone. */
  clickToCallOnly: boolean;
  /** Disabled agents can do nothing: no login, no calls, no check-in. */
  enabled: boolean;
  /** Caller IDs shown when the agent calls out; the agent's own beat the task's and the system's. */
  displayNumbers: string[];
  /** Works in the browser: without a web login the agent cannot check in by phone. */
  workWithBrowser: boolean;
  defaultOutboundCallFile: string | null;
  phoneTemplate: string | null;
  phoneMac: string | null;
  lastLoginAt: number | null;
  createdAt: number;
  updatedAt: number;
}

/** What an administrator enters for a new agent; passwords arrive in clear and are hashed before storage. */
export const newAgentSchema = z.object({
  number: agentNumberSchema,
  firstName: z.string().trim().max(100).default(''),
  lastName: z.string().trim().max(100).default(''),
  role: z.string().trim().min(1).max(64).default('agent'),
  department: z.string().trim().min(1).max(100).nullable().default(null),
  sipPassword: z.string().min(8, 'use at least 8 characters').max(128),
  webPassword: z.string().min(8, 'use at least 8 characters').max(128).optional(),
  phonePin: phonePinSchema.optional(),
  clickToCallOnly: z.boolean().default(false),
  enabled: z.boolean().default(true),
  displayNumbers: z.array(displayNumberSchema).max(50).default([]),
  workWithBrowser: z.boolean().default(false),
  defaultOutboundCallFile: z.string().trim().min(1).max(100).nullable().default(null),
  phoneTemplate: z.string().trim().min(1).max(100).nullable().default(null),
  phoneMac: macSchema.nullable().default(null),
});
export type NewAgent = z.input<typeof newAgentSchema>;

/** Every field but the number may change; a password given is replaced. */
export const agentPatchSchema = z.object(withoutDefaults(newAgentSchema.omit({ number: true, sipPassword: true }).shape)).partial().extend({ sipPassword: newAgentSchema.shape.sipPassword.optional(), phonePin: phonePinSchema.nullable().optional() });
export type AgentPatch = z.input<typeof agentPatchSchema>;

/** Batch add (manual §3.1.2 ④): numbers first, first+1, … ; existing numbers are skipped and reported. */
export const agentBatchSchema = newAgentSchema.omit({ number: true }).extend({
  firstNumber: agentNumberSchema,
  count: z.number().int().min(1).max(1000),
});
export type AgentBatch = z.input<typeof agentBatchSchema>;

export const ringStrategies = [
  'longest-idle',
  'fewest-calls',
  'sequential',
  'round-robin',
  'random',
  'ring-all',
  'linear',
  'weighted-random',
  'ring-progressively',
  'least-talk-time',
] as const;
/** How a queue picks agents: the manual's six, then Asterisk/FreeSWITCH extras. */
export type RingStrategy = (typeof ringStrategies)[number];

/** The queue of an agent group: every setting of manual §3.1.3 ③. */
export const queueSettingsSchema = z.object({
  /** Incoming queue on/off: off, the group takes no queue calls. */
  enabled: z.boolean().default(true),
  strategy: z.enum(ringStrategies).default('longest-idle'),
  /** Played when a caller is put on hold in a queue call; default: the system's hold music. */
  holdMusic: mediaRefSchema.nullable().default(null),
  /** Music while waiting in the queue; off: ringback tone. */
  waitingMusicEnabled: z.boolean().default(true),
  waitingMusic: mediaRefSchema.nullable().default(null),
  /** Announce the agent's number to the caller before connecting, with a voice before and after. */
  announceAgentNumber: z.boolean().default(false),
  agentNumberVoiceBefore: mediaRefSchema.nullable().default(null),
  agentNumberVoiceAfter: mediaRefSchema.nullable().default(null),
  /** Seconds an agent may ring before the queue tries the next one. */
  agentRingTimeoutSec: z.number().int().min(5).max(300).default(20),
  /** Longest wait in the queue; 0 = no limit. Then the timeout destination. */
  maxWaitSec: z.number().int().min(0).max(86_400).default(0),
  timeoutDestination: destinationSchema.nullable().default(null),
  /** Pause before a caller rings the next agent after a no-answer. */
  retrySec: z.number().int().min(0).max(300).default(5),
  callerNumberPrefix: z.string().max(20).default(''),
  callerNamePrefix: z.string().max(40).default(''),
  /** When no agent is available (none idle) on entry, send the caller to the overflow destination. */
  overflowWhenNoAgent: z.boolean().default(false),
  noAgentDestination: destinationSchema.nullable().default(null),
  /** 0 = no limit; when reached, new callers go to the overflow destination. */
  maxQueueLength: z.number().int().min(0).max(100_000).default(0),
  overflowDestination: destinationSchema.nullable().default(null),
  /** Whether a caller may enter a queue with no agent checked in. */
  joinEmpty: z.boolean().default(true),
  /** Whether waiting callers leave when the last agent checks out. */
  leaveWhenEmpty: z.boolean().default(false),
  /** Pause an agent who lets a queue call ring out; the options add busy (rejected) and unavailable phones. */
  autoPause: z.boolean().default(false),
  autoPauseOnBusy: z.boolean().default(false),
  autoPauseOnUnavailable: z.boolean().default(false),
  /** Played to the caller on entering the queue. */
  entryAnnouncement: mediaRefSchema.nullable().default(null),
  /** Whispered to the agent after they answer, before the caller is connected. */
  agentAnnouncement: mediaRefSchema.nullable().default(null),
  /** Played to waiting callers every `periodicAnnouncementSec`; 0 = off. */
  periodicAnnouncementSec: z.number().int().min(0).max(3600).default(0),
  periodicAnnouncement: mediaRefSchema.nullable().default(null),
  /** Tells waiting callers their position every `positionAnnouncementSec`; 0 = off. */
  positionAnnouncementSec: z.number().int().min(0).max(3600).default(0),
  /** A key the caller may press to leave the queue to a destination (queue_log EXITWITHKEY). */
  exitKey: z.string().regex(/^[0-9*#]$/).nullable().default(null),
  exitKeyDestination: destinationSchema.nullable().default(null),
  /** Ring progressively: a further agent joins the ringing every this many seconds. */
  progressiveIntervalSec: z.number().int().min(1).max(120).default(5),
});
export type QueueSettings = z.output<typeof queueSettingsSchema>;

export const groupMemberSchema = z.object({
  agentNumber: agentNumberSchema,
  /** Static members are always checked in while logged in; dynamic ones check in and out. */
  kind: z.enum(['static', 'dynamic']).default('dynamic'),
  /** 1 = first tier (highest). Lower numbers ring first; in weighted random the weight is 1/priority. */
  priority: z.number().int().min(1).max(100).default(1),
});
export type GroupMemberInput = z.input<typeof groupMemberSchema>;

export interface GroupMember {
  agentId: string;
  agentNumber: string;
  kind: 'static' | 'dynamic';
  priority: number;
  /** Position on the group page: the order of sequential, round-robin and the tie-breaks. */
  position: number;
}

export interface AgentGroup {
  id: string;
  tenantId: string;
  name: string;
  number: string;
  members: GroupMember[];
  /** Agent numbers of the group's leaders (supervisors of the group). */
  leaders: string[];
  /** End a talk automatically after this many seconds; 0 = never. */
  autoEndTalkSec: number;
  /** After-call work: the agent is kept from new calls this long after each call. */
  wrapUpSec: number;
  /** Ask the agent's phone to answer by itself (SIP auto-answer header) per kind of call. */
  autoAnswer: { queue: boolean; preDial: boolean; clickToDial: boolean };
  queue: QueueSettings;
  createdAt: number;
  updatedAt: number;
}

export const newAgentGroupSchema = z.object({
  name: z.string().trim().min(1).max(100),
  number: groupNumberSchema,
  members: z.array(groupMemberSchema).max(100_000).default([]),
  leaders: z.array(agentNumberSchema).max(100).default([]),
  autoEndTalkSec: z.number().int().min(0).max(86_400).default(0),
  wrapUpSec: z.number().int().min(0).max(3600).default(0),
  autoAnswer: z.object({ queue: z.boolean().default(false), preDial: z.boolean().default(false), clickToDial: z.boolean().default(false) }).prefault({}),
  queue: queueSettingsSchema.prefault({}),
});
export type NewAgentGroup = z.input<typeof newAgentGroupSchema>;

/** The number is fixed once set (manual §3.1.3). */
export const agentGroupPatchSchema = z
  .object(withoutDefaults(newAgentGroupSchema.omit({ number: true, queue: true }).shape))
  .partial()
  .extend({ queue: z.object(withoutDefaults(queueSettingsSchema.shape)).partial().optional() });
export type AgentGroupPatch = z.input<typeof agentGroupPatchSchema>;

/** A reason an agent gives for a pause (manual §3.7.9); shown on monitoring screens. */
export interface PauseReason {
  id: string;
  tenantId: string;
  name: string;
  /** Counts as productive time in reports (training, a meeting) or not (a break). */
  productive: boolean;
  enabled: boolean;
  createdAt: number;
  updatedAt: number;
}

export const newPauseReasonSchema = z.object({
  name: z.string().trim().min(1).max(100),
  productive: z.boolean().default(false),
  enabled: z.boolean().default(true),
});
export type NewPauseReason = z.input<typeof newPauseReasonSchema>;
