import { randomUUID } from 'node:crypto';
import {
  createEmitter,
  DigitCollector,
  HANGUP_CAUSES,
  MediaError,
  ReconnectLoop,
  UnavailableError,
  ValidationError,
  type AttendedTransferRequest,
  type CallId,
  type CallSnapshot,
  type CollectDigitsOptions,
  type CollectDigitsResult,
  type Endpoint,
  type HangupCause,
  type HoldOptions,
  type MediaAdapter,
  type MediaCapabilities,
  type MediaEvents,
  type MonitorMode,
  type MonitorRequest,
  type OriginateRequest,
  type PlayOptions,
  type RecordOptions,
  type TypedEmitter,
} from '@switchboard/core';
import { AriClient } from '../ari/client.js';
import { AriEventSocket } from '../ari/event-socket.js';
import type { AriEvent } from '../ari/events.js';
import type { AriChannel } from '../ari/resources.js';
import { ariHangupReasonCode } from '../hangup.js';
import { originateParams } from '../originate.js';
import { CallTracker } from './call-tracker.js';
import { CallRegistry, EventQueue, newLeg, type BridgeRecord, type Leg } from './legs.js';
import { resolveAsteriskOptions, type AsteriskAdapterOptions, type ResolvedAsteriskOptions } from './options.js';
import { Playbacks } from './playbacks.js';
import { Resync } from './resync.js';
import { Supervision } from './supervision.js';
import { Waiters } from './waiters.js';

const DTMF = /^[0-9*#A-D]+$/;
const DEFAULT_TIMEOUT_MS = 60_000;

function status(error: unknown): number | undefined {
  return error instanceof MediaError ? (error.details?.['status'] as number | undefined) : undefined;
}

/**
 * The MediaAdapter over the Asterisk REST Interface: one Stasis application,
 * REST commands through our AriClient, events from the `/ari/events`
 * WebSocket. docs/media-adapter.md gives the mapping of every command and
 * event; docs/asterisk.md how to configure Asterisk for it.
 */
export class AsteriskAdapter implements MediaAdapter {
  readonly name = 'asterisk';
  readonly capabilities: MediaCapabilities = { tts: false, recording: true, recordingFormats: ['wav'], monitor: true, attendedTransfer: true };
  readonly events: TypedEmitter<MediaEvents> = createEmitter<MediaEvents>();
  readonly client: AriClient;

  private readonly options: ResolvedAsteriskOptions;
  private readonly registry = new CallRegistry();
  private readonly queue: EventQueue;
  private readonly socket: AriEventSocket;
  private readonly playbacks: Playbacks;
  private readonly tracker: CallTracker;
  private readonly supervision: Supervision;
  private connected = false;
  private closed = false;
  private reconnectLoop: ReconnectLoop | undefined;
  /** What commands wait for in the event stream (snoops in Stasis, legs in a bridge). */
  private readonly waiters: Waiters;
  private readonly resync: Resync;

  constructor(options: AsteriskAdapterOptions) {
    this.options = resolveAsteriskOptions(options);
    const { clock, logger } = this.options;
    this.client = new AriClient({ url: this.options.url, username: this.options.username, password: this.options.password, requestTimeoutMs: this.options.replyTimeoutMs, clock });
    this.queue = new EventQueue(this.events, logger);
    this.socket = new AriEventSocket(this.client, this.options.app, logger, this.options.replyTimeoutMs);
    this.waiters = new Waiters(clock, this.options.replyTimeoutMs, logger);
    this.playbacks = new Playbacks(this.client, this.registry, this.queue, clock, logger, this.options.media);
    this.supervision = new Supervision(this.client, this.registry, clock, logger, this.options.app, {
      waitForStasis: (id) => this.waiters.inStasis(id, this.registry.internal.get(id)?.inStasis ?? false),
      originate: (request) => this.originate(request),
      hangup: (leg, cause) => this.hangupLeg(leg, cause),
      bridge: (a, b) => this.bridge(a, b),
      play: (leg, options) => this.playbacks.start(leg, options),
      stopPlayback: (leg, id) => (leg.playback?.id === id ? this.playbacks.stop(leg.playback, 'stopped') : Promise.resolve()),
      emitRecordingFinished: (event) => this.queue.media(event),
    });
    this.tracker = new CallTracker(this.registry, this.queue, this.playbacks, clock, logger, {
      answered: (leg) => {
        this.waiters.legAnswered(leg.callId);
        this.supervision.onAnswered(leg);
      },
      ended: (leg) => {
        this.waiters.legEnded(leg.callId);
        this.supervision.onEnded(leg);
      },
      bridgeEmptied: (bridge) => this.bridgeEmptied(bridge),
      bridged: (bridgeId) => this.waiters.bridged(bridgeId),
      inStasis: (id) => this.waiters.enteredStasis(id),
      internalGone: (id) => {
        this.waiters.gone(id);
        this.supervision.onInternalGone(id);
      },
      trunkOf: (channel) => this.trunkOf(channel),
    });
    this.resync = new Resync(this.options.app, this.client, this.registry, this.tracker, this.playbacks);
  }

  // ---- connection ----

  async connect(): Promise<void> {
    if (this.connected) return;
    this.closed = false;
    await this.open();
    if (!this.socket.open) throw new UnavailableError('The ARI WebSocket closed while connecting', { details: { vendor: 'asterisk' } });
    this.connected = true;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.connected = false;
    this.reconnectLoop?.stop();
    this.reconnectLoop = undefined;
    await this.socket.close();
  }

  isConnected(): boolean {
    return this.connected;
  }

  /** Opens the WebSocket (registering the app), then reconciles the calls with `GET /channels`. */
  private async open(): Promise<void> {
    await this.socket.connect({ event: (event) => this.onEvent(event), closed: (reason) => this.onDropped(reason) });
    try {
      await this.resync.run();
    } catch (error) {
      await this.socket.close();
      throw error;
    }
  }

  private onDropped(reason: string): void {
    // Not yet connected (connect() reports the failure), or a reconnect attempt is under way (it will fail, or see the socket gone).
    if (this.closed || !this.connected) return;
    this.connected = false;
    this.options.logger.warn({ reason }, 'ARI WebSocket dropped; reconnecting');
    this.queue.disconnected(reason, this.options.clock.now());
    this.startReconnecting();
  }

  private startReconnecting(): void {
    const { clock, logger } = this.options;
    this.reconnectLoop?.stop();
    this.reconnectLoop = new ReconnectLoop({
      clock,
      policy: this.options.reconnect,
      logger,
      attempt: () => this.open(),
      onConnected: (attempts) => {
        if (this.closed) return;
        // The socket dropped again while the calls were being reconciled: start over.
        if (!this.socket.open) return this.startReconnecting();
        this.connected = true;
        logger.info({ attempts }, 'ARI WebSocket reconnected');
        this.queue.reconnected(clock.now());
      },
      onGiveUp: (error) => logger.error({ err: error }, 'giving up reconnecting to Asterisk'),
    });
    this.reconnectLoop.start();
  }

  private onEvent(event: AriEvent): void {
    if (event.type === 'unknown') {
      this.options.logger.trace({ type: event.eventType }, 'ARI event not used');
      return;
    }
    if (event.type === 'RecordingFinished' || event.type === 'RecordingFailed') {
      this.supervision.onRecordingEnded(event.recording, event.type === 'RecordingFailed');
      return;
    }
    this.tracker.handle(event);
  }

  // ---- commands ----

  private requireConnected(): void {
    if (!this.connected) throw new UnavailableError('Not connected to Asterisk (the ARI WebSocket is down)', { details: { vendor: 'asterisk' } });
  }

  /** A live leg, or a MediaError: the port rejects commands about legs that are gone. */
  private live(callId: CallId): Leg {
    this.requireConnected();
    const leg = this.registry.leg(callId);
    if (!leg || leg.ended) {
      throw new MediaError(this.registry.hasEnded(callId) ? `Call ${callId} has ended` : `No call ${callId}`, { details: { vendor: 'asterisk', callId } });
    }
    if (leg.pending || leg.abandoned) throw new MediaError(`Call ${callId} is still being set up`, { details: { vendor: 'asterisk', callId } });
    return leg;
  }

  /** A leg under our control: in Stasis (an originated leg enters it once answered). */
  private controlled(callId: CallId, what: string): Leg {
    const leg = this.live(callId);
    if (!leg.inStasis) throw new MediaError(`Call ${callId} cannot ${what} before it is answered`, { details: { vendor: 'asterisk', callId } });
    return leg;
  }

  async originate(request: OriginateRequest): Promise<CallId> {
    this.requireConnected();
    const callId = request.callId ?? randomUUID();
    if (this.registry.leg(callId) || this.registry.hasEnded(callId)) throw new MediaError(`Call id ${callId} is already in use`);
    const { query, body } = originateParams(
      { ...request, callId },
      {
        app: this.options.app,
        appArgs: ['outbound'],
        trunks: this.options.trunks,
        extensionEndpoint: this.options.extensionEndpoint,
        autoAnswerCallInfo: this.options.autoAnswerCallInfo,
        ...(this.options.defaultTrunk ? { defaultTrunk: this.options.defaultTrunk } : {}),
      },
    );
    const callerId = request.callerId ?? { number: '' };
    const leg = newLeg({
      callId,
      channelId: callId,
      direction: 'outbound',
      from: { kind: 'external', number: callerId.number },
      to: request.to,
      callerId,
      variables: { ...request.variables },
      originated: true,
      pending: [],
    });
    this.registry.add(leg);
    const created = () => {
      const { clock } = this.options;
      this.queue.media({ type: 'call.created', callId, at: clock.now(), direction: 'outbound', from: leg.from, to: leg.to, callerId, variables: { ...leg.variables } });
    };
    let channel: AriChannel;
    try {
      channel = await this.client.channels.originate(query, body.variables);
    } catch (error) {
      const code = status(error);
      if ((code !== undefined && code >= 500) || (code === 409 && (await this.staleDuplicate(callId)))) {
        // Asterisk could not create the channel (no contact, unknown endpoint): an origination that failed at once.
        created();
        leg.pending = undefined;
        this.tracker.endLeg(leg, { cause: 'REQUESTED_CHAN_UNAVAIL', q850: HANGUP_CAUSES.REQUESTED_CHAN_UNAVAIL.q850, sipCode: undefined, side: 'unknown' });
        return callId;
      }
      if (code === undefined && !(error instanceof UnavailableError)) {
        // No reply in time: the channel may exist. Hang it up if it turns up; core was told the originate failed.
        leg.abandoned = true;
        leg.pending = undefined;
        this.client.channels.hangup(callId).catch(() => {});
      } else {
        this.registry.remove(leg);
      }
      throw error;
    }
    leg.channelName = channel.name;
    created();
    this.tracker.flushPending(leg);
    if (channel.state === 'Up' && !leg.answered) this.tracker.onStateChange(channel);
    return callId;
  }

  /**
   * Asterisk answers an allocation failure with 409 "already exists" when the
   * same HTTP connection saw a real duplicate before (ast_channel_errno is
   * thread-local and never reset). The id is really in use only if the
   * channel exists.
   */
  private async staleDuplicate(callId: CallId): Promise<boolean> {
    try {
      await this.client.channels.get(callId);
      return false;
    } catch (error) {
      return status(error) === 404;
    }
  }

  async answer(callId: CallId): Promise<void> {
    const leg = this.live(callId);
    if (leg.direction !== 'inbound') throw new MediaError(`Call ${callId} is outbound; only its party can answer it`);
    if (leg.answered) return;
    // Asterisk replies 204 before its ChannelStateChange (Up) arrives: resolve once the leg is answered here
    // too, so that the next command (play, bridge) finds it answered.
    const answered = this.waiters.answered(leg.callId);
    try {
      await this.client.channels.answer(leg.channelId);
    } catch (error) {
      answered.cancel();
      throw error;
    }
    await answered.promise;
  }

  async hangup(callId: CallId, cause: HangupCause = 'NORMAL_CLEARING'): Promise<void> {
    await this.hangupLeg(this.live(callId), cause);
  }

  /** `DELETE /channels/{id}` with the cause as `reason_code`; what core asked for is what `call.hangup` reports. */
  private async hangupLeg(leg: Leg, cause: HangupCause): Promise<void> {
    if (leg.ended) return;
    const before = leg.requestedCause;
    leg.requestedCause ??= cause;
    try {
      await this.client.channels.hangup(leg.channelId, { reasonCode: ariHangupReasonCode(cause) });
    } catch (error) {
      if (!leg.ended) leg.requestedCause = before;
      if (status(error) === 404) throw new MediaError(`Call ${leg.callId} has ended`, { cause: error, details: { vendor: 'asterisk', callId: leg.callId } });
      throw error;
    }
  }

  async play(callId: CallId, options: PlayOptions): Promise<string> {
    return this.playbacks.start(this.controlled(callId, 'play media'), options);
  }

  async stopPlayback(callId: CallId, playbackId: string): Promise<void> {
    const leg = this.live(callId);
    if (leg.playback?.id === playbackId) await this.playbacks.stop(leg.playback, 'stopped');
  }

  async collectDigits(callId: CallId, options: CollectDigitsOptions): Promise<CollectDigitsResult> {
    const leg = this.controlled(callId, 'collect digits');
    if (leg.collector && !leg.collector.done) throw new MediaError(`Call ${callId} is already collecting digits`);
    const collector = new DigitCollector(options, {
      clock: this.options.clock,
      play: (media) => this.playbacks.start(leg, { media, interruptible: true }),
      stopPlayback: async (id) => {
        if (leg.playback?.id === id) await this.playbacks.stop(leg.playback, 'stopped');
      },
    });
    leg.collector = collector;
    try {
      return await collector.start();
    } finally {
      if (leg.collector === collector) leg.collector = undefined;
    }
  }

  async startRecording(callId: CallId, options: RecordOptions): Promise<string> {
    return this.supervision.startRecording(this.controlled(callId, 'be recorded'), options);
  }

  async stopRecording(callId: CallId, recordingId: string): Promise<void> {
    await this.supervision.stopRecording(this.live(callId), recordingId);
  }

  async bridge(callId: CallId, otherCallId: CallId): Promise<string> {
    const leg = this.controlled(callId, 'be bridged');
    const other = this.controlled(otherCallId, 'be bridged');
    if (callId === otherCallId) throw new MediaError('Cannot bridge a call with itself');
    for (const l of [leg, other]) if (!l.answered) throw new MediaError(`Call ${l.callId} is not answered and cannot be bridged`);
    if (leg.bridge && leg.bridge.otherCallId === otherCallId) return leg.bridge.id;
    for (const l of [leg, other]) if (l.playback) await this.playbacks.stop(l.playback, 'stopped').catch(() => {});
    const bridgeId = randomUUID();
    const record: BridgeRecord = { id: bridgeId, kind: 'call', members: [], destroying: false };
    this.registry.bridges.set(bridgeId, record);
    const joined = this.waiters.joined(bridgeId);
    try {
      await this.client.bridges.create(bridgeId, { type: 'mixing' });
      // One request for both: a channel in another of our bridges leaves it first.
      await this.client.bridges.addChannel(bridgeId, [leg.channelId, other.channelId]);
      // Asterisk moves the channels after it answered: resolve once both are in, so what core does next
      // (hang up a transferor, unbridge) comes after the move, as on any server.
      await joined.promise;
    } catch (error) {
      joined.cancel();
      record.destroying = true;
      this.registry.bridges.delete(bridgeId);
      this.client.bridges.destroy(bridgeId).catch(() => {});
      throw error;
    }
    return bridgeId;
  }

  async unbridge(callId: CallId): Promise<void> {
    const leg = this.live(callId);
    const bridge = leg.bridge;
    if (!bridge) return;
    const record = this.registry.bridges.get(bridge.id);
    if (record) record.destroying = true;
    this.tracker.leaveBridge(leg);
    await this.client.bridges.destroy(bridge.id).catch((error: unknown) => {
      if (status(error) !== 404) throw error;
    });
    this.registry.bridges.delete(bridge.id);
  }

  /** A call bridge down to one leg or none: destroy it, so the survivor waits in Stasis on its own. */
  private bridgeEmptied(record: BridgeRecord): void {
    const legs = record.members.filter((id) => {
      const leg = this.registry.legByChannel(id);
      return leg && !leg.ended && leg.bridge?.id === record.id;
    });
    if (record.destroying || legs.length >= 2) return;
    record.destroying = true;
    this.client.bridges.destroy(record.id).then(
      () => this.registry.bridges.delete(record.id),
      (error: unknown) => {
        if (status(error) === 404) this.registry.bridges.delete(record.id);
        else this.options.logger.warn({ err: error, bridgeId: record.id }, 'could not destroy an emptied bridge');
      },
    );
  }

  async hold(callId: CallId, options: HoldOptions = {}): Promise<void> {
    const leg = this.controlled(callId, 'be held');
    if (!leg.answered) throw new MediaError(`Call ${callId} is not answered and cannot be held`);
    if (leg.held) return;
    const mohClass = options.mohClass ?? (options.music?.kind === 'file' ? options.music.name : undefined);
    if (mohClass !== undefined && !/^[A-Za-z0-9_.-]+$/.test(mohClass)) throw new ValidationError(`Invalid music-on-hold class "${mohClass}"`);
    await this.client.channels.startMoh(leg.channelId, mohClass);
    await this.client.channels.mute(leg.channelId, 'in');
    if (leg.held || leg.ended) return;
    leg.held = true;
    this.queue.media({ type: 'call.held', callId, at: this.options.clock.now() });
  }

  async unhold(callId: CallId): Promise<void> {
    const leg = this.live(callId);
    if (!leg.held) return;
    await this.client.channels.stopMoh(leg.channelId);
    await this.client.channels.unmute(leg.channelId, 'in');
    if (!leg.held || leg.ended) return;
    leg.held = false;
    this.queue.media({ type: 'call.unheld', callId, at: this.options.clock.now() });
  }

  async blindTransfer(callId: CallId, to: Endpoint): Promise<void> {
    const leg = this.controlled(callId, 'be transferred');
    if (!leg.answered) throw new MediaError(`Call ${callId} is not answered and cannot be transferred`);
    await this.supervision.blindTransfer(leg, to, DEFAULT_TIMEOUT_MS);
  }

  async attendedTransfer(request: AttendedTransferRequest): Promise<void> {
    const leg = this.controlled(request.callId, 'be transferred');
    this.controlled(request.targetCallId, 'take a transfer');
    if (leg.held) await this.unhold(leg.callId);
    await this.bridge(leg.callId, request.targetCallId);
    const transferor = request.transferorCallId === undefined ? undefined : this.registry.leg(request.transferorCallId);
    if (transferor && !transferor.ended) await this.hangupLeg(transferor, 'NORMAL_CLEARING');
  }

  async monitor(request: MonitorRequest): Promise<CallId> {
    const target = this.controlled(request.targetCallId, 'be monitored');
    if (!target.answered) throw new MediaError(`Call ${target.callId} is not answered and cannot be monitored`);
    return this.supervision.monitor(target, request);
  }

  async setMonitorMode(monitorCallId: CallId, mode: MonitorMode): Promise<void> {
    await this.supervision.setMode(this.live(monitorCallId), mode);
  }

  async sendDtmf(callId: CallId, digits: string, options: { durationMs?: number } = {}): Promise<void> {
    if (!DTMF.test(digits)) throw new ValidationError('digits are 0-9, *, #, A-D', [{ path: 'digits', message: 'invalid DTMF' }]);
    const leg = this.controlled(callId, 'receive DTMF');
    await this.client.channels.sendDtmf(leg.channelId, digits, options.durationMs === undefined ? {} : { durationMs: options.durationMs });
  }

  async listCalls(): Promise<CallSnapshot[]> {
    this.requireConnected();
    return this.resync.snapshots(await this.client.channels.list());
  }

  // ---- helpers ----

  /** The configured trunk whose PJSIP endpoint carries this channel (`PJSIP/<endpoint>-<n>`). */
  private trunkOf(channel: AriChannel): string | undefined {
    const endpoint = /^PJSIP\/(.+)-[0-9a-f]+$/.exec(channel.name)?.[1];
    if (endpoint === undefined) return undefined;
    for (const [name, value] of Object.entries(this.options.trunks)) {
      if (value === endpoint || value.endsWith(`@${endpoint}`)) return name;
    }
    return undefined;
  }
}
