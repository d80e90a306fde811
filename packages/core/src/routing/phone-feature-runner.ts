import type { Acd } from '../acd/acd.js';
import type { Clock, TimerHandle } from '../clock/clock.js';
import type { Logger } from '../logging/logger.js';
import type { MediaAdapter } from '../media/media-adapter.js';
import type { CallId, MediaEvent } from '../media/media-events.js';
import { digits, file, type MediaRef } from '../media/media-ref.js';
import type { MediaRefResolver } from '../media-files/media-library.js';
import type { CallSession } from './call-session.js';
import type { LineIndex } from './line-index.js';
import { parkSlots, type PhoneFeature } from './phone-features.js';
import type { TenantRouting } from './tenant-routing.js';

interface Parked {
  tenantId: string;
  slot: string;
  callId: CallId;
  parkedBy: string;
  timer: TimerHandle;
}

export interface PhoneFeatureDeps {
  media: MediaAdapter;
  /** The tenant's configured MediaRefs (the parked calls' hold music) as the media server plays them. */
  mediaRefs: MediaRefResolver;
  clock: Clock;
  logger: Logger;
  acd: Acd;
  lines: LineIndex;
  /** The routing session a leg belongs to (as caller or as a leg it rang). */
  sessionOfLeg(legId: CallId): CallSession | undefined;
  newId(): string;
  /** A voice file recorded by phone: the media files page lists it. */
  recorded(info: { tenantId: string; extension: string; name: string; durationMs: number }): void;
}

/**
 * The phone feature codes of manual §3.7.7 that are not the ACD's: park and retrieve,
 * announce the extension, record a voice file, DND toggle, pickup in the department, echo
 * test, and listen / whisper / barge by agent number. Each runs on the leg the phone
 * placed to dial the code.
 */
export class PhoneFeatures {
  private readonly parked = new Map<string, Parked>();
  /** Parked calls' slot keys by call id: every hang-up asks, so it is a lookup, not a scan of the lots. */
  private readonly slotOfCall = new Map<CallId, string>();
  /** Legs joined by a retrieve or a park ring-back: when one ends, the other is hung up. */
  private readonly pairs = new Map<CallId, CallId>();

  constructor(private readonly deps: PhoneFeatureDeps) {}

  /** Runs a feature; false when it does not apply (an empty park slot), so the number routes as usual. */
  async run(tenant: TenantRouting, callId: CallId, extension: string, feature: PhoneFeature): Promise<boolean> {
    const { media, acd } = this.deps;
    switch (feature.kind) {
      case 'park':
        await this.park(tenant, callId, extension);
        return true;
      case 'retrieve':
        return this.retrieve(tenant.tenantId, callId, feature.slot);
      case 'announce-extension':
        await this.say(callId, [digits(extension)]);
        return true;
      case 'dnd-toggle': {
        if (!acd.hasAgent(tenant.tenantId, extension)) return this.refuse(callId, 'feature-not-available');
        const dnd = !acd.isDnd(tenant.tenantId, extension);
        await acd.setDnd(tenant.tenantId, extension, dnd, 'agent:phone');
        await this.say(callId, [file(dnd ? 'dnd-activated' : 'dnd-deactivated')]);
        return true;
      }
      case 'echo-test':
        await this.echo(callId);
        return true;
      case 'record-voice':
        await this.recordVoice(tenant.tenantId, callId, extension);
        return true;
      case 'pickup':
        return this.pickup(tenant.tenantId, callId, extension);
      case 'monitor': {
        if (!acd.isOnCall(tenant.tenantId, feature.agentNumber)) return this.refuse(callId, 'agent-not-on-call');
        // The supervisor's phone is called back into the agent's call: the port monitors with a new leg.
        await media.hangup(callId, 'NORMAL_CLEARING').catch(() => undefined);
        await acd.monitor(tenant.tenantId, feature.agentNumber, feature.mode, { kind: 'extension', extension });
        return true;
      }
      default:
        return unknownFeature(feature);
    }
  }

  /** A leg ended: a parked call frees its slot; a joined pair loses its other half too. */
  onHangup(callId: CallId): void {
    const key = this.slotOfCall.get(callId);
    if (key !== undefined) this.unpark(key);
    const other = this.pairs.get(callId);
    if (other === undefined) return;
    this.pairs.delete(callId);
    this.pairs.delete(other);
    void this.deps.media.hangup(other, 'NORMAL_CLEARING').catch(() => undefined);
  }

  isParked(tenantId: string, slot: string): boolean {
    return this.parked.has(`${tenantId}:${slot}`);
  }

  /** What is parked now, for a tenant: slot → call. */
  parkedCalls(tenantId: string): Array<{ slot: string; callId: CallId; parkedBy: string }> {
    return [...this.parked.values()].filter((p) => p.tenantId === tenantId).map(({ slot, callId, parkedBy }) => ({ slot, callId, parkedBy }));
  }

  private async park(tenant: TenantRouting, callId: CallId, extension: string): Promise<void> {
    const { media, lines, acd } = this.deps;
    const talking = lines.talkingOn(extension, callId);
    if (!talking) return void (await this.refuse(callId, 'park-nothing-to-park'));
    const slot = parkSlots(tenant.settings.featureCodes.park).find((s) => !this.parked.has(`${tenant.tenantId}:${s}`));
    if (!slot) return void (await this.refuse(callId, 'park-full'));
    const customer = talking.otherCallId;
    // Whoever owns the conversation lets go of it without hanging the customer up.
    const session = this.deps.sessionOfLeg(talking.legId) ?? this.deps.sessionOfLeg(customer);
    if (session) session.release(talking.legId, customer, `park:${slot}`);
    else await acd.releaseConnected(tenant.tenantId, extension, `park:${slot}`);
    await media.unbridge(customer).catch(() => undefined);
    const music = tenant.settings.defaultHoldMusic;
    await media.hold(customer, music ? { music: this.deps.mediaRefs.resolve(tenant.tenantId, music) } : {});
    await media.hangup(talking.legId, 'NORMAL_CLEARING').catch(() => undefined);
    const timer = this.deps.clock.setTimer(tenant.settings.parkTimeoutSec * 1000, () => void this.ringBack(tenant, slot));
    this.parked.set(`${tenant.tenantId}:${slot}`, { tenantId: tenant.tenantId, slot, callId: customer, parkedBy: extension, timer });
    this.slotOfCall.set(customer, `${tenant.tenantId}:${slot}`);
    await this.say(callId, [digits(slot)]);
  }

  private async retrieve(tenantId: string, callId: CallId, slot: string): Promise<boolean> {
    const parked = this.parked.get(`${tenantId}:${slot}`);
    if (!parked) return false;
    this.unpark(`${tenantId}:${slot}`);
    await this.deps.media.answer(callId);
    await this.join(parked.callId, callId);
    return true;
  }

  /** Nobody retrieved the call in time: it rings the phone that parked it; unanswered, it ends. */
  private async ringBack(tenant: TenantRouting, slot: string): Promise<void> {
    const parked = this.parked.get(`${tenant.tenantId}:${slot}`);
    if (!parked) return;
    this.unpark(`${tenant.tenantId}:${slot}`);
    const { media } = this.deps;
    try {
      const legId = this.deps.newId();
      const outcome = this.outcomeOf(legId);
      await media.originate({ callId: legId, to: { kind: 'extension', extension: parked.parkedBy }, timeoutMs: tenant.settings.extensionRingTimeoutSec * 1000, callerId: { number: slot, name: 'Parked call' } });
      if ((await outcome) === 'answered') return await this.join(parked.callId, legId);
    } catch (error) {
      this.deps.logger.warn({ err: error, slot }, 'could not ring back a parked call');
    }
    await media.hangup(parked.callId, 'NO_ANSWER').catch(() => undefined);
  }

  private unpark(key: string): void {
    const parked = this.parked.get(key);
    if (!parked) return;
    this.deps.clock.clearTimer(parked.timer);
    this.parked.delete(key);
    this.slotOfCall.delete(parked.callId);
  }

  private async join(customer: CallId, legId: CallId): Promise<void> {
    await this.deps.media.unhold(customer).catch(() => undefined);
    await this.deps.media.bridge(legId, customer);
    this.pairs.set(customer, legId);
    this.pairs.set(legId, customer);
  }

  private async pickup(tenantId: string, callId: CallId, extension: string): Promise<boolean> {
    const department = this.deps.acd.departmentOf(tenantId, extension);
    const colleagues = department ? new Set(this.deps.acd.agentsInDepartment(tenantId, department)) : new Set<string>();
    colleagues.delete(extension);
    const ringing = this.deps.lines.ringingOn(colleagues).find((leg) => this.deps.sessionOfLeg(leg.legId) !== undefined);
    if (!ringing) return this.refuse(callId, 'pickup-nothing-ringing');
    await this.deps.media.answer(callId);
    await this.deps.sessionOfLeg(ringing.legId)!.pickUp(ringing.legId, callId, extension);
    return true;
  }

  private async echo(callId: CallId): Promise<void> {
    const { media } = this.deps;
    await this.say(callId, [file('echo-test')], false);
    const name = `echo/${callId}`;
    const done = this.waitFor(callId, (e) => e.type === 'recording.finished');
    await media.startRecording(callId, { name, maxDurationMs: 5_000 });
    await done;
    await this.say(callId, [{ kind: 'recording', name }]);
  }

  private async recordVoice(tenantId: string, callId: CallId, extension: string): Promise<void> {
    const { media } = this.deps;
    await media.answer(callId);
    await this.playAndWait(callId, [{ kind: 'tone', tone: 'beep', durationMs: 500 }]);
    const name = `voice-${extension}-${this.deps.clock.now()}`;
    const finished = this.waitFor(callId, (e) => e.type === 'recording.finished');
    // Filled once recording started: a # before that has nothing to stop.
    const recording: { id?: string } = {};
    const stop = (event: MediaEvent) => {
      if (event.callId === callId && event.type === 'call.dtmf' && event.digit === '#' && recording.id) void media.stopRecording(callId, recording.id).catch(() => undefined);
    };
    media.events.on('event', stop);
    recording.id = await media.startRecording(callId, { name, maxDurationMs: 300_000 });
    const event = await finished;
    media.events.off('event', stop);
    if (event?.type === 'recording.finished' && event.durationMs > 0) this.deps.recorded({ tenantId, extension, name, durationMs: event.durationMs });
    if (event?.type !== 'call.hangup') await this.say(callId, [file('recording-saved')]);
  }

  /** Answers, says something, hangs up; false (handled, but refused). */
  private async refuse(callId: CallId, prompt: string): Promise<false> {
    await this.say(callId, [file(prompt)]);
    return false as const;
  }

  private async say(callId: CallId, media: MediaRef[], hangUp = true): Promise<void> {
    await this.deps.media.answer(callId).catch(() => undefined);
    await this.playAndWait(callId, media);
    if (hangUp) await this.deps.media.hangup(callId, 'NORMAL_CLEARING').catch(() => undefined);
  }

  private async playAndWait(callId: CallId, media: MediaRef[]): Promise<void> {
    const done = this.waitFor(callId, (e) => e.type === 'playback.finished');
    await this.deps.media.play(callId, { media }).catch(() => undefined);
    await done;
  }

  /** The first event of a leg that matches, or its hang-up, whichever comes first. */
  private waitFor(callId: CallId, wanted: (event: MediaEvent) => boolean): Promise<MediaEvent | undefined> {
    return new Promise((resolve) => {
      const listener = (event: MediaEvent) => {
        if (event.callId !== callId || !(wanted(event) || event.type === 'call.hangup')) return;
        this.deps.media.events.off('event', listener);
        resolve(event);
      };
      this.deps.media.events.on('event', listener);
    });
  }

  private outcomeOf(legId: CallId): Promise<'answered' | 'ended'> {
    return this.waitFor(legId, (e) => e.type === 'call.answered').then((e) => (e?.type === 'call.answered' ? 'answered' : 'ended'));
  }
}

function unknownFeature(feature: never): never {
  throw new Error(`Unknown phone feature ${JSON.stringify(feature)}`);
}
