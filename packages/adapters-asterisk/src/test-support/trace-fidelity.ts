import type { AriTrace } from './trace-format.js';

/**
 * How the fake Asterisk is held to the recorded traces. Two traces of the
 * same scenario (one recorded from the real server, one from the fake) must
 * show, channel by channel, the same sequence of the events the adapter acts
 * on: StasisStart/End, state changes, Dial statuses, DTMF, hang-up requests
 * (cause, soft) and ChannelDestroyed causes, bridge entries and exits,
 * playbacks and recordings with their states. Channels, bridges, playbacks
 * and recordings are named by role (a Local pair by what it dials and the
 * order among those, `Local/1001@switchboard-test#1`, its halves `…#1;1` /
 * `…#1;2`: two pairs dialled at once may show their first events in either
 * order; snoops `S1`…; bridges `B1`…), since ids differ from run to run. Once the harness starts cleaning up (in either trace), a
 * role's remaining events are compared as a set: the hang-ups it sends race
 * with each other and with the scenario's last fire-and-forget requests. Events the adapter ignores (ChannelDialplan, ChannelVarset,
 * caller-id updates) are checked for their shape only, as is every event.
 */

type Event = Record<string, unknown>;

interface Roles {
  of(kind: string, key: string): string;
}

function roles(): Roles {
  const seen = new Map<string, string>();
  const counters = new Map<string, number>();
  return {
    of(kind, key) {
      const id = `${kind}:${key}`;
      let role = seen.get(id);
      if (!role) {
        const n = (counters.get(kind) ?? 0) + 1;
        counters.set(kind, n);
        role = `${kind}${n}`;
        seen.set(id, role);
      }
      return role;
    },
  };
}

function channelRole(r: Roles, channel: Event): string {
  const name = String(channel['name'] ?? '');
  const local = /^(Local\/.+)-([0-9a-f]{8});([12])$/.exec(name);
  if (local) return `${r.of(`${local[1]!}#`, local[2]!)};${local[3]}`;
  const snoop = /^Snoop\/(.+)-[0-9a-f]{8}$/.exec(name);
  if (snoop) return r.of('S', name);
  return r.of('X', String(channel['id']));
}

/** A ringback tone started while the transfer target answers races with it on any server: not compared. */
const RACY_MEDIA = new Set(['tone:ring']);

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

/** role → the adapter-relevant events of that channel / bridge / playback / recording, in order. */
export function eventSequences(trace: AriTrace): Map<string, string[]> {
  const r = roles();
  const out = new Map<string, string[]>();
  const add = (role: string, signature: string) => {
    const list = out.get(role) ?? [];
    list.push(signature.replace(UUID, '<uuid>'));
    out.set(role, list);
  };
  const racyPlaybacks = new Set<string>();
  for (const entry of trace.entries) {
    if (entry.kind === 'mark' && entry.what === 'cleanup') {
      // What the harness's clean-up sets off races with itself (hang-ups, bridges torn down) and with the last
      // fire-and-forget requests of the scenario: see sameSequence.
      for (const [role, list] of out) out.set(role, [...list, CLEANUP]);
    }
    if (entry.kind !== 'event') continue;
    const e = entry.event;
    const type = String(e['type']);
    const channel = (e['channel'] ?? e['peer']) as Event | undefined;
    const state = channel ? String(channel['state']) : '';
    switch (type) {
      case 'StasisStart':
        add(channelRole(r, channel!), `StasisStart ${state} [${(e['args'] as string[]).join(',')}]`);
        break;
      case 'StasisEnd':
      case 'ChannelHold':
      case 'ChannelUnhold':
        add(channelRole(r, channel!), `${type} ${state}`);
        break;
      case 'ChannelStateChange':
        add(channelRole(r, channel!), `${type} ${state}`);
        break;
      case 'Dial':
        // The dial's start (empty status) races with the far half's first indications on Asterisk itself.
        if (e['dialstatus'] !== '') add(channelRole(r, channel!), `Dial ${String(e['dialstatus'])}`);
        break;
      case 'ChannelDtmfReceived':
        add(channelRole(r, channel!), `DTMF ${String(e['digit'])}`);
        break;
      case 'ChannelHangupRequest':
        add(channelRole(r, channel!), `HangupRequest cause=${String(e['cause'])}${e['soft'] ? ' soft' : ''}`);
        break;
      case 'ChannelDestroyed':
        add(channelRole(r, channel!), `Destroyed cause=${String(e['cause'])}`);
        break;
      case 'ChannelEnteredBridge':
      case 'ChannelLeftBridge': {
        const bridge = e['bridge'] as Event;
        add(channelRole(r, channel!), `${type === 'ChannelEnteredBridge' ? 'Entered' : 'Left'} ${r.of('B', String(bridge['id']))}`);
        break;
      }
      case 'PlaybackStarted':
      case 'PlaybackFinished': {
        const playback = e['playback'] as Event;
        const id = String(playback['id']);
        if (RACY_MEDIA.has(String(playback['media_uri']))) racyPlaybacks.add(id);
        if (racyPlaybacks.has(id)) break;
        add(r.of('P', id), `${type} ${String(playback['state'])} ${String(playback['media_uri'])}`);
        break;
      }
      case 'RecordingStarted':
      case 'RecordingFinished':
      case 'RecordingFailed': {
        const recording = e['recording'] as Event;
        add(r.of('R', String(recording['name'])), `${type} ${String(recording['state'])}`);
        break;
      }
      default:
        break;
    }
  }
  return out;
}

/** Marks where the harness started cleaning up, inside a role's list. */
const CLEANUP = '(clean-up)';

/** Events before the clean-up in both traces keep their order; the rest (what the clean-up set off) are compared as a set. */
function sameSequence(a: string[], b: string[]): boolean {
  const beforeA = a.indexOf(CLEANUP) < 0 ? a.length : a.indexOf(CLEANUP);
  const beforeB = b.indexOf(CLEANUP) < 0 ? b.length : b.indexOf(CLEANUP);
  const ordered = Math.min(beforeA, beforeB);
  const rest = (list: string[]) => list.slice(ordered).filter((e) => e !== CLEANUP).sort().join('\n');
  return a.slice(0, ordered).join('\n') === b.slice(0, ordered).join('\n') && rest(a) === rest(b);
}

/** The differences between a recorded trace and the fake's trace of the same scenario (none: faithful). */
export function sequenceDifferences(recorded: AriTrace, fake: AriTrace): string[] {
  const want = eventSequences(recorded);
  const got = eventSequences(fake);
  const problems: string[] = [];
  for (const role of new Set([...want.keys(), ...got.keys()])) {
    const a = want.get(role) ?? [];
    const b = got.get(role) ?? [];
    if (sameSequence(a, b)) continue;
    problems.push(`${role}:\n    Asterisk: ${a.join(' | ') || '(nothing)'}\n    fake:     ${b.join(' | ') || '(nothing)'}`);
  }
  return problems;
}

/** `{a, b: {c}}` → `a,b{c}`: the key structure of a JSON value, with the key order. */
function shape(value: unknown): string {
  if (Array.isArray(value)) return '[]';
  if (typeof value !== 'object' || value === null) return typeof value;
  return Object.entries(value as Event)
    .map(([k, v]) => (typeof v === 'object' && v !== null && !Array.isArray(v) && k !== 'channelvars' ? `${k}{${shape(v)}}` : k))
    .join(',');
}

/**
 * Events whose key structure (names, nesting and order) no recorded event of
 * the same type has. Types never recorded are reported too, unless listed in
 * `unrecorded` (events the real server was not seen to send in the traces).
 */
export function shapeDifferences(fake: AriTrace, recorded: AriTrace[], unrecorded: ReadonlySet<string> = new Set()): string[] {
  const known = new Map<string, Set<string>>();
  for (const trace of recorded) {
    for (const entry of trace.entries) {
      if (entry.kind !== 'event') continue;
      const type = String(entry.event['type']);
      const set = known.get(type) ?? new Set();
      set.add(shape(entry.event));
      known.set(type, set);
    }
  }
  const problems = new Set<string>();
  for (const entry of fake.entries) {
    if (entry.kind !== 'event') continue;
    const type = String(entry.event['type']);
    const shapes = known.get(type);
    if (!shapes) {
      if (!unrecorded.has(type)) problems.add(`${type}: never recorded from Asterisk`);
      continue;
    }
    const mine = shape(entry.event);
    if (!shapes.has(mine)) problems.add(`${type}: fake sends {${mine}}; Asterisk sends ${[...shapes].map((s) => `{${s}}`).join(' or ')}`);
  }
  return [...problems];
}
