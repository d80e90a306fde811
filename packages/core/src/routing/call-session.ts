import { match } from 'ts-pattern';
import type { Acd } from '../acd/acd.js';
import type { QueueLogEntry } from '../acd/records.js';
import type { Clock } from '../clock/clock.js';
import type { Destination } from '../destination/destination.js';
import type { Logger } from '../logging/logger.js';
import type { MediaAdapter } from '../media/media-adapter.js';
import type { CallHangupEvent, Endpoint, MediaEvent } from '../media/media-events.js';
import type { MediaRef } from '../media/media-ref.js';
import type { HangupCause } from '../media/hangup-cause.js';
import type { MediaRefResolver } from '../media-files/media-library.js';
import type { Random } from '../random/random.js';
import { orderedId } from '../storage/ordered-id.js';
import { buildCdr, newFacts, type SessionFacts } from './cdr-builder.js';
import type { CallDetailRecord } from './cdr.js';
import { unansweredReason } from './cdr.js';
import { addPrefix, type CallerIdentity } from './caller-number.js';
import { runIvr } from './ivr.js';
import { runRingGroup, ringOne } from './ring-group.js';
import { conditionMatches } from './time-condition.js';
import type { TenantRouting } from './tenant-routing.js';

/** Destinations one call may pass before it is cut off: a loop through caller input is allowed, but not forever. */
export const HOP_LIMIT = 32;

export const HANG_UP: Destination = { kind: 'hangup' };

export interface SessionDeps {
  media: MediaAdapter;
  /** The tenant's configured MediaRefs as the media server plays them (its uploads under its own names). */
  mediaRefs: MediaRefResolver;
  clock: Clock;
  logger: Logger;
  acd: Acd;
  random: Random;
  newId: () => string;
  /** Routes a leg this session made (a ring group member, an agent's phone) to it. */
  claimLeg(legId: string, session: CallSession): void;
  releaseLeg(legId: string): void;
  /** Ring groups' memory-polling positions, by ring group id. */
  memory: Map<string, number>;
  /** Asks an IVR's matching webhook; the global fetch unless a test gives another. */
  fetch: typeof fetch;
  finished(session: CallSession, cdr: CallDetailRecord): void;
  /** A person started talking with the caller (an agent's number when it is one): the CRM writes its contact record. */
  talking(session: CallSession, agentNumber: string | null): void;
}

export type LegOutcome = { kind: 'answered' } | { kind: 'ended'; event: CallHangupEvent } | { kind: 'picked-up'; legId: string; number: string };

/**
 * The life of one inbound call in routing: it runs destinations one after another (a DID
 * to an IVR, a key to a condition, a condition to a queue …), each matched exhaustively,
 * until the call is handed over (to a queue or a person) or ends; it collects what the CDR
 * needs on the way and writes it once when the caller is gone.
 */
export class CallSession {
  readonly facts: SessionFacts;
  hops = 0;
  answered: boolean;
  private over = false;
  private hangup: CallHangupEvent | undefined;
  private readonly endedWaiters: Array<() => void> = [];
  private readonly playbacks = new Map<string, (reason: string) => void>();
  private readonly legs = new Map<string, { answered: boolean; waiter?: (outcome: LegOutcome) => void; bridged: boolean }>();
  private readonly dtmfListeners = new Set<(digit: string) => void>();
  /** Routing put the caller on hold while a transfer rings: taken off hold when someone answers. */
  private heldForTransfer = false;

  constructor(
    readonly deps: SessionDeps,
    readonly tenant: TenantRouting,
    readonly callId: string,
    readonly caller: CallerIdentity,
    init: { dialed: string; accessNumber: string; startedAt: number; answered: boolean; callType: SessionFacts['callType'] },
  ) {
    this.answered = init.answered;
    this.facts = newFacts({ callType: init.callType, startedAt: init.startedAt, originalAccessNumber: init.dialed, accessNumber: init.accessNumber });
    if (init.answered) this.facts.answeredAt = init.startedAt;
  }

  get isOver(): boolean {
    return this.over;
  }

  // ── running destinations ─────────────────────────────────────────────────────

  /** Runs a destination and every one it leads to, until the call is handed over or ends. */
  async run(first: Destination): Promise<void> {
    let next: Destination | null = first;
    try {
      while (next !== null && !this.over) {
        if (++this.hops > HOP_LIMIT) {
          this.deps.logger.warn({ callId: this.callId, route: this.facts.route }, `call cut off after ${HOP_LIMIT} destinations (routing loop?)`);
          this.facts.systemReason = 'other';
          await this.end('NORMAL_CLEARING');
          return;
        }
        this.facts.route.push(label(next));
        next = await this.step(next);
      }
    } catch (error) {
      if (this.over) return;
      this.deps.logger.warn({ err: error, callId: this.callId, route: this.facts.route }, 'routing failed; hanging up');
      this.facts.systemReason ??= 'other';
      await this.end('NORMAL_TEMPORARY_FAILURE');
    }
  }

  private step(destination: Destination): Promise<Destination | null> {
    const tenant = this.tenant;
    return match(destination)
      .with({ kind: 'ivr' }, ({ ivrId }) => runIvr(this, need(tenant.ivrs.get(ivrId), 'IVR menu', ivrId)))
      .with({ kind: 'ring-group' }, ({ ringGroupId }) => runRingGroup(this, need(tenant.ringGroups.get(ringGroupId), 'ring group', ringGroupId)))
      .with({ kind: 'condition' }, ({ conditionId }) => {
        const condition = need(tenant.conditions.get(conditionId), 'time condition', conditionId);
        return Promise.resolve(conditionMatches(condition, this.deps.clock.now(), tenant.timeZone) ? condition.matchDestination : condition.noMatchDestination);
      })
      .with({ kind: 'voice-broadcast' }, async ({ broadcastId }) => {
        const broadcast = need(tenant.broadcasts.get(broadcastId), 'voice broadcast', broadcastId);
        await this.answer();
        await this.play(broadcast.media, broadcast.skipOnAnyKey);
        return broadcast.destination ?? HANG_UP;
      })
      .with({ kind: 'agent-group' }, async ({ groupNumber }) => {
        this.facts.originalCalledNumber ||= groupNumber;
        // The queue owns the call from here; what it lets go of comes back through Routing.continueWith.
        await this.deps.acd.enqueue(tenant.tenantId, { callId: this.callId, groupNumber, callerNumber: this.caller.number, callerName: this.caller.name, answered: this.answered });
        return null;
      })
      .with({ kind: 'agent' }, async ({ agentNumber }) => {
        const reachable = await this.deps.acd.directCallStatus(tenant.tenantId, agentNumber);
        if (reachable !== 'free') {
          this.facts.calleeReason = reachable === 'busy' ? 'busy' : 'no-answer';
          return tenant.settings.unreachableDestination ?? HANG_UP;
        }
        const endpoint = this.deps.acd.endpointOf(tenant.tenantId, agentNumber);
        return this.ringAndConnect(endpoint, agentNumber, tenant.settings.extensionRingTimeoutSec, agentNumber);
      })
      .with({ kind: 'extension' }, ({ extension }) => this.ringAndConnect({ kind: 'extension', extension }, extension, tenant.settings.extensionRingTimeoutSec))
      .with({ kind: 'external' }, ({ number }) => this.ringAndConnect({ kind: 'external', number }, number, tenant.settings.externalRingTimeoutSec))
      .with({ kind: 'voicemail' }, async ({ box }) => {
        await this.answer();
        await this.play([{ kind: 'tone', tone: 'beep', durationMs: 500 }], false);
        if (!this.over) await this.deps.media.startRecording(this.callId, { name: `voicemail/${box}/${this.callId}`, maxDurationMs: 180_000 });
        await this.untilEnded();
        return null;
      })
      .with({ kind: 'hangup' }, async ({ cause }) => {
        await this.end((cause as HangupCause | undefined) ?? 'NORMAL_CLEARING');
        return null;
      })
      .exhaustive();
  }

  /** Rings one party; on answer the caller is connected to them, otherwise the tenant's unreachable destination. */
  private async ringAndConnect(endpoint: Endpoint, number: string, timeoutSec: number, agentNumber?: string): Promise<Destination | null> {
    const connected = await ringOne(this, endpoint, number, timeoutSec * 1000);
    if (connected && agentNumber) this.facts.agentNumber = agentNumber;
    if (connected || this.over) return null;
    return this.tenant.settings.unreachableDestination ?? HANG_UP;
  }

  // ── media helpers the destinations use ───────────────────────────────────────

  async answer(): Promise<void> {
    if (this.answered || this.over) return;
    this.answered = true;
    await this.deps.media.answer(this.callId);
    this.facts.answeredAt ??= this.deps.clock.now();
  }

  /**
   * Plays a list of the tenant's configured media to the caller (a file it uploaded plays
   * from its own folder on the media server); resolves when it finished, was interrupted
   * by a key, or the caller left.
   */
  async play(configured: MediaRef[], interruptible: boolean): Promise<string> {
    if (this.over || configured.length === 0) return 'hangup';
    const media = this.deps.mediaRefs.resolveList(this.tenant.tenantId, configured);
    const finished = new Promise<string>((resolve) => {
      void this.deps.media.play(this.callId, { media, interruptible }).then(
        (playbackId) => this.playbacks.set(playbackId, resolve),
        () => resolve('failed'),
      );
      this.endedWaiters.push(() => resolve('hangup'));
    });
    return finished;
  }

  addCallerPrefix(prefix: { number: string; name: string }): void {
    addPrefix(this.caller, prefix);
  }

  onDtmf(listener: (digit: string) => void): () => void {
    this.dtmfListeners.add(listener);
    return () => this.dtmfListeners.delete(listener);
  }

  /** Waits on the session's clock; false when the caller left meanwhile. */
  sleep(ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      if (this.over) return resolve(false);
      const timer = this.deps.clock.setTimer(ms, () => resolve(!this.over));
      this.endedWaiters.push(() => {
        this.deps.clock.clearTimer(timer);
        resolve(false);
      });
    });
  }

  untilEnded(): Promise<void> {
    return this.over ? Promise.resolve() : new Promise((resolve) => this.endedWaiters.push(resolve));
  }

  /** Originates a leg routed to this session; resolves with its id. `namePrefix` marks the caller's name on this leg only. */
  async originate(to: Endpoint, timeoutMs: number, namePrefix = ''): Promise<string> {
    const legId = this.deps.newId();
    this.legs.set(legId, { answered: false, bridged: false });
    this.deps.claimLeg(legId, this);
    this.facts.ringing = true;
    const name = namePrefix + this.caller.name;
    try {
      await this.deps.media.originate({ callId: legId, to, timeoutMs, callerId: { number: this.caller.number, ...(name ? { name } : {}) }, variables: { switchboard_caller_call_id: this.callId } });
    } catch (error) {
      this.legs.delete(legId);
      this.deps.releaseLeg(legId);
      throw error;
    }
    return legId;
  }

  /** How a leg this session made turned out: answered, or ended without an answer. */
  legOutcome(legId: string): Promise<LegOutcome> {
    const leg = this.legs.get(legId);
    if (!leg) return Promise.resolve({ kind: 'ended', event: syntheticHangup(legId, this.deps.clock.now()) });
    if (leg.answered) return Promise.resolve({ kind: 'answered' });
    return new Promise((resolve) => (leg.waiter = resolve));
  }

  /** Drops a leg that lost (ring all) or rang out; harmless when it already ended. */
  async dropLeg(legId: string, cause: HangupCause): Promise<void> {
    if (!this.legs.has(legId)) return;
    await this.deps.media.hangup(legId, cause).catch(() => undefined);
  }

  /** The caller and an answered leg talk: the caller is answered if needed, then bridged. */
  async connect(legId: string, number: string): Promise<void> {
    const leg = this.legs.get(legId);
    if (!leg || this.over) return;
    await this.answer();
    await this.takeOffTransferHold();
    await this.deps.media.bridge(this.callId, legId);
    leg.bridged = true;
    this.facts.ringing = false;
    // A transferred caller's talk time runs from the first person who took the call.
    this.facts.talkStartedAt ??= this.deps.clock.now();
    this.facts.calledNumber = number;
    this.deps.talking(this, this.deps.acd.hasAgent(this.tenant.tenantId, number) ? number : null);
  }

  /** Another phone of the department picks up a leg this session is ringing (manual §3.7.7 "snap to pick up"). */
  async pickUp(ringingLegId: string, pickerLegId: string, number: string): Promise<void> {
    const ringing = this.legs.get(ringingLegId);
    if (!ringing || ringing.answered) return;
    this.legs.set(pickerLegId, { answered: true, bridged: false });
    this.deps.claimLeg(pickerLegId, this);
    const waiter = ringing.waiter;
    ringing.waiter = undefined;
    await this.dropLeg(ringingLegId, 'PICKED_OFF');
    waiter?.({ kind: 'picked-up', legId: pickerLegId, number });
  }

  /** The person talking with the caller lets go (park, blind transfer): the caller stays up, no longer tied to that person's leg. */
  release(legId: string, customerCallId: string, target: string): void {
    const leg = this.legs.get(legId);
    if (leg) leg.bridged = false;
    if (customerCallId === this.callId) {
      this.facts.transferType = 'blind';
      this.facts.transferredTo = target;
    }
  }

  /**
   * The rest of a blind transfer (§3.15.1 "Dial"), once the caller was let go and put on
   * hold: a person (agent, extension, outside number) rings for the transfer timeout; a
   * queue, IVR or any other destination runs as it would for a new call. Nobody answered:
   * the call comes back to the phone that transferred it, its name marked with the prefix
   * (when the tenant wants that), else it goes where unreachable calls go.
   */
  async transfer(to: Destination, from: { endpoint: Endpoint; number: string }): Promise<void> {
    this.heldForTransfer = true;
    const settings = this.tenant.settings.blindTransfer;
    const person = this.personEndpoint(to);
    if (!person) {
      // A queue or an IVR plays its own media to the caller.
      await this.takeOffTransferHold();
      return this.run(to);
    }
    if (await ringOne(this, person.endpoint, person.number, settings.ringTimeoutSec * 1000)) {
      if (person.agentNumber) this.facts.agentNumber = person.agentNumber;
      return;
    }
    if (this.over) return;
    if (settings.callBackWhenNotConnected && (await ringOne(this, from.endpoint, from.number, this.tenant.settings.extensionRingTimeoutSec * 1000, settings.callBackNamePrefix))) return;
    if (this.over) return;
    await this.takeOffTransferHold();
    await this.run(this.tenant.settings.unreachableDestination ?? HANG_UP);
  }

  private async takeOffTransferHold(): Promise<void> {
    if (!this.heldForTransfer) return;
    this.heldForTransfer = false;
    await this.deps.media.unhold(this.callId).catch(() => undefined);
  }

  private personEndpoint(to: Destination): { endpoint: Endpoint; number: string; agentNumber?: string } | undefined {
    const number = personNumber(to);
    if (number === undefined) return undefined;
    if (to.kind === 'agent') return { endpoint: this.deps.acd.endpointOf(this.tenant.tenantId, number), number, agentNumber: number };
    return { endpoint: to.kind === 'extension' ? { kind: 'extension', extension: number } : { kind: 'external', number }, number };
  }

  noteRingFailure(event: CallHangupEvent): void {
    this.facts.calleeReason = unansweredReason(event.cause);
    this.facts.calleeSipCode = event.sipCode ?? null;
  }

  /** Ends the call from our side. */
  async end(cause: HangupCause): Promise<void> {
    if (this.over) return;
    await this.deps.media.hangup(this.callId, cause).catch(() => undefined);
  }

  // ── events ───────────────────────────────────────────────────────────────────

  handle(event: MediaEvent): void {
    if (event.callId !== this.callId) return this.handleLeg(event);
    const at = event.at;
    switch (event.type) {
      case 'call.answered':
        this.facts.answeredAt ??= at;
        this.answered = true;
        break;
      case 'call.dtmf':
        for (const listener of [...this.dtmfListeners]) listener(event.digit);
        break;
      case 'call.held':
        this.facts.holdCount++;
        this.facts.heldSince = at;
        break;
      case 'call.unheld':
        if (this.facts.heldSince !== null) this.facts.holdMs += at - this.facts.heldSince;
        this.facts.heldSince = null;
        break;
      case 'playback.finished': {
        const resolve = this.playbacks.get(event.playbackId);
        this.playbacks.delete(event.playbackId);
        resolve?.(event.reason);
        break;
      }
      case 'call.hangup':
        this.finish(event);
        break;
      default:
        break;
    }
  }

  private handleLeg(event: MediaEvent): void {
    const leg = this.legs.get(event.callId);
    if (!leg) return;
    if (event.type === 'call.answered') {
      leg.answered = true;
      leg.waiter?.({ kind: 'answered' });
      leg.waiter = undefined;
    } else if (event.type === 'call.hangup') {
      this.legs.delete(event.callId);
      this.deps.releaseLeg(event.callId);
      leg.waiter?.({ kind: 'ended', event });
      if (leg.bridged && !this.over) {
        // The person the caller talked with hung up: the caller's leg goes too.
        this.facts.endedByCallee = true;
        void this.end('NORMAL_CLEARING');
      }
    }
  }

  /** What the queue did with this caller, from its queue log (agent, group, outcome, transfers). */
  onQueueLog(entry: QueueLogEntry): void {
    const reasons: Partial<Record<QueueLogEntry['event'], SessionFacts['queueReason']>> = {
      ABANDON: 'queue-abandoned',
      EXITWITHTIMEOUT: 'queue-timeout',
      FULL: 'queue-full-overflow',
      JOINEMPTY: 'queue-empty-refused',
      EXITEMPTY: 'queue-empty-overflow',
      JOINUNAVAIL: 'queue-no-agent',
    };
    this.facts.groupNumber = entry.queue;
    const reason = reasons[entry.event];
    if (reason) this.facts.queueReason = reason;
    switch (entry.event) {
      case 'CONNECT':
        this.facts.agentNumber = entry.agent;
        this.facts.calledNumber = entry.agent;
        this.facts.originalCalledNumber ||= entry.agent;
        this.facts.talkStartedAt ??= entry.at;
        this.facts.answeredAt ??= entry.at;
        this.facts.department = this.deps.acd.departmentOf(this.tenant.tenantId, entry.agent) ?? null;
        this.deps.talking(this, entry.agent);
        break;
      case 'COMPLETEAGENT':
        this.facts.endedByCallee = true;
        break;
      case 'BLINDTRANSFER':
      case 'ATTENDEDTRANSFER':
        this.facts.transferType = entry.event === 'BLINDTRANSFER' ? 'blind' : 'attended';
        // BLINDTRANSFER(extension|context|…); ATTENDEDTRANSFER(BRIDGE|the consultation call|…).
        this.facts.transferredTo = (entry.event === 'BLINDTRANSFER' ? entry.data[0] : entry.data[1]) ?? null;
        break;
      default:
        break;
    }
  }

  private finish(event: CallHangupEvent): void {
    if (this.over) return;
    this.over = true;
    this.hangup = event;
    for (const waiter of this.endedWaiters.splice(0)) waiter();
    for (const [legId, leg] of this.legs) {
      leg.waiter?.({ kind: 'ended', event: syntheticHangup(legId, event.at) });
      void this.deps.media.hangup(legId, 'ORIGINATOR_CANCEL').catch(() => undefined);
    }
    const cdr = buildCdr({
      // Time-ordered: CDRs are appended to the primary-key index instead of scattered through it.
      id: orderedId(),
      tenantId: this.tenant.tenantId,
      callId: this.callId,
      caller: this.caller,
      facts: this.facts,
      hangup: this.hangup,
      endedAt: event.at,
      timeZone: this.tenant.timeZone,
      isHoliday: (date) => this.tenant.isHoliday(date),
    });
    this.deps.finished(this, cdr);
  }
}

/** The number of a destination that is one person's phone (an agent, an extension, an outside number); else undefined. */
export function personNumber(to: Destination): string | undefined {
  switch (to.kind) {
    case 'agent':
      return to.agentNumber;
    case 'extension':
      return to.extension;
    case 'external':
      return to.number;
    default:
      return undefined;
  }
}

/** How a destination shows in a CDR's route: `ivr:<id>`, `agent-group:600`, `hangup`. */
export function label(destination: Destination): string {
  const { kind, ...rest } = destination;
  const value = Object.values(rest)[0];
  return value === undefined ? kind : `${kind}:${String(value)}`;
}

function need<T>(value: T | undefined, what: string, id: string): T {
  if (value === undefined) throw new Error(`The ${what} ${id} does not exist (deleted while a call was on its way?)`);
  return value;
}

function syntheticHangup(callId: string, at: number): CallHangupEvent {
  return { type: 'call.hangup', callId, at, cause: 'ORIGINATOR_CANCEL', q850: 487, sipCode: 487, side: 'local', answered: false };
}
