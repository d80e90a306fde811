import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EslCommandReader, EslFrameReader, isEslIssue, type EslCommand, type EslFrame } from '../../esl/esl-frame.js';
import { interpretFrame, type EslEvent } from '../../esl/esl-message.js';
import { parseTrace, type Trace } from '../trace-file.js';

/**
 * Which channel of a test call an event was about, so the fake can take the
 * shape of an event about the same kind of channel:
 * - `a`: the leg the adapter originated (loopback `-a`, outbound);
 * - `b`: its far end running the party's dialplan (`-b`, inbound);
 * - `caller-a` / `inbound-b`: the two halves of a test inbound call (the
 *   caller waiting in `switchboard-caller`, and the parked inbound call).
 */
export type ChannelRole = 'a' | 'b' | 'caller-a' | 'inbound-b';

export function roleOf(headers: Record<string, string>): ChannelRole | undefined {
  const name = headers['Channel-Name'] ?? '';
  const context = headers['Caller-Context'] ?? '';
  const inboundCall = context === 'switchboard-inbound' || context === 'switchboard-caller';
  if (name.endsWith('-a')) return inboundCall ? 'caller-a' : 'a';
  if (name.endsWith('-b')) return inboundCall ? 'inbound-b' : 'b';
  return undefined;
}

/** Ids in a recorded value are replaced by these marks when learnt and by the fake's own ids when rendered. */
const MARK = { self: '\u0001self\u0001', peer: '\u0001peer\u0001', other: '\u0001other\u0001', core: '\u0001core\u0001' } as const;
export type IdRoles = Record<keyof typeof MARK, string | undefined>;

function markIds(value: string, ids: IdRoles): string {
  let out = value;
  for (const key of Object.keys(MARK) as Array<keyof typeof MARK>) {
    const id = ids[key];
    if (id) out = out.split(id).join(MARK[key]);
  }
  return out;
}

function fillIds(value: string, ids: IdRoles): string {
  let out = value;
  for (const key of Object.keys(MARK) as Array<keyof typeof MARK>) out = out.split(MARK[key]).join(ids[key] ?? '');
  return out;
}

/** Inserts the names of `sequence` into `order`, each after its predecessor in `sequence`. */
function mergeOrder(order: string[], sequence: string[]): void {
  let after = -1;
  for (const name of sequence) {
    const at = order.indexOf(name);
    if (at >= 0) {
      after = Math.max(after, at);
      continue;
    }
    order.splice(after + 1, 0, name);
    after++;
  }
}

interface Kind {
  count: number;
  headers: Map<string, Map<string, number>>;
}

const mostCommon = (values: Map<string, number>): string => [...values.entries()].sort((x, y) => y[1] - x[1])[0]![0];

/**
 * What the recorded traces say FreeSWITCH's events look like: for each event
 * name the order of its headers; for each kind of event (event, channel
 * role, application) the headers it always carries and their usual values
 * (states, codecs, host names, calling function…); and the channel variables
 * it carries, in order. The fake renders its events through this, so they
 * have the real header names, order and value shapes.
 */
export class EventShapes {
  private readonly order = new Map<string, string[]>();
  private readonly kinds = new Map<string, Kind>();
  private readonly variables = new Map<string, Array<[string, string]>>();
  /** How often each variable-name list was seen, per kind: the most usual one is the shape. */
  private readonly variableCounts = new Map<string, Map<string, number>>();
  /** Variables that were set by an originate's `{…}` in the recordings: scenario data, not shape. */
  readonly requestVariables = new Set<string>();
  /** The trace files learnt from. */
  readonly sources: string[] = [];

  static fromTraces(traces: Trace[]): EventShapes {
    const shapes = new EventShapes();
    for (const trace of traces) shapes.learn(trace);
    return shapes;
  }

  /** Learns from every `*.esl` trace in a directory. */
  static load(dir: string): EventShapes {
    const files = readdirSync(dir)
      .filter((f) => f.endsWith('.esl'))
      .sort();
    if (files.length === 0) throw new Error(`No recorded traces (*.esl) in ${dir}`);
    const shapes = EventShapes.fromTraces(files.map((f) => parseTrace(readFileSync(join(dir, f), 'utf8'))));
    shapes.sources.push(...files);
    return shapes;
  }

  private learn(trace: Trace): void {
    for (const record of trace.records) {
      if (record.direction === 'out') {
        const [command] = new EslCommandReader().push(record.data) as EslCommand[];
        const m = command && !isEslIssue(command) ? /^bgapi originate \{([^}]*)\}/.exec(command.line) : null;
        if (m) for (const pair of m[1]!.split(',')) this.requestVariables.add(pair.split('=')[0]!);
        continue;
      }
      if (record.direction !== 'in') continue;
      const [frame] = new EslFrameReader().push(record.data) as EslFrame[];
      if (!frame || isEslIssue(frame)) continue;
      const message = interpretFrame(frame);
      if ('issue' in message || message.type !== 'event') continue;
      this.learnEvent(message.event);
    }
  }

  private learnEvent(event: EslEvent): void {
    // Decoded headers keep FreeSWITCH's order (JSON.parse keeps key order).
    const headers = Object.entries(event.headers);
    const h = event.headers;
    const role = roleOf(h);
    const app = h['Application'];
    const order = this.order.get(event.name) ?? [];
    mergeOrder(
      order,
      headers.filter(([name]) => !name.startsWith('variable_')).map(([name]) => name),
    );
    this.order.set(event.name, order);
    for (const key of this.keys(event.name, role, app)) {
      const kind = this.kinds.get(key) ?? { count: 0, headers: new Map() };
      kind.count++;
      for (const [name, value] of headers) {
        if (name.startsWith('variable_')) continue;
        const values = kind.headers.get(name) ?? new Map<string, number>();
        values.set(value, (values.get(value) ?? 0) + 1);
        kind.headers.set(name, values);
      }
      this.kinds.set(key, kind);
    }
    const ids: IdRoles = { self: h['Unique-ID'], peer: h['variable_other_loopback_leg_uuid'], other: h['Other-Leg-Unique-ID'], core: h['Core-UUID'] };
    const vars = headers.filter(([name]) => name.startsWith('variable_')).map(([name, value]): [string, string] => [name.slice(9), markIds(value, ids)]);
    if (vars.length === 0) return;
    // Keep the most usual list of variables of each kind (its first recording, with its values).
    const signature = vars.map(([name]) => name).join(',');
    for (const key of this.keys(event.name, role, app)) {
      const counts = this.variableCounts.get(key) ?? new Map<string, number>();
      counts.set(signature, (counts.get(signature) ?? 0) + 1);
      this.variableCounts.set(key, counts);
      const best = mostCommon(counts);
      const current = this.variables.get(key);
      if (!current || (best === signature && current.map(([name]) => name).join(',') !== signature)) this.variables.set(key, vars);
    }
  }

  private keys(eventName: string, role: ChannelRole | undefined, application: string | undefined): string[] {
    return [`${eventName}/${role ?? '*'}/${application ?? ''}`, `${eventName}/${role ?? '*'}`, eventName];
  }

  knows(eventName: string): boolean {
    return this.order.has(eventName);
  }

  /** The merged header order of an event (variables excluded). */
  headerOrder(eventName: string): string[] {
    return this.order.get(eventName) ?? [];
  }

  /**
   * The headers every recording of this kind of event carried, with their
   * usual value: the most specific recordings first (event + role +
   * application, then event + role, then the event alone).
   */
  alwaysPresent(eventName: string, role: ChannelRole | undefined, application: string | undefined): Map<string, string> {
    for (const key of this.keys(eventName, role, application)) {
      const kind = this.kinds.get(key);
      if (!kind) continue;
      const out = new Map<string, string>();
      for (const [name, values] of kind.headers) {
        const total = [...values.values()].reduce((a, b) => a + b, 0);
        if (total >= kind.count) out.set(name, mostCommon(values));
      }
      return out;
    }
    return new Map();
  }

  /** The usual value of a header in this kind of event, present always or not. */
  usual(eventName: string, role: ChannelRole | undefined, application: string | undefined, header: string): string | undefined {
    for (const key of this.keys(eventName, role, application)) {
      const values = this.kinds.get(key)?.headers.get(header);
      if (values) return mostCommon(values);
    }
    return undefined;
  }

  /** The recorded channel variables of this kind of event, in order, ids filled in. */
  variablesFor(eventName: string, role: ChannelRole, application: string | undefined, ids: IdRoles): Array<[string, string]> | undefined {
    for (const key of this.keys(eventName, role, application)) {
      const vars = this.variables.get(key);
      if (vars) return vars.map(([name, value]) => [name, fillIds(value, ids)]);
    }
    return undefined;
  }
}
