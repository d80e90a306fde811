/**
 * DNC screening: load 10M listed numbers into the compliance screen and screen 1M numbers
 * (half of them listed) against it. Baselines in the same run: a `Set<string>` of the same
 * numbers (speed and memory), and one SQL lookup per number on SQLite (the screen's real
 * source), where 100k rows are imported through the real CSV path and 1M rows loaded.
 *
 * The screen, the Set and SQLite each run in a child process of their own (a 900 MiB Set in
 * the same heap slows everything else in it); the screen and the Set run twice, alternating.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { Compliance } from '../src/compliance/compliance.js';
import { DncScreen } from '../src/compliance/dnc-screen.js';
import type { DncListedNumbers } from '../src/compliance/model.js';
import { SystemClock } from '../src/clock/system-clock.js';
import { SeededRandom } from '../src/random/random.js';
import { createStorage } from '../src/storage/storage.js';
import { figure } from './figure.js';

const LISTED = 10_000_000;
const QUERIES = 1_000_000;
const SQLITE_ROWS = 1_000_000;
/** Of those, imported through the real path (CSV → DncLists.import); the rest are bulk-filled for the load figure. */
const IMPORTED_ROWS = 100_000;
const SQL_LOOKUPS = 20_000;
const CHANGES = 100_000;
const PAGE = 50_000;
const SEED = 20_261_122;

type Part = 'screen' | 'set' | 'sqlite';
type Results = Record<string, number>;

// ── Numbers: a pure function of (index, parity), so a query can name a listed number without keeping the list ──

function mix32(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x7feb352d);
  x = Math.imul(x ^ (x >>> 15), 0x846ca68b);
  return (x ^ (x >>> 16)) >>> 0;
}

const pad = (value: number, digits: number) => String(value).padStart(digits, '0');

/**
 * A plausible mobile or geographic number in one of five plans (+1, +33, +44, +49, +86).
 * Listed numbers end in an even digit, unlisted ones in an odd digit: the two never meet.
 */
function phoneNumber(index: number, listed: boolean): string {
  const a = mix32(index ^ SEED);
  const b = mix32(a + index);
  const c = mix32(b ^ 0x9e3779b9);
  const digits = pad(a % 10_000_000, 7) + pad(c % 1_000, 3);
  const last = ((c >>> 10) % 5) * 2 + (listed ? 0 : 1);
  switch (b % 5) {
    case 0:
      return `+1${2 + ((b >>> 3) % 8)}${digits.slice(0, 8)}${last}`;
    case 1:
      return `+33${6 + ((b >>> 3) % 2)}${digits.slice(0, 7)}${last}`;
    case 2:
      return `+447${digits.slice(0, 8)}${last}`;
    case 3:
      return `+4915${digits.slice(0, 7)}${last}`;
    default:
      return `+861${3 + ((b >>> 3) % 7)}${digits.slice(0, 8)}${last}`;
  }
}

/**
 * Pages of numbers as storage hands them to the screen (`DncRepository.streamEnabled`);
 * the time spent making them is added to `spent.ms`, so a load can be timed without it.
 */
async function* pages(count: number, spent: { ms: number } = { ms: 0 }): AsyncIterable<DncListedNumbers[]> {
  for (let start = 0; start < count; start += PAGE) {
    const began = performance.now();
    const numbers: string[] = [];
    for (let i = start; i < Math.min(count, start + PAGE); i++) numbers.push(phoneNumber(i, true));
    spent.ms += performance.now() - began;
    yield [{ customerPackageId: null, numbers }];
  }
}

/** 1M numbers, half of them listed, in a seeded order. */
function queries(listedCount: number): string[] {
  const random = new SeededRandom(SEED);
  return Array.from({ length: QUERIES }, (_, i) => (i % 2 === 0 ? phoneNumber(random.int(0, listedCount - 1), true) : phoneNumber(LISTED + i, false)));
}

// ── Measuring ──

const gc = () => (globalThis as { gc?: () => void }).gc?.();

function retainedBytes(): number {
  gc();
  gc();
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.arrayBuffers;
}

const peakRssMb = () => process.resourceUsage().maxRSS / 1024;

function median(runs: number, fn: () => void): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    gc();
    const start = performance.now();
    fn();
    times.push(performance.now() - start);
  }
  return times.sort((x, y) => x - y)[Math.floor(runs / 2)]!;
}

// ── The parts ──

/**
 * The screen: loads 10M numbers streamed in pages as storage hands them over (a page's
 * strings are garbage once it is in), then screens 1M numbers, in bulk and one by one.
 */
async function screenPart(): Promise<Results> {
  const generating = { ms: 0 };
  const screen = new DncScreen({ defaultCountry: () => Promise.resolve('US'), enabledNumbers: () => pages(LISTED, generating) });
  const before = retainedBytes();
  const rssBefore = peakRssMb();
  const loadMs = await timeAsync(() => screen.ready('t'));
  const bytes = retainedBytes() - before;
  const rssGrowth = peakRssMb() - rssBefore;

  const asked = queries(LISTED);
  const bulk: number[] = [];
  const single: number[] = [];
  let blocked = 0;
  let refused = 0;
  for (let round = 0; round < 5; round++) {
    bulk.push(time(() => (blocked = screen.screenNow('t', null, asked).blocked)));
    single.push(
      time(() => {
        refused = 0;
        for (const number of asked) if (!screen.mayCall('t', null, number)) refused++;
      }),
    );
  }
  if (refused !== blocked) throw new Error(`mayCall refused ${refused}, the screen blocked ${blocked}`);
  const unique = screen.size('t');

  // Changes after the load go straight into the tables: half new numbers, half listed ones removed.
  const changes = Array.from({ length: CHANGES }, (_, i) =>
    i % 2 === 0 ? { customerPackageId: null, number: phoneNumber(LISTED * 2 + i, false), listed: true } : { customerPackageId: null, number: phoneNumber(i, true), listed: false },
  );
  const changeMs = time(() => screen.apply('t', changes));

  return {
    listed_unique: unique,
    generate_10m_ms: generating.ms,
    load_10m_ms: loadMs,
    retained_mb: bytes / 2 ** 20,
    table_mb: screen.byteLength / 2 ** 20,
    rss_peak_growth_mb: rssGrowth,
    screen_1m_ms: medianOf(bulk),
    may_call_1m_ms: medianOf(single),
    blocked_of_1m: blocked,
    changes_per_s: CHANGES / (changeMs / 1000),
  };
}

/** The baseline: a Set<string> of the same numbers, loaded and asked the same way, in a process of its own. */
async function setPart(): Promise<Results> {
  const generating = { ms: 0 };
  const before = retainedBytes();
  const rssBefore = peakRssMb();
  const set = new Set<string>();
  const loadMs = await timeAsync(async () => {
    for await (const page of pages(LISTED, generating)) for (const number of page[0]!.numbers) set.add(number);
  });
  const bytes = retainedBytes() - before;
  const rssGrowth = peakRssMb() - rssBefore;
  const asked = queries(LISTED);
  const rounds: number[] = [];
  let blocked = 0;
  for (let round = 0; round < 5; round++) {
    rounds.push(
      time(() => {
        blocked = 0;
        for (const number of asked) if (set.has(number)) blocked++;
      }),
    );
  }
  return { listed_unique: set.size, generate_10m_ms: generating.ms, load_10m_ms: loadMs, retained_mb: bytes / 2 ** 20, rss_peak_growth_mb: rssGrowth, screen_1m_ms: medianOf(rounds), blocked_of_1m: blocked };
}

async function timeAsync(fn: () => Promise<unknown>): Promise<number> {
  gc();
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

function time(fn: () => unknown): number {
  gc();
  const start = performance.now();
  fn();
  return performance.now() - start;
}

const medianOf = (values: number[]) => [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)]!;

/**
 * Fills rows [from, to) the fast way so the load can be timed on 1M rows: one transaction of
 * prepared inserts with the secondary indexes dropped, then the same indexes built again
 * from their own stored definitions (SQLite builds an index from sorted keys far faster than
 * it inserts into one at random).
 */
function bulkFill(filename: string, tenantId: string, from: number, to: number): void {
  const db = new Database(filename);
  const indexes = db.prepare("select name, sql from sqlite_master where type = 'index' and tbl_name = 'dnc_entries' and sql is not null").all() as Array<{ name: string; sql: string }>;
  for (const index of indexes) db.exec(`drop index ${index.name}`);
  const insert = db.prepare(
    "insert into dnc_entries (id, tenant_id, package_key, number, reason, status, source, created_by, created_at, updated_at) values (?, ?, '', ?, 'bench', 'enabled', 'tenant', 'bench', ?, ?)",
  );
  const now = Date.now();
  // The generator repeats a number now and then; the unique index (built afterwards) must find none.
  const seen = new Set<string>();
  for (let i = 0; i < from; i++) seen.add(phoneNumber(i, true));
  db.transaction(() => {
    for (let i = from; i < to; i++) {
      const number = phoneNumber(i, true);
      if (seen.has(number)) continue;
      seen.add(number);
      insert.run(`bench-${i}`, tenantId, number, now, now);
    }
  })();
  for (const index of indexes) db.exec(index.sql);
  db.close();
}

async function sqlitePart(): Promise<Results> {
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-dnc-bench-'));
  try {
    const filename = join(dir, 'dnc.db');
    const storage = await createStorage({ client: 'sqlite', filename }, { clock: new SystemClock() });
    await storage.migrate();
    const tenant = await storage.tenants.create({ slug: 'bench', name: 'Bench', defaultCountry: 'US' });
    const compliance = new Compliance({ storage });

    // The real import path: CSV text streamed through DncLists (parse, normalise, chunked inserts).
    async function* csv(): AsyncIterable<string> {
      for (let start = 0; start < IMPORTED_ROWS; start += PAGE) {
        let text = '';
        for (let i = start; i < Math.min(IMPORTED_ROWS, start + PAGE); i++) text += `${phoneNumber(i, true)},bench\n`;
        yield text;
      }
    }
    const importStart = performance.now();
    const imported = await compliance.dnc.import(tenant.id, csv(), { by: 'bench' });
    const importMs = performance.now() - importStart;
    if (imported.errorCount > 0) throw new Error(`import errors: ${JSON.stringify(imported.errors.slice(0, 3))}`);
    await storage.close();
    bulkFill(filename, tenant.id, IMPORTED_ROWS, SQLITE_ROWS);
    const reopened = await createStorage({ client: 'sqlite', filename }, { clock: new SystemClock() });

    const fresh = new Compliance({ storage: reopened });
    const loadStart = performance.now();
    await fresh.screen.ready(tenant.id);
    const loadMs = performance.now() - loadStart;

    const all = queries(SQLITE_ROWS);
    const screenMs = median(3, () => fresh.screen.screenNow(tenant.id, null, all));
    const asked = all.slice(0, SQL_LOOKUPS);
    const screened = fresh.screen.screenNow(tenant.id, null, asked).blocked;
    // Baseline 1: the repository's lookup (knex), one per number.
    let found = 0;
    const knexStart = performance.now();
    for (const number of asked) if ((await reopened.dnc.findByNumber(tenant.id, null, number))?.status === 'enabled') found++;
    const knexMs = performance.now() - knexStart;
    const rows = await reopened.dnc.count(tenant.id);
    await reopened.close();
    // Baseline 2: the raw driver, one prepared statement, one indexed lookup per number.
    const db = new Database(filename, { readonly: true });
    const statement = db.prepare("select 1 from dnc_entries where tenant_id = ? and package_key = '' and number = ? and status = 'enabled'").pluck();
    let rawFound = 0;
    const rawMs = median(3, () => {
      rawFound = 0;
      for (const number of asked) if (statement.get(tenant.id, number) !== undefined) rawFound++;
    });
    db.close();
    if (found !== screened || rawFound !== screened) throw new Error(`SQL found ${found} / ${rawFound}, the screen ${screened}`);
    return {
      rows,
      imported: imported.imported,
      import_ms: importMs,
      load_1m_ms: loadMs,
      screen_per_number_ns: (screenMs / QUERIES) * 1e6,
      knex_lookup_per_number_ns: (knexMs / SQL_LOOKUPS) * 1e6,
      raw_lookup_per_number_ns: (rawMs / SQL_LOOKUPS) * 1e6,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// ── The parent: runs each part in its own process and prints the figures ──

const part = process.argv[2] as Part | undefined;
if (part !== undefined) {
  const run = { screen: screenPart, set: setPart, sqlite: sqlitePart }[part];
  process.stdout.write(`${JSON.stringify(await run())}\n`);
} else {
  const self = fileURLToPath(import.meta.url);
  const runPart = (name: Part): Results => {
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--expose-gc', '--max-old-space-size=6144', self, name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 20 });
    if (child.status !== 0) throw new Error(`dnc bench part ${name} failed (${child.status})`);
    return JSON.parse(child.stdout.trim().split('\n').at(-1)!) as Results;
  };
  // The machine may be shared: each of the screen and the Set runs twice, alternating, and keeps its better run.
  const better = (a: Results, b: Results): Results => ((a.screen_1m_ms ?? 0) + (a.load_10m_ms ?? 0) <= (b.screen_1m_ms ?? 0) + (b.load_10m_ms ?? 0) ? a : b);
  const screenRuns = [runPart('screen')];
  const setRuns = [runPart('set')];
  screenRuns.push(runPart('screen'));
  setRuns.push(runPart('set'));
  const screen = better(screenRuns[0]!, screenRuns[1]!);
  const set = better(setRuns[0]!, setRuns[1]!);
  if (screen.blocked_of_1m !== set.blocked_of_1m || screen.listed_unique !== set.listed_unique) {
    throw new Error(`the screen blocked ${screen.blocked_of_1m} of ${screen.listed_unique}, the Set ${set.blocked_of_1m} of ${set.listed_unique}`);
  }
  const sqlite = runPart('sqlite');

  const f = (name: string, value: number, unit: string) => figure('dnc', name, value, unit);
  const net = (r: Results) => r.load_10m_ms! - r.generate_10m_ms!;
  f('listed_numbers_unique', screen.listed_unique!, 'count');
  f('load_10m_ms', screen.load_10m_ms!, 'ms');
  f('load_10m_without_generating_ms', net(screen), 'ms');
  f('screen_retained_mb', screen.retained_mb!, 'MiB');
  f('screen_table_mb', screen.table_mb!, 'MiB');
  f('screen_load_peak_rss_growth_mb', screen.rss_peak_growth_mb!, 'MiB');
  f('screen_1m_ms', screen.screen_1m_ms!, 'ms');
  f('screen_numbers_per_s', QUERIES / (screen.screen_1m_ms! / 1000), '1/s');
  f('may_call_1m_ms', screen.may_call_1m_ms!, 'ms');
  f('blocked_of_1m', screen.blocked_of_1m!, 'count');
  f('changes_after_load_per_s', screen.changes_per_s!, '1/s');
  f('baseline_set_load_10m_ms', set.load_10m_ms!, 'ms');
  f('baseline_set_load_10m_without_generating_ms', net(set), 'ms');
  f('baseline_set_retained_mb', set.retained_mb!, 'MiB');
  f('baseline_set_load_peak_rss_growth_mb', set.rss_peak_growth_mb!, 'MiB');
  f('baseline_set_screen_1m_ms', set.screen_1m_ms!, 'ms');
  f('screen_vs_set_speed', set.screen_1m_ms! / screen.screen_1m_ms!, 'x');
  f('screen_vs_set_memory', set.retained_mb! / screen.retained_mb!, 'x');
  f('screen_vs_set_load', set.load_10m_ms! / screen.load_10m_ms!, 'x');
  f('screen_vs_set_load_without_generating', net(set) / net(screen), 'x');
  f('sqlite_rows', sqlite.rows!, 'count');
  f('sqlite_import_100k_ms', sqlite.import_ms!, 'ms');
  f('sqlite_import_lines_per_s', IMPORTED_ROWS / (sqlite.import_ms! / 1000), '1/s');
  f('sqlite_load_1m_ms', sqlite.load_1m_ms!, 'ms');
  f('sqlite_screen_per_number_ns', sqlite.screen_per_number_ns!, 'ns');
  f('baseline_knex_lookup_per_number_ns', sqlite.knex_lookup_per_number_ns!, 'ns');
  f('baseline_raw_sqlite_lookup_per_number_ns', sqlite.raw_lookup_per_number_ns!, 'ns');
  f('screen_vs_knex_lookup', sqlite.knex_lookup_per_number_ns! / sqlite.screen_per_number_ns!, 'x');
  f('screen_vs_raw_sqlite_lookup', sqlite.raw_lookup_per_number_ns! / sqlite.screen_per_number_ns!, 'x');
}
