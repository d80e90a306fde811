import type { Destination, DestinationReason } from '../destination/destination.js';
import { ConflictError, IllegalStateError } from '../errors/errors.js';
import type { HangupCause } from '../media/hangup-cause.js';
import type { CallHangupEvent, MediaEvent } from '../media/media-events.js';
import { file, type MediaRef } from '../media/media-ref.js';
import type { QueueOutcome } from './acd-events.js';
import { CallerMedia } from './caller-media.js';
import type { QueueLogEventName } from './records.js';
import type { GroupRuntime, Offer, QueueEntry } from './runtime-types.js';
import type { TenantAcd } from './tenant-acd.js';

export interface EnqueueRequest {
  callId: string;
  groupNumber: string;
  /** Higher is served first; default 0. */
  priority?: number;
  callerNumber?: string;
  callerName?: string;
  /** The caller's leg is already answered (an IVR did it); otherwise the queue answers it. */
  answered?: boolean;
}

/** Service level: a queue call answered within this wait counts as "in time" (manual §3.13.1). */
export const SERVICE_LEVEL_MS = 10_000;

const BUSY: ReadonlySet<HangupCause> = new Set(['USER_BUSY', 'CALL_REJECTED']);
const UNAVAILABLE: ReadonlySet<HangupCause> = new Set(['USER_NOT_REGISTERED', 'SUBSCRIBER_ABSENT', 'UNALLOCATED_NUMBER', 'NO_ROUTE_DESTINATION', 'DESTINATION_OUT_OF_ORDER'] as HangupCause[]);

/**
 * The life of callers in the queues of one tenant: entering, waiting (music,
 * announcements, time limits), offers to agents, the bridge, and the end — each step
 * written to the queue log with Asterisk's event names and data fields.
 */
export class QueueCalls {
  private readonly entries = new Map<string, QueueEntry>();
  private readonly offers = new Map<string, Offer>();
  /** The answered offers of connecting or connected entries, by the agent's leg. */
  private readonly agentLegs = new Map<string, Offer>();
  /** Playbacks that must end before the bridge (agent whisper, agent number), by id. */
  private readonly connectPlaybacks = new Map<string, QueueEntry>();
  private readonly callerMedia: CallerMedia;
  private seq = 0;

  constructor(private readonly acd: TenantAcd) {
    this.callerMedia = new CallerMedia(acd.deps.media, acd.deps.logger, acd.deps.tenantId, acd.deps.mediaRefs);
  }

  private get media() {
    return this.acd.deps.media;
  }

  private get clock() {
    return this.acd.deps.clock;
  }

  close(): void {
    for (const entry of this.entries.values()) this.clearTimers(entry);
    for (const offer of this.offers.values()) this.clock.clearTimer(offer.timer);
  }

  /** Whether a call id is one of ours (a caller or an agent leg). */
  owns(callId: string): boolean {
    return this.entries.has(callId) || this.offers.has(callId) || this.agentLegs.has(callId);
  }

  waitingCount(): number {
    return this.entries.size;
  }

  entryOf(callId: string): QueueEntry | undefined {
    return this.entries.get(callId);
  }

  // ── entering ─────────────────────────────────────────────────────────────────

  /** Puts a caller in a group's queue; returns the outcome when the caller could not enter. */
  enqueue(request: EnqueueRequest): QueueEntry | QueueOutcome {
    const group = this.acd.group(request.groupNumber);
    const queue = group.group.queue;
    if (!queue.enabled) throw new IllegalStateError(`The queue of agent group ${request.groupNumber} is off`);
    if (this.entries.has(request.callId)) throw new ConflictError(`Call ${request.callId} is already in a queue`);
    const callerNumber = request.callerNumber ?? '';
    const position = group.line.length + 1;
    if (queue.maxQueueLength > 0 && group.line.length >= queue.maxQueueLength) {
      return this.refuse(request.callId, group, 'FULL', position, 'overflowed', queue.overflowDestination, 'queue-full');
    }
    if (group.checkedIn === 0 && !queue.joinEmpty) {
      return this.refuse(request.callId, group, 'JOINEMPTY', position, 'exited-empty', queue.noAgentDestination ?? queue.overflowDestination, 'queue-empty');
    }
    if (queue.overflowWhenNoAgent && group.pool.size === 0) {
      return this.refuse(request.callId, group, 'JOINUNAVAIL', position, 'overflowed', queue.noAgentDestination ?? queue.overflowDestination, 'queue-no-agent');
    }
    const entry: QueueEntry = {
      id: this.acd.deps.newId(),
      tenantId: this.acd.deps.tenantId,
      callId: request.callId,
      group,
      priority: request.priority ?? 0,
      seq: ++this.seq,
      enteredAt: this.acd.now,
      callerNumber,
      callerName: request.callerName ?? '',
      originalPosition: 0,
      phase: 'waiting',
      offers: new Map(),
      excluded: new Set(),
      lastPosition: undefined,
      retrying: false,
      timers: {},
      playbackId: undefined,
      greeted: false,
      announcing: false,
      announcements: [],
      connectedAt: undefined,
      agent: undefined,
      pendingPlaybacks: new Set(),
    };
    this.insertInLine(entry);
    entry.originalPosition = this.position(entry);
    this.entries.set(entry.callId, entry);
    group.day.entered++;
    this.log(entry, 'NONE', 'ENTERQUEUE', ['', callerNumber, entry.originalPosition]);
    const start = request.answered ? Promise.resolve() : this.media.answer(entry.callId);
    start.then(
      () => this.callerMedia.greet(entry),
      (error: unknown) => this.acd.deps.logger.warn({ err: error, callId: entry.callId }, 'queue could not answer the caller'),
    );
    this.startWaitTimers(entry, true);
    this.acd.scheduleDispatch(group);
    return entry;
  }

  private refuse(callId: string, group: GroupRuntime, event: QueueLogEventName, position: number, outcome: QueueOutcome, destination: Destination | null, reason: DestinationReason): QueueOutcome {
    this.acd.queueLog(callId, group.group.number, 'NONE', event, [position]);
    if (outcome === 'overflowed') group.day.overflowed++;
    else group.day.exitedEmpty++;
    this.acd.deps.events.emit('queue.ended', { tenantId: this.acd.deps.tenantId, callId, groupNumber: group.group.number, outcome, waitMs: 0, at: this.acd.now });
    this.sendTo(callId, destination, reason);
    return outcome;
  }

  private insertInLine(entry: QueueEntry): void {
    const line = entry.group.line;
    let lo = 0;
    let hi = line.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (before(line[mid]!, entry)) lo = mid + 1;
      else hi = mid;
    }
    line.splice(lo, 0, entry);
  }

  private removeFromLine(entry: QueueEntry): void {
    const index = entry.group.line.indexOf(entry);
    if (index >= 0) entry.group.line.splice(index, 1);
  }

  position(entry: QueueEntry): number {
    return entry.group.line.indexOf(entry) + 1;
  }

  /** Whether group a's first caller goes before group b's (priority, then arrival). */
  headBefore(a: GroupRuntime, b: GroupRuntime): boolean {
    const x = a.line[0];
    const y = b.line[0];
    if (!x) return false;
    if (!y) return true;
    return before(x, y);
  }

  private startWaitTimers(entry: QueueEntry, first: boolean): void {
    const queue = entry.group.group.queue;
    if (first && queue.maxWaitSec > 0) entry.timers.maxWait = this.clock.setTimer(queue.maxWaitSec * 1000, () => this.leave(entry, 'EXITWITHTIMEOUT', 'timed-out', queue.timeoutDestination, 'queue-timeout'));
    if (queue.periodicAnnouncementSec > 0 && queue.periodicAnnouncement) {
      const voice = queue.periodicAnnouncement;
      const every = queue.periodicAnnouncementSec * 1000;
      const tick = () => {
        entry.timers.periodic = this.clock.setTimer(every, tick);
        this.callerMedia.announce(entry, [this.callerMedia.configured(voice)]);
      };
      entry.timers.periodic = this.clock.setTimer(every, tick);
    }
    if (queue.positionAnnouncementSec > 0) {
      const every = queue.positionAnnouncementSec * 1000;
      const tick = () => {
        entry.timers.position = this.clock.setTimer(every, tick);
        this.callerMedia.announce(entry, [file('queue-you-are-number'), { kind: 'number', value: this.position(entry) }, file('queue-in-line')]);
      };
      entry.timers.position = this.clock.setTimer(every, tick);
    }
  }

  private clearTimers(entry: QueueEntry, keepMaxWait = false): void {
    const { maxWait, ...rest } = entry.timers;
    for (const timer of Object.values(rest)) this.clock.clearTimer(timer);
    entry.timers = keepMaxWait && maxWait ? { maxWait } : {};
    if (!keepMaxWait) this.clock.clearTimer(maxWait);
  }

  // ── offering ─────────────────────────────────────────────────────────────────

  /** Offers the group's waiting callers to its available agents, best caller first. */
  dispatch(group: GroupRuntime): void {
    for (const entry of [...group.line]) {
      if (group.pool.size === 0) return;
      if (entry.phase !== 'waiting' || entry.retrying) continue;
      let agents = group.pool.pick({ exclude: entry.excluded, afterPosition: entry.lastPosition });
      if (agents.length === 0 && entry.excluded.size > 0) {
        // Everyone free has rung out on this caller: a new round may ring them again.
        entry.excluded.clear();
        agents = group.pool.pick({ afterPosition: entry.lastPosition });
      }
      if (agents.length > 0) this.offer(entry, agents.map((agent) => agent.agentId));
    }
  }

  private offer(entry: QueueEntry, agentNumbers: string[]): void {
    const group = entry.group;
    entry.phase = 'ringing';
    for (const agentNumber of agentNumbers) this.ring(entry, agentNumber);
    if (group.group.queue.strategy === 'ring-progressively') this.scheduleProgress(entry);
  }

  private ring(entry: QueueEntry, agentNumber: string): void {
    const group = entry.group;
    const queue = group.group.queue;
    const agent = this.acd.agent(agentNumber);
    const membership = agent.memberships.get(group.group.number)!;
    const legId = this.acd.deps.newId();
    this.acd.apply(agent, { type: 'reserve', groupNumber: group.group.number, callId: legId }, 'system', 'queue call');
    membership.day.callsIn++;
    group.day.callsIn++;
    entry.lastPosition = membership.member.position;
    const offer: Offer = { legId, entry, agent, startedAt: this.acd.now, timer: undefined, ending: undefined, answered: false };
    entry.offers.set(legId, offer);
    this.offers.set(legId, offer);
    agent.call = { legId, customerCallId: entry.callId, callerNumber: entry.callerNumber, entry, autoEndTimer: undefined };
    offer.timer = this.clock.setTimer(queue.agentRingTimeoutSec * 1000, () => this.endOffer(offer, 'timeout', 'NO_ANSWER'));
    this.media
      .originate({
        callId: legId,
        to: this.acd.deps.agentEndpoint(agentNumber),
        callerId: { number: queue.callerNumberPrefix + entry.callerNumber, name: queue.callerNamePrefix + (entry.callerName || entry.callerNumber) },
        // The queue's own timer decides; the media server's is a backstop.
        timeoutMs: (queue.agentRingTimeoutSec + 5) * 1000,
        autoAnswer: group.group.autoAnswer.queue,
        variables: { sb_queue: group.group.number, sb_queue_call: entry.callId },
      })
      .catch((error: unknown) => {
        this.acd.deps.logger.warn({ err: error, agentNumber, callId: entry.callId }, 'queue could not ring the agent');
        if (this.offers.has(legId)) this.offerEnded(offer, 'DESTINATION_OUT_OF_ORDER');
      });
  }

  private scheduleProgress(entry: QueueEntry): void {
    const every = entry.group.group.queue.progressiveIntervalSec * 1000;
    entry.timers.progressive = this.clock.setTimer(every, () => {
      entry.timers.progressive = undefined;
      if (entry.phase !== 'ringing') return;
      const ringing = new Set([...entry.excluded, ...[...entry.offers.values()].map((o) => o.agent.agent.number)]);
      const next = entry.group.pool.pickOne({ exclude: ringing, afterPosition: entry.lastPosition });
      if (next !== undefined) this.ring(entry, next.agentId);
      this.scheduleProgress(entry);
    });
  }

  /** We end an offer ourselves: its ring time is up, or another agent won the caller. */
  private endOffer(offer: Offer, why: 'timeout' | 'cancel', cause: HangupCause): void {
    if (offer.ending) return;
    offer.ending = why;
    this.clock.clearTimer(offer.timer);
    this.media.hangup(offer.legId, cause).catch(() => {
      // The leg is gone already (or the server failed): settle it here.
      if (this.offers.has(offer.legId)) this.offerEnded(offer, cause);
    });
  }

  /** An offer ended without the agent taking the caller. */
  private offerEnded(offer: Offer, cause: HangupCause): void {
    const { entry, agent } = offer;
    this.offers.delete(offer.legId);
    entry.offers.delete(offer.legId);
    this.clock.clearTimer(offer.timer);
    const group = entry.group;
    const queue = group.group.queue;
    const agentNumber = agent.agent.number;
    const ringMs = this.acd.now - offer.startedAt;
    const cancelled = offer.ending === 'cancel';
    this.acd.atomically(() => {
      if (cancelled) {
        this.log(entry, agentNumber, 'RINGCANCELED', [ringMs]);
      } else {
        this.log(entry, agentNumber, 'RINGNOANSWER', [ringMs]);
        this.acd.recordAgentEvent(agent, 'ring-no-answer', group.group.number, 'system', cause);
        entry.excluded.add(agentNumber);
      }
      agent.call = undefined;
      this.acd.apply(agent, { type: 'ring-ended' }, 'system', cancelled ? 'ring cancelled' : cause);
      // What the agent (or a supervisor) asked for while it rang comes first; an auto-pause only pauses an agent left idle.
      this.acd.applyPending(agent);
      const pauseFor = cancelled ? undefined : autoPauseReason(queue, offer.ending === 'timeout' ? 'NO_ANSWER' : cause);
      if (pauseFor && agent.state.kind === 'idle') this.acd.pause(agentNumber, pauseFor, 'system');
      if (entry.phase === 'ringing' && entry.offers.size === 0) this.backToWaiting(entry);
    });
  }

  private backToWaiting(entry: QueueEntry): void {
    entry.phase = 'waiting';
    this.clock.clearTimer(entry.timers.progressive);
    entry.timers.progressive = undefined;
    const retrySec = entry.group.group.queue.retrySec;
    if (retrySec === 0) {
      this.acd.scheduleDispatch(entry.group);
      return;
    }
    entry.retrying = true;
    entry.timers.retry = this.clock.setTimer(retrySec * 1000, () => {
      entry.timers.retry = undefined;
      entry.retrying = false;
      this.acd.scheduleDispatch(entry.group);
    });
  }

  // ── connecting ───────────────────────────────────────────────────────────────

  private offerAnswered(offer: Offer): void {
    const { entry, agent } = offer;
    if (entry.phase !== 'ringing' || offer.ending) {
      // Lost the race: another agent answered first, or the ring time was up.
      return;
    }
    offer.answered = true;
    this.clock.clearTimer(offer.timer);
    this.offers.delete(offer.legId);
    entry.offers.delete(offer.legId);
    // Ring all: the first answer wins; the others are cancelled, not counted as no-answer.
    for (const other of [...entry.offers.values()]) this.endOffer(other, 'cancel', 'LOSE_RACE');
    this.clearTimers(entry, true);
    entry.phase = 'connecting';
    entry.agent = agent;
    this.agentLegs.set(offer.legId, offer);
    const group = entry.group;
    this.acd.apply(agent, { type: 'answer', groupNumber: group.group.number, callId: offer.legId }, 'system', 'queue call answered');
    const queue = group.group.queue;
    const plays: Array<Promise<void>> = [];
    if (queue.agentAnnouncement) plays.push(this.playFor(entry, offer.legId, [this.callerMedia.configured(queue.agentAnnouncement)]));
    if (queue.announceAgentNumber) {
      const voice = [queue.agentNumberVoiceBefore, { kind: 'digits', digits: agent.agent.number } as MediaRef, queue.agentNumberVoiceAfter]
        .filter((ref): ref is MediaRef => ref !== null)
        .map((ref) => this.callerMedia.configured(ref));
      plays.push(this.playFor(entry, entry.callId, voice));
    } else if (entry.playbackId) {
      this.media.stopPlayback(entry.callId, entry.playbackId).catch(() => undefined);
    }
    entry.playbackId = undefined;
    if (plays.length === 0) this.bridge(entry, offer);
    else void Promise.all(plays).then(() => entry.pendingPlaybacks.size === 0 && entry.phase === 'connecting' && this.bridge(entry, offer));
  }

  private async playFor(entry: QueueEntry, callId: string, media: MediaRef[]): Promise<void> {
    try {
      const id = await this.media.play(callId, { media, interruptible: false });
      if (entry.phase !== 'connecting') return;
      entry.pendingPlaybacks.add(id);
      this.connectPlaybacks.set(id, entry);
    } catch (error) {
      this.acd.deps.logger.warn({ err: error, callId }, 'queue announcement failed; connecting without it');
    }
  }

  private bridge(entry: QueueEntry, offer: Offer): void {
    if (entry.phase !== 'connecting') return;
    this.media.bridge(entry.callId, offer.legId).then(
      () => this.connected(entry, offer),
      (error: unknown) => this.acd.deps.logger.warn({ err: error, callId: entry.callId }, 'queue could not bridge the caller and the agent'),
    );
  }

  private connected(entry: QueueEntry, offer: Offer): void {
    if (entry.phase !== 'connecting') return;
    const group = entry.group;
    const now = this.acd.now;
    entry.phase = 'connected';
    entry.connectedAt = now;
    this.clearTimers(entry);
    this.removeFromLine(entry);
    const waitMs = now - entry.enteredAt;
    group.day.answered++;
    if (waitMs <= SERVICE_LEVEL_MS) group.day.answeredWithinSla++;
    const membership = offer.agent.memberships.get(group.group.number);
    if (membership) membership.day.answered++;
    this.log(entry, offer.agent.agent.number, 'CONNECT', [seconds(waitMs), offer.legId, seconds(now - offer.startedAt)]);
    this.acd.deps.events.emit('queue.ended', { tenantId: entry.tenantId, callId: entry.callId, groupNumber: group.group.number, outcome: 'answered', waitMs, at: now });
    const autoEnd = group.group.autoEndTalkSec;
    if (autoEnd > 0 && offer.agent.call) {
      offer.agent.call.autoEndTimer = this.clock.setTimer(autoEnd * 1000, () => {
        this.media.hangup(entry.callId, 'NORMAL_CLEARING').catch(() => undefined);
      });
    }
  }

  // ── leaving ──────────────────────────────────────────────────────────────────

  /** The caller leaves the queue without an agent (time limit, exit key, queue emptied). */
  private leave(entry: QueueEntry, event: 'EXITWITHTIMEOUT' | 'EXITWITHKEY' | 'EXITEMPTY', outcome: QueueOutcome, destination: Destination | null, reason: DestinationReason, key?: string): void {
    if (entry.phase === 'connected' || entry.phase === 'done') return;
    const position = this.position(entry);
    const waitSec = seconds(this.acd.now - entry.enteredAt);
    const data = event === 'EXITWITHKEY' ? [key ?? '', position, entry.originalPosition, waitSec] : [position, entry.originalPosition, waitSec];
    this.acd.atomically(() => {
      this.log(entry, 'NONE', event, data);
      this.finish(entry, outcome);
    });
    this.sendTo(entry.callId, destination, reason);
  }

  /** Leaves every waiting caller of a group: leave-when-empty, or the group is deleted. */
  emptyGroup(group: GroupRuntime, _cause: string): void {
    const queue = group.group.queue;
    for (const entry of [...group.line]) this.leave(entry, 'EXITEMPTY', 'exited-empty', queue.noAgentDestination ?? queue.overflowDestination, 'queue-empty');
  }

  /** Ends an entry that never connected: counters, offers cancelled, agent released. */
  private finish(entry: QueueEntry, outcome: QueueOutcome): void {
    const group = entry.group;
    const day = group.day;
    if (outcome === 'abandoned') day.abandoned++;
    else if (outcome === 'timed-out') day.timedOut++;
    else if (outcome === 'exited-empty') day.exitedEmpty++;
    else if (outcome === 'exited-with-key') day.exitedWithKey++;
    else if (outcome === 'overflowed') day.overflowed++;
    const connecting = entry.phase === 'connecting' ? entry.agent : undefined;
    entry.phase = 'done';
    this.clearTimers(entry);
    this.removeFromLine(entry);
    this.entries.delete(entry.callId);
    for (const offer of [...entry.offers.values()]) this.endOffer(offer, 'cancel', 'ORIGINATOR_CANCEL');
    if (connecting?.call) {
      const legId = connecting.call.legId;
      this.agentLegs.delete(legId);
      this.media.hangup(legId, 'NORMAL_CLEARING').catch(() => undefined);
      connecting.call = undefined;
      this.acd.endCall(connecting, 0, 'system', 'caller left before connect');
    }
    this.acd.deps.events.emit('queue.ended', { tenantId: entry.tenantId, callId: entry.callId, groupNumber: group.group.number, outcome, waitMs: this.acd.now - entry.enteredAt, at: this.acd.now });
  }

  /** A connected queue call ended (either side hung up, or it was transferred away). */
  private complete(entry: QueueEntry, event: 'COMPLETECALLER' | 'COMPLETEAGENT' | 'BLINDTRANSFER' | 'ATTENDEDTRANSFER', extra: Array<string | number> = []): void {
    const agent = entry.agent!;
    const call = agent.call;
    const now = this.acd.now;
    const talkMs = now - (entry.connectedAt ?? now);
    const waitSec = seconds((entry.connectedAt ?? now) - entry.enteredAt);
    entry.phase = 'done';
    this.entries.delete(entry.callId);
    if (call) {
      this.agentLegs.delete(call.legId);
      this.clock.clearTimer(call.autoEndTimer);
    }
    const group = entry.group;
    group.day.talkMs += talkMs;
    const membership = agent.memberships.get(group.group.number);
    if (membership) membership.day.talkMs += talkMs;
    this.acd.atomically(() => {
      this.log(entry, agent.agent.number, event, [...extra, waitSec, seconds(talkMs), entry.originalPosition]);
      agent.call = undefined;
      this.acd.endCall(agent, group.group.wrapUpSec, 'system', event.toLowerCase());
    });
  }

  // ── agent call control ───────────────────────────────────────────────────────

  connectedEntryOf(agentNumber: string): QueueEntry {
    const agent = this.acd.agent(agentNumber);
    const entry = agent.call?.entry;
    if (!entry || entry.phase !== 'connected') throw new IllegalStateError(`Agent ${agentNumber} has no connected queue call`);
    return entry;
  }

  async blindTransfer(agentNumber: string, to: { kind: 'extension'; extension: string } | { kind: 'external'; number: string }): Promise<void> {
    const entry = this.connectedEntryOf(agentNumber);
    const legId = entry.agent!.call!.legId;
    await this.media.blindTransfer(entry.callId, to);
    if (entry.phase !== 'connected') return;
    this.complete(entry, 'BLINDTRANSFER', [to.kind === 'extension' ? to.extension : to.number, '']);
    await this.media.hangup(legId, 'NORMAL_CLEARING').catch(() => undefined);
  }

  /** The caller leaves the agent for something that is not a phone (a park slot): logged as a blind transfer; the caller stays up. */
  releaseConnected(agentNumber: string, target: string): void {
    this.complete(this.connectedEntryOf(agentNumber), 'BLINDTRANSFER', [target, '']);
  }

  async attendedTransfer(agentNumber: string, targetCallId: string): Promise<void> {
    const entry = this.connectedEntryOf(agentNumber);
    const legId = entry.agent!.call!.legId;
    const transfer = (entry.transfer = { agentLegEnded: false });
    try {
      await this.media.attendedTransfer({ callId: entry.callId, targetCallId, transferorCallId: legId });
    } catch (error) {
      entry.transfer = undefined;
      // The agent's leg went while the transfer failed: the call ends as the agent's hang-up would have ended it.
      if (transfer.agentLegEnded && entry.phase === 'connected') this.agentHungUp(entry);
      throw error;
    }
    entry.transfer = undefined;
    if (entry.phase !== 'connected') return;
    // Asterisk 12+ logs ATTENDEDTRANSFER(method|method data|hold|talk|position); ours always joins the caller to the consultation call's bridge.
    this.complete(entry, 'ATTENDEDTRANSFER', ['BRIDGE', targetCallId]);
  }

  // ── media events ─────────────────────────────────────────────────────────────

  handle(event: MediaEvent): void {
    const offer = this.offers.get(event.callId);
    if (offer) return this.onOfferEvent(offer, event);
    const answered = this.agentLegs.get(event.callId);
    if (answered) return this.onAgentLegEvent(answered.entry, event);
    const entry = this.entries.get(event.callId);
    if (entry) return this.onCallerEvent(entry, event);
  }

  private onOfferEvent(offer: Offer, event: MediaEvent): void {
    if (event.type === 'call.answered') this.offerAnswered(offer);
    else if (event.type === 'call.hangup') this.offerEnded(offer, event.cause);
  }

  private onAgentLegEvent(entry: QueueEntry, event: MediaEvent): void {
    if (event.type === 'playback.finished') {
      this.onConnectPlaybackFinished(event.playbackId);
      return;
    }
    if (event.type === 'call.held' || event.type === 'call.unheld') return this.onHold(entry, event.type === 'call.held');
    if (event.type !== 'call.hangup') return;
    if (entry.phase === 'connected' && entry.transfer) {
      entry.transfer.agentLegEnded = true;
    } else if (entry.phase === 'connected') {
      this.agentHungUp(entry);
    } else if (entry.phase === 'connecting') {
      this.agentHungUpBeforeBridge(entry, event);
    }
  }

  /** The agent hung up a connected call: the caller's side ends too. */
  private agentHungUp(entry: QueueEntry): void {
    this.media.hangup(entry.callId, 'NORMAL_CLEARING').catch(() => undefined);
    this.complete(entry, 'COMPLETEAGENT');
  }

  /** The agent answered and hung up before the caller was connected: the caller waits on. */
  private agentHungUpBeforeBridge(entry: QueueEntry, event: CallHangupEvent): void {
    const agent = entry.agent!;
    this.agentLegs.delete(event.callId);
    entry.agent = undefined;
    entry.pendingPlaybacks.clear();
    this.acd.atomically(() => {
      this.log(entry, agent.agent.number, 'RINGNOANSWER', [0]);
      entry.excluded.add(agent.agent.number);
      agent.call = undefined;
      this.acd.endCall(agent, 0, 'system', 'hung up before connect');
      entry.phase = 'ringing';
      this.callerMedia.startMusic(entry);
      this.startWaitTimers(entry, false);
      this.backToWaiting(entry);
    });
  }

  private onCallerEvent(entry: QueueEntry, event: MediaEvent): void {
    switch (event.type) {
      case 'call.hangup':
        if (entry.phase === 'connected') {
          const legId = entry.agent?.call?.legId;
          this.complete(entry, 'COMPLETECALLER');
          if (legId) this.media.hangup(legId, 'NORMAL_CLEARING').catch(() => undefined);
        } else if (entry.phase !== 'done') {
          this.acd.atomically(() => {
            this.log(entry, 'NONE', 'ABANDON', [this.position(entry), entry.originalPosition, seconds(this.acd.now - entry.enteredAt)]);
            this.finish(entry, 'abandoned');
          });
        }
        return;
      case 'call.dtmf': {
        const queue = entry.group.group.queue;
        if (queue.exitKey !== null && event.digit === queue.exitKey && (entry.phase === 'waiting' || entry.phase === 'ringing')) {
          this.leave(entry, 'EXITWITHKEY', 'exited-with-key', queue.exitKeyDestination, 'queue-exit-key', event.digit);
        }
        return;
      }
      case 'playback.finished':
        if (!this.onConnectPlaybackFinished(event.playbackId)) this.callerMedia.onPlaybackFinished(event.playbackId);
        return;
      case 'call.answered':
        return this.callerMedia.greet(entry);
      case 'call.held':
      case 'call.unheld':
        if (entry.phase === 'connected') this.onHold(entry, event.type === 'call.held');
        return;
      default:
        return;
    }
  }

  private onHold(entry: QueueEntry, held: boolean): void {
    const agent = entry.agent;
    if (!agent || entry.phase !== 'connected') return;
    if (held && agent.state.kind === 'on-call') this.acd.apply(agent, { type: 'hold' }, 'agent:phone', 'hold');
    if (!held && agent.state.kind === 'on-hold') this.acd.apply(agent, { type: 'unhold' }, 'agent:phone', 'unhold');
  }

  /** A whisper or announcement before the bridge ended: bridge once all have. Returns whether it was one. */
  private onConnectPlaybackFinished(playbackId: string): boolean {
    const entry = this.connectPlaybacks.get(playbackId);
    if (!entry) return false;
    this.connectPlaybacks.delete(playbackId);
    entry.pendingPlaybacks.delete(playbackId);
    const offer = entry.agent?.call ? this.agentLegs.get(entry.agent.call.legId) : undefined;
    if (entry.pendingPlaybacks.size === 0 && offer) this.bridge(entry, offer);
    return true;
  }

  // ── helpers ──────────────────────────────────────────────────────────────────

  private log(entry: QueueEntry, agent: string, event: QueueLogEventName, data: Array<string | number>): void {
    this.acd.queueLog(entry.callId, entry.group.group.number, agent, event, data);
  }

  private sendTo(callId: string, destination: Destination | null, reason: DestinationReason): void {
    const handler = this.acd.deps.destinations;
    if (destination && destination.kind !== 'hangup' && handler) {
      handler({ tenantId: this.acd.deps.tenantId, callId, destination, reason }).catch((error: unknown) => {
        this.acd.deps.logger.warn({ err: error, callId, destination }, 'destination failed; hanging up');
        this.media.hangup(callId, 'NORMAL_CLEARING').catch(() => undefined);
      });
      return;
    }
    if (destination && destination.kind !== 'hangup') this.acd.deps.logger.warn({ callId, destination }, 'no destination handler (routing engine); hanging up');
    this.media.hangup(callId, 'NORMAL_CLEARING').catch(() => undefined);
  }
}

function before(a: QueueEntry, b: QueueEntry): boolean {
  return a.priority !== b.priority ? a.priority > b.priority : a.seq < b.seq;
}

const seconds = (ms: number): number => Math.round(ms / 1000);

function autoPauseReason(queue: GroupRuntime['group']['queue'], cause: HangupCause): string | undefined {
  if (BUSY.has(cause)) return queue.autoPauseOnBusy ? 'auto-pause: busy' : undefined;
  if (UNAVAILABLE.has(cause)) return queue.autoPauseOnUnavailable ? 'auto-pause: unavailable' : undefined;
  return queue.autoPause ? 'auto-pause: no answer' : undefined;
}
