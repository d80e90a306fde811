import type { TimerHandle } from '../clock/clock.js';
import type { MediaRef } from '../media/media-ref.js';
import type { AgentState } from './agent-state.js';
import type { Agent, AgentGroup, GroupMember } from './model.js';
import type { AgentPool } from './strategy/agent-pool.js';
import type { PoolAgent } from './strategy/pool-agent.js';

/** Today's figures of one agent in one group (reset at the tenant's midnight). */
export interface MemberDay {
  callsIn: number;
  callsOut: number;
  answered: number;
  talkMs: number;
}

export interface Membership {
  group: GroupRuntime;
  member: GroupMember;
  /** Static members are checked in while logged in; dynamic ones check in and out. */
  checkedIn: boolean;
  checkedInAt: number | null;
  day: MemberDay;
}

export interface AgentRuntime {
  agent: Agent;
  state: AgentState;
  dnd: boolean;
  /** Logged in on the web (work-with-browser agents need it to check in by phone). */
  webSession: boolean;
  loginVia: 'web' | 'phone' | null;
  loggedInAt: number | null;
  /** By group number. */
  memberships: Map<string, Membership>;
  /** The agent as its groups' pools know it: one handle for all of them, so a reservation leaves every pool at once. */
  readonly poolAgent: PoolAgent;
  /** When the agent last became available for queue calls; longest idle counts from here. */
  availableSince: number;
  /** A pause or busy asked for during a call, applied when the call (and wrap-up) ends. */
  pending: { type: 'pause'; reason: string; initiator: string } | { type: 'busy'; by: string; initiator: string } | undefined;
  wrapUpTimer: TimerHandle | undefined;
  /** The call the agent is on or ringing for (a queue's, or one no queue made: while it lives the agent is in no pool). */
  call: AgentCall | undefined;
  lastCallEndedAt: number | null;
  /**
   * Calls the agent placed today (tenant time zone), whatever the groups: the agent's own
   * "calls out" figure. Each group it was checked in to counts the call too, so the sum over
   * its groups can be larger.
   */
  callsOutToday: number;
}

/** The agent's side of a call: their own leg, and the customer's leg when there is one. */
export interface AgentCall {
  legId: string;
  customerCallId: string | undefined;
  callerNumber: string;
  entry: QueueEntry | undefined;
  autoEndTimer: TimerHandle | undefined;
}

/** Counters of one group for today; every one of them can be recomputed from the queue log. */
export interface GroupDay {
  entered: number;
  answered: number;
  answeredWithinSla: number;
  abandoned: number;
  timedOut: number;
  overflowed: number;
  exitedEmpty: number;
  exitedWithKey: number;
  /** Agents rung or connected for queue calls (manual: "call in total"). */
  callsIn: number;
  /** Calls placed by agents checked in to the group at the time (manual: "call out total"). */
  callsOut: number;
  talkMs: number;
}

export type AgentBucket = 'idle' | 'reserved' | 'on-call' | 'on-hold' | 'wrap-up' | 'paused' | 'busy';

export interface GroupRuntime {
  group: AgentGroup;
  pool: AgentPool;
  /** By agent number. */
  members: Map<string, Membership>;
  /** Waiting and ringing callers, by priority (high first) then arrival. */
  line: QueueEntry[];
  /** Logged-in, checked-in members by state: the snapshot reads these, nothing scans. */
  buckets: Record<AgentBucket, number>;
  checkedIn: number;
  day: GroupDay;
}

export type EntryPhase = 'waiting' | 'ringing' | 'connecting' | 'connected' | 'done';

export interface QueueEntry {
  id: string;
  tenantId: string;
  callId: string;
  group: GroupRuntime;
  priority: number;
  /** Order of arrival (ties of `enteredAt` are common on virtual time). */
  seq: number;
  enteredAt: number;
  callerNumber: string;
  callerName: string;
  originalPosition: number;
  phase: EntryPhase;
  /** Agent legs ringing for this caller, by leg id. */
  offers: Map<string, Offer>;
  /** Agents this caller rang without an answer in the current round. */
  excluded: Set<string>;
  /** Linear strategy: the position of the agent rung last. */
  lastPosition: number | undefined;
  /** Ready again for agents at this time after a no-answer (retry). */
  retrying: boolean;
  timers: { maxWait?: TimerHandle; retry?: TimerHandle; periodic?: TimerHandle; position?: TimerHandle; progressive?: TimerHandle };
  /** What plays to the caller now: waiting music (looping) or an announcement. */
  playbackId: string | undefined;
  /** The entry announcement or waiting music has started. */
  greeted: boolean;
  announcing: boolean;
  /** Announcements waiting for the current one to finish. */
  announcements: MediaRef[][];
  connectedAt: number | undefined;
  agent: AgentRuntime | undefined;
  /** Connecting: playbacks still to finish before the bridge (agent whisper, agent number). */
  pendingPlaybacks: Set<string>;
  /**
   * An attended transfer is under way: the media server hangs the agent's leg up as it joins
   * the caller to the consultation call, and that hang-up must not end the caller's call.
   * `agentLegEnded` records that it came, for a transfer that then fails.
   */
  transfer?: { agentLegEnded: boolean };
}

export interface Offer {
  legId: string;
  entry: QueueEntry;
  agent: AgentRuntime;
  startedAt: number;
  timer: TimerHandle | undefined;
  /** Why we hang the leg up ourselves, if we do: decides RINGNOANSWER vs RINGCANCELED. */
  ending: 'timeout' | 'cancel' | undefined;
  answered: boolean;
}
