import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { access, rm } from 'node:fs/promises';
import { DateTime } from 'luxon';
import type { Knex } from 'knex';
import { z } from 'zod';
import { AGENT_NUMBER_PATTERN } from '../../acd/model.js';
import type { Clock } from '../../clock/clock.js';
import type { HighlightedCustomers } from '../../compliance/highlighted-customers.js';
import type { DncScreen } from '../../compliance/dnc-screen.js';
import { ConflictError, ValidationError } from '../../errors/errors.js';
import { parseOrThrow } from '../../errors/zod.js';
import type { JobContext, JobHandler, JobRunner } from '../../jobs/job-runner.js';
import type { Job, JobError } from '../../jobs/model.js';
import { silentLogger, type Logger } from '../../logging/logger.js';
import { BloomFilter } from '../../collections/bloom-filter.js';
import { relaxCheckpoints } from '../../storage/bulk-statements.js';
import { orderedId } from '../../storage/ordered-id.js';
import type { RepositoryContext } from '../../storage/repository.js';
import { LabelRepository } from '../../storage/repositories/crm-labels.js';
import { CustomFieldRepository } from '../../storage/repositories/custom-fields.js';
import type { Storage } from '../../storage/storage.js';
import { rejectUnknownAttachmentRows } from '../attachments.js';
import { colorSchema } from '../catalog.js';
import { customDefaults } from '../custom-values.js';
import { packageUniqueFields } from '../customers.js';
import { columnChoiceSchema, mapColumns, normalizeHeader, standardTargetOf, type ColumnMapping } from './column-mapping.js';
import { CsvReader, countCsvRecords, type CsvRecord } from './csv-reader.js';
import { readCustomerRow, rowSchema, type CustomerRow, type ImportDictionary, type RowRules } from './customer-rows.js';
import { writeBatch, type BatchOutcome, type BatchSettings } from './import-batch.js';
import { NumberMemo } from '../../routing/number-memo.js';
import { decodeText, importEncodings, type DetectedEncoding } from './text-decoding.js';

/** The kind of the background job that imports customers. */
export const CUSTOMER_IMPORT_JOB = 'customer-import';

/** What a row adds to the number index (number, scope, row id, SQLite's cell and page overhead): the page cache the import asks for. */
export const NUMBER_INDEX_BYTES_PER_ROW = 48;
/** Numbers a row gives, about (most one, some two): what the filter of written numbers is sized for. More only raise its false "perhaps" rate. */
const EXPECTED_NUMBERS_PER_ROW = 1.25;

/** Custom field types an import can create from a column (the others need options to be set up first). */
const creatableTypes = ['input', 'textarea', 'phone', 'email', 'date', 'link', 'address', 'number'] as const;

/** What an import does (manual §3.2 "Batch data import"); every option of the manual's import page. */
export const customerImportOptionsSchema = z.object({
  /** The file to read. `deleteWhenFinished`: the file is the job's own (an upload) and goes when the job ends. */
  source: z.object({ path: z.string().min(1), deleteWhenFinished: z.boolean().default(false) }),
  /** The customer package (null: the tenant's default one). */
  packageId: z.string().min(1).nullable().default(null),
  encoding: z.enum(['auto', ...importEncodings]).default('auto'),
  delimiter: z.enum(['auto', ',', ';', '\t']).default('auto'),
  /** False: the first row is data too (§3.2 "Import the first row"); then columns are chosen by position. */
  firstRowIsHeader: z.boolean().default(true),
  /** Columns chosen by hand; with a header, the others are matched by name unless `automaticMapping` is false. */
  mapping: z
    .array(columnChoiceSchema.extend({ newField: columnChoiceSchema.shape.newField.unwrap().extend({ type: z.enum(creatableTypes).default('input') }).optional() }))
    .max(500)
    .default([]),
  automaticMapping: z.boolean().default(true),
  /** §3.2 "Select data source": an existing one, or a new one (default: named after the file and the time, in the next colour). */
  dataSource: z.object({ id: z.string().min(1).optional(), name: z.string().trim().min(1).max(100).optional(), color: colorSchema.optional() }).default({}),
  /** §3.2 "Match dictionary", §3.3.9: dictionaries filling what rows leave empty, in this order. */
  dictionaryIds: z.array(z.string().min(1)).max(10).default([]),
  /** §3.2 "Select customer tag": tags every imported customer gets. */
  tagIds: z.array(z.string().min(1)).max(100).default([]),
  /** §3.2 "Assign data": the agent the customers are allocated to. */
  agentNumber: z.string().regex(AGENT_NUMBER_PATTERN).nullable().default(null),
  taskId: z.string().min(1).max(64).nullable().default(null),
  /** §3.2 "When data is repeated": update the customer who has the number, or list that customer for pre-dial. */
  onDuplicate: z.enum(['update', 'pre-dial']).default('update'),
  /** §3.2 "Import pre-dial": list the new customers for pre-dial too. */
  importToPreDial: z.boolean().default(false),
  /** §3.2 "Phone number to zero": drop a leading 0 from numbers. */
  stripLeadingZero: z.boolean().default(false),
  /** §3.2 "Select required fields": rows without a value for these fail. */
  requiredFields: z.array(z.string().min(1).max(40)).max(100).default([]),
  /** Numbers on a do-not-call list: import anyway, skip the row (reported), or import but keep off the pre-dial list. */
  dnc: z.enum(['ignore', 'skip', 'flag']).default('ignore'),
  /** Rows per transaction. */
  batchSize: z.number().int().min(1).max(20_000).default(5_000),
});
export type CustomerImportOptions = z.input<typeof customerImportOptionsSchema>;
type Options = z.output<typeof customerImportOptionsSchema>;

/** The import's checkpoint, committed with each batch. */
interface ImportState {
  /** The last line whose batch committed: a restart reads on after it. */
  line?: number;
  /** The file's header row, for the error file. */
  header?: string[];
  dataSourceId?: string;
  counts?: Counts;
}

interface Counts {
  processed: number;
  succeeded: number;
  failed: number;
  created: number;
  updated: number;
  duplicates: number;
  preDial: number;
  flagged: number;
}

export interface CustomerImportResult extends Record<string, unknown> {
  created: number;
  updated: number;
  duplicates: number;
  preDial: number;
  flagged: number;
  failed: number;
  encoding: string;
  delimiter: string;
  columns: Array<{ header: string; field: string }>;
  ignoredColumns: string[];
  dataSourceId: string | null;
  /** Whether numbers were screened against the do-not-call lists. */
  dncScreening: 'off' | 'applied' | 'unavailable';
}

export interface CustomerImportsOptions {
  storage: Storage;
  clock: Clock;
  jobs: JobRunner;
  /** The do-not-call screen (the compliance engine's); without one, `dnc` options other than `ignore` are reported as unavailable. */
  screen?: DncScreen;
  logger?: Logger;
  /** The highlighted customers the screen asks (the compliance engine's): told of the numbers an import adds to them. */
  highlights?: Pick<HighlightedCustomers, 'numbersChanged'>;
  /** Opens a source for reading, from the start; default: the file at `path`. */
  openSource?: (source: Options['source']) => AsyncIterable<Uint8Array>;
}

/**
 * Customer imports as background jobs (manual §3.2 "Batch data import", §3.15.3): a CSV
 * file of any size streams through decoding (UTF-8, GBK, Shift_JIS, detected or chosen),
 * CSV parsing, column mapping, dictionary filling and validation, and lands in
 * transactions of `batchSize` rows, each committed together with the job's counts and the
 * last line it covered. Rows that cannot be imported are kept with their line and reason
 * (the job's error file) while the others land; a job taken over after a crash or a restart
 * continues after its last committed line, so no row is imported twice.
 */
export class CustomerImports implements JobHandler {
  private readonly logger: Logger;
  private readonly open: (source: Options['source']) => AsyncIterable<Uint8Array>;

  constructor(private readonly deps: CustomerImportsOptions) {
    this.logger = (deps.logger ?? silentLogger).child({ component: 'customer-import' });
    this.open = deps.openSource ?? ((source) => createReadStream(source.path, { highWaterMark: 256 * 1024 }));
    deps.jobs.register(CUSTOMER_IMPORT_JOB, this);
  }

  /** Checks the options against the tenant's data and queues the import. */
  async start(tenantId: string, input: CustomerImportOptions, meta: { fileName?: string; createdBy?: string | null } = {}): Promise<Job> {
    const options = parseOrThrow(customerImportOptionsSchema, input, 'import options');
    await this.check(tenantId, options);
    return this.deps.jobs.enqueue(tenantId, { kind: CUSTOMER_IMPORT_JOB, fileName: meta.fileName ?? '', options: options as unknown as Record<string, unknown>, createdBy: meta.createdBy ?? null });
  }

  /**
   * What an import of `sample` (the start of a file; `complete: false` when there is more) would read:
   * the encoding, the delimiter, the header, the automatic mapping and the first rows.
   */
  async preview(tenantId: string, sample: Uint8Array, input: { packageId?: string | null; encoding?: Options['encoding']; delimiter?: Options['delimiter']; firstRowIsHeader?: boolean; rows?: number; complete?: boolean } = {}) {
    let detected: DetectedEncoding | undefined;
    const records: CsvRecord[] = [];
    const reader = new CsvReader(input.delimiter ?? 'auto');
    for await (const text of decodeText(once(sample), input.encoding ?? 'auto', (d) => (detected = d))) records.push(...reader.push(text));
    // A sample cut off mid-record ends with a record that is not whole: leave it out.
    if (input.complete ?? true) records.push(...reader.end());
    const fields = await this.deps.storage.customFields.list(tenantId, input.packageId ?? null);
    const header = input.firstRowIsHeader === false ? [] : (records.shift()?.cells.map((c) => c.trim()) ?? []);
    const mapping = mapColumns(header, fields, { automatic: header.length > 0 });
    return {
      encoding: detected ?? { encoding: input.encoding ?? 'utf-8', bom: false, confidence: 'certain' as const },
      delimiter: reader.separator ?? ',',
      header,
      columns: mapping.columns.map((c) => ({ index: c.index, header: c.header, field: c.field })),
      ignoredColumns: mapping.ignored,
      rows: records.slice(0, input.rows ?? 10).map((r) => ({ line: r.line, cells: r.cells, ...(r.error ? { error: r.error } : {}) })),
    };
  }

  async run(job: Job, context: JobContext): Promise<CustomerImportResult> {
    const { storage } = this.deps;
    const options = customerImportOptionsSchema.parse(job.options);
    const tenantId = job.tenantId;
    const state = { ...(job.state as ImportState) };
    await this.check(tenantId, options, true);
    try {
      await access(options.source.path);
    } catch {
      if (!this.deps.openSource) throw new ValidationError(`The file of this import is gone (${options.source.path})`);
    }
    const [tenant, pkg] = await Promise.all([storage.tenants.get(tenantId), options.packageId ? storage.customerPackages.getById(tenantId, options.packageId) : undefined]);

    let counts: Counts = state.counts ?? { processed: 0, succeeded: 0, failed: 0, created: 0, updated: 0, duplicates: 0, preDial: 0, flagged: 0 };
    const progress = (next: Counts, line: number | undefined, extra: Partial<ImportState> = {}) => ({
      processed: next.processed,
      succeeded: next.succeeded,
      failed: next.failed,
      state: { ...state, ...extra, line, counts: next } satisfies ImportState,
    });

    // First commit: the data source and the new fields, with the total — once, even across restarts.
    let total = job.total ?? 0;
    if (state.dataSourceId === undefined) {
      total = Math.max(0, (await countCsvRecords(this.open(options.source), options.delimiter)) - (options.firstRowIsHeader ? 1 : 0));
      await context.commit(async (trx) => {
        const ctx: RepositoryContext = { db: trx, dialect: storage.dialect, clock: this.deps.clock, newId: randomUUID };
        const sources = new LabelRepository(ctx, 'data_sources', 'Data source');
        const source =
          options.dataSource.id !== undefined
            ? await sources.get(tenantId, options.dataSource.id)
            : await sources.createStamped(tenantId, options.dataSource.name ?? `${job.fileName || 'Import'} ${DateTime.fromMillis(this.deps.clock.now(), { zone: tenant.timeZone }).toFormat('yyyy-MM-dd HH:mm')}`, options.dataSource.color);
        const fields = new CustomFieldRepository(ctx);
        const existing = new Set((await fields.list(tenantId, options.packageId)).map((f) => f.name));
        for (const choice of options.mapping) {
          if (choice.newField && !existing.has(choice.newField.name)) {
            await fields.create(tenantId, { packageId: options.packageId, ...choice.newField });
            existing.add(choice.newField.name);
          }
        }
        state.dataSourceId = source.id;
        return { ...progress(counts, state.line), total };
      });
    }

    const fields = await storage.customFields.list(tenantId, options.packageId);
    const defaults = customDefaults(fields);
    const tagIds = new Map((await storage.customerTags.list(tenantId)).map((t) => [t.name.toLowerCase(), t.id]));
    const dictionaries = await this.loadDictionaries(tenantId, options.dictionaryIds, fields);
    const screen = options.dnc !== 'ignore' ? this.deps.screen : undefined;
    if (screen) await screen.ready(tenantId);

    let detected: DetectedEncoding | undefined;
    let rules: RowRules | undefined;
    let mapping: ColumnMapping | undefined;
    const numbers = new NumberMemo(tenant.defaultCountry);
    const buildRules = (header: readonly string[]): RowRules => {
      mapping = mapColumns(header, fields, { chosen: options.mapping.map((m) => ({ ...m, field: m.newField?.name ?? m.field })), automatic: options.automaticMapping && header.length > 0 });
      if (mapping.columns.length === 0) throw new ValidationError('No column of the file goes to a customer field: choose the mapping');
      const fixed = { dataSourceId: state.dataSourceId ?? null, tagIds: options.tagIds, agentNumber: options.agentNumber, taskId: options.taskId };
      return {
        packageId: options.packageId,
        schema: rowSchema(mapping, dictionaries, fixed, options.packageId),
        mapping,
        headerWidth: header.length,
        fields,
        defaults,
        numbers,
        stripLeadingZero: options.stripLeadingZero,
        requiredFields: new Set(options.requiredFields),
        dictionaries,
        tagIds,
        fixed,
      };
    };
    const settings: Omit<BatchSettings, 'now'> = {
      tenantId,
      jobId: job.id,
      packageId: options.packageId,
      numberScope: (await storage.customers.numberScope(tenantId, options.packageId ?? '')).id,
      phoneUniqueness: pkg?.phoneUniqueness ?? 'package',
      globalPackageIds: (await storage.customerPackages.list(tenantId, { includeClosed: true })).filter((p) => p.phoneUniqueness === 'global' && p.id !== options.packageId).map((p) => p.id),
      uniqueFields: packageUniqueFields(pkg?.uniqueKeyFields ?? [], fields),
      defaults,
      onDuplicate: options.onDuplicate,
      importToPreDial: options.importToPreDial,
      taskId: options.taskId,
      dnc: options.dnc,
      screen,
      dialect: storage.dialect,
      newId: () => orderedId(),
    };

    // A package without customers when the import begins (not after a restart: the first run wrote some): only this import's numbers need looking up (decision 54).
    let writtenNumbers = (await storage.customers.anyInPackage(tenantId, options.packageId ?? '')) ? undefined : new BloomFilter(Math.ceil(total * EXPECTED_NUMBERS_PER_ROW));

    const flush = async (records: CsvRecord[]): Promise<void> => {
      if (records.length === 0) return;
      const rows: CustomerRow[] = [];
      const unreadable: JobError[] = [];
      for (const record of records) {
        const row = readCustomerRow(record, rules!);
        if ('reason' in row) unreadable.push({ line: row.line, reason: row.reason, cells: row.cells });
        else rows.push(row);
      }
      const line = records.at(-1)!.line;
      const write = async (careful: boolean) => {
        let outcome: BatchOutcome | undefined;
        let next: Counts | undefined;
        await context.commit(async (trx) => {
          const batch = { ...settings, now: this.deps.clock.now(), writtenNumbers: careful ? undefined : writtenNumbers };
          // The attachments the rows name are checked in the transaction that writes them, locked against a delete meanwhile.
          const written = [...rows];
          const unknownAttachments: JobError[] = [];
          await rejectUnknownAttachmentRows(storage, trx, tenantId, fields, written, unknownAttachments);
          outcome = careful ? await writeCarefully(trx, batch, written, tagIds) : await writeBatch(trx, batch, written, tagIds);
          const errors = [...unreadable, ...unknownAttachments, ...outcome.errors].sort((a, b) => a.line - b.line);
          await storage.jobs.addErrors(trx, tenantId, job.id, errors);
          next = {
            processed: counts.processed + records.length,
            succeeded: counts.succeeded + outcome.succeeded,
            failed: counts.failed + errors.length,
            created: counts.created + outcome.created,
            updated: counts.updated + outcome.updated,
            duplicates: counts.duplicates + outcome.duplicates,
            preDial: counts.preDial + outcome.preDial,
            flagged: counts.flagged + outcome.flagged,
          };
          return progress(next, line);
        });
        counts = next!;
        await bulk.committed();
        for (const [name, id] of outcome!.createdTags) tagIds.set(name, id);
        // Committed: a highlighted customer's new numbers are refused from the next screening on, not only once the import ends.
        for (const { customerId, numbers } of outcome!.numbersAdded) this.deps.highlights?.numbersChanged(tenantId, customerId, options.packageId, numbers);
      };
      try {
        await write(false);
      } catch (error) {
        // Another writer took a number or a unique value between the lookups and the insert: row by row.
        if (!(error instanceof ConflictError)) throw error;
        this.logger.info({ jobId: job.id, line }, 'conflict in a batch: writing it row by row');
        // Another writer is adding customers to the package: from now on every number is looked up.
        writtenNumbers = undefined;
        await write(true);
      }
      state.line = line;
    };

    let pending: CsvRecord[] = [];
    const take = async (records: readonly CsvRecord[]): Promise<void> => {
      for (const record of records) {
        if (rules === undefined) {
          if (options.firstRowIsHeader) {
            if (record.error) throw new ValidationError(`The header row (line ${record.line}) cannot be read: ${record.error}`);
            state.header = record.cells.map((c) => c.trim());
            rules = buildRules(state.header);
            continue;
          }
          rules = buildRules([]);
        }
        if (state.line !== undefined && record.line <= state.line) continue;
        pending.push(record);
        if (pending.length >= options.batchSize) {
          const batch = pending;
          pending = [];
          await flush(batch);
        }
      }
    };
    const csv = new CsvReader(options.delimiter);
    // A page cache about the size of the number index the rows go into (decision 52).
    const bulk = await relaxCheckpoints(storage.knex, storage.dialect, { cacheKiB: (total * NUMBER_INDEX_BYTES_PER_ROW) / 1024, logger: this.logger });
    try {
      for await (const text of decodeText(this.open(options.source), options.encoding, (d) => (detected = d))) await take(csv.push(text));
      await take(csv.end());
      await flush(pending);
    } finally {
      await bulk.end();
    }
    // The exact total: what was read (the first estimate counted raw lines).
    await context.commit(async () => ({ ...progress(counts, state.line), total: counts.processed }));
    return {
      created: counts.created,
      updated: counts.updated,
      duplicates: counts.duplicates,
      preDial: counts.preDial,
      flagged: counts.flagged,
      failed: counts.failed,
      encoding: detected ? `${detected.encoding}${detected.bom ? ' (BOM)' : ''}` : options.encoding,
      delimiter: csv.separator ?? ',',
      columns: (mapping as ColumnMapping | undefined)?.columns.map((c) => ({ header: c.header, field: c.field })) ?? [],
      ignoredColumns: (mapping as ColumnMapping | undefined)?.ignored ?? [],
      dataSourceId: state.dataSourceId ?? null,
      dncScreening: options.dnc === 'ignore' ? 'off' : screen ? 'applied' : 'unavailable',
    };
  }

  async finished(job: Job): Promise<void> {
    const parsed = customerImportOptionsSchema.safeParse(job.options);
    if (parsed.success && parsed.data.source.deleteWhenFinished) await rm(parsed.data.source.path, { force: true });
  }

  /** The options refer to things of the tenant that exist (and, at start, a package that is open). */
  private async check(tenantId: string, options: Options, running = false): Promise<void> {
    const { storage } = this.deps;
    const issues: Array<{ path: string; message: string }> = [];
    if (options.packageId !== null) {
      const pkg = await storage.customerPackages.findById(tenantId, options.packageId);
      if (!pkg) issues.push({ path: 'packageId', message: 'no such customer package' });
      else if (pkg.status === 'closed') throw new ConflictError(`Customer package "${pkg.displayName}" is closed`, { details: { field: 'packageId' } });
    }
    if (running) {
      if (issues.length > 0) throw new ValidationError(`Invalid import: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, issues);
      return;
    }
    const tags = await storage.customerTags.byIds(tenantId, options.tagIds);
    for (const id of options.tagIds) if (!tags.some((t) => t.id === id)) issues.push({ path: 'tagIds', message: `no tag ${id}` });
    for (const [i, id] of options.dictionaryIds.entries()) if (!(await storage.dictionaries.findById(tenantId, id))) issues.push({ path: `dictionaryIds.${i}`, message: 'no such dictionary' });
    if (options.dataSource.id !== undefined && !(await storage.dataSources.findById(tenantId, options.dataSource.id))) issues.push({ path: 'dataSource.id', message: 'no such data source' });
    if (options.agentNumber !== null && !(await storage.agents.findByNumber(tenantId, options.agentNumber))) issues.push({ path: 'agentNumber', message: 'no such agent' });
    const fields = await storage.customFields.list(tenantId, options.packageId);
    const known = new Set(['name', 'phones', 'email', 'gender', 'age', 'address', 'area', 'notes', 'tags', 'agentNumber', ...fields.map((f) => f.name), ...options.mapping.flatMap((m) => (m.newField ? [m.newField.name] : []))]);
    for (const [i, field] of options.requiredFields.entries()) if (!known.has(field)) issues.push({ path: `requiredFields.${i}`, message: `no field ${field}` });
    for (const [i, choice] of options.mapping.entries()) {
      const field = choice.newField?.name ?? choice.field;
      if (field !== null && !known.has(field)) issues.push({ path: `mapping.${i}.field`, message: `no field ${field} in the package (give newField to create it)` });
    }
    if (!options.firstRowIsHeader && options.mapping.length === 0) issues.push({ path: 'mapping', message: 'without a header row, choose which column goes where' });
    if (issues.length > 0) throw new ValidationError(`Invalid import: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, issues);
  }

  /** The dictionaries in memory, their columns resolved to the package's fields like an import's header. */
  private async loadDictionaries(tenantId: string, ids: readonly string[], fields: ReadonlyArray<{ name: string; displayName: string }>): Promise<ImportDictionary[]> {
    const { storage } = this.deps;
    const out: ImportDictionary[] = [];
    for (const id of ids) {
      const dictionary = await storage.dictionaries.get(tenantId, id);
      const entries = await storage.dictionaries.allEntries(tenantId, id);
      const columns = new Map<string, string>();
      const headers = new Set<string>();
      for (const data of entries.values()) for (const column of Object.keys(data)) headers.add(column);
      headers.add(dictionary.matchKey);
      for (const header of headers) {
        const field = fieldOf(header, fields);
        if (field !== undefined) columns.set(header, field);
      }
      const keyField = columns.get(dictionary.matchKey) ?? fieldOf(dictionary.matchKey, fields);
      if (keyField === undefined) {
        this.logger.warn({ dictionaryId: id, matchKey: dictionary.matchKey }, 'the match key of the dictionary is no customer field: skipped');
        continue;
      }
      out.push({ name: dictionary.name, keyField, entries, columns });
    }
    return out;
  }
}

/** A header of a dictionary or a file as a customer field: a custom field by name or display name, else a standard one. */
function fieldOf(header: string, fields: ReadonlyArray<{ name: string; displayName: string }>): string | undefined {
  const key = normalizeHeader(header);
  return fields.find((f) => normalizeHeader(f.name) === key || normalizeHeader(f.displayName) === key)?.name ?? standardTargetOf(header);
}

async function* once(bytes: Uint8Array): AsyncIterable<Uint8Array> {
  yield bytes;
}

/** A batch row by row, each in its own savepoint: a row that meets a unique index becomes an error, the others land. */
async function writeCarefully(trx: Knex, settings: BatchSettings, rows: readonly CustomerRow[], tagIds: Map<string, string>): Promise<BatchOutcome> {
  const total: BatchOutcome = { created: 0, updated: 0, duplicates: 0, preDial: 0, flagged: 0, succeeded: 0, errors: [], createdTags: new Map(), numbersAdded: [] };
  const known = new Map(tagIds);
  for (const row of rows) {
    try {
      const one = await trx.transaction((savepoint) => writeBatch(savepoint, settings, [row], known));
      for (const key of ['created', 'updated', 'duplicates', 'preDial', 'flagged', 'succeeded'] as const) total[key] += one[key];
      total.errors.push(...one.errors);
      total.numbersAdded.push(...one.numbersAdded);
      for (const [name, id] of one.createdTags) {
        total.createdTags.set(name, id);
        known.set(name, id);
      }
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
      total.errors.push({ line: row.line, reason: error.message, cells: row.cells });
    }
  }
  return total;
}
