import { orderedId } from '../storage/ordered-id.js';
import type { Clock } from '../clock/clock.js';
import type { DestinationHandler } from '../destination/destination.js';
import { ForbiddenError, IllegalStateError, NotFoundError } from '../errors/errors.js';
import type { TypedEmitter } from '../events/typed-emitter.js';
import type { Logger } from '../logging/logger.js';
import type { MediaAdapter } from '../media/media-adapter.js';
import type { Endpoint } from '../media/media-events.js';
import type { MediaRefResolver } from '../media-files/media-library.js';
import type { Random } from '../random/random.js';
import type { AcdEvents } from './acd-events.js';
import { hasCall, transition, type AgentAction, type AgentState } from './agent-state.js';
import { nextMidnight } from './day-boundary.js';
import type { Agent, AgentGroup } from './model.js';
import { QueueCalls } from './queue-calls.js';
import type { AgentEventType, QueueLogEntry } from './records.js';
import type { RecordsWriter } from './records-writer.js';
import type { AgentBucket, AgentRuntime, GroupDay, GroupRuntime, Membership } from './runtime-types.js';
import { AgentRoster, createAgentPool } from './strategy/index.js';

export interface TenantAcdDeps {
  tenantId: string;
  timeZone: string;
  media: MediaAdapter;
  /** The configured MediaRefs (queue music, announcements) as the media server plays them. */
  mediaRefs: MediaRefResolver;
  clock: Clock;
  random: Random;
  logger: Logger;
  writer: RecordsWriter;
  events: TypedEmitter<AcdEvents>;
  destinations: DestinationHandler | undefined;
  agentEndpoint: (agentNumber: string) => Endpoint;
  newId: () => string;
}

export const emptyGroupDay = (): GroupDay => ({
  entered: 0,
  answered: 0,
  answeredWithinSla: 0,
  abandoned: 0,
  timedOut: 0,
  overflowed: 0,
  exitedEmpty: 0,
  exitedWithKey: 0,
  callsIn: 0,
  callsOut: 0,
  talkMs: 0,
});

const emptyBuckets = (): Record<AgentBucket, number> => ({ idle: 0, reserved: 0, 'on-call': 0, 'on-hold': 0, 'wrap-up': 0, paused: 0, busy: 0 });

/**
 * The runtime of one tenant's ACD: its agents, groups and waiting callers, all in memory
 * (one writer per tenant). Agent commands live here; the life of queue calls lives in
 * `QueueCalls`. Every change is recorded (agent events, queue log) and emitted.
 */
export class TenantAcd {
  readonly agents = new Map<string, AgentRuntime>();
  readonly groups = new Map<string, GroupRuntime>();
  readonly calls: QueueCalls;
  /** The agents as the groups' pools know them (one handle each): what makes a reservation leave every pool at once. */
  readonly roster = new AgentRoster();
  private midnightTimer: ReturnType<Clock['setTimer']> | undefined;
  private dispatching = false;
  private readonly pendingDispatch = new Set<GroupRuntime>();

  constructor(readonly deps: TenantAcdDeps) {
    this.calls = new QueueCalls(this);
    this.scheduleMidnight();
  }

  get now(): number {
    return this.deps.clock.now();
  }

  close(): void {
    this.deps.clock.clearTimer(this.midnightTimer);
    this.calls.close();
    for (const runtime of this.agents.values()) this.deps.clock.clearTimer(runtime.wrapUpTimer);
  }

  // ── configuration ────────────────────────────────────────────────────────────

  /** Adds or refreshes an agent's configuration; its runtime state is kept. */
  upsertAgent(agent: Agent): void {
    const runtime = this.agents.get(agent.number);
    if (runtime) {
      runtime.agent = agent;
      if (!agent.enabled && runtime.state.kind !== 'logged-out' && !hasCall(runtime.state)) this.logout(agent.number, 'system', 'agent disabled');
      this.refreshAvailability(runtime);
      return;
    }
    this.agents.set(agent.number, {
      agent,
      state: { kind: 'logged-out' },
      dnd: false,
      webSession: false,
      loginVia: null,
      loggedInAt: null,
      memberships: new Map(),
      poolAgent: this.roster.enrol(agent.number),
      availableSince: this.now,
      pending: undefined,
      wrapUpTimer: undefined,
      call: undefined,
      lastCallEndedAt: null,
      callsOutToday: 0,
    });
    for (const group of this.groups.values()) {
      const member = group.group.members.find((m) => m.agentNumber === agent.number);
      if (member) this.attachMember(group, member);
    }
  }

  removeAgent(agentNumber: string): void {
    const runtime = this.agents.get(agentNumber);
    if (!runtime) return;
    if (runtime.state.kind !== 'logged-out' && !hasCall(runtime.state)) this.logout(agentNumber, 'system', 'agent deleted');
    for (const membership of [...runtime.memberships.values()]) this.detachMember(membership.group, agentNumber);
    this.agents.delete(agentNumber);
  }

  /** Adds or refreshes a group (members, settings); waiting callers stay in line. */
  upsertGroup(group: AgentGroup): void {
    let runtime = this.groups.get(group.number);
    if (runtime && runtime.group.queue.strategy !== group.queue.strategy) {
      // A new strategy needs a new index; members are re-added below.
      for (const agentNumber of [...runtime.members.keys()]) this.detachMember(runtime, agentNumber);
      runtime.pool = createAgentPool(group.queue.strategy, this.deps.random.fork(`pool:${group.number}`));
    }
    if (!runtime) {
      runtime = {
        group,
        pool: createAgentPool(group.queue.strategy, this.deps.random.fork(`pool:${group.number}`)),
        members: new Map(),
        line: [],
        buckets: emptyBuckets(),
        checkedIn: 0,
        day: emptyGroupDay(),
      };
      this.groups.set(group.number, runtime);
    }
    runtime.group = group;
    const wanted = new Map(group.members.map((m) => [m.agentNumber, m]));
    for (const agentNumber of [...runtime.members.keys()]) if (!wanted.has(agentNumber)) this.detachMember(runtime, agentNumber);
    for (const member of group.members) {
      const existing = runtime.members.get(member.agentNumber);
      if (existing) {
        existing.member = member;
        const agent = this.agents.get(member.agentNumber);
        if (agent) {
          if (member.kind === 'static' && agent.state.kind !== 'logged-out' && !existing.checkedIn) this.setCheckedIn(agent, existing, true, 'system', 'static member');
          // Its place may have changed: the pool forgets it and takes it again with the new one.
          runtime.pool.remove(agent.poolAgent);
          this.refreshAvailability(agent);
        }
      } else {
        this.attachMember(runtime, member);
      }
    }
    this.scheduleDispatch(runtime);
  }

  removeGroup(groupNumber: string): void {
    const runtime = this.groups.get(groupNumber);
    if (!runtime) return;
    this.calls.emptyGroup(runtime, 'group deleted');
    for (const agentNumber of [...runtime.members.keys()]) this.detachMember(runtime, agentNumber);
    this.groups.delete(groupNumber);
  }

  private attachMember(group: GroupRuntime, member: AgentGroup['members'][number]): void {
    const agent = this.agents.get(member.agentNumber);
    if (!agent) return;
    const membership: Membership = { group, member, checkedIn: false, checkedInAt: null, day: { callsIn: 0, callsOut: 0, answered: 0, talkMs: 0 } };
    group.members.set(member.agentNumber, membership);
    agent.memberships.set(group.group.number, membership);
    if (member.kind === 'static' && agent.state.kind !== 'logged-out') this.setCheckedIn(agent, membership, true, 'system', 'static member');
  }

  private detachMember(group: GroupRuntime, agentNumber: string): void {
    const membership = group.members.get(agentNumber);
    const agent = this.agents.get(agentNumber);
    if (!membership) return;
    if (agent && membership.checkedIn) this.setCheckedIn(agent, membership, false, 'system', 'removed from group');
    if (agent) group.pool.remove(agent.poolAgent);
    group.members.delete(agentNumber);
    agent?.memberships.delete(group.group.number);
  }

  // ── agent commands ───────────────────────────────────────────────────────────

  agent(agentNumber: string): AgentRuntime {
    const runtime = this.agents.get(agentNumber);
    if (!runtime) throw new NotFoundError('Agent', agentNumber);
    return runtime;
  }

  group(groupNumber: string): GroupRuntime {
    const runtime = this.groups.get(groupNumber);
    if (!runtime) throw new NotFoundError('Agent group', groupNumber);
    return runtime;
  }

  private enabled(runtime: AgentRuntime): void {
    if (!runtime.agent.enabled) throw new ForbiddenError(`Agent ${runtime.agent.number} is disabled`);
  }

  login(agentNumber: string, via: 'web' | 'phone', initiator: string): void {
    const runtime = this.agent(agentNumber);
    this.enabled(runtime);
    if (via === 'web') runtime.webSession = true;
    if (runtime.state.kind !== 'logged-out') return;
    runtime.loginVia = via;
    runtime.loggedInAt = this.now;
    this.apply(runtime, { type: 'login' }, initiator, via === 'web' ? 'web login' : 'phone login', 'logged-in');
    this.queueLog('NONE', 'NONE', agentNumber, 'AGENTLOGIN', [via]);
    for (const membership of runtime.memberships.values()) {
      if (membership.member.kind === 'static') this.setCheckedIn(runtime, membership, true, initiator, 'static member');
    }
  }

  logout(agentNumber: string, initiator: string, cause = 'logout'): void {
    const runtime = this.agent(agentNumber);
    if (runtime.state.kind === 'logged-out') return;
    if (hasCall(runtime.state)) throw new IllegalStateError(`Agent ${agentNumber} is on a call; log out after it ends`);
    for (const membership of runtime.memberships.values()) if (membership.checkedIn) this.setCheckedIn(runtime, membership, false, initiator, cause);
    this.deps.clock.clearTimer(runtime.wrapUpTimer);
    runtime.wrapUpTimer = undefined;
    runtime.pending = undefined;
    const via = runtime.loginVia ?? '';
    runtime.webSession = false;
    runtime.loginVia = null;
    const loggedInSince = runtime.loggedInAt ?? this.now;
    this.apply(runtime, { type: 'logout' }, initiator, cause, 'logged-out');
    this.queueLog('NONE', 'NONE', agentNumber, 'AGENTLOGOFF', [via, Math.round((this.now - loggedInSince) / 1000)]);
  }

  /** Checks in to one group, or to every group the agent belongs to when `groupNumber` is absent. */
  checkIn(agentNumber: string, groupNumber: string | undefined, initiator: string, via: 'web' | 'phone' = 'web'): void {
    const runtime = this.agent(agentNumber);
    this.enabled(runtime);
    if (via === 'phone' && runtime.agent.workWithBrowser && !runtime.webSession) {
      throw new ForbiddenError(`Agent ${agentNumber} works in the browser: log in on the web before checking in by phone`);
    }
    if (runtime.state.kind === 'logged-out') this.login(agentNumber, via, initiator);
    const targets = groupNumber === undefined ? [...runtime.memberships.values()] : [this.membership(runtime, groupNumber)];
    for (const membership of targets) if (!membership.checkedIn) this.setCheckedIn(runtime, membership, true, initiator, 'check-in');
  }

  /**
   * Checks out of one group, or of every dynamic membership when `groupNumber` is absent.
   * Static members stay checked in while logged in (manual §3.1.3): naming a group the
   * agent is a static member of is refused, whoever asks (the agent or a supervisor).
   */
  checkOut(agentNumber: string, groupNumber: string | undefined, initiator: string): void {
    const runtime = this.agent(agentNumber);
    if (groupNumber !== undefined && this.membership(runtime, groupNumber).member.kind === 'static') {
      throw new IllegalStateError(`Agent ${agentNumber} is a static member of agent group ${groupNumber}: static members stay checked in while logged in`, {
        details: { agentNumber, groupNumber, kind: 'static' },
      });
    }
    const targets = groupNumber === undefined ? [...runtime.memberships.values()].filter((m) => m.member.kind === 'dynamic') : [this.membership(runtime, groupNumber)];
    for (const membership of targets) if (membership.checkedIn) this.setCheckedIn(runtime, membership, false, initiator, 'check-out');
  }

  private membership(runtime: AgentRuntime, groupNumber: string): Membership {
    const membership = runtime.memberships.get(groupNumber);
    if (!membership) throw new NotFoundError(`Agent ${runtime.agent.number} in agent group`, groupNumber);
    return membership;
  }

  pause(agentNumber: string, reason: string, initiator: string): void {
    const runtime = this.agent(agentNumber);
    this.enabled(runtime);
    this.requireLoggedIn(runtime);
    if (hasCall(runtime.state)) {
      runtime.pending = { type: 'pause', reason, initiator };
      return;
    }
    this.apply(runtime, { type: 'pause', reason }, initiator, reason, 'paused');
    this.queueLog('NONE', 'NONE', agentNumber, 'PAUSE', [reason]);
  }

  /** Back to idle from a pause, busy or wrap-up ("idle" feature code and button). */
  unpause(agentNumber: string, initiator: string): void {
    const runtime = this.agent(agentNumber);
    this.enabled(runtime);
    this.requireLoggedIn(runtime);
    runtime.pending = undefined;
    const state = runtime.state;
    if (state.kind === 'paused') {
      this.apply(runtime, { type: 'unpause' }, initiator, null, 'idle');
      this.queueLog('NONE', 'NONE', agentNumber, 'UNPAUSE', [state.reason]);
    } else if (state.kind === 'busy') {
      this.apply(runtime, { type: 'clear-busy' }, initiator, null, 'idle');
      this.queueLog('NONE', 'NONE', agentNumber, 'UNPAUSE', ['busy']);
    } else if (state.kind === 'wrap-up') {
      this.endWrapUp(agentNumber, initiator);
    }
  }

  setBusy(agentNumber: string, by: string, initiator: string): void {
    const runtime = this.agent(agentNumber);
    this.requireLoggedIn(runtime);
    if (hasCall(runtime.state)) {
      runtime.pending = { type: 'busy', by, initiator };
      return;
    }
    this.apply(runtime, { type: 'set-busy', by }, initiator, 'set busy', 'busy');
    this.queueLog('NONE', 'NONE', agentNumber, 'PAUSE', ['busy']);
  }

  endWrapUp(agentNumber: string, initiator: string): void {
    const runtime = this.agent(agentNumber);
    if (runtime.state.kind !== 'wrap-up') throw new IllegalStateError(`Agent ${agentNumber} is not in wrap-up`);
    this.deps.clock.clearTimer(runtime.wrapUpTimer);
    runtime.wrapUpTimer = undefined;
    this.atomically(() => {
      this.apply(runtime, { type: 'end-wrap-up' }, initiator, 'wrap-up ended', 'idle');
      this.applyPending(runtime);
    });
  }

  setDnd(agentNumber: string, dnd: boolean, initiator: string): void {
    const runtime = this.agent(agentNumber);
    this.enabled(runtime);
    if (runtime.dnd === dnd) return;
    runtime.dnd = dnd;
    // Leaving DND makes an idle agent available now: DND time is not idle time.
    if (!dnd && runtime.state.kind === 'idle') runtime.availableSince = this.now;
    this.recordAgentEvent(runtime, dnd ? 'dnd-on' : 'dnd-off', null, initiator, null);
    this.deps.events.emit('agent.state', { tenantId: this.deps.tenantId, agentNumber, state: runtime.state, previous: runtime.state, dnd, at: this.now });
    this.refreshAvailability(runtime);
  }

  private requireLoggedIn(runtime: AgentRuntime): void {
    if (runtime.state.kind === 'logged-out') throw new IllegalStateError(`Agent ${runtime.agent.number} is not logged in`);
  }

  // ── calls the queues did not make ────────────────────────────────────────────

  /**
   * A call no queue made started on the agent's phone: a direct call to the extension
   * rings it, or the agent dials out. From now until it ends the agent is offered no queue
   * call (never two calls at once); an idle agent is reserved for it, as for a queue call.
   */
  personalCallStarted(agentNumber: string, callId: string, otherNumber: string): void {
    const runtime = this.agents.get(agentNumber);
    // A second call on a busy phone (call waiting) changes nothing: the agent has a call.
    if (!runtime || runtime.state.kind === 'logged-out' || runtime.call || hasCall(runtime.state)) return;
    runtime.call = { legId: callId, customerCallId: undefined, callerNumber: otherNumber, entry: undefined, autoEndTimer: undefined };
    if (runtime.state.kind === 'idle') this.apply(runtime, { type: 'reserve', groupNumber: null, callId }, 'system', 'direct call');
    else this.refreshAvailability(runtime);
  }

  /**
   * A call on the agent's phone that no queue made — a direct call to the extension, or the
   * agent dialing out — was answered: the agent is on a call while it lasts, so no queue
   * offers it one. A pause or busy it was in comes back after the call.
   */
  personalCallAnswered(agentNumber: string, callId: string, callerNumber: string): void {
    const runtime = this.agents.get(agentNumber);
    if (!runtime || runtime.state.kind === 'logged-out') return;
    if (runtime.call && runtime.call.legId !== callId) return;
    const state = runtime.state;
    const ringing = state.kind === 'reserved' && state.callId === callId;
    if (hasCall(state) && !ringing) return;
    if (state.kind === 'paused') runtime.pending ??= { type: 'pause', reason: state.reason, initiator: 'system' };
    if (state.kind === 'busy') runtime.pending ??= { type: 'busy', by: state.by, initiator: 'system' };
    this.deps.clock.clearTimer(runtime.wrapUpTimer);
    runtime.wrapUpTimer = undefined;
    runtime.call = { legId: callId, customerCallId: undefined, callerNumber, entry: undefined, autoEndTimer: undefined };
    this.apply(runtime, { type: 'answer', groupNumber: null, callId }, 'agent:phone', 'direct call');
  }

  /**
   * The call no queue made ended: after a talk the agent's call ends; unanswered, the agent is
   * free again (keeping its idle time). Either way a pause or busy asked for meanwhile starts.
   */
  personalCallEnded(agentNumber: string, callId: string): void {
    const runtime = this.agents.get(agentNumber);
    if (!runtime || runtime.call?.legId !== callId || runtime.call.entry) return;
    runtime.call = undefined;
    const state = runtime.state;
    if (state.kind === 'on-call' || state.kind === 'on-hold') this.endCall(runtime, 0, 'system', 'direct call ended');
    else if (state.kind === 'reserved' && state.callId === callId) {
      // A pause or busy asked for while it rang starts before any queue can offer the agent a call.
      this.atomically(() => {
        this.apply(runtime, { type: 'ring-ended' }, 'system', 'direct call not answered');
        this.applyPending(runtime);
      });
    } else this.refreshAvailability(runtime);
  }

  /**
   * The agent placed a call (dialled out from the phone, or click-to-call): it counts in the
   * agent's calls out, and in those of every group the agent is checked in to now.
   */
  callPlaced(agentNumber: string): void {
    const runtime = this.agent(agentNumber);
    runtime.callsOutToday++;
    for (const membership of runtime.memberships.values()) {
      if (!membership.checkedIn) continue;
      membership.day.callsOut++;
      membership.group.day.callsOut++;
    }
  }

  // ── state changes ────────────────────────────────────────────────────────────

  /** The one place an agent's state changes: transition, buckets, records, events, availability. */
  apply(runtime: AgentRuntime, action: AgentAction, initiator: string, cause: string | null, event?: AgentEventType): AgentState {
    const previous = runtime.state;
    const next = transition(previous, action, this.now);
    runtime.state = next;
    for (const membership of runtime.memberships.values()) {
      if (!membership.checkedIn) continue;
      this.moveBucket(membership.group, previous, -1);
      this.moveBucket(membership.group, next, +1);
    }
    const groupNumber = 'groupNumber' in next ? next.groupNumber : 'groupNumber' in previous ? previous.groupNumber : null;
    this.recordAgentEvent(runtime, event ?? (next.kind as AgentEventType), groupNumber, initiator, cause);
    this.deps.events.emit('agent.state', { tenantId: this.deps.tenantId, agentNumber: runtime.agent.number, state: next, previous, dnd: runtime.dnd, at: this.now });
    if (next.kind === 'idle' && previous.kind !== 'reserved') runtime.availableSince = this.now;
    this.refreshAvailability(runtime);
    return next;
  }

  /** After a call: wrap-up for the call's group (per agent, whatever other groups do), then idle. */
  endCall(runtime: AgentRuntime, wrapUpSec: number, initiator: string, cause: string): void {
    // A pause waiting for the call's end starts before any queue can hand the agent a call.
    this.atomically(() => this.endCallNow(runtime, wrapUpSec, initiator, cause));
  }

  private endCallNow(runtime: AgentRuntime, wrapUpSec: number, initiator: string, cause: string): void {
    runtime.lastCallEndedAt = this.now;
    const state = this.apply(runtime, { type: 'end-call', wrapUpMs: wrapUpSec * 1000 }, initiator, cause);
    if (state.kind === 'wrap-up') {
      runtime.wrapUpTimer = this.deps.clock.setTimer(state.until - this.now, () => {
        runtime.wrapUpTimer = undefined;
        if (runtime.state.kind !== 'wrap-up') return;
        this.atomically(() => {
          this.apply(runtime, { type: 'end-wrap-up' }, 'system', 'wrap-up time over', 'idle');
          this.applyPending(runtime);
        });
      });
    } else {
      this.applyPending(runtime);
    }
  }

  /** Starts the pause or busy asked for while the agent had a call; call inside `atomically`, once the agent is idle. */
  applyPending(runtime: AgentRuntime): void {
    const pending = runtime.pending;
    runtime.pending = undefined;
    if (!pending || runtime.state.kind !== 'idle') return;
    if (pending.type === 'pause') this.pause(runtime.agent.number, pending.reason, pending.initiator);
    else this.setBusy(runtime.agent.number, pending.by, pending.initiator);
  }

  private setCheckedIn(runtime: AgentRuntime, membership: Membership, checkedIn: boolean, initiator: string, cause: string): void {
    membership.checkedIn = checkedIn;
    membership.checkedInAt = checkedIn ? this.now : null;
    const group = membership.group;
    group.checkedIn += checkedIn ? 1 : -1;
    this.moveBucket(group, runtime.state, checkedIn ? +1 : -1);
    const groupNumber = group.group.number;
    this.recordAgentEvent(runtime, checkedIn ? 'checked-in' : 'checked-out', groupNumber, initiator, cause);
    this.queueLog('NONE', groupNumber, runtime.agent.number, checkedIn ? 'ADDMEMBER' : 'REMOVEMEMBER', [membership.member.kind]);
    this.deps.events.emit('agent.membership', { tenantId: this.deps.tenantId, agentNumber: runtime.agent.number, groupNumber, checkedIn, at: this.now });
    this.refreshAvailability(runtime);
    if (!checkedIn && group.checkedIn === 0 && group.group.queue.leaveWhenEmpty) this.calls.emptyGroup(group, 'last agent checked out');
  }

  private moveBucket(group: GroupRuntime, state: AgentState, delta: number): void {
    if (state.kind === 'logged-out') return;
    group.buckets[state.kind] += delta;
  }

  /** Puts the agent in, or takes it out of, the pool of every group it belongs to. */
  refreshAvailability(runtime: AgentRuntime): void {
    const agent = runtime.poolAgent;
    // A call no queue made may ring while the agent is paused or in wrap-up and still ring
    // when that ends: the agent stays out of the pools until it is over (one call at a time).
    if (!(runtime.agent.enabled && runtime.state.kind === 'idle' && !runtime.dnd && runtime.call === undefined)) {
      // Reserved, paused, DND, logged out…: out of every pool at once, no index touched.
      agent.leaveAllPools();
      return;
    }
    const gained: GroupRuntime[] = [];
    for (const membership of runtime.memberships.values()) {
      const group = membership.group;
      const wanted = membership.checkedIn && group.group.queue.enabled;
      const present = group.pool.has(agent);
      if (wanted && !present) {
        group.pool.add(
          agent,
          { position: membership.member.position, priority: membership.member.priority },
          { availableSince: availableToGroupSince(runtime, membership), callsToday: membership.day.answered, talkTimeTodayMs: membership.day.talkMs },
        );
        gained.push(group);
      } else if (!wanted && present) {
        group.pool.remove(agent);
      }
    }
    // Dispatch only once every pool is up to date: a dispatch reserves the agent, and that
    // reservation must find the agent in every pool it is in (atomic across groups).
    for (const group of gained) if (group.line.length > 0) this.pendingDispatch.add(group);
    if (gained.length > 0 && !this.dispatching) this.drainDispatch();
  }

  /**
   * Runs `fn` with dispatch held back, then dispatches: a step that frees an agent and
   * then pauses it (auto-pause) must not hand the agent a call in between.
   */
  atomically(fn: () => void): void {
    if (this.dispatching) {
      fn();
      return;
    }
    this.dispatching = true;
    try {
      fn();
    } finally {
      this.dispatching = false;
    }
    this.drainDispatch();
  }

  /**
   * Runs the dispatch of every group that gained an agent or a caller. Re-entrant calls
   * (a dispatch that changes agents' states) only add groups to the pending set, so
   * decisions never interleave.
   */
  scheduleDispatch(group: GroupRuntime): void {
    if (group.line.length === 0) return;
    this.pendingDispatch.add(group);
    if (!this.dispatching) this.drainDispatch();
  }

  private drainDispatch(): void {
    if (this.pendingDispatch.size === 0) return;
    this.dispatching = true;
    try {
      while (this.pendingDispatch.size > 0) {
        // Callers are served by priority, then arrival, across the groups that can move.
        let best: GroupRuntime | undefined;
        for (const candidate of this.pendingDispatch) if (!best || this.calls.headBefore(candidate, best)) best = candidate;
        this.pendingDispatch.delete(best!);
        this.calls.dispatch(best!);
      }
    } finally {
      this.dispatching = false;
    }
  }

  // ── records ──────────────────────────────────────────────────────────────────

  recordAgentEvent(runtime: AgentRuntime, event: AgentEventType, groupNumber: string | null, initiator: string, cause: string | null): void {
    // Stored times are whole epoch ms; a virtual clock may stand between two.
    const record = { id: orderedId(), tenantId: this.deps.tenantId, at: Math.floor(this.now), agentNumber: runtime.agent.number, groupNumber, event, initiator, cause };
    this.deps.writer.appendAgentEvent(record);
    this.deps.events.emit('agent.event', record);
  }

  queueLog(callId: string, queue: string, agent: string, event: QueueLogEntry['event'], data: Array<string | number>): void {
    const entry: QueueLogEntry = { id: this.deps.newId(), tenantId: this.deps.tenantId, at: Math.floor(this.now), callId, queue, agent, event, data: data.map(String) };
    this.deps.writer.appendQueueLog(entry);
    this.deps.events.emit('queue.log', entry);
  }

  // ── the day ──────────────────────────────────────────────────────────────────

  private scheduleMidnight(): void {
    const at = nextMidnight(this.now, this.deps.timeZone);
    this.midnightTimer = this.deps.clock.setTimer(at - this.now, () => {
      this.rollOverDay();
      this.scheduleMidnight();
    });
  }

  /** Midnight in the tenant's time zone: today's counters and "fewest calls today" start again. */
  rollOverDay(): void {
    for (const group of this.groups.values()) {
      group.day = emptyGroupDay();
      for (const membership of group.members.values()) membership.day = { callsIn: 0, callsOut: 0, answered: 0, talkMs: 0 };
      group.pool.resetDaily();
    }
    for (const runtime of this.agents.values()) runtime.callsOutToday = 0;
  }
}

/**
 * When the agent became available to this group: when it last became available at all, or
 * when it checked in to the group if that was later. A check-in to one more group does not
 * count the time before it as idle time there, nor move the agent's place in its other groups.
 */
function availableToGroupSince(runtime: AgentRuntime, membership: Membership): number {
  return Math.max(runtime.availableSince, membership.checkedInAt ?? runtime.availableSince);
}
