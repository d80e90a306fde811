import type { Clock, TimerHandle } from '@switchboard/core';
import { appData, dialplanFor, type DialplanStep } from './fake-dialplan.js';
import { ariTime, causeText, type BridgeShape, type ChannelShape, type FakeCaller } from './fake-shapes.js';

/** An ARI error reply: the status and Asterisk's `{"message": …}`. */
export class AriHttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface FakeChannel {
  id: string;
  name: string;
  state: string;
  caller: FakeCaller;
  connected: FakeCaller;
  dialplan: ChannelShape['dialplan'];
  createdAt: number;
  /** Applications subscribed for the channel's whole life (it was originated with `app`). */
  originApps: Set<string>;
  /** In Stasis: the application (subscribed while the channel is in it) and its arguments. */
  stasis: { app: string; args: string[] } | undefined;
  /** The other half of a Local channel. */
  peer: FakeChannel | undefined;
  half: 1 | 2 | undefined;
  /** An originated channel being dialled (ast_dial): where it goes once answered. */
  dialing: { then: { app: string; args: string[] } | { context: string; exten: string }; timer: TimerHandle | undefined; dialstring: string } | undefined;
  program: { steps: DialplanStep[]; index: number; timer: TimerHandle | undefined } | undefined;
  bridge: FakeBridge | undefined;
  variables: Map<string, string>;
  /** Set on a snoop channel: the channel it snoops on. */
  snoopOf: FakeChannel | undefined;
  hangupRequested: boolean;
  destroyed: boolean;
  moh: boolean;
}

export interface FakeBridge {
  id: string;
  type: string;
  channels: FakeChannel[];
  apps: Set<string>;
  createdAt: number;
}

/** What the model publishes: an event of a type, its fields, and the channels / bridge it concerns (for routing). */
export interface Publication {
  type: string;
  fields: Record<string, unknown>;
  channels: FakeChannel[];
  bridge?: FakeBridge;
}

export interface FakeModelHooks {
  publish(publication: Publication): void;
  /** Playbacks and recordings on a channel end with it. */
  channelGone(channel: FakeChannel): void;
}

/** The applications that get a channel's events now. */
export function subscribers(channel: FakeChannel): Set<string> {
  const apps = new Set(channel.originApps);
  if (channel.stasis) apps.add(channel.stasis.app);
  return apps;
}

/**
 * The calls inside the fake Asterisk: Local channel pairs running the test
 * dialplan, Stasis, bridges and snoops. Each transition sends the events
 * Asterisk 22 sends for it, in the order the recorded traces show (per
 * channel: hang-up request, bridge exit, StasisEnd, STASISSTATUS,
 * ChannelDestroyed; a Local half's request queued on the other half …).
 */
export class FakeModel {
  readonly channels = new Map<string, FakeChannel>();
  readonly bridges = new Map<string, FakeBridge>();
  private localSequence = 0;
  private snoopSequence = 0;
  private uniqueSequence = 0;

  constructor(
    private readonly clock: Clock,
    private readonly hooks: FakeModelHooks,
  ) {}

  snapshot(channel: FakeChannel): ChannelShape {
    return {
      id: channel.id,
      name: channel.name,
      state: channel.state,
      protocol_id: '',
      caller: { ...channel.caller },
      connected: { ...channel.connected },
      accountcode: '',
      dialplan: { ...channel.dialplan },
      creationtime: ariTime(channel.createdAt),
      language: 'en',
    };
  }

  bridgeSnapshot(bridge: FakeBridge): BridgeShape {
    return {
      id: bridge.id,
      technology: bridge.type === 'holding' ? 'holding_bridge' : 'simple_bridge',
      bridge_type: bridge.type,
      bridge_class: 'stasis',
      creator: 'Stasis',
      name: '',
      channels: bridge.channels.map((c) => c.id),
      creationtime: ariTime(bridge.createdAt),
      video_mode: 'talker',
    };
  }

  channel(id: string): FakeChannel {
    const channel = this.channels.get(id);
    if (!channel) throw new AriHttpError(404, 'Channel not found');
    return channel;
  }

  /** The 409 channel operations give for a channel that is not in a Stasis application. */
  controlled(id: string): FakeChannel {
    const channel = this.channel(id);
    if (!channel.stasis) throw new AriHttpError(409, 'Channel not in Stasis application');
    return channel;
  }

  private emit(type: string, fields: Record<string, unknown>, channel: FakeChannel | undefined, bridge?: FakeBridge): void {
    this.hooks.publish({ type, fields, channels: channel ? [channel] : [], ...(bridge ? { bridge } : {}) });
  }

  private channelEvent(type: string, channel: FakeChannel, fields: Record<string, unknown> = {}): void {
    this.emit(type, { ...fields, channel: this.snapshot(channel) }, channel);
  }

  private varset(channel: FakeChannel, variable: string, value: string): void {
    this.channelEvent('ChannelVarset', channel, { variable, value });
  }

  private newChannel(init: Partial<FakeChannel> & Pick<FakeChannel, 'id' | 'name' | 'state' | 'dialplan'>): FakeChannel {
    const channel: FakeChannel = {
      caller: { name: '', number: '' },
      connected: { name: '', number: '' },
      createdAt: this.clock.now(),
      originApps: new Set(),
      stasis: undefined,
      peer: undefined,
      half: undefined,
      dialing: undefined,
      program: undefined,
      bridge: undefined,
      variables: new Map(),
      snoopOf: undefined,
      hangupRequested: false,
      destroyed: false,
      moh: false,
      ...init,
    };
    this.channels.set(channel.id, channel);
    return channel;
  }

  /** Asterisk's own ids: `<epoch seconds>.<n>`. */
  uniqueId(): string {
    return `${Math.floor(this.clock.now() / 1000)}.${this.uniqueSequence++}`;
  }

  // ---- originate ----

  originate(query: URLSearchParams, variables: Record<string, string>): FakeChannel {
    const endpoint = query.get('endpoint') ?? '';
    if (endpoint === '') throw new AriHttpError(400, 'Endpoint must be specified');
    const slash = endpoint.indexOf('/');
    if (slash <= 0 || slash === endpoint.length - 1) throw new AriHttpError(400, 'Invalid endpoint specified');
    const app = query.get('app') ?? '';
    const extension = query.get('extension') ?? '';
    if (app === '' && extension === '') throw new AriHttpError(400, 'Application or extension must be specified');
    const tech = endpoint.slice(0, slash);
    const local = /^([^@/]+)@([^/]+?)(?:\/n)?$/.exec(endpoint.slice(slash + 1));
    // Like the test build (no pjproject), the fake has Local channels only: anything else cannot be allocated.
    if (tech !== 'Local' || !local) throw new AriHttpError(500, 'Allocation failed');
    const exten = local[1]!;
    const context = local[2]!;
    const id = query.get('channelId') || this.uniqueId();
    const otherId = query.get('otherChannelId') || (query.get('channelId') ? `${id};2` : this.uniqueId());
    if (this.channels.has(id) || this.channels.has(otherId)) throw new AriHttpError(409, 'Channel with given unique ID already exists');
    const caller = parseCallerId(query.get('callerId') ?? '');
    const suffix = (this.localSequence++).toString(16).padStart(8, '0');
    const one = this.newChannel({
      id,
      name: `Local/${exten}@${context}-${suffix};1`,
      state: 'Down',
      caller,
      connected: { ...caller },
      dialplan: { context, exten, priority: 1, app_name: 'AppDial2', app_data: '(Outgoing Line)' },
      half: 1,
    });
    const two = this.newChannel({
      id: otherId,
      name: `Local/${exten}@${context}-${suffix};2`,
      state: 'Ring',
      caller: { ...caller },
      connected: { ...caller },
      dialplan: { context, exten, priority: 1, app_name: '', app_data: '' },
      half: 2,
    });
    one.peer = two;
    two.peer = one;
    for (const [name, value] of Object.entries(variables)) {
      one.variables.set(name, value);
      two.variables.set(name, value);
    }
    if (app !== '') {
      // ARI subscribes the application to both halves of an originated Local channel.
      one.originApps.add(app);
      two.originApps.add(app);
    }
    const then = app !== '' ? { app, args: splitArgs(query.get('appArgs') ?? '') } : { context: query.get('context') || 'default', exten: extension };
    const timeoutS = Number(query.get('timeout') ?? '30');
    one.dialing = { then, timer: undefined, dialstring: `${exten}@${context}` };
    // The dial starts while the request is answered: its first events can reach the application before the reply.
    for (const name of Object.keys(variables).reverse()) this.varset(two, name, variables[name]!);
    this.channelEvent('ChannelCallerId', two, { caller_presentation: 0, caller_presentation_txt: 'Presentation Allowed, Not Screened' });
    this.channelEvent('ChannelConnectedLine', two);
    this.dial(one, '');
    one.dialing.timer = this.clock.setTimer(timeoutS > 0 ? timeoutS * 1000 : 30_000, () => this.dialTimeout(one));
    const steps = dialplanFor(context, exten, `"${caller.name}" <${caller.number}>`);
    if (steps) this.run(two, steps);
    else this.clock.setTimer(0, () => this.hangupFromDialplan(two, 1));
    return one;
  }

  private dial(one: FakeChannel, dialstatus: string): void {
    this.emit('Dial', { dialstatus, forward: '', dialstring: one.dialing?.dialstring ?? '', peer: this.snapshot(one) }, one);
  }

  /** ast_dial's timeout: the far half gets a queued hang-up, the originated half is destroyed with NO_ANSWER and no request. */
  private dialTimeout(one: FakeChannel): void {
    if (!one.dialing || one.destroyed) return;
    const two = one.peer;
    one.dialing = undefined;
    if (two && !two.destroyed) {
      this.request(two, 19, false);
      this.request(two, 16, true);
      this.teardown(two, 19);
    }
    this.teardown(one, 19);
  }

  // ---- dialplan ----

  private run(channel: FakeChannel, steps: DialplanStep[]): void {
    channel.program = { steps, index: 0, timer: undefined };
    this.step(channel);
  }

  private step(channel: FakeChannel): void {
    const program = channel.program;
    if (!program || channel.destroyed || channel.hangupRequested) return;
    const step = program.steps[program.index];
    if (!step) return this.hangupFromDialplan(channel, 16);
    program.index++;
    channel.dialplan = { ...channel.dialplan, priority: program.index, app_name: step.app, app_data: appData(step) };
    this.channelEvent('ChannelDialplan', channel, { dialplan_app: step.app, dialplan_app_data: appData(step) });
    const next = (delayMs = 0) => {
      program.timer = this.clock.setTimer(delayMs, () => this.step(channel));
    };
    switch (step.app) {
      case 'NoOp':
      case 'Progress':
        if (step.app === 'Progress') this.indicate(channel, 'PROGRESS');
        return next();
      case 'Ringing':
        this.indicate(channel, 'RINGING');
        return next();
      case 'Answer':
        this.answer(channel);
        return next();
      case 'Wait':
        return next(step.seconds * 1000);
      case 'Busy':
      case 'Congestion':
        return this.indicateFailure(channel, step.app === 'Busy' ? 'BUSY' : 'CONGESTION');
      case 'Hangup':
        return this.hangupFromDialplan(channel, step.cause ?? 16);
      case 'SendDTMF':
        return this.sendDigits(channel, step.digits, () => next());
      case 'Stasis':
        return this.enterStasis(channel, step.args[0] ?? '', step.args.slice(1));
      case 'Echo':
        return;
    }
  }

  /** The dialplan on a Local `;2` half signals progress: the originated `;1` half sees it. */
  private indicate(channel: FakeChannel, what: 'RINGING' | 'PROGRESS'): void {
    const one = channel.half === 2 ? channel.peer : undefined;
    if (!one || one.destroyed || !one.dialing) return;
    if (what === 'RINGING') this.setState(one, 'Ringing');
    this.dial(one, what);
  }

  /** Busy() / Congestion(): ast_dial gives up on the originated half (destroyed with cause 0), the far half ends after. */
  private indicateFailure(channel: FakeChannel, what: 'BUSY' | 'CONGESTION'): void {
    const one = channel.half === 2 ? channel.peer : undefined;
    if (one && !one.destroyed && one.dialing) {
      this.dial(one, what);
      one.dialing = undefined;
      this.request(channel, 0, false);
      this.teardown(one, 0);
    }
    this.setState(channel, what === 'BUSY' ? 'Busy' : channel.state);
    this.request(channel, 16, true);
    this.teardown(channel, what === 'BUSY' ? 17 : 34);
  }

  private sendDigits(channel: FakeChannel, digits: string, done: () => void): void {
    const target = channel.peer;
    let i = 0;
    const press = () => {
      if (channel.destroyed || !channel.program) return;
      if (i >= digits.length) return done();
      const digit = digits[i++]!;
      if (target && !target.destroyed) this.channelEvent('ChannelDtmfReceived', target, { digit, duration_ms: 100 });
      channel.program.timer = this.clock.setTimer(350, press);
    };
    // The first key reaches the other half about 0.7 s after SendDTMF starts (the recorded traces).
    if (channel.program) channel.program.timer = this.clock.setTimer(700, press);
  }

  setState(channel: FakeChannel, state: string): void {
    if (channel.state === state) return;
    channel.state = state;
    this.channelEvent('ChannelStateChange', channel);
  }

  /** Answers a channel; a Local half answering answers the originated half, which then goes where the origination said. */
  answer(channel: FakeChannel): void {
    if (channel.state === 'Up' || channel.destroyed) return;
    this.setState(channel, 'Up');
    const one = channel.half === 2 ? channel.peer : undefined;
    if (!one || one.destroyed || one.state === 'Up') return;
    this.setState(one, 'Up');
    const dialing = one.dialing;
    if (!dialing) return;
    this.clock.clearTimer(dialing.timer);
    this.dial(one, 'ANSWER');
    one.dialing = undefined;
    if ('app' in dialing.then) {
      this.enterStasis(one, dialing.then.app, dialing.then.args);
      return;
    }
    one.dialplan = { context: dialing.then.context, exten: dialing.then.exten, priority: 1, app_name: '', app_data: '' };
    const steps = dialplanFor(dialing.then.context, dialing.then.exten, `"${one.caller.name}" <${one.caller.number}>`);
    if (steps) this.run(one, steps);
    else this.hangupFromDialplan(one, 16);
  }

  enterStasis(channel: FakeChannel, app: string, args: string[]): void {
    channel.dialplan = { ...channel.dialplan, app_name: 'Stasis', app_data: [app, ...args].join(',') };
    this.varset(channel, 'STASISSTATUS', '');
    channel.stasis = { app, args };
    this.channelEvent('StasisStart', channel, { args });
  }

  private leaveStasis(channel: FakeChannel): void {
    if (!channel.stasis) return;
    this.channelEvent('StasisEnd', channel);
    channel.stasis = undefined;
    this.varset(channel, 'STASISSTATUS', 'SUCCESS');
  }

  // ---- hang-up ----

  private request(channel: FakeChannel, cause: number, soft: boolean): void {
    this.channelEvent('ChannelHangupRequest', channel, soft ? { cause, soft: true } : { cause });
  }

  /** Hangup() in the dialplan: a soft request on the channel, a queued hang-up with the cause on its Local peer. */
  private hangupFromDialplan(channel: FakeChannel, cause: number): void {
    if (channel.destroyed) return;
    channel.hangupRequested = true;
    this.request(channel, 16, true);
    const peer = channel.peer;
    if (peer && !peer.destroyed && !peer.hangupRequested) {
      peer.hangupRequested = true;
      this.request(peer, cause, false);
    }
    this.teardown(channel, cause);
    if (peer && !peer.destroyed) this.teardown(peer, cause);
  }

  /**
   * `DELETE /channels/{id}`: ast_softhangup (its `cause` is the soft-hang-up flag word, 32), then the Local
   * peer follows with the channel's cause (chan_local queues the hang-up with it: a ringing leg cancelled
   * with reason_code 26 ends its far half with 26 too).
   */
  softHangup(channel: FakeChannel, cause: number): void {
    if (channel.hangupRequested || channel.destroyed) return;
    channel.hangupRequested = true;
    this.request(channel, 32, true);
    const peer = channel.peer;
    this.teardown(channel, cause, () => {
      if (peer && !peer.destroyed && !peer.hangupRequested) this.queuedHangup(peer, cause);
    });
    if (peer && !peer.destroyed) this.finishPeer(peer, cause);
  }

  /** The other Local half hung up: a queued request (no `soft`), and a channel in Stasis leaves it at once. */
  private queuedHangup(channel: FakeChannel, cause: number): void {
    channel.hangupRequested = true;
    this.request(channel, cause, false);
    this.leaveStasis(channel);
  }

  /** A `;2` half ran dialplan: its PBX thread soft-hangs it up before it goes. */
  private finishPeer(channel: FakeChannel, cause: number): void {
    if (channel.half === 2) this.request(channel, 16, true);
    this.teardown(channel, cause);
  }

  /** The channel goes: out of its bridge, out of Stasis, its snoops with it, then ChannelDestroyed. */
  private teardown(channel: FakeChannel, cause: number, beforeDestroyed?: () => void): void {
    if (channel.destroyed) return;
    channel.destroyed = true;
    if (channel.program) this.clock.clearTimer(channel.program.timer);
    channel.program = undefined;
    if (channel.dialing) {
      this.clock.clearTimer(channel.dialing.timer);
      this.dial(channel, cause === 17 ? 'BUSY' : cause === 34 ? 'CONGESTION' : 'NOANSWER');
      channel.dialing = undefined;
    }
    this.hooks.channelGone(channel);
    if (channel.bridge) this.leaveBridge(channel);
    this.leaveStasis(channel);
    beforeDestroyed?.();
    this.channels.delete(channel.id);
    this.channelEvent('ChannelDestroyed', channel, { cause, cause_txt: causeText(cause) });
    for (const other of [...this.channels.values()]) if (other.snoopOf === channel) this.endSnoop(other);
  }

  /** A snoop whose target went: out of its bridge and out of Stasis (its application hears nothing more). */
  private endSnoop(snoop: FakeChannel): void {
    snoop.destroyed = true;
    this.hooks.channelGone(snoop);
    if (snoop.bridge) this.leaveBridge(snoop);
    if (snoop.stasis) {
      this.channelEvent('StasisEnd', snoop);
      snoop.stasis = undefined;
    }
    this.channels.delete(snoop.id);
  }

  /** `DELETE` of a channel without a Local peer (a snoop, a channel that is not dialling). */
  hangupChannel(channel: FakeChannel, cause: number): void {
    if (channel.peer) return this.softHangup(channel, cause);
    if (channel.hangupRequested || channel.destroyed) return;
    channel.hangupRequested = true;
    this.request(channel, 32, true);
    if (channel.snoopOf) return this.endSnoop(channel);
    this.teardown(channel, cause);
  }

  // ---- bridges ----

  createBridge(id: string, type: string): FakeBridge {
    if (this.bridges.has(id)) throw new AriHttpError(409, 'Bridge with the same bridgeId already exists');
    const bridge: FakeBridge = { id, type: type.split(',')[0] || 'mixing', channels: [], apps: new Set(), createdAt: this.clock.now() };
    this.bridges.set(id, bridge);
    return bridge;
  }

  bridge(id: string): FakeBridge {
    const bridge = this.bridges.get(id);
    if (!bridge) throw new AriHttpError(404, 'Bridge not found');
    return bridge;
  }

  addToBridge(bridge: FakeBridge, ids: string[]): void {
    const channels = ids.map((id) => {
      const channel = this.channels.get(id);
      if (!channel) throw new AriHttpError(400, 'Channel not found');
      if (!channel.stasis) throw new AriHttpError(422, 'Channel not in Stasis application');
      return channel;
    });
    for (const channel of channels) {
      if (channel.bridge === bridge) continue;
      if (channel.bridge) this.leaveBridge(channel);
      channel.bridge = bridge;
      bridge.channels.push(channel);
      // The application of a channel added to a bridge is subscribed to the bridge.
      if (channel.stasis) bridge.apps.add(channel.stasis.app);
      this.emit('ChannelEnteredBridge', { bridge: this.bridgeSnapshot(bridge), channel: this.snapshot(channel) }, channel, bridge);
      this.bridgePeers(bridge);
    }
  }

  /** BRIDGEPEER: every member of a bridge of two or more is told the names of the others. */
  private bridgePeers(bridge: FakeBridge): void {
    if (bridge.channels.length < 2) return;
    for (const member of bridge.channels) {
      const others = bridge.channels.filter((c) => c !== member).reverse();
      this.varset(member, 'BRIDGEPEER', others.map((c) => c.name).join(','));
    }
  }

  removeFromBridge(bridge: FakeBridge, ids: string[]): void {
    const channels = ids.map((id) => {
      const channel = this.channels.get(id);
      if (!channel) throw new AriHttpError(400, 'Channel not found');
      if (!channel.stasis) throw new AriHttpError(422, 'Channel not in Stasis application');
      if (channel.bridge !== bridge) throw new AriHttpError(422, 'Channel not in this bridge');
      return channel;
    });
    for (const channel of channels) this.leaveBridge(channel);
  }

  private leaveBridge(channel: FakeChannel): void {
    const bridge = channel.bridge;
    if (!bridge) return;
    channel.bridge = undefined;
    bridge.channels = bridge.channels.filter((c) => c !== channel);
    this.varset(channel, 'BRIDGEPEER', '');
    this.emit('ChannelLeftBridge', { bridge: this.bridgeSnapshot(bridge), channel: this.snapshot(channel) }, channel, bridge);
    this.bridgePeers(bridge);
  }

  destroyBridge(bridge: FakeBridge): void {
    for (const channel of [...bridge.channels]) this.leaveBridge(channel);
    this.bridges.delete(bridge.id);
    this.emit('BridgeDestroyed', { bridge: this.bridgeSnapshot(bridge) }, undefined, bridge);
  }

  // ---- snoop ----

  snoop(target: FakeChannel, snoopId: string, app: string, spy: string, whisper: string, appArgs: string): FakeChannel {
    if (app === '') throw new AriHttpError(400, 'app cannot be empty');
    if (spy === 'none' && whisper === 'none') throw new AriHttpError(400, 'Invalid parameters: spy and whisper cannot both be none');
    const id = snoopId || this.uniqueId();
    if (this.channels.has(id)) throw new AriHttpError(409, 'Channel with given unique ID already exists');
    const channel = this.newChannel({
      id,
      name: `Snoop/${target.id}-${(this.snoopSequence++).toString(16).padStart(8, '0')}`,
      state: 'Up',
      dialplan: { context: 'default', exten: 's', priority: 1, app_name: '', app_data: '' },
      snoopOf: target,
    });
    this.clock.setTimer(0, () => {
      if (channel.destroyed) return;
      channel.dialplan = { ...channel.dialplan, app_name: 'Stasis', app_data: [app, ...splitArgs(appArgs)].join(',') };
      channel.stasis = { app, args: splitArgs(appArgs) };
      this.channelEvent('StasisStart', channel, { args: splitArgs(appArgs) });
    });
    return channel;
  }

  /** Ends every channel (the fake shuts down). */
  destroyAll(): void {
    for (const channel of [...this.channels.values()]) if (!channel.destroyed) this.teardown(channel, 16);
  }
}

function splitArgs(args: string): string[] {
  return args === '' ? [] : args.split(',');
}

/** ast_callerid_parse for the forms ARI is given: `"Name" <number>`, `Name <number>`, `<number>`, `number`. */
export function parseCallerId(text: string): FakeCaller {
  const trimmed = text.trim();
  const m = /^(.*?)\s*<([^>]*)>\s*$/.exec(trimmed);
  if (!m) return /^[0-9+*#]+$/.test(trimmed) ? { name: '', number: trimmed } : { name: trimmed, number: '' };
  let name = m[1]!.trim();
  if (name.startsWith('"') && name.endsWith('"') && name.length >= 2) name = name.slice(1, -1).replace(/\\(.)/g, '$1');
  return { name, number: m[2]!.trim() };
}
