import { EslCommandReader, EslFrameReader, isEslIssue, type EslCommand, type EslFrame } from '../esl/esl-frame.js';
import { interpretFrame, type EslEvent } from '../esl/esl-message.js';
import { TEARDOWN } from './real-target.js';
import type { Trace } from './trace-file.js';

/** What one connection's trace says, reduced to what must match between a real FreeSWITCH and the fake. */
export interface TraceDigest {
  /** The adapter's commands, ids replaced by call numbers (`#1` = the first channel it named). */
  commands: string[];
  /** Per channel of the scenario (by name and order of creation): its events, in order. */
  channels: Map<string, string[]>;
}

const SETUP_RANK = new Map(['CHANNEL_CREATE', 'CHANNEL_PROGRESS', 'CHANNEL_PROGRESS_MEDIA', 'CHANNEL_ANSWER', 'CHANNEL_PARK'].map((name, i) => [name, i]));

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

function eventLabel(e: EslEvent): string {
  const h = e.headers;
  if (e.name === 'CHANNEL_EXECUTE_COMPLETE') return `${e.name}(${h['Application'] ?? ''})`;
  if (e.name === 'PLAYBACK_STOP') return `${e.name}(${h['Playback-Status'] ?? ''})`;
  if (e.name === 'CHANNEL_HANGUP_COMPLETE') return `${e.name}(${h['Hangup-Cause'] ?? ''})`;
  if (e.name === 'DTMF') return `${e.name}(${h['DTMF-Digit'] ?? ''})`;
  return e.name;
}

/**
 * Digests the adapter's connections of a trace (every connection that
 * subscribed to events): the commands it sent, and, per channel, the events
 * of the channels the adapter answers for: those its originates named and
 * the inbound calls parked for it. The parties' own halves of loopback calls
 * (dialplan internals the adapter ignores) and other clients' channels on a
 * shared server are left out.
 */
export function digestTrace(trace: Trace): TraceDigest {
  const ours = new Set<string>();
  const commands: string[] = [];
  const events: EslEvent[] = [];
  const subscribed = new Set<string>();
  for (const record of trace.records) {
    // What happens while the test cleans up depends on how fast the clean-up is, not on the scenario.
    if (record.direction === 'note' && record.data === TEARDOWN) break;
    if (record.direction === 'out') {
      const [command] = new EslCommandReader().push(record.data) as EslCommand[];
      if (!command || isEslIssue(command)) continue;
      if (command.line.startsWith('event ')) subscribed.add(record.connection);
      if (subscribed.has(record.connection)) for (const id of command.line.match(/origination_uuid=([^,}]+)/g) ?? []) ours.add(id.slice('origination_uuid='.length));
      if (subscribed.has(record.connection) && !command.line.startsWith('auth')) commands.push(command.line);
      continue;
    }
    if (record.direction !== 'in' || !subscribed.has(record.connection)) continue;
    const [frame] = new EslFrameReader().push(record.data) as EslFrame[];
    if (!frame || isEslIssue(frame)) continue;
    const message = interpretFrame(frame);
    if ('issue' in message || message.type !== 'event') continue;
    events.push(message.event);
  }
  for (const e of events) {
    const id = e.headers['Unique-ID'];
    if (id && e.name === 'CHANNEL_PARK' && e.headers['Call-Direction'] === 'inbound' && e.headers['Caller-Context'] === 'switchboard-inbound') ours.add(id);
  }
  const names = new Map<string, string>();
  const seen = new Map<string, number>();
  const channels = new Map<string, string[]>();
  for (const e of events) {
    const id = e.headers['Unique-ID'];
    if (!id || !ours.has(id)) continue;
    let name = names.get(id);
    if (name === undefined) {
      const base = e.headers['Channel-Name'] ?? '?';
      const n = (seen.get(base) ?? 0) + 1;
      seen.set(base, n);
      name = `${base}#${n}`;
      names.set(id, name);
    }
    const list = channels.get(name) ?? [];
    list.push(eventLabel(e));
    channels.set(name, list);
  }
  for (const list of channels.values()) {
    // A loopback leg's CHANNEL_CREATE, PROGRESS, ANSWER and PARK come from different threads and race:
    // the order among the first of them means nothing, so they are put in the order they happen in.
    let setup = 0;
    while (setup < list.length && SETUP_RANK.has(list[setup]!)) setup++;
    list.splice(0, setup, ...list.slice(0, setup).sort((x, y) => SETUP_RANK.get(x)! - SETUP_RANK.get(y)!));
    // A leg hung up (or a scenario ended) right after its answer may or may not have been parked by
    // its originate's thread yet.
    for (let i = list.length - 1; i > 0; i--) {
      if (list[i] !== 'CHANNEL_PARK' || list[i - 1] !== 'CHANNEL_ANSWER') continue;
      const next = list[i + 1];
      if (next === undefined) list.splice(i, 1);
      else if (next === 'CHANNEL_EXECUTE_COMPLETE(park)' && (list[i + 2] ?? '').startsWith('CHANNEL_HANGUP_COMPLETE')) list.splice(i, 2);
    }
    // A party's dialplan hung up from the other side sometimes reaches its own `hangup` step first.
    for (let i = list.length - 1; i > 0; i--) {
      if (list[i] === 'CHANNEL_EXECUTE_COMPLETE(hangup)' && list[i - 1] === 'CHANNEL_EXECUTE_COMPLETE(sleep)') list.splice(i, 1);
    }
  }
  const numbers = new Map<string, string>();
  const number = (id: string) => {
    if (!numbers.has(id)) numbers.set(id, names.get(id) ?? `#${numbers.size + 1}`);
    return numbers.get(id)!;
  };
  return { commands: commands.map((c) => c.replace(UUID, number)), channels };
}

/** The differences between two digests, one line each (empty: the fake behaved as the real server did). */
export function compareDigests(real: TraceDigest, fake: TraceDigest): string[] {
  const out: string[] = [];
  // The same command twice in a row (a hang-up sent once more by a clean-up that raced the event) counts once.
  const verbs = (commands: string[]) => commands.map((c) => c.split(' ').slice(0, 2).join(' ')).filter((c, i, all) => c !== all[i - 1]);
  const realCommands = verbs(real.commands);
  const fakeCommands = verbs(fake.commands);
  if (realCommands.join('\n') !== fakeCommands.join('\n')) out.push(`commands differ:\n  real: ${realCommands.join(' | ')}\n  fake: ${fakeCommands.join(' | ')}`);
  for (const name of new Set([...real.channels.keys(), ...fake.channels.keys()])) {
    const r = real.channels.get(name) ?? [];
    const f = fake.channels.get(name) ?? [];
    if (r.join(' ') !== f.join(' ')) out.push(`${name}:\n  real: ${r.join(' ')}\n  fake: ${f.join(' ')}`);
  }
  return out;
}
