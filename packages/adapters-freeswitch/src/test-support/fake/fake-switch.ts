import { randomUUID } from 'node:crypto';
import { HANGUP_CAUSES, isHangupCause, type Clock } from '@switchboard/core';
import { separate } from '../freeswitch-parsing.js';
import type { ChannelRole, EventShapes } from './event-shapes.js';
import { FakeChannel, localStamp, renderChannelEvent, type CallerProfile, type RunningApp } from './fake-channel.js';
import { partyScript } from './dialplan.js';
import { FakeMedia } from './fake-media.js';

/** An event the switch fires: headers in order, and a body for BACKGROUND_JOB. */
export interface FiredEvent {
  name: string;
  headers: Array<[string, string]>;
  body?: string;
}

export type Latency = 'queue' | 'lead' | 'soon' | 'thread';
export const LATENCY_MS: Record<Latency, number> = { queue: 5, lead: 200, soon: 20, thread: 20 };

const FS_ONLY_CAUSE_CODES: Record<string, number> = { NO_ROUTE_DESTINATION: 3 };

function q850Of(cause: string): string {
  if (isHangupCause(cause)) {
    const code = HANGUP_CAUSES[cause].q850;
    // FreeSWITCH reports 16 for its own causes above 127 (switch_channel_cause_q850).
    return String(code > 127 ? 16 : code);
  }
  return String(FS_ONLY_CAUSE_CODES[cause] ?? 16);
}

/**
 * The channels of a simulated FreeSWITCH with the test dialplan
 * (examples/freeswitch): loopback pairs whose `-b` half runs a scripted
 * party in `switchboard-test`, inbound calls parked by `switchboard-inbound`,
 * and the API commands, applications and events the adapter uses. Events
 * come out in the order a real FreeSWITCH sends them (the recorded traces),
 * rendered through the recorded shapes.
 */
export class FakeSwitch {
  readonly channels = new Map<string, FakeChannel>();
  readonly media: FakeMedia;
  readonly coreUuid = randomUUID();
  private sequence = 1000;
  private sessionIds = 1;

  constructor(
    readonly clock: Clock,
    private readonly shapes: EventShapes,
    private readonly fire: (event: FiredEvent) => void,
    /**
     * Runs work after one of FreeSWITCH's latencies. `queue`: a session
     * picking up an execute queued to it (5 ms); `lead`: a bridged channel
     * reading media before it looks at its queue (200 ms, DEFAULT_LEAD_FRAMES);
     * `break`: a uuid_break taking effect (20 ms). Adapter commands wait for
     * these, so they run in real time (a virtual clock does not move while a
     * command is awaited) and the server's settle() waits for them. `thread`:
     * a job or an originate's thread waking up (20 ms), which nothing awaits:
     * on the fake's clock.
     */
    readonly later: (work: () => void, latency: Latency) => void = (work, latency) => setTimeout(work, LATENCY_MS[latency]),
  ) {
    this.media = new FakeMedia(this);
  }

  // ---- events ----

  emit(name: string, channel: FakeChannel, own: Array<[string, string]> = [], application?: string): void {
    const headers = renderChannelEvent({ shapes: this.shapes, now: this.clock.now(), sequence: ++this.sequence, coreUuid: this.coreUuid }, name, channel, own, application);
    this.fire({ name, headers });
  }

  private job(job: { id: string; command: string; args: string }, body: string): void {
    const now = this.clock.now();
    const always = this.shapes.alwaysPresent('BACKGROUND_JOB', undefined, undefined);
    const known = new Map<string, string>([
      ['Event-Name', 'BACKGROUND_JOB'],
      ['Core-UUID', this.coreUuid],
      ['Event-Date-Local', localStamp(now)],
      ['Event-Date-GMT', new Date(now).toUTCString()],
      ['Event-Date-Timestamp', String(now * 1000)],
      ['Event-Sequence', String(++this.sequence)],
      ['Job-UUID', job.id],
      ['Job-Command', job.command],
      ['Job-Command-Arg', job.args],
    ]);
    const headers: Array<[string, string]> = [];
    for (const name of this.shapes.headerOrder('BACKGROUND_JOB')) {
      if (name === 'Content-Length' || name === '_body') continue;
      const value = known.get(name) ?? always.get(name);
      if (value !== undefined) headers.push([name, value]);
    }
    if (headers.length === 0) headers.push(...known);
    this.fire({ name: 'BACKGROUND_JOB', headers, body });
  }

  /** `bgapi <command>` other than originate: the API runs, its output comes as the job's body. */
  backgroundApi(command: string, jobId: string, run: (command: string) => string): void {
    const [verb = '', ...rest] = command.split(' ');
    this.job({ id: jobId, command: verb, args: rest.join(' ') }, run(command));
  }

  // ---- originate ----

  /** `bgapi originate <{vars}dial string> <&app(args) | exten [dialplan] [context]>`: a job thread; its result comes as BACKGROUND_JOB. */
  originate(args: string, jobId: string): void {
    this.later(() => this.runOriginate(args, jobId), 'thread');
  }

  private runOriginate(args: string, jobId: string): void {
    const job = { id: jobId, command: 'originate', args };
    const argv = separate(args, ' ', 10);
    const url = argv[0] ?? '';
    const vars: Array<[string, string]> = [];
    let dial = url;
    if (url.startsWith('{')) {
      const end = url.indexOf('}');
      for (const pair of separate(url.slice(1, end), ',', 1024)) {
        const [name, value] = separate(pair, '=', 2);
        if (name && value !== undefined) vars.push([name, value]);
      }
      dial = url.slice(end + 1);
    }
    const after = argv[1] ?? '';
    const afterAnswer = after.startsWith('&')
      ? (() => {
          const m = /^&([a-z_]+)\((.*)\)$/.exec(after);
          return { app: m?.[1] ?? 'park', data: m?.[2] ?? '' };
        })()
      : { dialplan: after, context: argv[3] ?? 'default' };
    const error = /^error\/([a-z_]+)$/i.exec(dial);
    if (error) return this.job(job, `-ERR ${error[1]!.toUpperCase()}\n`);
    if (/^user\/1009@/.test(dial)) return this.job(job, '-ERR USER_NOT_REGISTERED\n');
    const user = /^user\/(\d+)@/.exec(dial);
    const loop = /^loopback\/([^/]+)\/([^/]+)$/.exec(dial) ?? (user ? [dial, user[1]!, 'switchboard-test'] : null);
    if (!loop) return this.job(job, '-ERR INVALID_URL\n');
    const [, destination, context] = loop as [string, string, string];
    const get = (name: string) => vars.find(([n]) => n === name)?.[1];
    const uuid = get('origination_uuid') ?? randomUUID();
    if (this.channels.has(uuid)) return this.job(job, '-ERR NORMAL_TEMPORARY_FAILURE\n');
    const inboundCall = context === 'switchboard-inbound';
    const profile = (): CallerProfile => ({
      callerIdName: get('origination_caller_id_name') ?? '',
      callerIdNumber: get('origination_caller_id_number') ?? '0000000000',
      origCallerIdName: get('origination_caller_id_name') ?? '',
      origCallerIdNumber: get('origination_caller_id_number') ?? '0000000000',
      calleeIdName: 'Outbound Call',
      calleeIdNumber: context,
      ani: get('origination_caller_id_number') ?? '0000000000',
      destination,
      context,
      transferSource: undefined,
      rdnis: undefined,
      profileIndex: 1,
    });
    const a = this.newChannel(uuid, `loopback/${destination}-a`, 'outbound', inboundCall ? 'caller-a' : 'a', profile());
    const b = this.newChannel(randomUUID(), `loopback/${destination}-b`, 'inbound', inboundCall ? 'inbound-b' : 'b', profile());
    a.peer = b;
    b.peer = a;
    a.requestVars.push(...vars);
    a.vars.set('originate_early_media', 'false');
    a.vars.set('originate_endpoint', 'loopback');
    a.vars.set('other_loopback_leg_uuid', b.uuid);
    a.vars.set('loopback_leg', 'A');
    b.vars.set('other_loopback_leg_uuid', a.uuid);
    b.vars.set('loopback_leg', 'B');
    for (const [name, value] of vars) if (name === 'hangup_after_bridge' || name === 'park_after_bridge') a.vars.set(name, value);
    a.job = job;
    a.afterAnswer = afterAnswer;
    this.emit('CHANNEL_CREATE', b);
    const timeout = Number(get('originate_timeout') ?? 60);
    a.ringTimer = this.clock.setTimer(timeout * 1000, () => {
      if (!a.answered && !a.hungUp) this.hangup(a, 'NO_ANSWER');
    });
    b.script = inboundCall ? [{ app: 'set', data: 'park_after_bridge=true' }, { app: 'set', data: 'hangup_after_bridge=false' }, { app: 'park', data: '' }] : partyScript(destination);
    // The a-leg's CHANNEL_CREATE comes from its own thread, which often loses the race against the
    // b-leg's first application (its CHANNEL_PROGRESS or CHANNEL_ANSWER about the a-leg come first).
    const first = b.script.shift()!;
    const racing = first.app === 'ring_ready' || first.app === 'answer';
    if (!racing) this.emit('CHANNEL_CREATE', a);
    this.startApp(b, first.app, first.data, randomUUID(), () => this.runScript(b));
    if (racing) this.emit('CHANNEL_CREATE', a);
  }

  private newChannel(uuid: string, name: string, direction: 'inbound' | 'outbound', role: ChannelRole, profile: CallerProfile): FakeChannel {
    const channel = new FakeChannel(uuid, name, direction, role, profile, this.clock.now(), this.sessionIds++);
    channel.vars.set('direction', direction);
    if (direction === 'outbound') channel.vars.set('is_outbound', 'true');
    channel.vars.set('session_id', String(channel.sessionId));
    channel.vars.set('channel_name', name);
    channel.vars.set('uuid', uuid);
    channel.vars.set('call_uuid', uuid);
    channel.vars.set('answer_epoch', '0');
    channel.vars.set('playback_terminator_used', '');
    this.channels.set(uuid, channel);
    return channel;
  }

  // ---- dialplan steps of a channel ----

  runScript(channel: FakeChannel): void {
    const step = channel.script.shift();
    if (!step || channel.hungUp) return;
    this.startApp(channel, step.app, step.data, randomUUID(), () => this.runScript(channel));
  }

  /** Runs an application; `next` continues the dialplan when it completes. */
  private startApp(channel: FakeChannel, name: string, data: string, uuid: string, next?: () => void): void {
    const app: RunningApp = { name, data, uuid, timer: undefined };
    const complete = (response = '_none_') => {
      if (channel.app !== app) return;
      channel.app = undefined;
      this.executeComplete(channel, app, response);
      next?.();
    };
    channel.app = app;
    channel.vars.set('current_application', name);
    if (data !== '') channel.vars.set('current_application_data', data);
    switch (name) {
      case 'ring_ready':
        this.progress(channel);
        return complete();
      case 'answer':
        this.answer(channel);
        return complete();
      case 'set': {
        const [k, v] = separate(data, '=', 2);
        if (k) channel.vars.set(k, v ?? '');
        return complete();
      }
      case 'sleep':
        app.timer = this.clock.setTimer(Number(data), () => complete());
        return;
      case 'send_dtmf':
        this.media.sendDtmf(channel, data);
        return complete();
      case 'hangup':
        channel.app = undefined;
        this.hangup(channel, data || 'NORMAL_CLEARING', app);
        return;
      case 'park':
        this.emit('CHANNEL_PARK', channel);
        return;
      case 'eavesdrop':
      case 'echo':
        // Run until the channel (or, for eavesdrop, the target) goes away.
        return;
      default:
        return complete('-ERR unknown application');
    }
  }

  executeComplete(channel: FakeChannel, app: RunningApp, response: string): void {
    if (app.state) return;
    const own: Array<[string, string]> = [
      ['Application', app.name],
      ['Application-Response', response],
      ['Application-UUID', app.uuid],
    ];
    if (app.data !== '') own.push(['Application-Data', app.data]);
    if (channel.hungUp || channel.hangupCause) own.push(['Hangup-Cause', channel.hangupCause ?? 'NORMAL_CLEARING']);
    channel.vars.set('current_application_response', response);
    channel.vars.set('last_app', app.name);
    this.emit('CHANNEL_EXECUTE_COMPLETE', channel, own, app.name);
  }

  private progress(channel: FakeChannel): void {
    const peer = channel.peer;
    for (const c of peer ? [peer, channel] : [channel]) {
      if (c.progress || c.answered) continue;
      c.progress = true;
      this.emit('CHANNEL_PROGRESS', c);
    }
  }

  /** Answers a channel and its loopback peer; an originate waiting on the peer completes. */
  answer(channel: FakeChannel): void {
    if (channel.answered || channel.hungUp) return;
    const now = this.clock.now();
    const pair = channel.peer ? [channel.peer, channel] : [channel];
    for (const c of pair) {
      if (c.answered) continue;
      c.answered = true;
      c.answeredAt = now;
      c.vars.set('answer_epoch', String(Math.floor(now / 1000)));
      c.vars.set('answer_uepoch', String(now * 1000));
      c.vars.set('endpoint_disposition', 'ANSWER');
      this.emit('CHANNEL_ANSWER', c);
    }
    // The originate's thread wakes up a moment later: the job's result and the a-leg's application.
    for (const c of pair) if (c.job) this.later(() => !c.hangupCause && this.originated(c), 'thread');
  }

  /** The a-leg of an originate was answered: the job reports success and the leg runs its application. */
  private originated(a: FakeChannel): void {
    const job = a.job!;
    a.job = undefined;
    this.clock.clearTimer(a.ringTimer);
    // After answer FreeSWITCH shows the a-leg's profile from the called side ("cid flip").
    const p = a.profile;
    Object.assign(p, { calleeIdName: p.callerIdName || p.calleeIdName, calleeIdNumber: p.callerIdNumber, callerIdName: 'Outbound Call', callerIdNumber: p.context });
    this.job(job, `+OK ${a.uuid}\n`);
    // An execute that ran on the leg before the originate's thread got back to it ends now.
    while (a.inner) this.media.endPlayback(a, 'done', 'FILE PLAYED');
    const after = a.afterAnswer;
    const pending = a.afterOriginate.splice(0);
    if (!after) return pending.forEach((run) => run());
    if ('app' in after) {
      this.startApp(a, after.app, after.data, randomUUID());
      return pending.forEach((run) => run());
    }
    // `<exten> XML <context>`: a blind transfer into the dialplan.
    Object.assign(p, { transferSource: `${Math.floor(this.clock.now() / 1000)}:${randomUUID()}:bl_xfer:${after.dialplan}/${after.context}/XML`, rdnis: p.destination, destination: after.dialplan, context: after.context, profileIndex: 2 });
    a.script = after.dialplan === 'dtmf123' ? [{ app: 'sleep', data: '1000' }, { app: 'send_dtmf', data: '123' }, { app: 'sleep', data: '300000' }, { app: 'hangup', data: 'NORMAL_CLEARING' }] : [{ app: 'sleep', data: '300000' }, { app: 'hangup', data: 'NORMAL_CLEARING' }];
    this.runScript(a);
  }

  // ---- hang-up ----

  /** Ends a channel with a cause; what ran on it completes, its bridge breaks, its loopback peer follows. */
  hangup(channel: FakeChannel, cause: string, hangupApp?: RunningApp): void {
    if (channel.hungUp || channel.hangupCause) return;
    channel.hangupCause = cause;
    this.clock.clearTimer(channel.ringTimer);
    channel.vars.set('hangup_cause', cause);
    channel.vars.set('hangup_cause_q850', q850Of(cause));
    if (hangupApp) this.executeComplete(channel, hangupApp, '_none_');
    this.media.endAllPlaybacks(channel);
    const app = channel.app;
    if (app) {
      this.clock.clearTimer(app.timer);
      channel.app = undefined;
      this.executeComplete(channel, app, channel.vars.get('current_application_response') ?? '_none_');
    }
    this.media.endRecordingsOf(channel);
    const partner = channel.bridge;
    if (partner) this.breakBridge(channel, partner, 'hangup');
    if (channel.job) {
      const job = channel.job;
      channel.job = undefined;
      this.job(job, `-ERR ${cause}\n`);
    }
    channel.hungUp = true;
    const now = this.clock.now();
    channel.vars.set('end_epoch', String(Math.floor(now / 1000)));
    channel.vars.set('end_uepoch', String(now * 1000));
    if (!channel.answered) channel.vars.set('endpoint_disposition', channel.direction === 'outbound' ? 'EARLY MEDIA' : 'DECLINED');
    // A supervisor listening to this channel: its eavesdrop ends as soon as the channel goes down.
    for (const c of [...this.channels.values()]) {
      if (c.app?.name === 'eavesdrop' && c.app.data === channel.uuid && !c.hangupCause) {
        const eavesdrop = c.app;
        c.app = undefined;
        this.executeComplete(c, eavesdrop, '_none_');
        this.hangup(c, 'NORMAL_CLEARING');
      }
    }
    this.emit('CHANNEL_HANGUP_COMPLETE', channel, [['Hangup-Cause', cause]]);
    this.channels.delete(channel.uuid);
    if (channel.peer && !channel.peer.hangupCause) this.hangup(channel.peer, cause);
  }

  // ---- bridges ----

  /**
   * `uuid_bridge a b`: both leave what they run; old bridges break; CHANNEL_BRIDGE on a.
   * A leg its originate still holds (answered, originate not returned yet) is transferred once
   * it returns and has started its application.
   */
  bridge(a: FakeChannel, b: FakeChannel): void {
    this.later(() => !a.hangupCause && !b.hangupCause && this.transfer(a, b), 'soon');
  }

  private transfer(a: FakeChannel, b: FakeChannel): void {
    const held = [a, b].find((leg) => leg.job !== undefined);
    if (held) {
      held.afterOriginate.push(() => !a.hangupCause && !b.hangupCause && this.transfer(a, b));
      return;
    }
    for (const [leg, other] of [
      [a, b],
      [b, a],
    ] as const) {
      const old = leg.bridge;
      if (old && old !== other) this.breakBridge(leg, old, 'moved');
    }
    for (const [leg, other] of [
      [a, b],
      [b, a],
    ] as const) {
      leg.other = other;
      leg.otherType = leg === a ? 'originatee' : 'originator';
      const p = leg.profile;
      p.profileIndex++;
      p.transferSource = `${Math.floor(this.clock.now() / 1000)}:${randomUUID()}:uuid_br:${other.uuid}`;
      this.media.endAllPlaybacks(leg);
      const app = leg.app;
      if (app) {
        leg.app = undefined;
        this.clock.clearTimer(app.timer);
        this.executeComplete(leg, app, leg.vars.get('current_application_response') ?? '_none_');
      }
    }
    a.bridge = b;
    b.bridge = a;
    a.bridgeA = true;
    b.bridgeA = false;
    const now = this.clock.now();
    for (const leg of [a, b]) leg.vars.set('bridge_epoch', String(Math.floor(now / 1000)));
    this.emit('CHANNEL_BRIDGE', a, [
      ['Bridge-A-Unique-ID', a.uuid],
      ['Bridge-B-Unique-ID', b.uuid],
    ]);
  }

  /**
   * A bridge breaks because `leg` left it (parked, hung up, moved to another
   * bridge). CHANNEL_UNBRIDGE on its A side; the partner parks when
   * park_after_bridge is set (else it hangs up, FreeSWITCH's default).
   */
  breakBridge(leg: FakeChannel, partner: FakeChannel, why: 'park' | 'hangup' | 'moved'): void {
    leg.bridge = undefined;
    partner.bridge = undefined;
    const [a, b] = leg.bridgeA ? [leg, partner] : [partner, leg];
    const parkPartner = () => {
      if (partner.hungUp || partner.hangupCause) return;
      if (partner.vars.get('park_after_bridge') === 'true') this.parkState(partner);
      else if (partner.vars.get('hangup_after_bridge') !== 'false') this.hangup(partner, 'NORMAL_CLEARING');
    };
    if (why === 'park') {
      parkPartner();
      this.emit('CHANNEL_UNBRIDGE', a, [
        ['Bridge-A-Unique-ID', a.uuid],
        ['Bridge-B-Unique-ID', b.uuid],
      ]);
      return;
    }
    this.emit('CHANNEL_UNBRIDGE', a, [
      ['Bridge-A-Unique-ID', a.uuid],
      ['Bridge-B-Unique-ID', b.uuid],
    ]);
    parkPartner();
  }

  /** `uuid_park`: out of its bridge (the partner parks too, park_after_bridge) or application, into park. */
  park(channel: FakeChannel): void {
    const bridgedWhenSent = channel.bridge !== undefined;
    this.later(() => !channel.hangupCause && this.parkNow(channel, bridgedWhenSent), 'soon');
  }

  private parkNow(channel: FakeChannel, bridgedWhenSent = false): void {
    const partner = channel.bridge;
    // The bridge the command was to break broke meanwhile (the partner hung up) and park_after_bridge
    // parked the channel: the park has happened, and an execute sent after the command (hold music)
    // plays on — the real server handles the command before the execute queued behind it.
    if (bridgedWhenSent && !partner && channel.app?.name === 'park' && channel.app.state) return;
    if (partner) this.breakBridge(channel, partner, 'park');
    this.media.endAllPlaybacks(channel);
    if (channel.app?.name === 'park') return;
    const app = channel.app;
    if (app) {
      channel.app = undefined;
      this.clock.clearTimer(app.timer);
      this.executeComplete(channel, app, '_none_');
    }
    this.parkState(channel);
  }

  /**
   * Parks a channel the way park_after_bridge and uuid_park do: a state
   * (CS_PARK), not the park application, so leaving it reports no
   * CHANNEL_EXECUTE_COMPLETE. Executes waiting for the bridge to end run now.
   */
  private parkState(channel: FakeChannel): void {
    channel.app = { name: 'park', data: '', uuid: '', timer: undefined, state: true };
    channel.vars.set('current_application', 'park');
    this.emit('CHANNEL_PARK', channel);
    for (const app of [...channel.pendingExecutes]) this.later(() => this.media.runPendingExecute(channel, app, true), 'queue');
  }



  // ---- listings ----

  /** `show channels as json`, with the columns of FreeSWITCH's channels table. */
  showChannels(): string {
    const rows = [...this.channels.values()].map((c) => {
      const p = c.profile;
      return {
        uuid: c.uuid,
        direction: c.direction,
        created: localStamp(c.createdAt),
        created_epoch: String(Math.floor(c.createdAt / 1000)),
        name: c.name,
        state: 'CS_EXECUTE',
        cid_name: p.callerIdName,
        cid_num: p.callerIdNumber,
        ip_addr: '',
        dest: p.destination,
        application: c.application.name,
        application_data: c.application.data,
        dialplan: 'xml',
        context: p.context,
        read_codec: 'L16',
        read_rate: '8000',
        read_bit_rate: '128000',
        write_codec: 'L16',
        write_rate: '8000',
        write_bit_rate: '128000',
        secure: '',
        hostname: this.shapes.usual('CHANNEL_CREATE', undefined, undefined, 'FreeSWITCH-Hostname') ?? 'fake',
        presence_id: '',
        presence_data: '',
        accountcode: '',
        callstate: c.callState,
        callee_name: p.calleeIdName,
        callee_num: p.calleeIdNumber,
        callee_direction: c.direction === 'outbound' && c.answered ? 'RECV' : '',
        call_uuid: c.direction === 'outbound' ? c.uuid : '',
        sent_callee_name: '',
        sent_callee_num: '',
        initial_cid_name: p.origCallerIdName,
        initial_cid_num: p.origCallerIdNumber,
        initial_ip_addr: '',
        initial_dest: p.destination,
        initial_dialplan: 'xml',
        initial_context: p.context,
      };
    });
    return rows.length === 0 ? '{"row_count": 0}\n' : `${JSON.stringify({ row_count: rows.length, rows })}\n`;
  }

  /** Emits an event about a channel from outside the engine (hold, records). */
  event(name: string, channel: FakeChannel, own: Array<[string, string]> = []): void {
    this.emit(name, channel, own);
  }
}
