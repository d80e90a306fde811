import { randomUUID } from 'node:crypto';
import {
  MediaEventOutbox,
  createEmitter,
  DigitCollector,
  isHangupCause,
  MediaError,
  ValidationError,
  withReplyTimeout,
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
import { AnswerWaits } from './adapter/answer-waits.js';
import { BridgeWaits } from './adapter/bridge-waits.js';
import { CallState } from './adapter/call-state.js';
import { isLiveRow, parseChannelList, reconcileWithServer, snapshotOf } from './adapter/channel-list.js';
import { EslSession } from './adapter/esl-session.js';
import { LegBook, newLeg, type Leg } from './adapter/leg.js';
import { DTMF, MediaControl } from './adapter/media-control.js';
import { mediaRefToFreeSwitch } from './media.js';
import { resolveOptions, type FreeSwitchAdapterOptions, type ResolvedOptions } from './options.js';
import { originateArguments } from './originate.js';

export { SUBSCRIBED_EVENTS } from './adapter/esl-session.js';

const MONITOR_COMMAND: Record<MonitorMode, string> = { listen: '0', whisper: '2', barge: '3' };
const MONITOR_VARIABLES: Record<MonitorMode, Record<string, string>> = {
  listen: {},
  whisper: { eavesdrop_whisper_bleg: 'true' },
  barge: { eavesdrop_whisper_aleg: 'true', eavesdrop_whisper_bleg: 'true' },
};

/**
 * The MediaAdapter port over FreeSWITCH's inbound Event Socket. See
 * docs/freeswitch.md for configuring it and docs/media-adapter.md for how
 * each command and event maps.
 */
export class FreeSwitchAdapter implements MediaAdapter {
  readonly name = 'freeswitch';
  readonly capabilities: MediaCapabilities;
  readonly events: TypedEmitter<MediaEvents> = createEmitter<MediaEvents>();

  private readonly options: ResolvedOptions;
  private readonly legs = new LegBook();
  private readonly outbox: MediaEventOutbox;
  private readonly state: CallState;
  private readonly session: EslSession;
  private readonly media: MediaControl;
  private readonly bridgeWaits = new BridgeWaits();
  private readonly answerWaits = new AnswerWaits();
  /** Blind transfers waiting for their target: target leg → the transferred leg and its ringback. */
  private readonly transfers = new Map<CallId, { partyId: CallId; ringback: string | undefined }>();

  constructor(options: FreeSwitchAdapterOptions) {
    this.options = resolveOptions(options);
    const { clock, logger } = this.options;
    this.outbox = new MediaEventOutbox(this.events, logger);
    this.state = new CallState(this.legs, this.outbox, clock, this.options.inboundContexts, {
      bridged: (a, b) => this.bridgeWaits.bridged(a, b),
      answered: (leg) => {
        this.answerWaits.answered(leg.id);
        this.joinTransfer(leg);
      },
      unbridged: (leg) => this.startRingback(leg),
      ended: (leg) => this.afterEnd(leg),
      seen: (leg) => {
        if (leg.killWhenSeen) void this.session.api(`uuid_kill ${leg.id} ${leg.killWhenSeen}`).catch(() => undefined);
      },
    });
    this.session = new EslSession(this.options, {
      event: (event) => this.state.handle(event),
      lost: (reason) => this.outbox.disconnected(reason, clock.now()),
      reconnected: async (attempts) => {
        await this.reconcile();
        logger.info({ attempts }, 'reconnected to FreeSWITCH');
        this.outbox.reconnected(clock.now());
      },
    });
    this.media = new MediaControl(this.session, this.state, this.options);
    this.capabilities = {
      tts: this.options.media.tts !== undefined,
      recording: true,
      recordingFormats: this.options.recordingFormats,
      monitor: true,
      attendedTransfer: true,
    };
  }

  // ---- connection ----

  /** Connects, authenticates, subscribes, then takes over what FreeSWITCH already has (parked inbound calls). */
  async connect(): Promise<void> {
    if (this.session.isConnected) return;
    await this.session.open();
    await this.reconcile();
  }

  /** `exit` and close; calls on FreeSWITCH keep running. No `disconnected` event. */
  async close(): Promise<void> {
    await this.session.close();
  }

  isConnected(): boolean {
    return this.session.isConnected;
  }

  private async reconcile(): Promise<void> {
    const rows = parseChannelList(await this.session.api('show channels as json')).filter(isLiveRow);
    reconcileWithServer(rows, this.legs, this.state, this.options.inboundContexts);
  }

  // ---- calls ----

  async originate(request: OriginateRequest): Promise<CallId> {
    return this.originateLeg(request, { name: 'park' }, { ...request.variables });
  }

  /**
   * `bgapi originate` with our call id as origination_uuid; resolves on the
   * `+OK Job-UUID` reply. The leg is registered before the command goes out,
   * since its CHANNEL_CREATE can follow the reply at once.
   */
  private async originateLeg(request: OriginateRequest, application: { name: string; args?: string }, reported: Record<string, string>, extra: Partial<Leg> = {}): Promise<CallId> {
    this.session.requireConnection();
    const { clock } = this.options;
    const callId = request.callId ?? randomUUID();
    if (this.legs.isKnown(callId)) throw new MediaError(`Call id ${callId} is already in use`);
    const args = originateArguments({ ...request, callId }, this.options.dialString(request.to), application);
    const jobId = randomUUID();
    const leg = newLeg({
      id: callId,
      direction: 'outbound',
      from: { kind: 'external', number: request.callerId?.number ?? '' },
      to: request.to,
      callerId: request.callerId ?? { number: '' },
      variables: reported,
      jobId,
      ...extra,
    });
    this.legs.add(leg);
    this.legs.jobs.set(jobId, callId);
    // FreeSWITCH's originate_timeout counts whole seconds of the wall clock: the ringing ends here, exactly.
    leg.ringTimer = clock.setTimer(request.timeoutMs ?? 60_000, () => {
      if (leg.ended || leg.answeredAt !== undefined) return;
      leg.hangupRequested = true;
      void this.session.api(`uuid_kill ${callId} NO_ANSWER`).catch(() => undefined);
    });
    // No reply in time: the outcome is unknown, so the leg stays; its events (or the next reconcile) settle it.
    const replyText = await this.session.send(`bgapi originate ${args}`, [['Job-UUID', jobId]], 'originate');
    if (!replyText.startsWith('+OK')) {
      clock.clearTimer(leg.ringTimer);
      this.legs.retire(leg);
      throw new MediaError(`FreeSWITCH refused originate: ${replyText}`, { details: { vendor: 'freeswitch', command: 'originate', reply: replyText } });
    }
    return callId;
  }

  async answer(callId: CallId): Promise<void> {
    const leg = this.requireLeg(callId);
    if (leg.direction !== 'inbound') throw new MediaError(`Call ${callId} is outbound; only its party can answer it`);
    if (leg.answeredAt !== undefined) return;
    // Resolves once the leg is answered here too (its CHANNEL_ANSWER follows the +OK), so that the
    // next command (play, bridge) finds it answered.
    const answered = this.answerWaits.wait(callId);
    try {
      await this.session.api(`uuid_answer ${callId}`);
    } catch (error) {
      answered.cancel();
      throw error;
    }
    await withReplyTimeout(this.options.clock, this.options.replyTimeoutMs, 'CHANNEL_ANSWER', answered.done).finally(answered.cancel);
  }

  async hangup(callId: CallId, cause: HangupCause = 'NORMAL_CLEARING'): Promise<void> {
    if (!isHangupCause(cause)) throw new ValidationError(`Unknown hang-up cause ${String(cause)}`, [{ path: 'cause', message: 'not a hang-up cause' }]);
    const leg = this.requireLeg(callId);
    leg.hangupRequested = true;
    try {
      await this.session.api(`uuid_kill ${callId} ${cause}`);
    } catch (error) {
      // `bgapi originate` replies before FreeSWITCH creates the channel (a ring-all loser cancelled as the first
      // member answers may not exist yet): uuid_kill finds none, so the hang-up goes when the channel shows up.
      if (leg.ended || leg.jobId === undefined || !(error instanceof MediaError)) throw error;
      if (leg.seen) await this.session.api(`uuid_kill ${callId} ${cause}`); // it showed up meanwhile
      else leg.killWhenSeen = cause;
    }
  }

  // ---- media ----

  async play(callId: CallId, options: PlayOptions): Promise<string> {
    const leg = this.requireMedia(callId);
    return this.media.play(leg, this.media.spec(options));
  }

  async stopPlayback(callId: CallId, playbackId: string): Promise<void> {
    const leg = this.requireLeg(callId);
    if (leg.playback?.id === playbackId) await this.media.stop(leg, leg.playback);
  }

  /** Core's DigitCollector on DTMF events, its prompts interruptible playbacks (docs/media-adapter.md). */
  async collectDigits(callId: CallId, options: CollectDigitsOptions): Promise<CollectDigitsResult> {
    const leg = this.requireMedia(callId);
    if (leg.collector && !leg.collector.done) throw new MediaError(`Call ${callId} is already collecting digits`);
    const collector = new DigitCollector(options, {
      clock: this.options.clock,
      play: (media) => this.media.play(leg, this.media.spec({ media, interruptible: true })),
      stopPlayback: async (id) => {
        if (leg.playback?.id === id) await this.media.stop(leg, leg.playback);
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
    return this.media.startRecording(this.requireMedia(callId), options);
  }

  async stopRecording(callId: CallId, recordingId: string): Promise<void> {
    await this.media.stopRecording(this.requireLeg(callId), recordingId);
  }

  async sendDtmf(callId: CallId, digits: string, options: { durationMs?: number } = {}): Promise<void> {
    if (!DTMF.test(digits)) throw new ValidationError('digits are 0-9, *, #, A-D', [{ path: 'digits', message: 'invalid DTMF' }]);
    this.requireLeg(callId);
    const duration = options.durationMs === undefined ? '' : `@${Math.max(40, Math.round(options.durationMs))}`;
    await this.session.api(`uuid_send_dtmf ${callId} ${digits}${duration}`);
  }

  // ---- bridges and hold ----

  /** `uuid_bridge`, then waits for CHANNEL_BRIDGE (see BridgeWaits). */
  async bridge(callId: CallId, otherCallId: CallId): Promise<string> {
    const a = this.requireLeg(callId);
    const b = this.requireLeg(otherCallId);
    if (a === b) throw new MediaError('A leg cannot be bridged to itself');
    for (const leg of [a, b]) {
      if (leg.answeredAt === undefined) throw new MediaError(`Call ${leg.id} is not answered and cannot be bridged`);
    }
    if (a.bridge?.otherCallId === b.id) return a.bridge.bridgeId;
    for (const leg of [a, b]) {
      // Inbound legs come from the dialplan without it: a broken bridge must park them, not hang them up.
      if (!leg.parksAfterBridge) {
        await this.session.api(`uuid_setvar_multi ${leg.id} park_after_bridge=true;hangup_after_bridge=false`);
        leg.parksAfterBridge = true;
      }
    }
    const wait = this.bridgeWaits.wait(callId, otherCallId);
    try {
      await this.session.api(`uuid_bridge ${callId} ${otherCallId}`);
    } catch (error) {
      wait.cancel();
      throw error;
    }
    await withReplyTimeout(this.options.clock, this.options.replyTimeoutMs, 'CHANNEL_BRIDGE', wait.done).finally(wait.cancel);
    return `${callId}:${otherCallId}`;
  }

  /** `uuid_park`: the bridge breaks and both legs park (park_after_bridge). */
  async unbridge(callId: CallId): Promise<void> {
    const leg = this.requireLeg(callId);
    if (!leg.bridge) return;
    await this.session.api(`uuid_park ${callId}`);
  }

  /**
   * A leg bridged to a SIP leg P: `uuid_hold P` (P's phone is told, and P's
   * hold music plays to us). Otherwise (no bridge, or a partner whose endpoint
   * has no hold signalling, like loopback, where FreeSWITCH then refuses
   * `uuid_hold off`) the music is played to the leg itself.
   */
  async hold(callId: CallId, options: HoldOptions = {}): Promise<void> {
    const leg = this.requireLeg(callId);
    if (leg.answeredAt === undefined) throw new MediaError(`Call ${callId} is not answered and cannot be held`);
    if (leg.held) return;
    const music = options.mohClass !== undefined ? `local_stream://${options.mohClass}` : options.music ? mediaRefToFreeSwitch(options.music, this.options.media) : undefined;
    if (music !== undefined && /\s/.test(music)) throw new ValidationError('Hold music cannot contain blanks');
    const partner = leg.bridge ? this.legs.get(leg.bridge.otherCallId) : undefined;
    if (partner?.channelName?.startsWith('sofia/')) {
      if (music !== undefined) await this.session.api(`uuid_setvar ${partner.id} temp_hold_music ${music}`);
      await this.session.api(`uuid_hold ${partner.id}`);
      this.state.markHeld(leg, { via: partner.id });
      return;
    }
    const playbackId = await this.media.internal(leg, music ?? this.options.holdMusic, true);
    this.state.markHeld(leg, { playbackId });
  }

  async unhold(callId: CallId): Promise<void> {
    const leg = this.requireLeg(callId);
    const held = leg.held;
    if (!held) return;
    if ('via' in held) {
      if (this.legs.get(held.via)) await this.session.api(`uuid_hold off ${held.via}`);
    } else if (leg.playback?.id === held.playbackId) {
      await this.media.stop(leg, leg.playback);
    }
    this.state.markUnheld(leg);
  }

  // ---- transfers and monitoring (composed from originate, bridge and hangup) ----

  /** The transferor is released, the target originated (`sb_transfer_of`); the party hears ringback and joins the target when it answers. */
  async blindTransfer(callId: CallId, to: Endpoint): Promise<void> {
    const leg = this.requireLeg(callId);
    if (leg.answeredAt === undefined) throw new MediaError(`Call ${callId} is not answered and cannot be transferred`);
    const transferor = leg.bridge ? this.legs.get(leg.bridge.otherCallId) : undefined;
    if (transferor) await this.release(transferor);
    const targetId = randomUUID();
    this.transfers.set(targetId, { partyId: callId, ringback: undefined });
    try {
      await this.originate({ callId: targetId, to, callerId: leg.callerId, variables: { sb_transfer_of: callId }, timeoutMs: 60_000 });
    } catch (error) {
      this.transfers.delete(targetId);
      throw error;
    }
    if (!leg.bridge) this.startRingback(leg);
  }

  async attendedTransfer(request: AttendedTransferRequest): Promise<void> {
    const leg = this.requireLeg(request.callId);
    this.requireLeg(request.targetCallId);
    if (leg.held) await this.unhold(leg.id);
    await this.bridge(request.callId, request.targetCallId);
    const transferor = request.transferorCallId === undefined ? undefined : this.legs.get(request.transferorCallId);
    if (transferor) await this.release(transferor);
  }

  /** The supervisor is originated with `&eavesdrop(<target>)`, auto-answer, and the mode's whisper variables. */
  async monitor(request: MonitorRequest): Promise<CallId> {
    const target = this.requireLeg(request.targetCallId);
    if (target.answeredAt === undefined) throw new MediaError(`Call ${target.id} is not answered and cannot be monitored`);
    const reported = { sb_monitor_of: target.id, sb_monitor_mode: request.mode };
    return this.originateLeg(
      {
        to: request.supervisor,
        autoAnswer: true,
        variables: { ...reported, eavesdrop_enable_dtmf: 'false', ...MONITOR_VARIABLES[request.mode] },
        ...(request.callerId ? { callerId: request.callerId } : {}),
        ...(request.callId ? { callId: request.callId } : {}),
      },
      { name: 'eavesdrop', args: target.id },
      reported,
      { monitor: { targetCallId: target.id, mode: request.mode } },
    );
  }

  /** `sendevent` queued to the supervisor's session: the eavesdrop loop reads `eavesdrop-command` from it. */
  async setMonitorMode(monitorCallId: CallId, mode: MonitorMode): Promise<void> {
    const leg = this.requireLeg(monitorCallId);
    if (!leg.monitor) throw new MediaError(`Call ${monitorCallId} is not monitoring a call`);
    const reply = await this.session.send('sendevent CUSTOM', [
      ['Event-Subclass', 'switchboard::monitor'],
      ['unique-id', monitorCallId],
      ['eavesdrop-command', MONITOR_COMMAND[mode]],
    ]);
    if (!reply.startsWith('+OK')) throw new MediaError(`FreeSWITCH refused the monitor mode change: ${reply}`);
    leg.monitor.mode = mode;
  }

  /** Every channel FreeSWITCH has (`show channels as json`); bridge, hold and variables from our own record. */
  async listCalls(): Promise<CallSnapshot[]> {
    const rows = parseChannelList(await this.session.api('show channels as json')).filter(isLiveRow);
    return rows.map((row) => snapshotOf(row, this.legs.get(row.uuid)));
  }

  // ---- helpers ----

  private requireLeg(callId: CallId): Leg {
    this.session.requireConnection();
    const leg = this.legs.get(callId);
    if (!leg) throw new MediaError(this.legs.hasEnded(callId) ? `Call ${callId} has ended` : `No call ${callId}`);
    return leg;
  }

  private requireMedia(callId: CallId): Leg {
    const leg = this.requireLeg(callId);
    if (leg.answeredAt === undefined) throw new MediaError(`Call ${callId} has no media yet: answer it first`);
    return leg;
  }

  /** Hangs up a leg on our own account (a transferor, a released monitor): its side is local. */
  private async release(leg: Leg): Promise<void> {
    if (leg.ended) return;
    leg.hangupRequested = true;
    await this.session.api(`uuid_kill ${leg.id} NORMAL_CLEARING`).catch((error: unknown) => {
      if (!leg.ended) this.options.logger.warn({ err: error, callId: leg.id }, 'releasing a leg failed');
    });
  }

  private startRingback(leg: Leg): void {
    const transfer = [...this.transfers.values()].find((t) => t.partyId === leg.id);
    if (!transfer || transfer.ringback !== undefined || leg.ended || leg.bridge) return;
    transfer.ringback = 'starting';
    void this.media.internal(leg, this.options.ringback, false).then(
      (id) => (transfer.ringback = id),
      (error: unknown) => this.options.logger.warn({ err: error, callId: leg.id }, 'the transfer ringback did not start'),
    );
  }

  private joinTransfer(target: Leg): void {
    const transfer = this.transfers.get(target.id);
    if (!transfer) return;
    this.transfers.delete(target.id);
    const party = this.legs.get(transfer.partyId);
    if (!party) return;
    void this.bridge(party.id, target.id).catch((error: unknown) => this.options.logger.warn({ err: error, callId: party.id, target: target.id }, 'joining the transferred call failed'));
  }

  private afterEnd(leg: Leg): void {
    this.answerWaits.ended(leg.id);
    // A leg that was to be bridged to this one was taken out of park for it: park it again.
    for (const id of this.bridgeWaits.ended(leg.id)) {
      const survivor = this.legs.get(id);
      if (survivor && !survivor.bridge) void this.session.api(`uuid_park ${survivor.id}`).catch(() => undefined);
    }
    const transfer = this.transfers.get(leg.id);
    if (transfer) {
      // The target failed: stop the ringback; the party stays parked for core to decide.
      this.transfers.delete(leg.id);
      const party = this.legs.get(transfer.partyId);
      if (party?.playback && party.playback.id === transfer.ringback) void this.media.stop(party, party.playback);
    }
    for (const [targetId, t] of this.transfers) if (t.partyId === leg.id) this.transfers.delete(targetId);
    // Monitors of a leg are released with it.
    for (const other of this.legs.live.values()) {
      if (other.monitor?.targetCallId === leg.id) void this.release(other);
    }
  }
}
