/**
 * Customer import (manual §3.2): a generated CSV — name, phone, e-mail and three custom
 * fields (text, number, date) — with 5% of rows repeating an earlier row's number, 2% of
 * numbers on the do-not-call list (the import skips them, `dnc: 'skip'`) and 1% malformed
 * rows (a bad number, a bad amount, an impossible date, a quote left open, extra cells),
 * imported as a background job into SQLite (a file, WAL) through the whole path: streaming
 * decode, CSV parsing, mapping, validation, duplicate detection, batched transactions,
 * the error rows, progress events. 100k rows and 1M rows, each in a child process of its
 * own so its peak RSS is its own; RSS is sampled every 25 ms.
 *
 * Baseline in the same run: the rows the import created (customers and their numbers),
 * inserted into the same schema with raw better-sqlite3 prepared statements in one
 * transaction — the database's own cost, with no parsing or checking at all.
 *
 * SWITCHBOARD_BENCH_IMPORT_SIZES=100000 runs one size only.
 */
import { spawnSync } from 'node:child_process';
import { createReadStream, createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { CsvReader } from '../src/crm/import/csv-reader.js';
import { decodeText } from '../src/crm/import/text-decoding.js';
import { NUMBER_INDEX_BYTES_PER_ROW } from '../src/crm/import/customer-import.js';
import { createSwitchboard } from '../src/switchboard.js';
import { createStorage } from '../src/storage/storage.js';
import { SystemClock } from '../src/clock/system-clock.js';
import { figure } from './figure.js';

const AREAS = ['212', '213', '312', '415', '469', '503', '617', '702', '808', '917'];
const DUPLICATES = 0.05;
const DNC = 0.02;
const MALFORMED = 0.01;

interface Results {
  rows: number;
  wallMs: number;
  peakRssMb: number;
  startRssMb: number;
  rssAtQuarterMb: number[];
  created: number;
  updated: number;
  failed: number;
  dncSkipped: number;
  rawMs: number;
  cpuMs: number;
  rawCpuMs: number;
}

function mix32(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x7feb352d);
  x = Math.imul(x ^ (x >>> 15), 0x846ca68b);
  return (x ^ (x >>> 16)) >>> 0;
}

/**
 * A unique US number for index i: one of ten area codes, an exchange spread by a hash (as in
 * real lists) whose last digit is the block of 100k, and a line — so (area, line, block)
 * and therefore i make it unique. Written in one of four usual ways.
 */
function number(i: number): { national: string; e164: string } {
  const areaIndex = i % AREAS.length;
  const line = Math.floor(i / AREAS.length) % 10_000;
  const block = Math.floor(i / (AREAS.length * 10_000));
  const area = AREAS[areaIndex]!;
  const ex = String(200 + (mix32(areaIndex * 10_007 + line) % 80) * 10 + (block % 10));
  const digits = String(line).padStart(4, '0');
  const formats = [`(${area}) ${ex}-${digits}`, `${area}-${ex}-${digits}`, `${area}${ex}${digits}`, `+1 ${area} ${ex} ${digits}`];
  return { national: formats[mix32(i) % formats.length]!, e164: `+1${area}${ex}${digits}` };
}

type Kind = 'ok' | 'duplicate' | 'dnc' | 'malformed';
const kindOf = (i: number): Kind => {
  const r = (mix32(i ^ 0x5bd1e995) % 10_000) / 10_000;
  if (i > 100 && r < DUPLICATES) return 'duplicate';
  if (r < DUPLICATES + DNC) return 'dnc';
  if (r < DUPLICATES + DNC + MALFORMED) return 'malformed';
  return 'ok';
};

async function writeCsv(path: string, rows: number): Promise<void> {
  const out = createWriteStream(path);
  let buffer = 'Name,Phone,E-mail,Company,Budget,Signup date\r\n';
  for (let i = 0; i < rows; i++) {
    const kind = kindOf(i);
    const n = number(kind === 'duplicate' ? mix32(i) % i : i).national;
    const date = `2026-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}`;
    let line = `Customer ${i},${n.includes(' ') ? `"${n}"` : n},c${i}@example.com,"Company ${i % 1000}, Inc.",${i % 100_000},${date}`;
    if (kind === 'malformed') {
      const broken = [`Customer ${i},n/a,c${i}@example.com,X,1,${date}`, `Customer ${i},${number(i).e164},c${i}@example.com,X,lots,${date}`, `Customer ${i},${number(i).e164},c${i}@example.com,X,1,2026-13-45`, `Customer ${i},"${number(i).e164},c${i}@example.com,X,1,${date}`, `${line},extra,cells`];
      line = broken[i % broken.length]!;
    }
    buffer += `${line}\r\n`;
    if (buffer.length > 1 << 20) {
      if (!out.write(buffer)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
      buffer = '';
    }
  }
  out.end(buffer);
  await new Promise<void>((resolve) => out.once('finish', () => resolve()));
}

/** One size, in this (child) process. */
async function runSize(rows: number, dir: string): Promise<Results> {
  const csv = join(dir, `customers-${rows}.csv`);
  await writeCsv(csv, rows);
  // The numbers the do-not-call list holds: every `dnc` row's.
  const dncNumbers: string[] = [];
  for (let i = 0; i < rows; i++) if (kindOf(i) === 'dnc') dncNumbers.push(number(i).e164);

  const db = join(dir, `import-${rows}.db`);
  const sb = await createSwitchboard({ storage: db, clock: 'system' });
  const tenant = await sb.storage.tenants.create({ slug: 'bench', name: 'Bench', defaultCountry: 'US' });
  const pkg = await sb.storage.customerPackages.create(tenant.id, { displayName: 'Leads', key: 'LEADS' });
  await sb.storage.customFields.create(tenant.id, { packageId: pkg.id, name: 'company', displayName: 'Company', type: 'input' });
  await sb.storage.customFields.create(tenant.id, { packageId: pkg.id, name: 'budget', displayName: 'Budget', type: 'number' });
  await sb.storage.customFields.create(tenant.id, { packageId: pkg.id, name: 'signup_date', displayName: 'Signup date', type: 'date' });
  await sb.storage.dnc.import(tenant.id, dncNumbers.map((n, line) => ({ line, number: n, reason: 'bench' })), { customerPackageId: pkg.id, by: 'bench' });
  dncNumbers.length = 0;

  (globalThis as { gc?: () => void }).gc?.();
  const startRss = process.memoryUsage().rss;
  let peak = startRss;
  const quarters: number[] = [];
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 25);
  sb.jobs.events.on('job.progress', (job) => {
    const rss = process.memoryUsage().rss;
    peak = Math.max(peak, rss);
    if (job.total && quarters.length < 4 && job.processed >= ((quarters.length + 1) / 4) * job.total * 0.999) quarters.push(rss / 2 ** 20);
  });
  const cpu0 = process.cpuUsage();
  const start = performance.now();
  const job = await sb.crm.imports.start(tenant.id, { source: { path: csv }, packageId: pkg.id, dnc: 'skip' }, { fileName: 'customers.csv' });
  await sb.jobs.idle();
  const wallMs = performance.now() - start;
  const cpu = process.cpuUsage(cpu0);
  clearInterval(sampler);
  const done = await sb.storage.jobs.get(tenant.id, job.id);
  if (done.status !== 'done') throw new Error(`the import ended ${done.status}: ${done.error}`);
  const result = done.result as { created: number; updated: number; failed: number };
  // Every record of the file is accounted for: read it again with the reader alone and compare.
  const reader = new CsvReader('auto');
  let records = -1; // the header
  for await (const text of decodeText(createReadStream(csv), 'auto')) records += reader.push(text).length;
  records += reader.end().length;
  const outcome = done.result as { created: number; updated: number; failed: number; duplicates: number };
  if (done.processed !== records || outcome.created + outcome.duplicates + outcome.failed !== records) throw new Error(`rows unaccounted for: ${records} records, ${JSON.stringify(done.result)}`);
  let dncSkipped = 0;
  for await (const error of sb.storage.jobs.streamErrors(tenant.id, job.id)) if (error.reason.includes('must not be called')) dncSkipped++;

  // The baseline: the same customers and numbers, raw prepared statements, one transaction.
  await sb.close();
  const source = new Database(db, { readonly: true });
  const columnsOf = (table: string) => (source.prepare(`select * from ${table} limit 1`).columns() as Array<{ name: string }>).map((c) => c.name);
  const customerColumns = columnsOf('customers');
  const phoneColumns = columnsOf('customer_phones');
  // Read as plain arrays, not objects: a million rows must fit in memory before the clock starts.
  const customerValues = [...source.prepare(`select ${customerColumns.join(',')} from customers where tenant_id = ?`).raw().iterate(tenant.id)] as unknown[][];
  const phoneValues = [...source.prepare(`select ${phoneColumns.join(',')} from customer_phones where tenant_id = ?`).raw().iterate(tenant.id)] as unknown[][];
  source.close();
  const rawPath = join(dir, `raw-${rows}.db`);
  const fresh = await createStorage({ client: 'sqlite', filename: rawPath }, { clock: new SystemClock() });
  await fresh.migrate();
  await fresh.tenants.create({ slug: 'bench', name: 'Bench' }).then((t) => fresh.knex('tenants').where('id', t.id).update({ id: tenant.id }));
  await fresh.close();
  const raw = new Database(rawPath);
  raw.pragma('journal_mode = WAL');
  raw.pragma('synchronous = NORMAL');
  raw.pragma('foreign_keys = ON');
  // The page cache the import had (decision 52): the same database tuning on both sides.
  raw.pragma(`cache_size = -${Math.max(16_000, Math.min(64 * 1024, Math.floor((records * NUMBER_INDEX_BYTES_PER_ROW) / 1024)))}`);
  const insertCustomer = raw.prepare(`insert into customers (${customerColumns.join(',')}) values (${customerColumns.map(() => '?').join(',')})`);
  const insertPhone = raw.prepare(`insert into customer_phones (${phoneColumns.join(',')}) values (${phoneColumns.map(() => '?').join(',')})`);
  const rc0 = process.cpuUsage();
  const rawStart = performance.now();
  raw.transaction(() => {
    for (const values of customerValues) insertCustomer.run(values);
    for (const values of phoneValues) insertPhone.run(values);
  })();
  const rawMs = performance.now() - rawStart;
  const rawCpu = process.cpuUsage(rc0);
  raw.close();
  return {
    rows,
    wallMs,
    peakRssMb: peak / 2 ** 20,
    startRssMb: startRss / 2 ** 20,
    rssAtQuarterMb: quarters,
    created: result.created,
    updated: result.updated,
    failed: result.failed,
    dncSkipped,
    rawMs,
    cpuMs: (cpu.user + cpu.system) / 1000,
    rawCpuMs: (rawCpu.user + rawCpu.system) / 1000,
  };
}

const child = process.argv.indexOf('--size');
if (child !== -1) {
  const rows = Number(process.argv[child + 1]);
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-import-bench-'));
  try {
    process.stdout.write(`${JSON.stringify(await runSize(rows, dir))}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
} else {
  const sizes = (process.env.SWITCHBOARD_BENCH_IMPORT_SIZES ?? '100000,1000000').split(',').map(Number);
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  for (const rows of sizes) {
    const label = rows >= 1_000_000 ? `${rows / 1_000_000}m` : `${rows / 1000}k`;
    // The machine is shared: smaller sizes run three times (each import with its baseline right after it) and report medians.
    const runs = Number(process.env.SWITCHBOARD_BENCH_IMPORT_RUNS ?? (rows >= 1_000_000 ? 1 : 3));
    const results: Results[] = [];
    for (let run = 0; run < runs; run++) {
      const child = spawnSync(process.execPath, ['--import', 'tsx', '--expose-gc', fileURLToPath(import.meta.url), '--size', String(rows)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 20 });
      if (child.status !== 0) throw new Error(`the ${label} run failed (exit ${child.status})`);
      results.push(JSON.parse(child.stdout.trim().split('\n').at(-1)!) as Results);
    }
    const r = results[0]!;
    const m = (pick: (r: Results) => number) => median(results.map(pick));
    figure('import', `import_${label}_wall_ms`, Math.round(m((x) => x.wallMs)), 'ms');
    figure('import', `import_${label}_cpu_ms`, Math.round(m((x) => x.cpuMs)), 'ms');
    figure('import', `import_${label}_rows_per_s`, Math.round(rows / (m((x) => x.wallMs) / 1000)), '1/s');
    figure('import', `import_${label}_peak_rss_mb`, Math.round(Math.max(...results.map((x) => x.peakRssMb))), 'MB');
    figure('import', `import_${label}_rss_before_mb`, Math.round(m((x) => x.startRssMb)), 'MB');
    if (r.rssAtQuarterMb.length === 4) {
      r.rssAtQuarterMb.forEach((rss, i) => figure('import', `import_${label}_rss_at_${(i + 1) * 25}pct_mb`, Math.round(rss), 'MB'));
      figure('import', `import_${label}_rss_growth_25_to_100_pct_mb`, Math.round(r.rssAtQuarterMb[3]! - r.rssAtQuarterMb[0]!), 'MB');
    }
    figure('import', `import_${label}_created`, r.created, 'rows');
    figure('import', `import_${label}_updated_duplicates`, r.updated, 'rows');
    figure('import', `import_${label}_failed`, r.failed, 'rows');
    figure('import', `import_${label}_dnc_skipped`, r.dncSkipped, 'rows');
    figure('import', `raw_insert_${label}_wall_ms`, Math.round(m((x) => x.rawMs)), 'ms');
    figure('import', `raw_insert_${label}_cpu_ms`, Math.round(m((x) => x.rawCpuMs)), 'ms');
    figure('import', `import_vs_raw_insert_${label}`, m((x) => x.wallMs / x.rawMs), 'x');
    figure('import', `import_vs_raw_insert_cpu_${label}`, m((x) => x.cpuMs / x.rawCpuMs), 'x');
  }
  console.error(`# load average: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
}
