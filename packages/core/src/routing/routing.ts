import { randomUUID } from 'node:crypto';
import type { Acd } from '../acd/acd.js';
import { agentFeatureCodes, parseFeatureCode } from '../acd/feature-codes.js';
import type { QueueLogEntry } from '../acd/records.js';
import type { Clock } from '../clock/clock.js';
import type { Destination, DestinationHandler } from '../destination/destination.js';
import { createEmitter, type TypedEmitter } from '../events/typed-emitter.js';
import type { Logger } from '../logging/logger.js';
import type { MediaAdapter } from '../media/media-adapter.js';
import type { CallIncomingEvent, Endpoint, MediaEvent } from '../media/media-events.js';
import { configuredMediaRefs, type MediaRefResolver } from '../media-files/media-library.js';
import type { Random } from '../random/random.js';
import { BatchWriter } from '../storage/batch-writer.js';
import { didKey } from '../storage/repositories/dids.js';
import type { Storage } from '../storage/storage.js';
import { CallSession, label, personNumber, type SessionDeps } from './call-session.js';
import { ConflictError } from '../errors/errors.js';
import { applyRoutePrefix, callerIdentity } from './caller-number.js';
import type { CallDetailRecord, CallType } from './cdr.js';
import { runBlacklistTreatment } from './blacklist-treatment.js';
import { NumberMemo } from './number-memo.js';
import { chooseRoute } from './route-match.js';
import { LineIndex } from './line-index.js';
import { PhoneFeatures } from './phone-feature-runner.js';
import { parsePhoneFeature, type PhoneFeature } from './phone-features.js';
import { ringOne } from './ring-group.js';
import { loadTenantRouting, type TenantRouting } from './tenant-routing.js';
import type { RoutingSettings } from './model.js';

export interface RoutingOptions {
  storage: Storage;
  media: MediaAdapter;
  clock: Clock;
  random: Random;
  logger: Logger;
  acd: Acd;
  /** For IVR matching webhooks; default the global fetch. */
  fetch?: typeof fetch;
  /** Turns configured MediaRefs (prompts, broadcasts, hold music) into what the media server plays: the MediaLibrary. Default: as configured. */
  mediaRefs?: MediaRefResolver;
}

export type RoutingEvents = {
  /** A call was handed to its first destination. */
  'call.routed': (info: { tenantId: string; callId: string; destination: Destination; at: number }) => void;
  /** A call ended and its record was written. */
  cdr: (record: CallDetailRecord) => void;
  /** A person started talking with a caller (the caller's number normalised): the CRM's contact record is written from this. */
  'call.connected': (info: { tenantId: string; callId: string; agentNumber: string | null; callerNumber: string; customerPackageId: string | null; at: number }) => void;
  /** A voice file was recorded by phone (feature code); the media server holds it under `name`. */
  'voice.recorded': (info: { tenantId: string; extension: string; name: string; durationMs: number }) => void;
};

/**
 * Inbound routing of every tenant (manual §3.5–3.7): a call from a trunk finds its DID
 * (and so its tenant) by the number dialled, is screened against the blacklist, and runs
 * the DID's destination or the first incoming route that matches (else the default
 * route); an agent's phone dialling an IVR's or ring group's internal number, an agent
 * group or another agent is routed the same way. Each call is a `CallSession`; each ends
 * in one CDR. Calls to numbers no DID has are left to the application (it may enqueue
 * them itself); they still get a CDR once a queue takes them.
 */
export class Routing {
  readonly events: TypedEmitter<RoutingEvents> = createEmitter<RoutingEvents>();
  /** Executes the destinations the ACD lets calls go to (overflow, timeout, exit key). */
  readonly destinationHandler: DestinationHandler = (request) => this.continueWith(request.tenantId, request.callId, request.destination);
  private readonly tenants = new Map<string, Promise<TenantRouting>>();
  /** Every DID number → its tenant, in memory: a call finds its DID without a query. Reloaded after any routing change. */
  private didNumbers: Promise<Map<string, string>> | undefined;
  /** Callers' legs and the legs their sessions made, by call id. */
  private readonly sessions = new Map<string, CallSession>();
  private readonly unrouted = new Map<string, { event: CallIncomingEvent; answered: boolean }>();
  private readonly memory = new Map<string, number>();
  /** Callers' numbers normalised by shape, per default country (libphonenumber's full parse is ~40 µs for a +1 number). */
  private readonly numberMemos = new Map<string, NumberMemo>();
  private readonly cdrs: BatchWriter<CallDetailRecord>;
  private readonly lines = new LineIndex();
  /** Park, pickup, DND, announce, record, echo and monitor codes dialled from phones. */
  readonly phoneFeatures: PhoneFeatures;
  private readonly onMedia = (event: MediaEvent) => this.route(event);
  private readonly onQueueLog = (entry: QueueLogEntry) => this.queueLog(entry);
  private started = false;

  constructor(private readonly options: RoutingOptions) {
    this.cdrs = new BatchWriter((records) => options.storage.cdrs.insertMany(records).then(() => undefined), options.logger.child({ component: 'routing' }), 'CDRs');
    this.phoneFeatures = new PhoneFeatures({
      media: options.media,
      mediaRefs: options.mediaRefs ?? configuredMediaRefs,
      clock: options.clock,
      logger: options.logger,
      acd: options.acd,
      lines: this.lines,
      sessionOfLeg: (legId) => this.sessions.get(legId),
      newId: randomUUID,
      recorded: (info) => this.events.emit('voice.recorded', info),
    });
  }

  /** Subscribes after the ACD did, so that a hang-up reaches the queue (and its queue log) first. */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.options.media.events.on('event', this.onMedia);
    this.options.acd.events.on('queue.log', this.onQueueLog);
  }

  async close(): Promise<void> {
    this.options.media.events.off('event', this.onMedia);
    this.options.acd.events.off('queue.log', this.onQueueLog);
    await this.cdrs.flush();
  }

  /** Resolves when every CDR so far is stored. */
  flush(): Promise<void> {
    return this.cdrs.flush();
  }

  /** After a routing object or setting changed: the next call reads the tenant's configuration again. */
  reload(tenantId: string): void {
    this.tenants.delete(tenantId);
    this.didNumbers = undefined;
  }

  /**
   * After the tenant's routing settings were saved: as `reload`, and the ACD, which answers
   * agent feature codes as a call starts (before routing has read anything), takes the new
   * codes at once.
   */
  settingsChanged(tenantId: string, settings: RoutingSettings): void {
    this.reload(tenantId);
    this.options.acd.useFeatureCodes(tenantId, settings.featureCodes);
  }

  tenant(tenantId: string): Promise<TenantRouting> {
    let loading = this.tenants.get(tenantId);
    if (!loading) {
      loading = loadTenantRouting(this.options.storage, tenantId);
      loading.catch(() => this.tenants.delete(tenantId));
      this.tenants.set(tenantId, loading);
    }
    return loading;
  }

  /** Sends a call to a destination: what the ACD does on overflow, and what an application may do with a call it holds. */
  async continueWith(tenantId: string, callId: string, destination: Destination): Promise<void> {
    const session = this.sessions.get(callId) ?? (await this.adopt(tenantId, callId));
    if (session.callId !== callId) throw new Error(`Call ${callId} is a leg of call ${session.callId}, not a caller`);
    await session.run(destination);
  }

  /**
   * A blind transfer (§3.15.1 "Dial"): the phone `from` (an agent's or an extension) hands
   * the caller it talks with to `to` without consulting. Whoever owned the conversation (a
   * routing session, or the queue, which logs BLINDTRANSFER) lets the caller go; the caller
   * hears the tenant's default hold music while the new party rings and `from` is free at
   * once. `CallSession.transfer` does the rest: the ring timeout, the call-back to `from`
   * when nobody answers, its name prefix.
   */
  async blindTransfer(tenantId: string, from: string, to: Destination): Promise<{ callId: string }> {
    const tenant = await this.prepare(tenantId);
    const { acd, media } = this.options;
    // An agent's phone is the endpoint the ACD rings for them, which need not be an extension of the same number.
    const fromEndpoint: Endpoint = acd.hasAgent(tenantId, from) ? acd.endpointOf(tenantId, from) : { kind: 'extension', extension: from };
    const talking = this.lines.talkingOn(fromEndpoint.kind === 'extension' ? fromEndpoint.extension : from);
    if (!talking) throw new ConflictError(`${from} is not talking with anyone, so there is nothing to transfer`);
    const customer = talking.otherCallId;
    const owner = this.sessions.get(customer);
    if (owner && owner.callId !== customer) throw new ConflictError(`${from} placed this call; only a caller can be transferred`);
    // What the CDR's "transferred to" shows: the number for a person, else the destination (`agent-group:601`).
    const target = personNumber(to) ?? label(to);
    await acd.releaseConnected(tenantId, from, target);
    const session = owner ?? (await this.adopt(tenantId, customer));
    session.release(talking.legId, customer, target);
    await media.unbridge(customer).catch(() => undefined);
    const music = tenant.settings.defaultHoldMusic;
    const mediaRefs = this.options.mediaRefs ?? configuredMediaRefs;
    await media.hold(customer, music ? { music: mediaRefs.resolve(tenantId, music) } : {});
    await media.hangup(talking.legId, 'NORMAL_CLEARING').catch(() => undefined);
    session.transfer(to, { endpoint: fromEndpoint, number: from }).catch((error: unknown) => this.options.logger.warn({ err: error, callId: customer }, 'blind transfer failed'));
    return { callId: customer };
  }

  /** Calls in routing now (callers, not their legs). */
  activeCalls(): number {
    let count = 0;
    for (const [callId, session] of this.sessions) if (session.callId === callId) count++;
    return count;
  }

  private route(event: MediaEvent): void {
    this.lines.observe(event);
    if (event.type === 'call.hangup') this.phoneFeatures.onHangup(event.callId);
    if (event.type === 'call.incoming') {
      // Noted at once: an application may enqueue the call before the DID lookup below answers.
      if (event.from.kind === 'external') this.unrouted.set(event.callId, { event, answered: false });
      this.incoming(event).catch((error: unknown) => this.options.logger.warn({ err: error, callId: event.callId }, 'inbound routing failed'));
      return;
    }
    const session = this.sessions.get(event.callId);
    if (session) return session.handle(event);
    const unrouted = this.unrouted.get(event.callId);
    if (!unrouted) return;
    if (event.type === 'call.answered') unrouted.answered = true;
    if (event.type === 'call.hangup') this.unrouted.delete(event.callId);
  }

  private async incoming(event: CallIncomingEvent): Promise<void> {
    if (event.from.kind === 'extension') return this.internal(event, event.from.extension);
    this.didNumbers ??= this.options.storage.dids.numberIndex().catch((error: unknown) => {
      this.didNumbers = undefined;
      throw error;
    });
    const tenantId = (await this.didNumbers).get(didKey(event.dialed));
    if (tenantId === undefined) return;
    const tenant = await this.prepare(tenantId);
    const found = tenant.didByNumber.get(didKey(event.dialed));
    if (!found || !this.unrouted.delete(event.callId)) return;
    const did = { id: found.id, config: found };
    const session = this.open(tenant, event, 'inbound');
    Object.assign(session.facts, { didId: did.id, didName: did.config.name, customerPackageId: did.config.customerPackageId });
    if (!did.config.enabled) {
      session.facts.systemReason = 'call-failed';
      return session.end('CALL_REJECTED');
    }
    const normalized = this.normalize(event.callerId.number, tenant.country);
    if (normalized !== '' && (await this.options.storage.blacklist.isBlocked(tenant.tenantId, normalized))) {
      session.facts.systemReason = 'blacklist';
      return runBlacklistTreatment(session, tenant.settings.blacklistTreatment);
    }
    session.addCallerPrefix(did.config.callerPrefix);
    let destination = did.config.destination;
    let lastAgentFirst = false;
    if (!destination) {
      const route = chooseRoute(tenant.config.routes, { callerNumber: event.callerId.number, dialed: event.dialed, didGroup: did.config.group }, tenant.regions);
      if (route) {
        applyRoutePrefix(session.caller, route.stripCallerPrefix, route.addCallerPrefix);
        destination = route.destination;
        lastAgentFirst = route.lastAgentFirst;
        session.facts.route.push(`route:${route.id}`);
      }
    }
    if (!destination) {
      this.options.logger.warn({ callId: event.callId, dialed: event.dialed, tenantId: tenant.tenantId }, 'no route for the call: rejected');
      session.facts.systemReason = 'call-failed';
      return session.end('NO_ROUTE_DESTINATION');
    }
    this.events.emit('call.routed', { tenantId: tenant.tenantId, callId: event.callId, destination, at: this.options.clock.now() });
    if (lastAgentFirst && (await this.ringLastAgent(session, normalized))) return;
    await session.run(destination);
  }

  /** "Last agent first" (§3.6.1): the agent of the caller's latest answered call rings first, if free; otherwise the route goes on. */
  private async ringLastAgent(session: CallSession, callerNumber: string): Promise<boolean> {
    const tenantId = session.tenant.tenantId;
    const agentNumber = await this.options.storage.cdrs.lastAgentOf(tenantId, callerNumber);
    if (!agentNumber || (await this.options.acd.directCallStatus(tenantId, agentNumber)) !== 'free') return false;
    session.facts.route.push(`last-agent:${agentNumber}`);
    const connected = await ringOne(session, this.options.acd.endpointOf(tenantId, agentNumber), agentNumber, session.tenant.settings.extensionRingTimeoutSec * 1000);
    if (connected) session.facts.agentNumber = agentNumber;
    return connected || session.isOver;
  }

  /** An agent's phone dialled an IVR, a ring group, an agent group or another agent, or a phone feature code. The agent feature codes are the ACD's. */
  private async internal(event: CallIncomingEvent, extension: string): Promise<void> {
    const tenantId = this.options.acd.tenantOfAgent(extension);
    if (!tenantId) return;
    const tenant = await this.prepare(tenantId);
    const feature = parsePhoneFeature(tenant.settings.featureCodes, event.dialed);
    // An empty park slot is just a number: it routes as usual.
    if (feature && !(feature.kind === 'retrieve' && !this.phoneFeatures.isParked(tenantId, feature.slot))) {
      // The feature call gets its CDR, typed as the manual lists it — except a pickup, whose picking leg joins the picked call's record.
      if (feature.kind !== 'pickup') this.open(tenant, event, featureCallType(feature));
      await this.phoneFeatures.run(tenant, event.callId, extension, feature);
      return;
    }
    // The agent codes are the ACD's to run; other star codes are unknown.
    if (parseFeatureCode(event.dialed, agentFeatureCodes(tenant.settings.featureCodes)) || event.dialed.startsWith('*')) return;
    const target = tenant.byExtension.get(event.dialed);
    const destination: Destination | undefined = target
      ? target.kind === 'ivr'
        ? { kind: 'ivr', ivrId: target.id }
        : { kind: 'ring-group', ringGroupId: target.id }
      : tenant.config.agentGroups.some((group) => group.number === event.dialed)
        ? { kind: 'agent-group', groupNumber: event.dialed }
        : this.options.acd.hasAgent(tenantId, event.dialed) && event.dialed !== extension
          ? { kind: 'agent', agentNumber: event.dialed }
          : undefined;
    if (!destination) return this.dialledOut(tenant, event, extension);
    await this.open(tenant, event, 'internal').run(destination);
  }

  /**
   * An agent's phone dialled a number that is nothing internal: a call out. The ACD says
   * whether the agent may dial from the phone (not when click-to-call only); a refused call
   * is declined before it rings anywhere, with an outbound CDR that says so. An allowed one
   * is left to the application, as outbound call files do not route it yet.
   */
  private async dialledOut(tenant: TenantRouting, event: CallIncomingEvent, agentNumber: string): Promise<void> {
    if (this.options.acd.dialledOut(tenant.tenantId, agentNumber, event.dialed)) return;
    this.options.logger.info({ callId: event.callId, agentNumber, dialed: event.dialed, tenantId: tenant.tenantId }, 'agent may not dial out from the phone: call refused');
    const session = this.open(tenant, event, 'outbound');
    const facts = session.facts;
    facts.agentNumber = agentNumber;
    facts.department = this.options.acd.departmentOf(tenant.tenantId, agentNumber) ?? null;
    facts.originalCalledNumber = event.dialed;
    // The manual's reason for an outgoing call that could not be placed.
    facts.systemReason = 'call-failed';
    await session.end('CALL_REJECTED');
  }

  private async prepare(tenantId: string): Promise<TenantRouting> {
    const [tenant] = await Promise.all([this.tenant(tenantId), this.options.acd.tenant(tenantId)]);
    return tenant;
  }

  private open(tenant: TenantRouting, event: CallIncomingEvent, callType: CallType): CallSession {
    const caller = callerIdentity(event.callerId.number, event.callerId.name ?? '');
    const session = new CallSession(this.sessionDeps(), tenant, event.callId, caller, {
      dialed: event.dialed,
      accessNumber: didKey(event.dialed) || event.dialed,
      startedAt: event.at,
      answered: false,
      callType,
    });
    this.sessions.set(event.callId, session);
    return session;
  }

  /** A call no DID routed, which a queue took or sent on: it gets a session (and a CDR) from here. */
  private async adopt(tenantId: string, callId: string): Promise<CallSession> {
    const tenant = await this.prepare(tenantId);
    const existing = this.sessions.get(callId);
    if (existing) return existing;
    const unrouted = this.unrouted.get(callId);
    this.unrouted.delete(callId);
    const now = this.options.clock.now();
    const event: CallIncomingEvent = unrouted?.event ?? { type: 'call.incoming', callId, at: now, from: { kind: 'external', number: '' }, dialed: '', callerId: { number: '' }, variables: {} };
    const session = this.open(tenant, event, 'inbound');
    // Whether the queue (or the application) answered it already: routing must not answer twice.
    session.answered = unrouted?.answered ?? true;
    if (session.answered) session.facts.answeredAt ??= event.at;
    return session;
  }

  private queueLog(entry: QueueLogEntry): void {
    if (entry.callId === 'NONE') return;
    const session = this.sessions.get(entry.callId);
    if (session) return session.onQueueLog(entry);
    if (!this.unrouted.has(entry.callId) || entry.event !== 'ENTERQUEUE') return;
    this.adopt(entry.tenantId, entry.callId)
      .then((adopted) => adopted.onQueueLog(entry))
      .catch((error: unknown) => this.options.logger.warn({ err: error, callId: entry.callId }, 'could not follow a queue call for its CDR'));
  }

  /** `normalizeNumber`, learned by the shape of the number (`NumberMemo`). */
  private normalize(number: string, country: string | undefined): string {
    let memo = this.numberMemos.get(country ?? '');
    if (!memo) this.numberMemos.set(country ?? '', (memo = new NumberMemo(country, { maxShapes: 10_000 })));
    return memo.normalize(number);
  }

  private sessionDeps(): SessionDeps {
    const { media, clock, logger, acd, random } = this.options;
    return {
      media,
      mediaRefs: this.options.mediaRefs ?? configuredMediaRefs,
      clock,
      logger,
      acd,
      random,
      newId: randomUUID,
      claimLeg: (legId, session) => this.sessions.set(legId, session),
      releaseLeg: (legId) => this.sessions.delete(legId),
      memory: this.memory,
      fetch: this.options.fetch ?? fetch,
      talking: (session, agentNumber) =>
        this.events.emit('call.connected', {
          tenantId: session.tenant.tenantId,
          callId: session.callId,
          agentNumber,
          callerNumber: this.normalize(session.caller.originalNumber, session.tenant.country),
          customerPackageId: session.facts.customerPackageId,
          at: this.options.clock.now(),
        }),
      finished: (session, cdr) => {
        this.sessions.delete(session.callId);
        this.cdrs.append(cdr);
        this.events.emit('cdr', cdr);
      },
    };
  }
}

/** The manual's call type of a feature-code call (§3.3.4 3.1). */
function featureCallType(feature: PhoneFeature): CallType {
  switch (feature.kind) {
    case 'park':
    case 'retrieve':
      return 'park';
    case 'monitor':
      return feature.mode === 'listen' ? 'monitor' : feature.mode;
    case 'pickup':
      return 'pickup';
    default:
      return 'internal';
  }
}
