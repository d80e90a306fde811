import type { MediaEventOutbox } from '@switchboard/core';
import {
  HANGUP_CAUSES,
  type CallId,
  type Clock,
  type Endpoint,
  type HangupSide,
  type PlaybackEndReason,
  type RecordingEndReason,
} from '@switchboard/core';
import type { EslEvent } from '../esl/esl-message.js';
import { hangupFromFreeSwitch, type HangupInfo } from '../hangup.js';
import { newLeg, type Leg, type LegBook, type Playback } from './leg.js';

export interface CallStateHooks {
  /** Two legs were joined (bridge() waits for this). */
  bridged(aId: CallId, bId: CallId): void;
  /** A leg was answered (blind transfers join the party to the target here). */
  answered(leg: Leg): void;
  /** A leg was unbridged (a blind transfer starts its ringback here). */
  unbridged(leg: Leg): void;
  /** A leg ended (monitors of it are released, transfers waiting on it give up). */
  ended(leg: Leg): void;
  /** FreeSWITCH reported a leg's channel for the first time (a hang-up asked for before it existed is sent now). */
  seen(leg: Leg): void;
}

const ENDING_STATES = new Set(['CS_HANGUP', 'CS_REPORTING', 'CS_DESTROY']);

/** The channel is going away (an application ending because of it, a recording cut by it). */
export function isHangingUp(headers: Record<string, string>): boolean {
  return headers['Answer-State'] === 'hangup' || ENDING_STATES.has(headers['Channel-State'] ?? '') || headers['Channel-Call-State'] === 'HANGUP';
}

function variablesOf(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) if (name.startsWith('variable_')) out[name.slice(9)] = value;
  return out;
}

/**
 * The adapter's picture of its legs and the normalized events that follow
 * from FreeSWITCH's channel events (docs/media-adapter.md §4). The commands
 * use the same primitives (markAnswered, finishPlayback, end …) so that each
 * event goes out exactly once whichever side learns of it first.
 */
export class CallState {
  constructor(
    readonly legs: LegBook,
    private readonly outbox: MediaEventOutbox,
    private readonly clock: Clock,
    private readonly inboundContexts: string[] | undefined,
    private readonly hooks: CallStateHooks,
  ) {}

  // ---- events from FreeSWITCH ----

  handle(event: EslEvent): void {
    const h = event.headers;
    if (event.name === 'BACKGROUND_JOB') return this.onJob(event);
    const id = h['Unique-ID'];
    if (!id) return;
    if (event.name === 'CHANNEL_BRIDGE' || event.name === 'CHANNEL_UNBRIDGE') return this.onBridgeEvent(event.name, h, id);
    const leg = this.legs.get(id);
    if (!leg) return this.onUnknownChannel(event, id);
    if (h['Channel-Name']) leg.channelName = h['Channel-Name'];
    // FreeSWITCH fires a leg's events from several threads: its CHANNEL_PROGRESS or CHANNEL_ANSWER can
    // come before its CHANNEL_CREATE. Any event about the leg shows it exists.
    if (event.name !== 'CHANNEL_HANGUP_COMPLETE') {
      const first = !leg.seen;
      leg.seen = true;
      this.announce(leg);
      if (first) this.hooks.seen(leg);
    }
    switch (event.name) {
      case 'CHANNEL_CREATE':
        return;
      case 'CHANNEL_PROGRESS':
        if (leg.announced && leg.answeredAt === undefined) this.emit({ type: 'call.ringing', callId: id });
        return;
      case 'CHANNEL_PROGRESS_MEDIA':
        if (leg.announced && leg.answeredAt === undefined) this.emit({ type: 'call.early_media', callId: id });
        return;
      case 'CHANNEL_ANSWER':
        return this.markAnswered(leg);
      case 'CHANNEL_PARK':
        return leg.markReady();
      case 'CHANNEL_HOLD':
      case 'CHANNEL_UNHOLD':
        return this.onHold(event.name === 'CHANNEL_HOLD', leg, h);
      case 'DTMF':
        return this.onDtmf(leg, h);
      case 'PLAYBACK_START': {
        // Ours start in the order they were sent; one being stopped may be the one starting now.
        const starting = [...leg.finishing.values(), ...(leg.playback ? [leg.playback] : [])].find((p) => !p.started);
        if (starting) {
          starting.started = true;
          starting.markStarted();
        }
        return;
      }
      case 'PLAYBACK_STOP':
        if (h['Playback-Status'] === 'break' && leg.playback) leg.playback.broken = true;
        return;
      case 'CHANNEL_EXECUTE_COMPLETE':
        return this.onExecuteComplete(leg, h);
      case 'RECORD_STOP':
        return this.onRecordStop(leg, h);
      case 'CHANNEL_HANGUP_COMPLETE':
        return this.end(leg, this.hangupOf(leg, h), variablesOf(h)['answer_epoch']);
      default:
        return;
    }
  }

  private onUnknownChannel(event: EslEvent, id: CallId): void {
    const h = event.headers;
    if (this.legs.hasEnded(id)) return;
    const inbound = (h['Call-Direction'] ?? h['Caller-Direction']) === 'inbound';
    if (!inbound) return; // someone else's outbound channel
    if (event.name === 'CHANNEL_CREATE') {
      this.legs.candidates.set(id, { id, loopbackPeer: h['variable_other_loopback_leg_uuid'] || undefined });
      return;
    }
    if (event.name === 'CHANNEL_HANGUP_COMPLETE') {
      this.legs.candidates.delete(id);
      return;
    }
    if (event.name !== 'CHANNEL_PARK') return;
    const candidate = this.legs.candidates.get(id);
    this.legs.candidates.delete(id);
    // The far half of a loopback call we placed is that call's party, not a new call.
    const peer = candidate?.loopbackPeer ?? (h['variable_other_loopback_leg_uuid'] || undefined);
    if (peer !== undefined && this.legs.isKnown(peer)) return;
    const context = h['Caller-Context'] ?? h['variable_context'] ?? '';
    if (this.inboundContexts !== undefined && !this.inboundContexts.includes(context)) return;
    this.takeInbound(id, {
      callerNumber: h['Caller-Caller-ID-Number'] ?? '',
      callerName: h['Caller-Caller-ID-Name'] ?? '',
      dialed: h['Caller-Destination-Number'] ?? '',
      channelName: h['Channel-Name'],
      userName: h['variable_user_name'] || undefined,
      gateway: h['variable_sip_gateway'] || h['variable_sip_gateway_name'] || undefined,
      answered: h['Answer-State'] === 'answered',
      variables: variablesOf(h),
    });
  }

  /** An inbound call parked by the dialplan becomes core's: `call.created`, then `call.incoming`. */
  takeInbound(
    id: CallId,
    c: {
      callerNumber: string;
      callerName: string;
      dialed: string;
      channelName: string | undefined;
      userName?: string | undefined;
      gateway?: string | undefined;
      answered: boolean;
      variables: Record<string, string>;
    },
  ): Leg {
    const from: Endpoint = c.userName !== undefined ? { kind: 'extension', extension: c.userName } : { kind: 'external', number: c.callerNumber, ...(c.gateway ? { trunk: c.gateway } : {}) };
    const callerId = { number: c.callerNumber, ...(c.callerName !== '' && c.callerName !== c.callerNumber ? { name: c.callerName } : {}) };
    const leg = newLeg({ id, direction: 'inbound', from, to: { kind: 'external', number: c.dialed }, callerId, variables: c.variables, seen: true, channelName: c.channelName });
    this.legs.add(leg);
    this.announce(leg);
    this.emit({ type: 'call.incoming', callId: id, from, dialed: c.dialed, ...(c.gateway ? { trunk: c.gateway } : {}), callerId, variables: { ...c.variables } });
    if (c.answered) this.markAnswered(leg);
    return leg;
  }

  private onJob(event: EslEvent): void {
    const jobId = event.headers['Job-UUID'];
    const callId = jobId === undefined ? undefined : this.legs.jobs.get(jobId);
    if (callId === undefined) return;
    this.legs.jobs.delete(jobId!);
    const leg = this.legs.get(callId);
    if (!leg) return;
    leg.jobId = undefined;
    const body = (event.body ?? '').trim();
    if (body.startsWith('+OK')) return leg.markReady();
    if (leg.seen) return; // a created channel ends with its own CHANNEL_HANGUP_COMPLETE
    this.failOriginate(leg, body);
  }

  /** An originate FreeSWITCH refused before any channel existed: `call.created`, then `call.hangup` with its cause. */
  failOriginate(leg: Leg, reply: string): void {
    const cause = /^-(?:ERR|USAGE):?\s*(\S*)/.exec(reply)?.[1]?.toUpperCase() ?? '';
    const info = hangupFromFreeSwitch({ 'Hangup-Cause': cause || 'NORMAL_UNSPECIFIED', 'Call-Direction': 'outbound' });
    this.announce(leg);
    this.end(leg, info, undefined);
  }

  private onBridgeEvent(name: 'CHANNEL_BRIDGE' | 'CHANNEL_UNBRIDGE', h: Record<string, string>, id: CallId): void {
    const a = h['Bridge-A-Unique-ID'] || id;
    const b = h['Bridge-B-Unique-ID'] || h['Other-Leg-Unique-ID'];
    if (!b) return;
    if (name === 'CHANNEL_BRIDGE') this.bridged(a, b);
    else this.unbridgePair(a, b);
  }

  private onHold(hold: boolean, holder: Leg, h: Record<string, string>): void {
    // CHANNEL_HOLD on X: X's party (or our uuid_hold) put X on hold; X's partner hears the music.
    const partnerId = holder.bridge?.otherCallId ?? (h['Other-Leg-Unique-ID'] || undefined);
    const partner = partnerId === undefined ? undefined : this.legs.get(partnerId);
    if (!partner) return;
    if (hold) this.markHeld(partner, { via: holder.id });
    else this.markUnheld(partner);
  }

  private onDtmf(leg: Leg, h: Record<string, string>): void {
    const digit = h['DTMF-Digit'];
    if (!digit) return;
    // DTMF-Duration is in samples at 8 kHz.
    const samples = Number(h['DTMF-Duration']);
    this.emit({ type: 'call.dtmf', callId: leg.id, digit, durationMs: Number.isFinite(samples) ? Math.round(samples / 8) : 0 });
    const playback = leg.playback;
    // FreeSWITCH stops a playing playback on its terminators by itself (not one still waiting to start).
    if (playback?.started && (playback.terminators === 'any' || (playback.terminators !== 'none' && playback.terminators.includes(digit)))) playback.interruptedBy ??= digit;
    leg.collector?.onDtmf(digit);
  }

  private onExecuteComplete(leg: Leg, h: Record<string, string>): void {
    // A monitor's eavesdrop ends while its channel is up when the monitored leg went away:
    // FreeSWITCH now ends the supervisor's leg, on the switch's side.
    if (leg.monitor && h['Application'] === 'eavesdrop' && !isHangingUp(h)) leg.hangupRequested = true;
    const appId = h['Application-UUID'];
    if (!appId) return;
    const playback = leg.playback?.id === appId ? leg.playback : leg.finishing.get(appId);
    if (!playback) return;
    const terminator = h['variable_playback_terminator_used'];
    const response = h['Application-Response'] ?? '';
    let reason: PlaybackEndReason;
    if (terminator) reason = 'interrupted';
    else if (playback.stopping) reason = 'stopped';
    else if (isHangingUp(h)) reason = 'hangup';
    else if (/NOT FOUND|ERROR/i.test(response)) reason = 'failed';
    else if (playback.broken) reason = 'stopped';
    else reason = 'completed';
    this.finishPlayback(leg, playback, reason, terminator || undefined);
  }

  private onRecordStop(leg: Leg, h: Record<string, string>): void {
    const path = h['Record-File-Path'];
    const recording = [...leg.recordings.values()].find((r) => r.path === path);
    if (!recording) return;
    // FreeSWITCH reports `success-maxtime` after a stop command and `success-silence` when the
    // channel hangs up, so what we asked for and the channel's state decide.
    const cause = h['Record-Completion-Cause'] ?? '';
    let reason: RecordingEndReason;
    if (recording.limitReached) reason = 'max-duration';
    else if (recording.stopping) reason = 'stopped';
    else if (isHangingUp(h)) reason = 'hangup';
    else if (cause === 'success-silence' || cause === 'no-input-timeout') reason = 'silence';
    else if (cause === 'success-maxtime') reason = 'max-duration';
    else if (cause !== '' && !cause.startsWith('success')) reason = 'failed';
    else reason = 'stopped';
    this.finishRecording(leg, recording.id, reason);
  }

  /** Cause, code, SIP status and side of a CHANNEL_HANGUP_COMPLETE. */
  private hangupOf(leg: Leg, h: Record<string, string>): HangupInfo {
    const info = hangupFromFreeSwitch(h);
    let side: HangupSide = info.side;
    const isSip = (h['Channel-Name'] ?? '').startsWith('sofia/') || 'variable_sip_hangup_disposition' in h;
    if (leg.hangupRequested) side = 'local';
    // A channel with no SIP dialog (loopback, another module) that we did not end was ended by its party.
    else if (side === 'unknown' && !isSip) side = 'remote';
    return { ...info, side };
  }

  // ---- primitives shared with the commands ----

  emit(event: Record<string, unknown> & { type: string; callId: CallId }): void {
    this.outbox.media({ ...event, at: this.clock.now() } as never);
  }

  announce(leg: Leg): void {
    if (leg.announced) return;
    leg.announced = true;
    this.emit({ type: 'call.created', callId: leg.id, direction: leg.direction, from: leg.from, to: leg.to, callerId: leg.callerId, variables: { ...leg.variables } });
  }

  markAnswered(leg: Leg): void {
    if (leg.answeredAt !== undefined || leg.ended) return;
    this.announce(leg);
    this.clock.clearTimer(leg.ringTimer);
    leg.answeredAt = this.clock.now();
    this.emit({ type: 'call.answered', callId: leg.id });
    this.hooks.answered(leg);
  }

  bridged(aId: CallId, bId: CallId): void {
    const bridgeId = `${aId}:${bId}`;
    for (const [id, other] of [
      [aId, bId],
      [bId, aId],
    ] as const) {
      const leg = this.legs.get(id);
      if (!leg || !leg.announced || leg.bridge?.otherCallId === other) continue;
      if (leg.bridge) this.leaveBridge(leg);
      leg.bridge = { otherCallId: other, bridgeId };
      this.emit({ type: 'call.bridged', callId: id, otherCallId: other, bridgeId });
    }
    this.hooks.bridged(aId, bId);
  }

  unbridgePair(aId: CallId, bId: CallId): void {
    for (const [id, other] of [
      [aId, bId],
      [bId, aId],
    ] as const) {
      const leg = this.legs.get(id);
      if (leg?.bridge?.otherCallId === other) this.leaveBridge(leg);
    }
  }

  /** This leg leaves its bridge: `call.unbridged` for it (its partner gets its own from its own event). */
  leaveBridge(leg: Leg): void {
    const bridge = leg.bridge;
    if (!bridge) return;
    leg.bridge = undefined;
    this.emit({ type: 'call.unbridged', callId: leg.id, otherCallId: bridge.otherCallId, bridgeId: bridge.bridgeId });
    this.hooks.unbridged(leg);
  }

  markHeld(leg: Leg, how: NonNullable<Leg['held']>): void {
    if (leg.held || leg.ended) return;
    leg.held = how;
    this.emit({ type: 'call.held', callId: leg.id });
  }

  markUnheld(leg: Leg): void {
    if (!leg.held || leg.ended) return;
    leg.held = undefined;
    this.emit({ type: 'call.unheld', callId: leg.id });
  }

  finishPlayback(leg: Leg, playback: Playback, reason: PlaybackEndReason, digit?: string): void {
    if (leg.playback === playback) leg.playback = undefined;
    leg.finishing.delete(playback.id);
    playback.end();
    if (playback.internal) return;
    this.emit({ type: 'playback.finished', callId: leg.id, playbackId: playback.id, reason, ...(reason === 'interrupted' && digit ? { digit } : {}) });
    leg.collector?.onPlaybackFinished(playback.id, reason);
  }

  /**
   * The duration is measured on the adapter's clock: FreeSWITCH's record_ms
   * counts the frames written, which is less than the time recorded when the
   * channel sends no media (a parked loopback leg).
   */
  finishRecording(leg: Leg, recordingId: string, reason: RecordingEndReason): void {
    const recording = leg.recordings.get(recordingId);
    if (!recording) return;
    leg.recordings.delete(recordingId);
    this.clock.clearTimer(recording.limitTimer);
    const duration = this.clock.now() - recording.startedAt;
    this.emit({ type: 'recording.finished', callId: leg.id, recordingId, name: recording.name, durationMs: duration, reason });
  }

  /**
   * A leg ends, exactly once: what runs on it stops, its bridge breaks (the
   * partner stays up), then `call.hangup`.
   */
  end(leg: Leg, info: HangupInfo, answerEpoch: string | undefined): void {
    if (leg.ended) return;
    this.announce(leg);
    this.clock.clearTimer(leg.ringTimer);
    const answered = leg.answeredAt !== undefined || Number(answerEpoch ?? 0) > 0;
    for (const playback of [...(leg.playback ? [leg.playback] : []), ...leg.finishing.values()]) this.finishPlayback(leg, playback, 'hangup');
    for (const id of [...leg.recordings.keys()]) this.finishRecording(leg, id, 'hangup');
    leg.collector?.onHangup();
    leg.held = undefined;
    const partner = leg.bridge ? this.legs.get(leg.bridge.otherCallId) : undefined;
    this.leaveBridge(leg);
    if (partner?.bridge?.otherCallId === leg.id) this.leaveBridge(partner);
    this.legs.retire(leg);
    this.emit({ type: 'call.hangup', callId: leg.id, cause: info.cause, q850: info.q850, sipCode: info.sipCode, side: info.side, answered });
    this.hooks.ended(leg);
  }

  /** A leg we knew that FreeSWITCH no longer has: it ended while we could not hear (reconcile). */
  endUnheard(leg: Leg): void {
    this.end(leg, { cause: 'NORMAL_UNSPECIFIED', q850: HANGUP_CAUSES.NORMAL_UNSPECIFIED.q850, sipCode: undefined, side: 'unknown' }, undefined);
  }
}
