import { HANGUP_CAUSES, type Clock, type Endpoint, type Logger } from '@switchboard/core';
import type { AriEvent, AriEventOf } from '../ari/events.js';
import type { AriChannel } from '../ari/resources.js';
import { hangupFromAri, type HangupInfo } from '../hangup.js';
import { newLeg, type BridgeRecord, type CallRegistry, type EventQueue, type Leg } from './legs.js';
import type { Playbacks } from './playbacks.js';

/** What the adapter does when the tracker sees a leg answer or end, or a bridge left with one leg. */
export interface TrackerHooks {
  answered(leg: Leg): void;
  ended(leg: Leg): void;
  /** A call bridge has one channel or none left: the adapter tears it down. */
  bridgeEmptied(bridge: BridgeRecord): void;
  /** Both legs of a call bridge are in it (`call.bridged` went out for both). */
  bridged(bridgeId: string): void;
  /** A StasisStart for a channel id we are waiting on (snoops). */
  inStasis(channelId: string): void;
  /** The configured trunk an inbound channel came in on, if any. */
  trunkOf(channel: AriChannel): string | undefined;
  /** An internal channel left (a snoop ended). */
  internalGone(channelId: string): void;
}

/**
 * Turns the ARI event stream into core's normalized events
 * (docs/media-adapter.md §4): it keeps each leg's state, reports ringing,
 * answer, DTMF, bridging and the hang-up with its cause and side, and tells
 * the adapter when a leg answers or ends so that transfers and monitors
 * follow.
 */
export class CallTracker {
  constructor(
    private readonly registry: CallRegistry,
    private readonly queue: EventQueue,
    private readonly playbacks: Playbacks,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly hooks: TrackerHooks,
  ) {}

  handle(event: AriEvent): void {
    switch (event.type) {
      case 'StasisStart':
        return this.onStasisStart(event);
      case 'StasisEnd':
        return this.onStasisEnd(event);
      case 'ChannelStateChange':
        return this.onStateChange(event.channel);
      case 'Dial':
        return this.onDial(event);
      case 'ChannelDtmfReceived':
        return this.onDtmf(event);
      case 'ChannelHangupRequest':
        return this.withLeg(event, event.channel.id, (leg) => {
          leg.hangupRequest ??= { ...(event.cause === undefined ? {} : { cause: event.cause }), ...(event.soft === undefined ? {} : { soft: event.soft }), ...(event.tech_cause === undefined ? {} : { tech_cause: event.tech_cause }) };
        });
      case 'ChannelDestroyed':
        return this.onDestroyed(event);
      case 'PlaybackFinished':
        return this.playbacks.onFinished(event.playback);
      case 'ChannelEnteredBridge':
        return this.onEnteredBridge(event);
      case 'ChannelLeftBridge':
        return this.onLeftBridge(event);
      case 'BridgeDestroyed':
        this.registry.bridges.delete(event.bridge.id);
        return;
      case 'ChannelHold':
      case 'ChannelUnhold':
        return this.onPhoneHold(event);
      default:
        return;
    }
  }

  /** Runs `fn` on the leg of `channelId`, or buffers the event while its originate reply is outstanding. */
  private withLeg(event: AriEvent, channelId: string, fn: (leg: Leg) => void): void {
    const leg = this.registry.legByChannel(channelId);
    if (!leg || leg.ended) return;
    if (leg.pending) {
      leg.pending.push(event);
      return;
    }
    if (leg.abandoned) {
      if (event.type === 'ChannelDestroyed') this.registry.remove(leg);
      return;
    }
    fn(leg);
  }

  private onStasisStart(event: AriEventOf<'StasisStart'>): void {
    const channel = event.channel;
    const replaced = event.replace_channel && this.registry.legByChannel(event.replace_channel.id);
    if (replaced && !replaced.ended) {
      // A channel swapped into a Stasis bridge for another (a Local pair optimised away): the leg goes on under the new channel.
      this.registry.rekey(replaced, channel.id);
      replaced.channelName = channel.name;
      replaced.inStasis = true;
      return;
    }
    const known = this.registry.legByChannel(channel.id);
    if (known) {
      return this.withLeg(event, channel.id, (leg) => {
        leg.inStasis = true;
        leg.channelName = channel.name;
        if (channel.state === 'Up' || leg.upSeen) this.markAnswered(leg);
      });
    }
    const internal = this.registry.internal.get(channel.id);
    if (internal) {
      internal.inStasis = true;
      this.hooks.inStasis(channel.id);
      return;
    }
    if (this.registry.isLocalPeer(channel.id)) {
      // Both halves of a Local channel we originated are ours; only the ;1 half is a call.
      this.registry.internal.set(channel.id, { kind: 'local-peer', inStasis: true });
      return;
    }
    if (event.args[0] === 'snoop') {
      this.logger.warn({ channel: channel.id }, 'a snoop channel of an earlier connection entered Stasis; ignored');
      return;
    }
    this.adopt(channel, event.args);
  }

  /**
   * A channel in our Stasis application that we did not originate: an inbound
   * call (`call.created` + `call.incoming`), or, with the `outbound` argument,
   * a leg an earlier process originated (`call.created` only).
   */
  adopt(channel: AriChannel, args: string[]): Leg {
    const outbound = args[0] === 'outbound';
    const callerId = { number: channel.caller.number, ...(channel.caller.name ? { name: channel.caller.name } : {}) };
    const dialed = args[0] === 'inbound' || args[0] === 'agent' ? (args[1] ?? channel.dialplan?.exten ?? '') : (channel.dialplan?.exten ?? '');
    const trunk = this.hooks.trunkOf(channel);
    const agent = args[0] === 'agent' ? /^PJSIP\/(.+)-[0-9a-f]+$/.exec(channel.name)?.[1] : undefined;
    const from: Endpoint = agent ? { kind: 'extension', extension: agent } : { kind: 'external', number: channel.caller.number, ...(trunk ? { trunk } : {}) };
    const variables: Record<string, string> = {};
    for (const [name, value] of Object.entries(channel.channelvars ?? {})) if (typeof value === 'string') variables[name] = value;
    const leg = newLeg({
      callId: channel.id,
      channelId: channel.id,
      channelName: channel.name,
      direction: outbound ? 'outbound' : 'inbound',
      from: outbound ? { kind: 'external', number: channel.connected?.number ?? '' } : from,
      to: outbound ? { kind: 'external', number: channel.caller.number } : { kind: 'external', number: dialed },
      callerId,
      variables,
      inStasis: channel.dialplan?.app_name === undefined || channel.dialplan.app_name === 'Stasis',
    });
    this.registry.add(leg);
    const at = this.clock.now();
    this.queue.media({ type: 'call.created', callId: leg.callId, at, direction: leg.direction, from: leg.from, to: leg.to, callerId, variables: { ...variables } });
    if (!outbound) {
      this.queue.media({ type: 'call.incoming', callId: leg.callId, at, from, dialed, ...(trunk ? { trunk } : {}), callerId, variables: { ...variables } });
    }
    if (channel.state === 'Up') {
      leg.upSeen = true;
      this.markAnswered(leg);
    }
    return leg;
  }

  private onStasisEnd(event: AriEventOf<'StasisEnd'>): void {
    const channelId = event.channel.id;
    if (this.registry.internal.has(channelId)) {
      // Snoops are ours only while in Stasis: StasisEnd is the last we hear of them.
      this.registry.internal.delete(channelId);
      this.hooks.internalGone(channelId);
      return;
    }
    this.withLeg(event, channelId, (leg) => {
      leg.inStasis = false;
      this.playbacks.onLegGone(leg);
      leg.collector?.onHangup();
      // A channel the dialplan handed us sends nothing after StasisEnd (no ChannelDestroyed): it ends here.
      if (!leg.originated) this.endLeg(leg, this.hangupInfo(leg, undefined, event.channel));
    });
  }

  /** `call.hangup` from ChannelDestroyed, or (without it) from the hang-up request that came before StasisEnd. */
  private hangupInfo(leg: Leg, destroyed: AriEventOf<'ChannelDestroyed'> | undefined, channel: AriChannel): HangupInfo {
    const request = leg.hangupRequest;
    // A soft request's `cause` is ast_softhangup's flag word (32 = AST_SOFTHANGUP_EXPLICIT), not a Q.850 cause.
    const event = destroyed ?? {
      cause: request && !request.soft ? (request.cause ?? 16) : 16,
      ...(request?.tech_cause === undefined ? {} : { tech_cause: request.tech_cause }),
    };
    return hangupFromAri(event, {
      direction: leg.direction,
      ...(request ? { hangupRequest: request } : {}),
      ...(leg.requestedCause ? { requestedCause: leg.requestedCause } : {}),
      ...(leg.dialstatus ? { dialstatus: leg.dialstatus } : {}),
      answered: leg.upSeen || leg.answered,
      ...(channel.channelvars?.['CHANNEL(hangupsource)'] ? { hangupSource: channel.channelvars['CHANNEL(hangupsource)'] } : {}),
      channelName: channel.name,
    });
  }

  onStateChange(channel: AriChannel): void {
    const leg = this.registry.legByChannel(channel.id);
    if (!leg) return;
    this.withLeg({ type: 'ChannelStateChange', channel } as AriEvent, channel.id, (l) => {
      if (channel.state === 'Up') {
        l.upSeen = true;
        // An originated channel enters Stasis right after it answers; until then commands would get 409/422.
        if (l.inStasis || l.direction === 'inbound') this.markAnswered(l);
      } else if (channel.state === 'Ringing') {
        this.ringing(l);
      }
    });
  }

  private onDial(event: AriEventOf<'Dial'>): void {
    this.withLeg(event, event.peer.id, (leg) => {
      leg.dialstatus = event.dialstatus || leg.dialstatus;
      if (event.dialstatus === 'RINGING') this.ringing(leg);
      else if (event.dialstatus === 'PROGRESS' && !leg.early && !leg.answered) {
        leg.early = true;
        this.queue.media({ type: 'call.early_media', callId: leg.callId, at: this.clock.now() });
      }
    });
  }

  private ringing(leg: Leg): void {
    if (leg.ringing || leg.answered) return;
    leg.ringing = true;
    this.queue.media({ type: 'call.ringing', callId: leg.callId, at: this.clock.now() });
  }

  markAnswered(leg: Leg): void {
    if (leg.answered || leg.ended) return;
    leg.answered = true;
    leg.upSeen = true;
    leg.answeredAt = this.clock.now();
    this.queue.media({ type: 'call.answered', callId: leg.callId, at: leg.answeredAt });
    this.hooks.answered(leg);
  }

  private onDtmf(event: AriEventOf<'ChannelDtmfReceived'>): void {
    this.withLeg(event, event.channel.id, (leg) => {
      this.queue.media({ type: 'call.dtmf', callId: leg.callId, at: this.clock.now(), digit: event.digit, durationMs: event.duration_ms });
      this.playbacks.onDtmf(leg, event.digit);
      leg.collector?.onDtmf(event.digit);
    });
  }

  private onDestroyed(event: AriEventOf<'ChannelDestroyed'>): void {
    const channelId = event.channel.id;
    if (this.registry.internal.has(channelId)) {
      this.registry.internal.delete(channelId);
      this.hooks.internalGone(channelId);
      return;
    }
    this.withLeg(event, channelId, (leg) => this.endLeg(leg, this.hangupInfo(leg, event, event.channel)));
  }

  /** Ends a leg once: its playback, recordings, collector and bridge end with it, then `call.hangup`. */
  endLeg(leg: Leg, info: HangupInfo): void {
    if (leg.ended) return;
    if (leg.upSeen && !leg.answered) this.markAnswered(leg);
    leg.ended = true;
    leg.inStasis = false;
    const at = this.clock.now();
    this.playbacks.onLegGone(leg);
    for (const recording of leg.recordings.values()) {
      if (recording.finished) continue;
      recording.finished = true;
      this.queue.media({ type: 'recording.finished', callId: leg.callId, at, recordingId: recording.id, name: recording.name, durationMs: at - recording.startedAt, reason: 'hangup' });
    }
    leg.collector?.onHangup();
    leg.held = false;
    this.leaveBridge(leg);
    this.registry.markEnded(leg);
    this.queue.media({ type: 'call.hangup', callId: leg.callId, at, ...info, answered: leg.answered });
    this.hooks.ended(leg);
  }

  /** A hang-up whose event was lost while disconnected: the cause is unknown. */
  endLost(leg: Leg): void {
    this.endLeg(leg, { cause: 'NORMAL_UNSPECIFIED', q850: HANGUP_CAUSES.NORMAL_UNSPECIFIED.q850, sipCode: undefined, side: 'unknown' });
  }

  private onEnteredBridge(event: AriEventOf<'ChannelEnteredBridge'>): void {
    const record = this.registry.bridges.get(event.bridge.id);
    const channelId = event.channel?.id;
    if (!record || channelId === undefined) return;
    if (!record.members.includes(channelId)) record.members.push(channelId);
    if (record.kind !== 'call') return;
    const legs = record.members.map((id) => this.registry.legByChannel(id)).filter((leg): leg is Leg => leg !== undefined && !leg.ended);
    if (legs.length !== 2) return;
    const [a, b] = legs as [Leg, Leg];
    if (a.bridge?.id === record.id && b.bridge?.id === record.id) return;
    const at = this.clock.now();
    for (const [leg, other] of [
      [a, b],
      [b, a],
    ] as const) {
      if (leg.bridge && leg.bridge.id !== record.id) this.leaveBridge(leg);
      leg.bridge = { id: record.id, otherCallId: other.callId };
      this.queue.media({ type: 'call.bridged', callId: leg.callId, otherCallId: other.callId, bridgeId: record.id, at });
    }
    this.hooks.bridged(record.id);
  }

  private onLeftBridge(event: AriEventOf<'ChannelLeftBridge'>): void {
    const record = this.registry.bridges.get(event.bridge.id);
    if (!record) return;
    record.members = record.members.filter((id) => id !== event.channel.id);
    if (record.kind !== 'call') return;
    const leg = this.registry.legByChannel(event.channel.id);
    if (leg && leg.bridge?.id === record.id) this.leaveBridge(leg);
    if (record.members.length <= 1) this.hooks.bridgeEmptied(record);
  }

  /** The leg is out of its bridge: `call.unbridged` for it and its partner, who stays up (decision 4). */
  leaveBridge(leg: Leg): void {
    const bridge = leg.bridge;
    if (!bridge) return;
    const other = this.registry.leg(bridge.otherCallId);
    const at = this.clock.now();
    leg.bridge = undefined;
    this.queue.media({ type: 'call.unbridged', callId: leg.callId, otherCallId: bridge.otherCallId, bridgeId: bridge.id, at });
    if (other && other.bridge?.id === bridge.id) {
      other.bridge = undefined;
      this.queue.media({ type: 'call.unbridged', callId: other.callId, otherCallId: leg.callId, bridgeId: bridge.id, at });
    }
    const record = this.registry.bridges.get(bridge.id);
    if (record && record.kind === 'call') this.hooks.bridgeEmptied(record);
  }

  /** A phone put its call on hold (ChannelHold names the channel that asked): its bridge partner is the one held. */
  private onPhoneHold(event: AriEventOf<'ChannelHold'> | AriEventOf<'ChannelUnhold'>): void {
    this.withLeg(event, event.channel.id, (leg) => {
      const partner = leg.bridge && this.registry.leg(leg.bridge.otherCallId);
      if (!partner) return;
      const held = event.type === 'ChannelHold';
      if (partner.held === held) return;
      partner.held = held;
      this.queue.media({ type: held ? 'call.held' : 'call.unheld', callId: partner.callId, at: this.clock.now() });
    });
  }

  /** Replays what arrived before the originate reply, now that `call.created` is out. */
  flushPending(leg: Leg): void {
    const pending = leg.pending ?? [];
    leg.pending = undefined;
    for (const event of pending) this.handle(event);
  }
}
