import { readdirSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * A recorded ARI trace: what crossed between the adapter (and the test
 * harness) and a real Asterisk during one conformance scenario. Written by
 * the recording proxy when SWITCHBOARD_RECORD_TRACES=1, committed under
 * `traces/`, and read by the fake Asterisk and its fidelity test.
 *
 * Format `switchboard-ari-trace/1`, one JSON object per file:
 * - `scenario`: the test's full name; `recordedAt`: ISO time;
 *   `asterisk`: the server's `GET /ari/asterisk/info` `system`/`build` summary.
 * - `entries`, in the order they happened, each with `at` (ms since the
 *   trace began):
 *   - `{ kind: 'rest', from, method, path, query, body?, status, reply?, ms }`:
 *     one REST request (`from`: `adapter` or `harness`, the test's own calls
 *     such as placing an inbound call), its status, the parsed JSON reply
 *     and how long Asterisk took. Credentials are never recorded.
 *   - `{ kind: 'event', event }`: one WebSocket message from Asterisk, exactly
 *     as parsed from the wire.
 *   - `{ kind: 'ws', what: 'open' | 'closed' | 'dropped' | 'refused', detail? }`:
 *     the event socket's life, including the outages the test causes.
 * Ids are the real ones (channel ids the adapter chose, Asterisk's own
 * `<epoch>.<n>` ids, `asterisk_id`); the fake substitutes its own.
 */
export const TRACE_FORMAT = 'switchboard-ari-trace/1';

export type TraceEntry =
  | {
      at: number;
      kind: 'rest';
      from: 'adapter' | 'harness';
      method: string;
      path: string;
      query: Record<string, string>;
      body?: unknown;
      status: number;
      reply?: unknown;
      ms: number;
    }
  | { at: number; kind: 'event'; event: Record<string, unknown> }
  | { at: number; kind: 'ws'; what: 'open' | 'closed' | 'dropped' | 'refused'; detail?: string }
  | { at: number; kind: 'mark'; what: string };

export interface AriTrace {
  format: typeof TRACE_FORMAT;
  scenario: string;
  recordedAt: string;
  asterisk: Record<string, unknown> | undefined;
  entries: TraceEntry[];
}

export const TRACES_DIR = join(dirname(fileURLToPath(import.meta.url)), 'traces');

/** A file name for a scenario: the test's own title (not its suite or target) in kebab case. */
export function traceFileName(scenario: string): string {
  const slug = (scenario.split(' > ').pop() ?? scenario)
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 90);
  return `${slug || 'scenario'}.json`;
}

export async function writeTrace(trace: AriTrace, dir = TRACES_DIR): Promise<string> {
  await mkdir(dir, { recursive: true });
  const file = join(dir, traceFileName(trace.scenario));
  // One entry per line: readable, and a re-recording diffs line by line.
  const { entries, ...head } = trace;
  const top = Object.entries(head).map(([key, value]) => `  ${JSON.stringify(key)}: ${JSON.stringify(value)},`);
  await writeFile(file, ['{', ...top, '  "entries": [', entries.map((e) => `    ${JSON.stringify(e)}`).join(',\n'), '  ]', '}', ''].join('\n'));
  return file;
}

/** Every committed trace. */
export function readTraces(dir = TRACES_DIR): AriTrace[] {
  let names: string[];
  try {
    names = readdirSync(dir).filter((name) => name.endsWith('.json'));
  } catch {
    return [];
  }
  return names.sort().map((name) => {
    const trace = JSON.parse(readFileSync(join(dir, name), 'utf8')) as AriTrace;
    if (trace.format !== TRACE_FORMAT) throw new Error(`${name}: not a ${TRACE_FORMAT} trace`);
    return trace;
  });
}
