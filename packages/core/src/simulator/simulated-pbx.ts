import type { Clock, TimerHandle } from '../clock/clock.js';
import { MediaError, UnavailableError, ValidationError } from '../errors/errors.js';
import { parseOrThrow } from '../errors/zod.js';
import { createEmitter, type TypedEmitter } from '../events/typed-emitter.js';
import type { Logger } from '../logging/logger.js';
import { silentLogger } from '../logging/logger.js';
import { DigitCollector } from '../media/digit-collector.js';
import { MediaEventOutbox } from '../media/media-event-outbox.js';
import { HANGUP_CAUSES, type HangupCause } from '../media/hangup-cause.js';
import type {
  AttendedTransferRequest,
  CallSnapshot,
  CollectDigitsOptions,
  CollectDigitsResult,
  HoldOptions,
  MediaAdapter,
  MediaCapabilities,
  MonitorMode,
  MonitorRequest,
  OriginateRequest,
  PlayOptions,
  RecordOptions,
} from '../media/media-adapter.js';
import type { CallId, Endpoint, HangupSide, MediaEvent, MediaEvents, PlaybackEndReason, RecordingEndReason } from '../media/media-events.js';
import type { Random } from '../random/random.js';
import { DEFAULT_MEDIA_DURATIONS, playDurationMs, type MediaDurations } from './media-durations.js';
import {
  extensionBehaviourSchema,
  partyScriptSchema,
  trunkSchema,
  type ExtensionBehaviour,
  type PartyScript,
  type ResolvedExtensionBehaviour,
  type ResolvedPartyScript,
  type Trunk,
} from './party-script.js';
import { SimParty } from './sim-party.js';
import { toCallRecord, type SimCallRecord, type SimLeg } from './sim-leg.js';
import type { TraceEntry } from './trace.js';

export interface SimulatedPbxOptions {
  clock: Clock;
  random: Random;
  logger?: Logger;
  /** Default: one trunk `sim` with 1,000 channels. The first is the default for external calls. */
  trunks?: Trunk[];
  /** How numbers without their own script behave when called. */
  defaultParty?: PartyScript;
  media?: Partial<MediaDurations>;
  /** From originate to the first ring (180). Default 150 ms. */
  ringDelayMs?: number;
  /** Keep the trace of every call (default true); a very long simulation may turn it off. */
  trace?: boolean;
}

export interface PlaceCallRequest {
  /** A caller number coming in on a trunk, or an extension dialling. */
  from: { number: string; name?: string; trunk?: string } | { extension: string };
  /** The number dialled: a DID, an extension, a feature code. */
  to: string;
  script?: PartyScript;
  variables?: Record<string, string>;
  /** Place it this long from now instead of at once. */
  delayMs?: number;
  /** Choose the new leg's id. */
  callId?: CallId;
}

const DEFAULT_ORIGINATE_TIMEOUT_MS = 60_000;

/**
 * A PBX in memory that implements the MediaAdapter port on any Clock: trunks,
 * agent extensions and scripted outside parties. On a VirtualClock with a seeded
 * Random a day of traffic runs in seconds and the same seed gives the same trace.
 */
export class SimulatedPbx implements MediaAdapter {
  readonly name = 'simulated';
  readonly capabilities: MediaCapabilities = { tts: true, recording: true, recordingFormats: ['wav', 'mp3'], monitor: true, attendedTransfer: true };
  readonly events: TypedEmitter<MediaEvents> = createEmitter<MediaEvents>();

  readonly clock: Clock;
  private readonly random: Random;
  private readonly logger: Logger;
  private readonly party: SimParty;
  private readonly legs = new Map<CallId, SimLeg>();
  private readonly live = new Set<CallId>();
  /** Monitor legs by the leg they listen to. */
  private readonly monitorsOf = new Map<CallId, Set<CallId>>();
  private readonly trunks = new Map<string, Trunk & { inUse: number }>();
  private readonly defaultTrunk: string;
  private readonly extensions = new Map<string, ResolvedExtensionBehaviour>();
  private readonly numberScripts = new Map<string, ResolvedPartyScript>();
  private defaultParty: ResolvedPartyScript;
  private readonly durations: MediaDurations;
  private readonly ringDelayMs: number;
  private readonly keepTrace: boolean;
  private readonly allTrace: TraceEntry[] = [];
  private connected = false;
  private readonly outbox: MediaEventOutbox;
  /** Events that happened while "disconnected": lost, except what reconciliation recovers. */
  private withheld: MediaEvent[] = [];

  constructor(options: SimulatedPbxOptions) {
    this.clock = options.clock;
    this.random = options.random.fork('simulated-pbx');
    this.logger = (options.logger ?? silentLogger).child({ component: 'simulated-pbx' });
    this.outbox = new MediaEventOutbox(this.events, this.logger);
    const trunks = parseOrThrow(trunkSchema.array().min(1), options.trunks ?? [{ name: 'sim', channels: 1_000 }], 'trunks');
    for (const trunk of trunks) this.trunks.set(trunk.name, { ...trunk, inUse: 0 });
    this.defaultTrunk = trunks[0]!.name;
    this.defaultParty = parseOrThrow(partyScriptSchema, options.defaultParty ?? { answer: {} }, 'default party script');
    this.durations = { ...DEFAULT_MEDIA_DURATIONS, ...options.media };
    this.ringDelayMs = options.ringDelayMs ?? 150;
    this.keepTrace = options.trace ?? true;
    this.party = new SimParty(this.clock, this.random, {
      answer: (leg) => this.markAnswered(leg),
      earlyMedia: (leg) => this.setState(leg, 'early', 'call.early_media'),
      ringing: (leg) => this.emit({ type: 'call.ringing', callId: leg.id, at: this.clock.now() }),
      hangup: (leg, cause, side, sipCode) => this.end(leg, cause, side, sipCode),
      dtmf: (leg, digit) => this.receiveDtmf(leg, digit),
      trace: (leg, name, detail) => this.record(leg, 'party', name, detail),
    });
  }

  // ---- simulation control: what tests, the server's simulator API and the demo use ----

  /** Registers (or reconfigures) an agent's SIP extension. */
  setExtension(extension: string, behaviour: ExtensionBehaviour = {}): void {
    if (!/^[0-9A-Za-z_.-]+$/.test(extension)) throw new ValidationError(`Invalid extension "${extension}"`, [{ path: 'extension', message: 'letters, digits, _ . -' }]);
    const previous = this.extensions.get(extension);
    const merged = previous ? { ...previous, ...behaviour } : behaviour;
    this.extensions.set(extension, parseOrThrow(extensionBehaviourSchema, merged, `behaviour of extension ${extension}`));
  }

  getExtension(extension: string): ResolvedExtensionBehaviour | undefined {
    return this.extensions.get(extension);
  }

  removeExtension(extension: string): void {
    this.extensions.delete(extension);
  }

  /** How one outside number behaves when called. */
  scriptNumber(number: string, script: PartyScript): void {
    this.numberScripts.set(number, parseOrThrow(partyScriptSchema, script, `script for ${number}`));
  }

  /** How outside numbers without their own script behave when called. */
  setDefaultParty(script: PartyScript): void {
    this.defaultParty = parseOrThrow(partyScriptSchema, script, 'default party script');
  }

  /** A call comes in: from a trunk (a customer dialling a DID) or from an extension (an agent dialling). */
  placeCall(request: PlaceCallRequest): CallId {
    const callId = request.callId ?? this.random.uuid();
    const script = parseOrThrow(partyScriptSchema, request.script ?? {}, 'caller script');
    if ('extension' in request.from && !this.extensions.has(request.from.extension)) {
      throw new ValidationError(`Extension ${request.from.extension} is not registered in the simulator`, [{ path: 'from.extension', message: 'unknown extension' }]);
    }
    const trunkName = 'number' in request.from ? (request.from.trunk ?? this.defaultTrunk) : undefined;
    if (trunkName !== undefined && !this.trunks.has(trunkName)) {
      throw new ValidationError(`Unknown trunk "${trunkName}"`, [{ path: 'from.trunk', message: 'unknown trunk' }]);
    }
    const start = () => this.startInbound(callId, request, script, trunkName);
    if (request.delayMs && request.delayMs > 0) this.clock.setTimer(request.delayMs, start);
    else start();
    return callId;
  }

  /**
   * The far party on a leg hangs up (a customer, or the agent on their phone).
   * Before answer, a called party declines (default CALL_REJECTED) and a caller cancels.
   */
  hangupParty(callId: CallId, cause?: HangupCause): void {
    const leg = this.requireLive(callId);
    this.record(leg, 'party', 'hangup', cause ? { cause } : undefined);
    if (leg.state === 'answered') return this.end(leg, cause ?? 'NORMAL_CLEARING', 'remote', 200);
    if (leg.direction === 'inbound') return this.end(leg, 'ORIGINATOR_CANCEL', 'remote', 487);
    const declined = cause ?? 'CALL_REJECTED';
    this.end(leg, declined, 'remote', HANGUP_CAUSES[declined].sip);
  }

  /** The far party answers a ringing leg (the agent picks up the demo softphone). */
  answerParty(callId: CallId): void {
    const leg = this.requireLive(callId);
    if (leg.direction !== 'outbound' || leg.state === 'answered') throw new MediaError(`Call ${callId} is not ringing at a party`);
    this.record(leg, 'party', 'answer');
    this.markAnswered(leg);
  }

  /** The far party presses keys now. */
  pressDigits(callId: CallId, digits: string): void {
    const leg = this.requireLive(callId);
    if (!/^[0-9*#A-D]+$/.test(digits)) throw new ValidationError('digits are 0-9, *, #, A-D', [{ path: 'digits', message: 'invalid DTMF' }]);
    this.party.pressDigits(leg, digits, 250);
  }

  /** The life of every call so far, in creation order. */
  calls(): SimCallRecord[] {
    return [...this.legs.values()].map(toCallRecord);
  }

  call(callId: CallId): SimCallRecord | undefined {
    const leg = this.legs.get(callId);
    return leg && toCallRecord(leg);
  }

  /** The whole trace, in the order things happened. */
  trace(): TraceEntry[] {
    return this.allTrace.slice();
  }

  get liveCallCount(): number {
    return this.live.size;
  }

  trunkUsage(): Array<{ name: string; channels: number; inUse: number }> {
    return [...this.trunks.values()].map(({ name, channels, inUse }) => ({ name, channels, inUse }));
  }

  /** Drops the records of ended calls (long simulations keep memory flat this way). */
  forgetEnded(): number {
    let dropped = 0;
    for (const [id, leg] of this.legs) {
      if (leg.state !== 'ended') continue;
      this.legs.delete(id);
      dropped++;
    }
    return dropped;
  }

  /**
   * Simulates losing the connection to the media server: commands fail and
   * events are lost until `reconnect()`, as with a real server.
   */
  disconnect(reason = 'simulated disconnect'): void {
    if (!this.connected) return;
    this.connected = false;
    this.outbox.disconnected(reason, this.clock.now());
  }

  /**
   * Comes back as a real adapter does after reconciling: the hang-ups and
   * answers that happened meanwhile are delivered (other events are lost),
   * then `reconnected`.
   */
  reconnect(): void {
    if (this.connected) return;
    this.connected = true;
    const recovered = this.withheld.filter((e) => e.type === 'call.hangup' || e.type === 'call.answered');
    this.withheld = [];
    for (const event of recovered) this.outbox.media(event);
    this.outbox.reconnected(this.clock.now());
  }

  // ---- MediaAdapter ----

  async connect(): Promise<void> {
    this.connected = true;
  }

  async close(): Promise<void> {
    this.connected = false;
  }

  isConnected(): boolean {
    return this.connected;
  }

  async originate(request: OriginateRequest): Promise<CallId> {
    this.requireConnected();
    const callId = request.callId ?? this.random.uuid();
    if (this.legs.has(callId)) throw new MediaError(`Call id ${callId} is already in use`);
    const to = request.to;
    const trunkName = to.kind === 'external' ? (to.trunk ?? this.defaultTrunk) : undefined;
    if (trunkName !== undefined && !this.trunks.has(trunkName)) throw new MediaError(`Unknown trunk "${trunkName}"`);
    const leg = this.newLeg({
      id: callId,
      direction: 'outbound',
      from: { kind: 'external', number: request.callerId?.number ?? '' },
      to,
      callerId: request.callerId ?? { number: '' },
      variables: { ...request.variables },
      trunk: trunkName,
      party: to.kind === 'extension' ? { kind: 'extension', extension: to.extension } : { kind: 'outside', script: this.numberScripts.get(to.number) ?? this.defaultParty },
      autoAnswer: request.autoAnswer ?? false,
    });
    this.record(leg, 'command', 'originate', { to, callerId: leg.callerId, timeoutMs: request.timeoutMs, autoAnswer: leg.autoAnswer });
    this.emitCreated(leg);
    if (trunkName !== undefined && !this.seizeTrunk(leg, trunkName)) {
      this.end(leg, 'NORMAL_CIRCUIT_CONGESTION', 'local', 503);
      return callId;
    }
    this.party.startOutbound(leg, this.extensionOf(leg), {
      ringDelayMs: this.ringDelayMs,
      timeoutMs: request.timeoutMs ?? DEFAULT_ORIGINATE_TIMEOUT_MS,
    });
    return callId;
  }

  async answer(callId: CallId): Promise<void> {
    const leg = this.command(callId, 'answer');
    if (leg.direction !== 'inbound') throw new MediaError(`Call ${callId} is outbound; only its party can answer it`);
    if (leg.state !== 'answered') this.markAnswered(leg);
  }

  async hangup(callId: CallId, cause: HangupCause = 'NORMAL_CLEARING'): Promise<void> {
    const leg = this.command(callId, 'hangup', { cause });
    const answered = leg.state === 'answered';
    // Unanswered: an outbound leg is cancelled (487); an inbound one is refused with the cause's status.
    const sipCode = answered ? 200 : leg.direction === 'outbound' ? 487 : HANGUP_CAUSES[cause].sip === 200 ? 480 : HANGUP_CAUSES[cause].sip;
    this.end(leg, cause, 'local', sipCode);
  }

  async play(callId: CallId, options: PlayOptions): Promise<string> {
    const leg = this.command(callId, 'play', { media: options.media, interruptible: options.interruptible, loop: options.loop });
    return this.startPlayback(leg, options);
  }

  async stopPlayback(callId: CallId, playbackId: string): Promise<void> {
    const leg = this.command(callId, 'stop_playback', { playbackId });
    if (leg.playback?.id === playbackId) this.finishPlayback(leg, 'stopped');
  }

  async collectDigits(callId: CallId, options: CollectDigitsOptions): Promise<CollectDigitsResult> {
    const leg = this.command(callId, 'collect_digits', { ...options });
    this.requireMedia(leg);
    if (leg.collector && !leg.collector.done) throw new MediaError(`Call ${callId} is already collecting digits`);
    const collector = new DigitCollector(options, {
      clock: this.clock,
      play: async (media) => this.startPlayback(leg, { media, interruptible: true }),
      stopPlayback: async (id) => {
        if (leg.playback?.id === id) this.finishPlayback(leg, 'stopped');
      },
    });
    leg.collector = collector;
    const result = await collector.start();
    if (leg.collector === collector) leg.collector = undefined;
    this.record(leg, 'event', 'digits_collected', { ...result });
    return result;
  }

  async startRecording(callId: CallId, options: RecordOptions): Promise<string> {
    const leg = this.command(callId, 'start_recording', { ...options });
    this.requireMedia(leg);
    const recording = { id: this.random.uuid(), options, startedAt: this.clock.now(), timer: undefined as TimerHandle | undefined };
    if (options.maxDurationMs !== undefined && options.maxDurationMs > 0) {
      recording.timer = this.clock.setTimer(options.maxDurationMs, () => this.finishRecording(leg, recording.id, 'max-duration'));
    }
    leg.recordings.set(recording.id, recording);
    return recording.id;
  }

  async stopRecording(callId: CallId, recordingId: string): Promise<void> {
    const leg = this.command(callId, 'stop_recording', { recordingId });
    if (!leg.recordings.has(recordingId)) throw new MediaError(`Call ${callId} has no recording ${recordingId}`);
    this.finishRecording(leg, recordingId, 'stopped');
  }

  async bridge(callId: CallId, otherCallId: CallId): Promise<string> {
    const leg = this.command(callId, 'bridge', { otherCallId });
    const other = this.requireLive(otherCallId);
    if (callId === otherCallId) throw new MediaError('Cannot bridge a call with itself');
    for (const l of [leg, other]) if (l.state !== 'answered') throw new MediaError(`Call ${l.id} is not answered and cannot be bridged`);
    if (leg.bridge?.otherCallId === otherCallId) return leg.bridge.id;
    this.leaveBridge(leg);
    this.leaveBridge(other);
    const bridgeId = this.random.uuid();
    const at = this.clock.now();
    for (const [a, b] of [[leg, other], [other, leg]] as const) {
      if (a.playback) this.finishPlayback(a, 'stopped');
      a.bridge = { id: bridgeId, otherCallId: b.id };
      a.everBridged = true;
      this.emit({ type: 'call.bridged', callId: a.id, otherCallId: b.id, bridgeId, at });
      this.party.onBridged(a);
    }
    return bridgeId;
  }

  async unbridge(callId: CallId): Promise<void> {
    const leg = this.command(callId, 'unbridge');
    this.leaveBridge(leg);
  }

  async hold(callId: CallId, options: HoldOptions = {}): Promise<void> {
    const leg = this.command(callId, 'hold', { music: options.music, mohClass: options.mohClass });
    if (leg.state !== 'answered') throw new MediaError(`Call ${callId} is not answered and cannot be held`);
    if (leg.held) return;
    leg.held = true;
    this.emit({ type: 'call.held', callId, at: this.clock.now() });
  }

  async unhold(callId: CallId): Promise<void> {
    const leg = this.command(callId, 'unhold');
    if (!leg.held) return;
    leg.held = false;
    this.emit({ type: 'call.unheld', callId, at: this.clock.now() });
  }

  async blindTransfer(callId: CallId, to: Endpoint): Promise<void> {
    const leg = this.command(callId, 'blind_transfer', { to });
    if (leg.state !== 'answered') throw new MediaError(`Call ${callId} is not answered and cannot be transferred`);
    const transferor = leg.bridge?.otherCallId;
    this.leaveBridge(leg);
    if (transferor !== undefined) this.endIfLive(transferor, 'NORMAL_CLEARING', 'local', 200);
    const targetId = await this.originate({ to, callerId: leg.callerId, variables: { sb_transfer_of: callId }, timeoutMs: DEFAULT_ORIGINATE_TIMEOUT_MS });
    // The transferred party hears ringing; when the target answers the two are joined.
    const onAnswered = (event: { callId: CallId }) => {
      if (event.callId !== targetId) return;
      this.events.off('call.answered', onAnswered);
      this.events.off('call.hangup', onEnded);
      if (this.live.has(callId) && this.live.has(targetId)) void this.bridge(callId, targetId);
    };
    const onEnded = (event: { callId: CallId }) => {
      if (event.callId !== targetId && event.callId !== callId) return;
      this.events.off('call.answered', onAnswered);
      this.events.off('call.hangup', onEnded);
    };
    this.events.on('call.answered', onAnswered);
    this.events.on('call.hangup', onEnded);
  }

  async attendedTransfer(request: AttendedTransferRequest): Promise<void> {
    const leg = this.command(request.callId, 'attended_transfer', { targetCallId: request.targetCallId, transferorCallId: request.transferorCallId });
    this.requireLive(request.targetCallId);
    if (leg.held) await this.unhold(leg.id);
    await this.bridge(leg.id, request.targetCallId);
    if (request.transferorCallId !== undefined) this.endIfLive(request.transferorCallId, 'NORMAL_CLEARING', 'local', 200);
  }

  async monitor(request: MonitorRequest): Promise<CallId> {
    const target = this.command(request.targetCallId, 'monitor', { mode: request.mode, supervisor: request.supervisor });
    if (target.state !== 'answered') throw new MediaError(`Call ${target.id} is not answered and cannot be monitored`);
    const supervisorId = await this.originate({
      to: request.supervisor,
      autoAnswer: true,
      variables: { sb_monitor_of: target.id, sb_monitor_mode: request.mode },
      ...(request.callerId ? { callerId: request.callerId } : {}),
      ...(request.callId ? { callId: request.callId } : {}),
    });
    const supervisor = this.legs.get(supervisorId)!;
    supervisor.monitor = { targetCallId: target.id, mode: request.mode };
    let monitors = this.monitorsOf.get(target.id);
    if (!monitors) this.monitorsOf.set(target.id, (monitors = new Set()));
    monitors.add(supervisor.id);
    return supervisorId;
  }

  async setMonitorMode(monitorCallId: CallId, mode: MonitorMode): Promise<void> {
    const leg = this.command(monitorCallId, 'set_monitor_mode', { mode });
    if (!leg.monitor) throw new MediaError(`Call ${monitorCallId} is not monitoring a call`);
    leg.monitor.mode = mode;
  }

  async sendDtmf(callId: CallId, digits: string): Promise<void> {
    this.command(callId, 'send_dtmf', { digits });
    if (!/^[0-9*#A-D]+$/.test(digits)) throw new ValidationError('digits are 0-9, *, #, A-D', [{ path: 'digits', message: 'invalid DTMF' }]);
  }

  async listCalls(): Promise<CallSnapshot[]> {
    this.requireConnected();
    return [...this.live].map((id) => {
      const leg = this.legs.get(id)!;
      return {
        callId: id,
        direction: leg.direction,
        state: leg.state === 'answered' ? 'answered' : leg.state === 'early' ? 'early' : 'ringing',
        answeredAt: leg.answeredAt,
        bridgedTo: leg.bridge?.otherCallId,
        held: leg.held,
        variables: { ...leg.variables },
      };
    });
  }

  // ---- internals ----

  private startInbound(callId: CallId, request: PlaceCallRequest, script: ResolvedPartyScript, trunkName: string | undefined): void {
    const fromExtension = 'extension' in request.from ? request.from.extension : undefined;
    const from: Endpoint = fromExtension !== undefined ? { kind: 'extension', extension: fromExtension } : { kind: 'external', number: (request.from as { number: string }).number, ...(trunkName ? { trunk: trunkName } : {}) };
    const callerId = fromExtension !== undefined ? { number: fromExtension } : { number: (request.from as { number: string }).number, ...('name' in request.from && request.from.name ? { name: request.from.name } : {}) };
    const leg = this.newLeg({
      id: callId,
      direction: 'inbound',
      from,
      to: { kind: 'external', number: request.to },
      callerId,
      variables: { ...request.variables },
      trunk: trunkName,
      party: fromExtension !== undefined ? { kind: 'extension', extension: fromExtension } : { kind: 'outside', script },
      autoAnswer: false,
    });
    this.record(leg, 'party', 'dial', { from, to: request.to });
    this.emitCreated(leg);
    if (trunkName !== undefined && !this.seizeTrunk(leg, trunkName)) {
      this.end(leg, 'NORMAL_CIRCUIT_CONGESTION', 'local', 503);
      return;
    }
    this.emit({
      type: 'call.incoming',
      callId,
      at: this.clock.now(),
      from,
      dialed: request.to,
      ...(trunkName ? { trunk: trunkName } : {}),
      callerId,
      variables: { ...leg.variables },
    });
    if (leg.party.kind === 'outside') this.party.startInboundCaller(leg, leg.party.script);
  }

  private newLeg(init: Pick<SimLeg, 'id' | 'direction' | 'from' | 'to' | 'callerId' | 'variables' | 'trunk' | 'party' | 'autoAnswer'>): SimLeg {
    if (this.legs.has(init.id)) throw new MediaError(`Call id ${init.id} is already in use`);
    // Field by field, not `...init`: a spread followed by more fields can leave V8 with a slow
    // dictionary-mode object, and every leg is read on every event.
    const leg: SimLeg = {
      id: init.id,
      direction: init.direction,
      from: init.from,
      to: init.to,
      callerId: init.callerId,
      variables: init.variables,
      trunk: init.trunk,
      party: init.party,
      autoAnswer: init.autoAnswer,
      trunkSeized: false,
      state: 'ringing',
      createdAt: this.clock.now(),
      answeredAt: undefined,
      endedAt: undefined,
      hangup: undefined,
      bridge: undefined,
      everBridged: false,
      held: false,
      playback: undefined,
      recordings: new Map(),
      collector: undefined,
      monitor: undefined,
      trace: [],
    };
    this.legs.set(leg.id, leg);
    this.live.add(leg.id);
    return leg;
  }

  private extensionOf(leg: SimLeg): ResolvedExtensionBehaviour | undefined {
    return leg.party.kind === 'extension' ? this.extensions.get(leg.party.extension) : undefined;
  }

  private seizeTrunk(leg: SimLeg, name: string): boolean {
    const trunk = this.trunks.get(name)!;
    if (trunk.inUse >= trunk.channels) return false;
    trunk.inUse++;
    leg.trunkSeized = true;
    return true;
  }

  private emitCreated(leg: SimLeg): void {
    this.emit({ type: 'call.created', callId: leg.id, at: leg.createdAt, direction: leg.direction, from: leg.from, to: leg.to, callerId: leg.callerId, variables: { ...leg.variables } });
  }

  private markAnswered(leg: SimLeg): void {
    if (leg.state === 'answered' || leg.state === 'ended') return;
    leg.answeredAt = this.clock.now();
    this.setState(leg, 'answered', 'call.answered');
    this.party.onAnswered(leg);
  }

  private setState(leg: SimLeg, state: 'early' | 'answered', type: 'call.early_media' | 'call.answered'): void {
    leg.state = state;
    this.emit({ type, callId: leg.id, at: this.clock.now() });
  }

  private startPlayback(leg: SimLeg, options: PlayOptions): string {
    this.requireMedia(leg);
    // One playback at a time per leg: a new one replaces the one playing.
    if (leg.playback) this.finishPlayback(leg, 'stopped');
    const id = this.random.uuid();
    const duration = playDurationMs(options.media, this.durations);
    const timer = options.loop ? undefined : this.clock.setTimer(duration, () => this.finishPlayback(leg, 'completed'));
    leg.playback = { id, options, timer };
    return id;
  }

  private finishPlayback(leg: SimLeg, reason: PlaybackEndReason, digit?: string): void {
    const playback = leg.playback;
    if (!playback) return;
    leg.playback = undefined;
    this.clock.clearTimer(playback.timer);
    this.emit({ type: 'playback.finished', callId: leg.id, at: this.clock.now(), playbackId: playback.id, reason, ...(digit ? { digit } : {}) });
    leg.collector?.onPlaybackFinished(playback.id, reason);
  }

  private finishRecording(leg: SimLeg, recordingId: string, reason: RecordingEndReason): void {
    const recording = leg.recordings.get(recordingId);
    if (!recording) return;
    leg.recordings.delete(recordingId);
    this.clock.clearTimer(recording.timer);
    const now = this.clock.now();
    this.emit({ type: 'recording.finished', callId: leg.id, at: now, recordingId, name: recording.options.name, durationMs: now - recording.startedAt, reason });
  }

  private receiveDtmf(leg: SimLeg, digit: string): void {
    if (leg.state === 'ended') return;
    this.emit({ type: 'call.dtmf', callId: leg.id, at: this.clock.now(), digit, durationMs: 100 });
    const playback = leg.playback;
    const interruptible = playback?.options.interruptible;
    if (playback && (interruptible === true || (typeof interruptible === 'string' && interruptible.includes(digit)))) {
      this.finishPlayback(leg, 'interrupted', digit);
    }
    leg.collector?.onDtmf(digit);
  }

  private leaveBridge(leg: SimLeg): void {
    const bridge = leg.bridge;
    if (!bridge) return;
    const other = this.legs.get(bridge.otherCallId);
    const at = this.clock.now();
    for (const l of [leg, other]) {
      if (!l || l.bridge?.id !== bridge.id) continue;
      const otherCallId = l === leg ? bridge.otherCallId : leg.id;
      l.bridge = undefined;
      this.party.onUnbridged(l);
      this.emit({ type: 'call.unbridged', callId: l.id, otherCallId, bridgeId: bridge.id, at });
    }
  }

  private endIfLive(callId: CallId, cause: HangupCause, side: HangupSide, sipCode: number): void {
    const leg = this.legs.get(callId);
    if (leg && leg.state !== 'ended') this.end(leg, cause, side, sipCode);
  }

  /** Ends a leg: everything on it stops, its bridge partner stays up, monitors of it are released. */
  private end(leg: SimLeg, cause: HangupCause, side: HangupSide, sipCode: number | undefined): void {
    if (leg.state === 'ended') return;
    const answered = leg.answeredAt !== undefined;
    leg.state = 'ended';
    leg.endedAt = this.clock.now();
    leg.hangup = { cause, side, sipCode };
    this.live.delete(leg.id);
    if (leg.trunkSeized && leg.trunk !== undefined) this.trunks.get(leg.trunk)!.inUse--;
    this.party.cancel(leg);
    if (leg.playback) this.finishPlayback(leg, 'hangup');
    for (const id of [...leg.recordings.keys()]) this.finishRecording(leg, id, 'hangup');
    leg.collector?.onHangup();
    leg.held = false;
    this.leaveBridge(leg);
    this.emit({ type: 'call.hangup', callId: leg.id, at: leg.endedAt, cause, q850: HANGUP_CAUSES[cause].q850, sipCode, side, answered });
    // Indexed, not a scan of the live legs: a busy center ends thousands of legs a minute.
    const monitors = this.monitorsOf.get(leg.id);
    this.monitorsOf.delete(leg.id);
    for (const id of monitors ?? []) {
      const other = this.legs.get(id);
      if (other && other.monitor?.targetCallId === leg.id) this.end(other, 'NORMAL_CLEARING', 'local', 200);
    }
  }

  private command(callId: CallId, name: string, detail?: Record<string, unknown>): SimLeg {
    this.requireConnected();
    const leg = this.requireLive(callId);
    this.record(leg, 'command', name, detail);
    return leg;
  }

  private requireConnected(): void {
    if (!this.connected) throw new UnavailableError('The simulated PBX is not connected');
  }

  private requireLive(callId: CallId): SimLeg {
    const leg = this.legs.get(callId);
    if (!leg) throw new MediaError(`No call ${callId}`);
    if (leg.state === 'ended') throw new MediaError(`Call ${callId} has ended`);
    return leg;
  }

  private requireMedia(leg: SimLeg): void {
    if (leg.state !== 'answered' && leg.state !== 'early') throw new MediaError(`Call ${leg.id} has no media yet: answer it first`);
  }

  private record(leg: SimLeg, kind: TraceEntry['kind'], name: string, detail?: Record<string, unknown>): void {
    if (!this.keepTrace) return;
    const entry: TraceEntry = { at: this.clock.now(), callId: leg.id, kind, name, ...(detail ? { detail: stripUndefined(detail) } : {}) };
    leg.trace.push(entry);
    this.allTrace.push(entry);
  }

  /**
   * Events go out in order on the microtask queue, never from inside the
   * command that caused them: listeners may issue commands without re-entering.
   */
  private emit(event: MediaEvent): void {
    const leg = this.legs.get(event.callId);
    if (leg) {
      const { type, callId: _callId, at: _at, ...detail } = event;
      this.record(leg, 'event', type, detail);
    }
    if (this.connected) this.outbox.media(event);
    else this.withheld.push(event);
  }
}

function stripUndefined(detail: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(detail)) if (value !== undefined) out[key] = value;
  return out;
}
