import type { Clock, TimerHandle } from '../clock/clock.js';
import { hangupCauseFromSipStatus, type HangupCause } from '../media/hangup-cause.js';
import type { HangupSide } from '../media/media-events.js';
import { sampleDuration } from '../random/distribution.js';
import type { Random } from '../random/random.js';
import type { ResolvedExtensionBehaviour, ResolvedPartyScript } from './party-script.js';
import type { SimLeg } from './sim-leg.js';

/** What the party may do to its leg; the PBX carries it out and emits the events. */
export interface PartyActions {
  ringing(leg: SimLeg): void;
  earlyMedia(leg: SimLeg): void;
  answer(leg: SimLeg): void;
  hangup(leg: SimLeg, cause: HangupCause, side: HangupSide, sipCode: number | undefined): void;
  dtmf(leg: SimLeg, digit: string): void;
  trace(leg: SimLeg, name: string, detail?: Record<string, unknown>): void;
}

interface PartyTimers {
  all: Set<TimerHandle>;
  ringTimeout?: TimerHandle;
  patience?: TimerHandle;
  talk?: TimerHandle;
}

/**
 * The far end of each simulated leg: an agent's extension or a scripted
 * outside party. It decides, from the script and the seeded Random, when the
 * party rings, answers, presses keys and hangs up.
 */
export class SimParty {
  private readonly timers = new Map<string, PartyTimers>();

  constructor(
    private readonly clock: Clock,
    private readonly random: Random,
    private readonly act: PartyActions,
  ) {}

  /** We called this party: it rings, then answers, refuses or never answers. */
  startOutbound(leg: SimLeg, extension: ResolvedExtensionBehaviour | undefined, options: { ringDelayMs: number; timeoutMs: number }): void {
    const t = this.timersOf(leg);
    t.ringTimeout = this.after(leg, options.timeoutMs, () => {
      this.act.trace(leg, 'ring_timeout');
      this.act.hangup(leg, 'NO_ANSWER', 'local', 487);
    });
    if (leg.party.kind === 'extension') this.startExtension(leg, extension, options.ringDelayMs);
    else this.startOutside(leg, leg.party.script, options.ringDelayMs);
  }

  /** A scripted caller has dialled in: their patience and hang-up clocks start now. */
  startInboundCaller(leg: SimLeg, script: ResolvedPartyScript): void {
    this.schedulePatience(leg, script);
    if (script.hangupAfterMs !== undefined) {
      this.after(leg, sampleDuration(script.hangupAfterMs, this.random), () => this.partyHangsUp(leg, 'hangup_after'));
    }
  }

  onAnswered(leg: SimLeg): void {
    const t = this.timersOf(leg);
    this.clock.clearTimer(t.ringTimeout);
    if (leg.party.kind !== 'outside') return;
    const script = leg.party.script;
    if (leg.direction === 'outbound') {
      this.schedulePatience(leg, script);
      if (script.hangupAfterMs !== undefined) {
        this.after(leg, sampleDuration(script.hangupAfterMs, this.random), () => this.partyHangsUp(leg, 'hangup_after'));
      }
    }
    for (const step of script.dtmf) {
      this.after(leg, step.afterMs, () => this.pressDigits(leg, step.digits, step.gapMs ?? 250));
    }
  }

  onBridged(leg: SimLeg): void {
    const t = this.timersOf(leg);
    this.clear(t, 'patience');
    this.clear(t, 'talk');
    if (leg.party.kind === 'outside' && leg.party.script.talkMs !== undefined) {
      t.talk = this.after(leg, sampleDuration(leg.party.script.talkMs, this.random), () => this.partyHangsUp(leg, 'talk_done'));
    }
  }

  onUnbridged(leg: SimLeg): void {
    this.clear(this.timersOf(leg), 'talk');
  }

  pressDigits(leg: SimLeg, digits: string, gapMs: number): void {
    this.act.trace(leg, 'press', { digits });
    [...digits].forEach((digit, i) => {
      if (i === 0) this.act.dtmf(leg, digit);
      else this.after(leg, i * gapMs, () => this.act.dtmf(leg, digit));
    });
  }

  cancel(leg: SimLeg): void {
    const t = this.timers.get(leg.id);
    if (!t) return;
    for (const timer of t.all) this.clock.clearTimer(timer);
    this.timers.delete(leg.id);
  }

  private startExtension(leg: SimLeg, behaviour: ResolvedExtensionBehaviour | undefined, ringDelayMs: number): void {
    const refuse = (cause: HangupCause, sipCode: number, side: HangupSide, why: string) =>
      this.after(leg, ringDelayMs, () => {
        this.act.trace(leg, why);
        this.act.hangup(leg, cause, side, sipCode);
      });
    if (!behaviour) return void refuse('UNALLOCATED_NUMBER', 404, 'local', 'unknown_extension');
    if (!behaviour.registered) return void refuse('USER_NOT_REGISTERED', 480, 'remote', 'unregistered');
    if (behaviour.dnd) return void refuse('USER_BUSY', 486, 'remote', 'dnd');
    if (behaviour.reject) return void refuse('CALL_REJECTED', 603, 'remote', 'reject');
    this.after(leg, ringDelayMs, () => {
      this.act.ringing(leg);
      const answer = leg.autoAnswer && behaviour.honourAutoAnswer ? 'auto' : behaviour.answer;
      if (answer === 'manual') return;
      const delay = answer === 'auto' ? 0 : sampleDuration(answer, this.random);
      this.after(leg, delay, () => this.act.answer(leg));
    });
  }

  private startOutside(leg: SimLeg, script: ResolvedPartyScript, ringDelayMs: number): void {
    const answer = script.answer;
    const answers = answer !== undefined && this.random.chance(answer.probability);
    const otherwise = answer?.otherwise ?? 'no-answer';
    this.after(leg, ringDelayMs, () => {
      if (!answers && otherwise === 'busy') return this.act.hangup(leg, 'USER_BUSY', 'remote', 486);
      if (!answers && typeof otherwise === 'object') return this.act.hangup(leg, hangupCauseFromSipStatus(otherwise.sipCode), 'remote', otherwise.sipCode);
      this.act.ringing(leg);
      if (script.earlyMedia) this.act.earlyMedia(leg);
      if (answers) this.after(leg, sampleDuration(answer.afterMs, this.random), () => this.act.answer(leg));
    });
  }

  private schedulePatience(leg: SimLeg, script: ResolvedPartyScript): void {
    if (script.patienceMs === undefined) return;
    const t = this.timersOf(leg);
    t.patience = this.after(leg, sampleDuration(script.patienceMs, this.random), () => {
      if (!leg.everBridged) this.partyHangsUp(leg, 'patience_out');
    });
  }

  private partyHangsUp(leg: SimLeg, why: string): void {
    this.act.trace(leg, why);
    const answered = leg.state === 'answered';
    // An unanswered caller who gives up cancels (487); after answer it is a normal BYE.
    this.act.hangup(leg, answered ? 'NORMAL_CLEARING' : 'ORIGINATOR_CANCEL', 'remote', answered ? 200 : 487);
  }

  private after(leg: SimLeg, ms: number, run: () => void): TimerHandle {
    const t = this.timersOf(leg);
    const timer = this.clock.setTimer(ms, () => {
      t.all.delete(timer);
      if (leg.state !== 'ended') run();
    });
    t.all.add(timer);
    return timer;
  }

  private clear(t: PartyTimers, which: 'patience' | 'talk'): void {
    const timer = t[which];
    if (timer) {
      this.clock.clearTimer(timer);
      t.all.delete(timer);
      t[which] = undefined;
    }
  }

  private timersOf(leg: SimLeg): PartyTimers {
    let t = this.timers.get(leg.id);
    if (!t) this.timers.set(leg.id, (t = { all: new Set() }));
    return t;
  }
}
