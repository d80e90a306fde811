import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock/clock.js';
import type { DestinationHandler } from '../destination/destination.js';
import { IllegalStateError } from '../errors/errors.js';
import { createEmitter, type TypedEmitter } from '../events/typed-emitter.js';
import type { Logger } from '../logging/logger.js';
import type { MediaAdapter, MonitorMode } from '../media/media-adapter.js';
import type { CallId, Endpoint, MediaEvent } from '../media/media-events.js';
import { configuredMediaRefs, type MediaRefResolver } from '../media-files/media-library.js';
import type { Random } from '../random/random.js';
import type { Storage } from '../storage/storage.js';
import type { AcdEvents, QueueOutcome } from './acd-events.js';
import type { EnqueueRequest } from './queue-calls.js';
import type { Agent } from './model.js';
import type { AgentEvent, QueueLogEntry } from './records.js';
import { RecordsWriter, type RecordSink } from './records-writer.js';
import { featureCodesSchema, type AgentFeatureCodeKey, type FeatureCodes } from '../routing/model.js';
import { agentFeatureCodes, parseFeatureCode, runAgentFeature, type AgentFeatureCodes } from './feature-codes.js';
import { takeSnapshot, type AcdSnapshot, type AgentSortOrder } from './snapshot.js';
import { TenantAcd } from './tenant-acd.js';

export interface AcdOptions {
  storage: Storage;
  media: MediaAdapter;
  clock: Clock;
  random: Random;
  logger: Logger;
  /** Executes overflow / timeout / exit destinations (the routing engine); default: hang up. */
  destinations?: DestinationHandler;
  /** Where an agent's phone is reached; default the extension named by the agent number. */
  agentEndpoint?: (tenantId: string, agentNumber: string) => Endpoint;
  /** Turns the queues' configured media (music, announcements) into what the media server plays: the MediaLibrary. Default: as configured. */
  mediaRefs?: MediaRefResolver;
}

/** Who asked: `agent:web`, `agent:phone`, `supervisor:<userId>` or `system` (stored with each agent event). */
export type Initiator = string;

/**
 * The ACD engine of every tenant this process owns: agents, agent groups and their queues.
 * Configuration comes from storage (`loadTenant`, and `reload…` after a change); runtime
 * state lives here; every decision is taken on an event (a caller arrives, an agent frees
 * up, a timer fires), never on a tick.
 */
export class Acd {
  readonly events: TypedEmitter<AcdEvents> = createEmitter<AcdEvents>();
  private readonly tenants = new Map<string, TenantAcd>();
  private readonly loading = new Map<string, Promise<TenantAcd>>();
  private readonly writer: RecordsWriter;
  private readonly onMedia = (event: MediaEvent) => this.route(event);
  /** Legs on agents' phones that no queue made, by call id. */
  private readonly personal = new Map<string, { tenant: TenantAcd; agentNumber: string; otherNumber: string }>();
  /** Each tenant's agent feature codes (its routing settings), read when it loads and replaced when they change. */
  private readonly featureCodes = new Map<string, AgentFeatureCodes>();
  private started = false;

  constructor(private readonly options: AcdOptions) {
    this.writer = new RecordsWriter(storageSink(options.storage), options.logger.child({ component: 'acd' }));
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    this.options.media.events.on('event', this.onMedia);
  }

  async close(): Promise<void> {
    this.options.media.events.off('event', this.onMedia);
    for (const tenant of this.tenants.values()) tenant.close();
    this.tenants.clear();
    this.featureCodes.clear();
    await this.writer.flush();
  }

  /** Resolves when every record so far is stored. */
  flush(): Promise<void> {
    return this.writer.flush();
  }

  /** The runtime of a tenant, loading its agents and groups on first use. */
  tenant(tenantId: string): Promise<TenantAcd> {
    const loaded = this.tenants.get(tenantId);
    if (loaded) return Promise.resolve(loaded);
    let loading = this.loading.get(tenantId);
    if (!loading) {
      loading = this.load(tenantId).finally(() => this.loading.delete(tenantId));
      this.loading.set(tenantId, loading);
    }
    return loading;
  }

  /** The runtime of a tenant already loaded, synchronously (for hot paths and tests). */
  loaded(tenantId: string): TenantAcd {
    const tenant = this.tenants.get(tenantId);
    if (!tenant) throw new IllegalStateError(`The ACD has not loaded tenant ${tenantId}`);
    return tenant;
  }

  private async load(tenantId: string): Promise<TenantAcd> {
    const { storage, media, clock, random, logger, destinations } = this.options;
    const tenantRow = await storage.tenants.get(tenantId);
    const [agents, groups, settings] = await Promise.all([allAgents(storage, tenantId), storage.agentGroups.listAll(tenantId), storage.routingSettings.get(tenantId)]);
    const tenant = new TenantAcd({
      tenantId,
      timeZone: tenantRow.timeZone,
      media,
      mediaRefs: this.options.mediaRefs ?? configuredMediaRefs,
      clock,
      // By slug, not id: ids are drawn at creation, so the same seed replays the same picks
      // only if the stream is named by something the simulation chose.
      random: random.fork(`acd:${tenantRow.slug}`),
      logger: logger.child({ component: 'acd', tenantId }),
      writer: this.writer,
      events: this.events,
      destinations,
      agentEndpoint: this.options.agentEndpoint ? (agentNumber) => this.options.agentEndpoint!(tenantId, agentNumber) : (extension) => ({ kind: 'extension', extension }),
      newId: randomUUID,
    });
    for (const agent of agents) tenant.upsertAgent(agent);
    for (const group of groups) tenant.upsertGroup(group);
    // Codes handed over while this load read the settings are newer than what it read.
    if (!this.featureCodes.has(tenantId)) this.featureCodes.set(tenantId, agentFeatureCodes(settings.featureCodes));
    this.tenants.set(tenantId, tenant);
    this.start();
    return tenant;
  }

  /** After an agent was created or changed in storage. */
  async reloadAgent(tenantId: string, agentNumber: string): Promise<void> {
    const tenant = this.tenants.get(tenantId);
    if (!tenant) return;
    const agent = await this.options.storage.agents.findByNumber(tenantId, agentNumber);
    if (agent) {
      tenant.upsertAgent(agent);
      // Groups that list the agent take it in now that it exists.
      for (const group of await this.options.storage.agentGroups.listGroupsOfAgent(tenantId, agent.id)) tenant.upsertGroup(group);
    } else {
      tenant.removeAgent(agentNumber);
    }
  }

  /**
   * After the tenant's feature codes changed (its routing settings were saved): the next
   * call an agent's phone dials is read with these. Synchronous, so no call slips in between.
   */
  useFeatureCodes(tenantId: string, codes: Pick<FeatureCodes, AgentFeatureCodeKey>): void {
    this.featureCodes.set(tenantId, agentFeatureCodes(codes));
  }

  /** After a group was created, changed or deleted in storage. */
  async reloadGroup(tenantId: string, groupNumber: string): Promise<void> {
    const tenant = this.tenants.get(tenantId);
    if (!tenant) return;
    const group = await this.options.storage.agentGroups.findByNumber(tenantId, groupNumber);
    if (group) tenant.upsertGroup(group);
    else tenant.removeGroup(groupNumber);
  }

  private route(event: MediaEvent): void {
    if (event.type === 'call.incoming' && event.from.kind === 'extension') {
      if (!this.onAgentDialed(event.callId, event.from.extension, event.dialed)) this.trackPersonal(event.callId, event.from.extension, event.dialed);
      return;
    }
    // An agent's own call may be in a queue too (the agent dialled an agent group): the queue
    // serves it as a caller, and the agent is on that call until it ends, so both hear of it.
    const personal = this.personal.get(event.callId);
    for (const tenant of this.tenants.values()) {
      if (tenant.calls.owns(event.callId)) {
        tenant.calls.handle(event);
        if (!personal) return;
        break;
      }
    }
    if (!personal) {
      if (event.type === 'call.created' && event.to.kind === 'extension') this.trackPersonal(event.callId, event.to.extension, event.callerId.number);
      return;
    }
    if (event.type === 'call.answered') personal.tenant.personalCallAnswered(personal.agentNumber, event.callId, personal.otherNumber);
    if (event.type === 'call.hangup') {
      this.personal.delete(event.callId);
      personal.tenant.personalCallEnded(personal.agentNumber, event.callId);
    }
  }

  /** A leg on an agent's phone that no queue made: followed so the agent is ringing, then on a call, while it lives. */
  private trackPersonal(callId: string, agentNumber: string, otherNumber: string): void {
    const tenant = this.ownerOf(agentNumber);
    if (!tenant) return;
    this.personal.set(callId, { tenant, agentNumber, otherNumber });
    tenant.personalCallStarted(agentNumber, callId, otherNumber);
  }

  /** The one loaded tenant with this agent number; SIP domains will tell tenants apart once routing resolves them. */
  private ownerOf(agentNumber: string): TenantAcd | undefined {
    let owner: TenantAcd | undefined;
    for (const tenant of this.tenants.values()) {
      if (!tenant.agents.has(agentNumber)) continue;
      if (owner) return undefined;
      owner = tenant;
    }
    return owner;
  }

  /**
   * An agent's phone dialed: one of its tenant's agent feature codes (check in, check out,
   * idle, pause) runs here.
   * The tenant is the one agent with that number among the loaded tenants; SIP domains
   * tell tenants apart once routing knows them.
   */
  private onAgentDialed(callId: string, extension: string, dialed: string): boolean {
    const tenant = this.ownerOf(extension);
    if (!tenant) {
      // Each tenant has its own codes: with no single owner, the call is nobody's to run.
      const isCode = [...this.tenants.values()].some((t) => t.agents.has(extension) && parseFeatureCode(dialed, this.featureCodesOf(t.deps.tenantId)));
      if (isCode) this.options.logger.warn({ extension, dialed }, 'feature code from an extension no single tenant owns');
      return isCode;
    }
    const parsed = parseFeatureCode(dialed, this.featureCodesOf(tenant.deps.tenantId));
    if (!parsed) return false;
    void (async () => {
      const reasons = await this.options.storage.pauseReasons.list(tenant.deps.tenantId, { enabledOnly: true }).catch(() => []);
      await runAgentFeature(tenant, this.options.media, this.options.logger, { callId, agentNumber: extension, ...parsed, pauseReasons: reasons.map((r) => r.name) });
    })().catch((error: unknown) => this.options.logger.warn({ err: error, callId }, 'feature code failed'));
    return true;
  }

  private featureCodesOf(tenantId: string): AgentFeatureCodes {
    return this.featureCodes.get(tenantId) ?? DEFAULT_FEATURE_CODES;
  }

  // ── what routing asks about agents (synchronous: routing loads the tenant first) ──

  /** Where an agent's phone is reached. */
  endpointOf(tenantId: string, agentNumber: string): Endpoint {
    return this.options.agentEndpoint ? this.options.agentEndpoint(tenantId, agentNumber) : { kind: 'extension', extension: agentNumber };
  }

  hasAgent(tenantId: string, agentNumber: string): boolean {
    return this.tenants.get(tenantId)?.agents.has(agentNumber) ?? false;
  }

  /** Whether some agent's number starts with these digits (an IVR's direct dial waits for more keys). */
  hasAgentStartingWith(tenantId: string, digits: string): boolean {
    const tenant = this.tenants.get(tenantId);
    if (!tenant) return false;
    for (const number of tenant.agents.keys()) if (number !== digits && number.startsWith(digits)) return true;
    return false;
  }

  /** Whether the agent is ringing for, talking on or holding a call. */
  isOnCall(tenantId: string, agentNumber: string): boolean {
    const kind = this.tenants.get(tenantId)?.agents.get(agentNumber)?.state.kind;
    return kind === 'reserved' || kind === 'on-call' || kind === 'on-hold';
  }

  /**
   * The agent's phone dialled a number outside the tenant (routing found nothing internal
   * for it). A click-to-call-only agent may not: it calls customers only from the system
   * (manual §3.1.2); nor may a disabled agent, who "cannot perform dialing operations".
   * Refused: false, and the refusal is written down as an agent event (the caller hangs the
   * call up). Otherwise the call counts in the agent's calls out.
   */
  dialledOut(tenantId: string, agentNumber: string, number: string): boolean {
    const tenant = this.tenants.get(tenantId);
    const agent = tenant?.agents.get(agentNumber);
    if (!tenant || !agent) return true;
    const refusal = !agent.agent.enabled ? 'agent disabled' : agent.agent.clickToCallOnly ? 'click-to-call only' : undefined;
    if (refusal) {
      tenant.recordAgentEvent(agent, 'dial-refused', null, 'agent:phone', `${refusal}: dialled ${number}`);
      return false;
    }
    tenant.callPlaced(agentNumber);
    return true;
  }

  departmentOf(tenantId: string, agentNumber: string): string | undefined {
    return this.tenants.get(tenantId)?.agents.get(agentNumber)?.agent.department ?? undefined;
  }

  /**
   * Whether a call straight to the agent (not through a queue) may ring now: `offline` when
   * logged out or disabled (the manual's "no answer: called an agent who is not online"),
   * `busy` on a call, in DND or set busy by a supervisor; paused and wrap-up agents take
   * direct calls, as their phones would.
   */
  async directCallStatus(tenantId: string, agentNumber: string): Promise<'free' | 'busy' | 'offline' | 'unknown'> {
    const agent = (await this.tenant(tenantId)).agents.get(agentNumber);
    if (!agent) return 'unknown';
    if (!agent.agent.enabled || agent.state.kind === 'logged-out') return 'offline';
    if (agent.dnd || agent.state.kind === 'busy' || this.isOnCall(tenantId, agentNumber)) return 'busy';
    return 'free';
  }

  isDnd(tenantId: string, agentNumber: string): boolean {
    return this.tenants.get(tenantId)?.agents.get(agentNumber)?.dnd ?? false;
  }

  /** The agent numbers of a department (pickup rings within one). */
  agentsInDepartment(tenantId: string, department: string): string[] {
    const tenant = this.tenants.get(tenantId);
    return tenant ? [...tenant.agents.values()].filter((a) => a.agent.department === department).map((a) => a.agent.number) : [];
  }

  /**
   * The agent parks or blind-transfers its queue caller: the queue lets the caller go
   * (BLINDTRANSFER to `target`: `park:<slot>`, a number) without hanging up; true when
   * the agent had a connected queue call.
   */
  async releaseConnected(tenantId: string, agentNumber: string, target: string): Promise<boolean> {
    const tenant = await this.tenant(tenantId);
    if (tenant.agents.get(agentNumber)?.call?.entry?.phase !== 'connected') return false;
    tenant.calls.releaseConnected(agentNumber, target);
    return true;
  }

  /** The one loaded tenant with this agent number (an extension dialling in), if exactly one has it. */
  tenantOfAgent(agentNumber: string): string | undefined {
    return this.ownerOf(agentNumber)?.deps.tenantId;
  }

  // ── queue calls ──────────────────────────────────────────────────────────────

  /** Puts a call in an agent group's queue. Returns `queued`, or the outcome when it could not enter. */
  async enqueue(tenantId: string, request: EnqueueRequest): Promise<'queued' | QueueOutcome> {
    const tenant = await this.tenant(tenantId);
    const result = tenant.calls.enqueue(request);
    return typeof result === 'string' ? result : 'queued';
  }

  // ── agent commands ───────────────────────────────────────────────────────────

  async login(tenantId: string, agentNumber: string, via: 'web' | 'phone' = 'web', initiator: Initiator = `agent:${via}`): Promise<void> {
    (await this.tenant(tenantId)).login(agentNumber, via, initiator);
    await this.options.storage.agents.recordLogin(tenantId, (await this.tenant(tenantId)).agent(agentNumber).agent.id).catch(() => undefined);
  }

  async logout(tenantId: string, agentNumber: string, initiator: Initiator = 'agent:web'): Promise<void> {
    (await this.tenant(tenantId)).logout(agentNumber, initiator);
  }

  async checkIn(tenantId: string, agentNumber: string, groupNumber?: string, initiator: Initiator = 'agent:web'): Promise<void> {
    (await this.tenant(tenantId)).checkIn(agentNumber, groupNumber, initiator, initiator === 'agent:phone' ? 'phone' : 'web');
  }

  async checkOut(tenantId: string, agentNumber: string, groupNumber?: string, initiator: Initiator = 'agent:web'): Promise<void> {
    (await this.tenant(tenantId)).checkOut(agentNumber, groupNumber, initiator);
  }

  async pause(tenantId: string, agentNumber: string, reason: string, initiator: Initiator = 'agent:web'): Promise<void> {
    (await this.tenant(tenantId)).pause(agentNumber, reason, initiator);
  }

  /** Back to idle from paused, busy or wrap-up. */
  async unpause(tenantId: string, agentNumber: string, initiator: Initiator = 'agent:web'): Promise<void> {
    (await this.tenant(tenantId)).unpause(agentNumber, initiator);
  }

  async endWrapUp(tenantId: string, agentNumber: string, initiator: Initiator = 'agent:web'): Promise<void> {
    (await this.tenant(tenantId)).endWrapUp(agentNumber, initiator);
  }

  async setDnd(tenantId: string, agentNumber: string, dnd: boolean, initiator: Initiator = 'agent:web'): Promise<void> {
    (await this.tenant(tenantId)).setDnd(agentNumber, dnd, initiator);
  }

  /** Puts the customer of the agent's queue call on hold (with the queue's hold music). */
  async hold(tenantId: string, agentNumber: string, initiator: Initiator = 'agent:web'): Promise<void> {
    const tenant = await this.tenant(tenantId);
    const entry = tenant.calls.connectedEntryOf(agentNumber);
    const music = entry.group.group.queue.holdMusic;
    await this.options.media.hold(entry.callId, music ? { music: tenant.deps.mediaRefs.resolve(tenantId, music) } : {});
    const agent = tenant.agent(agentNumber);
    if (agent.state.kind === 'on-call') tenant.apply(agent, { type: 'hold' }, initiator, 'hold');
  }

  async unhold(tenantId: string, agentNumber: string, initiator: Initiator = 'agent:web'): Promise<void> {
    const tenant = await this.tenant(tenantId);
    const entry = tenant.calls.connectedEntryOf(agentNumber);
    await this.options.media.unhold(entry.callId);
    const agent = tenant.agent(agentNumber);
    if (agent.state.kind === 'on-hold') tenant.apply(agent, { type: 'unhold' }, initiator, 'unhold');
  }

  async blindTransfer(tenantId: string, agentNumber: string, to: Endpoint): Promise<void> {
    await (await this.tenant(tenantId)).calls.blindTransfer(agentNumber, to);
  }

  async attendedTransfer(tenantId: string, agentNumber: string, targetCallId: CallId): Promise<void> {
    await (await this.tenant(tenantId)).calls.attendedTransfer(agentNumber, targetCallId);
  }

  // ── supervisor actions (manual §3.13.1) ──────────────────────────────────────

  async setBusy(tenantId: string, agentNumber: string, supervisorId: string): Promise<void> {
    (await this.tenant(tenantId)).setBusy(agentNumber, supervisorId, `supervisor:${supervisorId}`);
  }

  /**
   * "Check out this seat from the seat group" (manual §3.13.1): of one group, or of all the
   * agent's dynamic memberships. Static members are checked in whenever they are logged in,
   * so checking one out of its static group is refused (IllegalStateError); a supervisor
   * who wants it out of the queues sets it busy, or removes it from the group.
   */
  async supervisorCheckOut(tenantId: string, agentNumber: string, supervisorId: string, groupNumber?: string): Promise<void> {
    (await this.tenant(tenantId)).checkOut(agentNumber, groupNumber, `supervisor:${supervisorId}`);
  }

  /** Listen to, whisper to, or barge into the agent's current call from the supervisor's phone. */
  async monitor(tenantId: string, agentNumber: string, mode: MonitorMode, supervisor: Endpoint): Promise<CallId> {
    const agent = (await this.tenant(tenantId)).agent(agentNumber);
    if (!agent.call || (agent.state.kind !== 'on-call' && agent.state.kind !== 'on-hold')) throw new IllegalStateError(`Agent ${agentNumber} is not on a call`);
    return this.options.media.monitor({ targetCallId: agent.call.legId, mode, supervisor });
  }

  /** Ends the agent's current call. */
  async hangupAgentCall(tenantId: string, agentNumber: string): Promise<void> {
    const agent = (await this.tenant(tenantId)).agent(agentNumber);
    if (!agent.call) throw new IllegalStateError(`Agent ${agentNumber} has no call`);
    await this.options.media.hangup(agent.call.customerCallId ?? agent.call.legId, 'NORMAL_CLEARING');
  }

  // ── reading ──────────────────────────────────────────────────────────────────

  async snapshot(tenantId: string, options: { groups?: readonly string[]; sort?: AgentSortOrder } = {}): Promise<AcdSnapshot> {
    return takeSnapshot(await this.tenant(tenantId), options);
  }
}

/** A tenant that never saved routing settings has the default codes. */
const DEFAULT_FEATURE_CODES = agentFeatureCodes(featureCodesSchema.parse({}));

async function allAgents(storage: Storage, tenantId: string): Promise<Agent[]> {
  const page = 1000;
  const agents: Agent[] = [];
  for (let offset = 0; ; offset += page) {
    const rows = await storage.agents.list(tenantId, { limit: page, offset });
    agents.push(...rows);
    if (rows.length < page) return agents;
  }
}

function storageSink(storage: Storage): RecordSink {
  const byTenant = <T extends { tenantId: string; id: string }>(rows: T[]) => {
    const groups = new Map<string, Array<Omit<T, 'tenantId' | 'id'>>>();
    for (const { tenantId, id: _id, ...rest } of rows) {
      let list = groups.get(tenantId);
      if (!list) groups.set(tenantId, (list = []));
      list.push(rest);
    }
    return groups;
  };
  return {
    async writeAgentEvents(events: AgentEvent[]) {
      for (const [tenantId, rows] of byTenant(events)) await storage.agentEvents.insertMany(tenantId, rows);
    },
    async writeQueueLog(entries: QueueLogEntry[]) {
      for (const [tenantId, rows] of byTenant(entries)) await storage.queueLog.insertMany(tenantId, rows);
    },
  };
}
