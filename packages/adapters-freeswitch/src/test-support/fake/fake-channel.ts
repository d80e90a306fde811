import type { TimerHandle } from '@switchboard/core';
import type { ChannelRole, EventShapes } from './event-shapes.js';

/** A caller profile: who calls whom, as FreeSWITCH's `Caller-*` headers report it. */
export interface CallerProfile {
  callerIdName: string;
  callerIdNumber: string;
  origCallerIdName: string;
  origCallerIdNumber: string;
  calleeIdName: string;
  calleeIdNumber: string;
  ani: string;
  destination: string;
  context: string;
  transferSource: string | undefined;
  rdnis: string | undefined;
  profileIndex: number;
}

/** An application running on a channel. */
export interface RunningApp {
  name: string;
  data: string;
  /** Our `event-uuid` for sendmsg executes; a fresh one otherwise. */
  uuid: string;
  timer: TimerHandle | undefined;
  /** For playback: the terminators that stop it (`any`, `none`, keys). */
  terminators?: string;
  /** For playback: loops left (-1 = forever). */
  loops?: number;
  /** A park that is a channel state (park_after_bridge, uuid_park), not the application. */
  state?: boolean;
  /** For a playback paused by one nested in it: the time it has left. */
  remainingMs?: number | undefined;
  startedAt?: number;
}

/** One simulated FreeSWITCH channel. */
export class FakeChannel {
  answered = false;
  answeredAt = 0;
  progress = false;
  hungUp = false;
  hangupCause: string | undefined;
  /** The loopback peer (the other half of a loopback pair). */
  peer: FakeChannel | undefined;
  /** The channel on the other side of the last bridge (FreeSWITCH keeps reporting it as Other-Leg). */
  other: FakeChannel | undefined;
  otherType: 'originator' | 'originatee' = 'originatee';
  bridge: FakeChannel | undefined;
  /** Whether this channel was the A side of its current bridge (the one uuid_bridge named first). */
  bridgeA = false;
  /** The base application (park, sleep, eavesdrop, a dialplan step). */
  app: RunningApp | undefined;
  /**
   * Playbacks executed by sendmsg, running inside the base application. An
   * execute that arrives during a playback runs inside it (FreeSWITCH's
   * playback loop parses queued events): the last one plays, the ones below
   * it resume when it ends.
   */
  readonly playing: RunningApp[] = [];
  /** sendmsg executes accepted but not started yet (FreeSWITCH starts them some milliseconds later). */
  readonly pendingExecutes: RunningApp[] = [];
  held = false;
  eavesdropMode: 'listen' | 'whisper' | 'barge' | undefined;
  /** Dialplan steps left to run (parties, the inbound context). */
  script: Array<{ app: string; data: string }> = [];
  /** What the a-leg of an originate runs once answered (`&park()`, `&eavesdrop(<uuid>)`, or dialplan). */
  afterAnswer: { app: string; data: string } | { dialplan: string; context: string } | undefined;
  /** The originate job to report when the a-leg is answered or fails. */
  job: { id: string; command: string; args: string } | undefined;
  ringTimer: TimerHandle | undefined;
  /** Work waiting for the originate to return (a uuid_bridge sent while it still held the leg). */
  readonly afterOriginate: Array<() => void> = [];
  /** Channel variables, in the order they were set. */
  readonly vars = new Map<string, string>();
  /** Variables from the originate's `{…}`. */
  readonly requestVars: Array<[string, string]> = [];
  readonly createdAt: number;
  readonly sessionId: number;

  constructor(
    readonly uuid: string,
    readonly name: string,
    readonly direction: 'inbound' | 'outbound',
    readonly role: ChannelRole,
    readonly profile: CallerProfile,
    now: number,
    sessionId: number,
  ) {
    this.createdAt = now;
    this.sessionId = sessionId;
  }

  get callState(): string {
    if (this.hungUp) return 'HANGUP';
    if (this.held) return 'HELD';
    if (this.answered) return 'ACTIVE';
    if (this.progress) return 'RINGING';
    return 'DOWN';
  }

  get answerState(): string {
    if (this.hungUp || this.hangupCause !== undefined) return 'hangup';
    if (this.answered) return 'answered';
    if (this.progress && this.direction === 'outbound') return 'early';
    return 'ringing';
  }

  /** The playback playing now (the innermost). */
  get inner(): RunningApp | undefined {
    return this.playing.at(-1);
  }

  /** The application `show channels` reports. */
  get application(): { name: string; data: string } {
    const app = this.inner ?? this.app;
    return app ? { name: app.name, data: app.data } : { name: '', data: '' };
  }
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `2026-11-21 20:55:07` (FreeSWITCH's local time; the fake's zone is UTC). */
export function localStamp(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

function gmtStamp(ms: number): string {
  const d = new Date(ms);
  return `${DAYS[d.getUTCDay()]}, ${pad(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} GMT`;
}

const micros = (ms: number) => String(Math.round(ms * 1000));

/** The values the fake knows for an event's headers; the shapes give the rest and the order. */
export interface RenderContext {
  shapes: EventShapes;
  now: number;
  sequence: number;
  coreUuid: string;
}

function profileHeaders(prefix: 'Caller' | 'Other-Leg', channel: FakeChannel): Array<[string, string]> {
  const p = channel.profile;
  const out: Array<[string, string]> = [
    [`${prefix}-Direction`, channel.direction],
    [`${prefix}-Logical-Direction`, channel.direction],
    [`${prefix}-Caller-ID-Number`, p.callerIdNumber],
    [`${prefix}-Orig-Caller-ID-Number`, p.origCallerIdNumber],
    [`${prefix}-Callee-ID-Name`, p.calleeIdName],
    [`${prefix}-Callee-ID-Number`, p.calleeIdNumber],
    [`${prefix}-ANI`, p.ani],
    [`${prefix}-Destination-Number`, p.destination],
    [`${prefix}-Unique-ID`, channel.uuid],
    [`${prefix}-Context`, p.context],
    [`${prefix}-Channel-Name`, channel.name],
    [`${prefix}-Profile-Created-Time`, micros(channel.createdAt)],
    [`${prefix}-Channel-Created-Time`, micros(channel.createdAt)],
    [`${prefix}-Channel-Answered-Time`, channel.answered ? micros(channel.answeredAt) : '0'],
  ];
  // Empty names are left out, as FreeSWITCH does.
  if (p.callerIdName !== '') out.push([`${prefix}-Caller-ID-Name`, p.callerIdName]);
  if (p.origCallerIdName !== '') out.push([`${prefix}-Orig-Caller-ID-Name`, p.origCallerIdName]);
  if (p.transferSource !== undefined) out.push([`${prefix}-Transfer-Source`, p.transferSource]);
  if (p.rdnis !== undefined) out.push([`${prefix}-RDNIS`, p.rdnis]);
  if (prefix === 'Caller') out.push(['Caller-Profile-Index', String(p.profileIndex)]);
  return out;
}

/**
 * An event about a channel, as FreeSWITCH would write it: the headers the
 * fake knows (ids, names, states, times, the event's own fields), the
 * headers the recordings always show for this kind of event (in their usual
 * form), in the recorded order, then the channel variables.
 */
export function renderChannelEvent(
  ctx: RenderContext,
  eventName: string,
  channel: FakeChannel,
  own: Array<[string, string]>,
  application?: string,
): Array<[string, string]> {
  const known = new Map<string, string>([
    ['Event-Name', eventName],
    ['Core-UUID', ctx.coreUuid],
    ['Event-Date-Local', localStamp(ctx.now)],
    ['Event-Date-GMT', gmtStamp(ctx.now)],
    ['Event-Date-Timestamp', micros(ctx.now)],
    ['Event-Sequence', String(ctx.sequence)],
    ['Channel-Name', channel.name],
    ['Unique-ID', channel.uuid],
    ['Call-Direction', channel.direction],
    ['Presence-Call-Direction', channel.direction],
    ['Channel-Call-UUID', channel.uuid],
    ['Answer-State', channel.answerState],
    ...profileHeaders('Caller', channel),
    ...own,
  ]);
  // FreeSWITCH updates the call state after it fires the event: the recordings' usual value is the one it shows;
  // a channel's end is the exception that matters.
  if (channel.hungUp) known.set('Channel-Call-State', 'HANGUP');
  if (channel.other) {
    known.set('Other-Type', channel.otherType);
    for (const [name, value] of profileHeaders('Other-Leg', channel.other)) known.set(name, value);
  }
  const always = ctx.shapes.alwaysPresent(eventName, channel.role, application);
  const out: Array<[string, string]> = [];
  const emitted = new Set<string>();
  for (const name of ctx.shapes.headerOrder(eventName)) {
    const value = known.get(name) ?? (always.has(name) && !isOptional(name) ? always.get(name) : undefined);
    if (value === undefined) continue;
    out.push([name, value]);
    emitted.add(name);
  }
  // Fields the recordings never showed for this event still go out (after the recorded ones).
  for (const [name, value] of known) if (!emitted.has(name) && !isOptional(name)) out.push([name, value]);
  return [...out, ...renderVariables(ctx, eventName, channel, application)];
}

/** Headers whose presence the fake decides (a profile field that is empty, a bridge partner that is gone). */
function isOptional(name: string): boolean {
  return name.startsWith('Other-') || name === 'Caller-Transfer-Source' || name === 'Caller-RDNIS' || name === 'Caller-Caller-ID-Name' || name === 'Caller-Orig-Caller-ID-Name';
}

function renderVariables(ctx: RenderContext, eventName: string, channel: FakeChannel, application: string | undefined): Array<[string, string]> {
  const recorded = ctx.shapes.variablesFor(eventName, channel.role, application, {
    self: channel.uuid,
    peer: channel.peer?.uuid,
    other: channel.other?.uuid,
    core: ctx.coreUuid,
  });
  if (!recorded) return [];
  const out: Array<[string, string]> = [];
  const emitted = new Set<string>();
  let requestDone = false;
  const emitRequest = () => {
    if (requestDone) return;
    requestDone = true;
    for (const [name, value] of channel.requestVars) {
      if (emitted.has(name)) continue;
      out.push([`variable_${name}`, value]);
      emitted.add(name);
    }
  };
  for (const [name, value] of recorded) {
    if (ctx.shapes.requestVariables.has(name) && !channel.vars.has(name)) {
      emitRequest();
      continue;
    }
    if (emitted.has(name)) continue;
    out.push([`variable_${name}`, channel.vars.get(name) ?? value]);
    emitted.add(name);
  }
  emitRequest();
  // State the recording of this kind did not show goes out only where the adapter relies on it.
  for (const name of REQUIRED_VARIABLES[eventName] ?? []) {
    const value = channel.vars.get(name);
    if (value !== undefined && !emitted.has(name)) out.push([`variable_${name}`, value]);
  }
  return out;
}

/** Channel variables an event must carry even when its recorded shape lacks them (the adapter reads them). */
const REQUIRED_VARIABLES: Record<string, string[]> = {
  CHANNEL_CREATE: ['other_loopback_leg_uuid'],
  CHANNEL_PARK: ['other_loopback_leg_uuid'],
  CHANNEL_EXECUTE_COMPLETE: ['playback_terminator_used'],
  CHANNEL_HANGUP_COMPLETE: ['answer_epoch', 'hangup_cause', 'hangup_cause_q850'],
};
