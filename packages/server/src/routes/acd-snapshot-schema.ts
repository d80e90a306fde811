import { z } from 'zod';
import { SERVICE_LEVEL_MS, type AcdSnapshot, type AgentSortOrder, type AgentStateKind } from '@switchboard/core';

/** The manual's sort orders of the agent list (§3.13.1), each also reversed. */
export const agentSortOrders = ['state', 'state-reverse', 'number', 'number-reverse', 'priority', 'priority-reverse'] as const satisfies readonly AgentSortOrder[];

const agentStates = ['logged-out', 'idle', 'reserved', 'on-call', 'on-hold', 'wrap-up', 'paused', 'busy'] as const satisfies readonly AgentStateKind[];

const epochMs = z.number().int().min(0);
const count = z.number().int().min(0);
const slaSeconds = SERVICE_LEVEL_MS / 1000;

const groupDaySchema = z
  .object({
    entered: count.describe('Callers who entered the queue (callers refused at the door count only as overflowed or exited empty)'),
    answered: count.describe('Callers connected to an agent'),
    answeredWithinSla: count.describe(`Callers connected to an agent within ${slaSeconds} s of entering`),
    abandoned: count.describe('Callers who hung up while waiting'),
    timedOut: count.describe('Callers who reached the maximum wait'),
    overflowed: count.describe('Callers sent to the overflow destination: the queue was full, or no agent was available as they arrived'),
    exitedEmpty: count.describe('Callers refused because no agent was checked in (join empty off), or sent out when the last one checked out (leave when empty)'),
    exitedWithKey: count.describe('Callers who left by pressing the exit key'),
    callsIn: count.describe('Queue calls offered to agents (manual: "call in total"); each ring counts, so a caller rung at two agents counts twice'),
    callsOut: count.describe('Outbound calls the members dialled while checked in to the group (manual: "call out total")'),
    talkMs: count.describe('Talk time of the completed queue calls, in ms'),
  })
  .describe("Today's counters, from midnight in the tenant's time zone");

const groupSchema = z.object({
  groupNumber: z.string(),
  name: z.string(),
  checkedIn: count.describe('Logged-in members checked in to the group; the state counts below split them'),
  idle: count.describe('Checked-in members who are idle (DND agents included)'),
  ringing: count.describe('Checked-in members reserved for a caller, their phone ringing'),
  onCall: count.describe('Checked-in members on a call'),
  onHold: count.describe('Checked-in members with their caller on hold'),
  wrapUp: count.describe('Checked-in members in after-call work'),
  paused: count.describe('Checked-in members paused with a reason'),
  busy: count.describe('Checked-in members set busy by a supervisor'),
  waiting: count.describe('Callers in the queue: waiting, or ringing an agent, not yet connected'),
  longestWaitMs: count.describe('How long the earliest caller still in the queue has waited, in ms; 0 when nobody waits'),
  today: groupDaySchema,
  serviceLevel: z
    .number()
    .min(0)
    .max(1)
    .nullable()
    .describe(`Share of today's answered callers answered within ${slaSeconds} s (answeredWithinSla / answered), 0–1; null before the first answer`),
});

const agentGroupSchema = z.object({
  groupNumber: z.string(),
  checkedIn: z.boolean(),
  checkedInAt: epochMs.nullable().describe('Epoch ms of the check-in; null while checked out'),
  priority: z.number().int().min(1).max(100).describe('Tier in the group: 1 rings first'),
  kind: z.enum(['static', 'dynamic']).describe('static: checked in while logged in; dynamic: checks in and out'),
  callsIn: count.describe("Today's queue calls of this group offered to the agent (each ring)"),
  callsOut: count.describe("Today's outbound calls the agent dialled while checked in to this group"),
  answered: count.describe("Today's queue calls of this group the agent answered"),
});

const agentSchema = z.object({
  agentNumber: z.string(),
  name: z.string().describe('First and last name; empty when the agent has none'),
  state: z.enum(agentStates).describe('reserved = ringing for a queue caller'),
  reason: z.string().nullable().describe('The pause reason while paused, the user id of the supervisor while busy; otherwise null'),
  since: epochMs.describe('Epoch ms the agent entered its state; for a logged-out agent the end of its last call (0 if none)'),
  dnd: z.boolean().describe('Do not disturb: idle but offered no queue call'),
  callerNumber: z.string().nullable().describe("The caller's number while ringing or on a call; otherwise null"),
  groups: z.array(agentGroupSchema).describe('The groups the agent is a member of (only the requested ones when `groups` is given)'),
  callsIn: count.describe('Sum of callsIn over the listed groups'),
  callsOut: count.describe("Today's outbound calls the agent dialled, each counted once whatever its groups"),
  lastCallEndedAt: epochMs.nullable().describe('Epoch ms the last call ended; null if none since the engine started'),
});

/** The real-time snapshot as `acd.snapshot` returns it (manual §3.13.1 monitoring). */
export const acdSnapshotSchema = z.object({
  at: epochMs.describe('Epoch ms the snapshot was taken (the Switchboard clock)'),
  groups: z.array(groupSchema).describe('In group number order'),
  agents: z.array(agentSchema).describe('In the requested sort order'),
});

// The document must be the core's snapshot, field for field: a field added, removed,
// retyped or made nullable on either side fails the build here, so it cannot drift.
type SameShape<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _documentedSnapshotIsTheCores: SameShape<z.output<typeof acdSnapshotSchema>, AcdSnapshot> = true;
// Likewise every state and sort order of the core is listed.
const _everyState: SameShape<(typeof agentStates)[number], AgentStateKind> = true;
const _everySortOrder: SameShape<(typeof agentSortOrders)[number], AgentSortOrder> = true;
