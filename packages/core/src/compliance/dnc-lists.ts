import { ValidationError } from '../errors/errors.js';
import { normalizeNumber } from '../routing/phone-number.js';
import type { DncImportResult } from '../storage/repositories/dnc.js';
import type { Storage } from '../storage/storage.js';
import { isCsvLineError, readDncCsv, type CsvLineError } from './dnc-csv.js';
import type { DncScreen } from './dnc-screen.js';
import type { DncChange, DncEntry, DncFilter, DncImportRow, DncListQuery } from './model.js';

/** How people write numbers (digits, a leading +, spaces, dots, dashes, brackets): anything else is not a phone number. */
const WRITTEN_NUMBER = /^\+?[0-9][0-9 ().-]{0,30}$/;

/** The number as stored (normalised with the tenant's country), or undefined when it is not a phone number. */
export function readPhoneNumber(written: string, defaultCountry: string): string | undefined {
  const trimmed = written.trim();
  if (!WRITTEN_NUMBER.test(trimmed)) return undefined;
  const normalized = normalizeNumber(trimmed, defaultCountry);
  return /^\+?[0-9]{1,20}$/.test(normalized) ? normalized : undefined;
}

export interface DncCsvImportResult extends DncImportResult {
  /** Lines read (blank lines and a header not counted). */
  lines: number;
  /** Lines that could not be imported: the first 100, and how many in all. */
  errors: CsvLineError[];
  errorCount: number;
}

const MAX_ERRORS = 100;
const listedOf = (entry: DncEntry): DncChange => ({ customerPackageId: entry.customerPackageId, number: entry.number, listed: entry.status === 'enabled' });

/**
 * The DNC lists as people change them (manual §3.7.6): every write goes to storage and,
 * once committed, to the screen, so the next screening sees it. Numbers arrive as people
 * write them and are normalised with the tenant's country here.
 */
export class DncLists {
  constructor(
    private readonly storage: Pick<Storage, 'tenants' | 'dnc' | 'customerPackages'>,
    private readonly screen: DncScreen,
  ) {}

  /** Adds numbers to one package; numbers already there, or not phone numbers, are skipped and reported. */
  async add(
    tenantId: string,
    input: { customerPackageId?: string | null; numbers: readonly string[]; status?: 'enabled' | 'disabled'; reason?: string; by: string },
  ): Promise<{ added: DncEntry[]; skipped: Array<{ number: string; reason: string }> }> {
    const country = await this.country(tenantId);
    await this.checkPackage(tenantId, input.customerPackageId);
    const unreadable: Array<{ number: string; reason: string }> = [];
    const numbers: string[] = [];
    for (const written of input.numbers) {
      const number = readPhoneNumber(written, country);
      if (number === undefined) unreadable.push({ number: written, reason: 'not a phone number' });
      else numbers.push(number);
    }
    const result = await this.storage.dnc.add(tenantId, { ...input, numbers });
    this.screen.apply(tenantId, result.added.map(listedOf));
    return { added: result.added, skipped: [...unreadable, ...result.skipped] };
  }

  /** An agent asks for a number not to be called; it stops calls only once approved. */
  async submit(tenantId: string, input: { customerPackageId?: string | null; number: string; reason: string; by: string }): Promise<DncEntry> {
    const number = readPhoneNumber(input.number, await this.country(tenantId));
    if (number === undefined) throw new ValidationError(`${input.number} is not a phone number`, [{ path: 'number', message: 'not a phone number' }]);
    await this.checkPackage(tenantId, input.customerPackageId);
    return this.storage.dnc.submit(tenantId, { ...input, number });
  }

  async review(tenantId: string, id: string, input: { approve: boolean; by: string }): Promise<DncEntry> {
    return this.changed(tenantId, await this.storage.dnc.review(tenantId, id, input));
  }

  /** Enables or disables a reviewed entry, or changes its reason. */
  async update(tenantId: string, id: string, patch: { enabled?: boolean; reason?: string }): Promise<DncEntry> {
    return this.changed(tenantId, await this.storage.dnc.update(tenantId, id, patch));
  }

  async remove(tenantId: string, id: string): Promise<DncEntry> {
    const entry = await this.storage.dnc.remove(tenantId, id);
    this.screen.apply(tenantId, [{ customerPackageId: entry.customerPackageId, number: entry.number, listed: false }]);
    return entry;
  }

  /** Deletes every entry the filter covers; the screen rebuilds the tenant's lists if it had them. */
  async removeWhere(tenantId: string, filter: DncFilter): Promise<number> {
    const removed = await this.storage.dnc.removeWhere(tenantId, filter);
    if (removed > 0 && this.screen.isLoaded(tenantId)) await this.screen.reload(tenantId);
    return removed;
  }

  get(tenantId: string, id: string): Promise<DncEntry> {
    return this.storage.dnc.getById(tenantId, id);
  }

  list(tenantId: string, query: DncListQuery = {}): Promise<DncEntry[]> {
    return this.storage.dnc.list(tenantId, query);
  }

  /**
   * Imports a CSV file (`number,reason` per line) into one package as it streams in: lines
   * that are not phone numbers are reported with their line number, numbers already listed
   * are skipped and counted, every other line lands (in chunks that commit on their own).
   */
  async import(
    tenantId: string,
    csv: string | Iterable<string | Uint8Array> | AsyncIterable<string | Uint8Array>,
    options: { customerPackageId?: string | null; status?: 'enabled' | 'disabled'; by: string },
  ): Promise<DncCsvImportResult> {
    const country = await this.country(tenantId);
    const customerPackageId = options.customerPackageId ?? null;
    await this.checkPackage(tenantId, customerPackageId);
    const errors: CsvLineError[] = [];
    let errorCount = 0;
    let lines = 0;
    const fail = (error: CsvLineError) => {
      errorCount++;
      if (errors.length < MAX_ERRORS) errors.push(error);
    };
    async function* rows(): AsyncIterable<DncImportRow> {
      for await (const read of readDncCsv(csv)) {
        lines++;
        if (isCsvLineError(read)) {
          fail(read);
          continue;
        }
        const number = readPhoneNumber(read.number, country);
        if (number === undefined) fail({ line: read.line, text: read.number.slice(0, 200), message: 'not a phone number' });
        else if (read.reason.length > 500) fail({ line: read.line, text: read.number, message: 'the reason is longer than 500 characters' });
        else yield { line: read.line, number, reason: read.reason };
      }
    }
    const status = options.status ?? 'enabled';
    const result = await this.storage.dnc.import(tenantId, rows(), {
      customerPackageId,
      status,
      by: options.by,
      onCommitted: (numbers) => {
        if (status === 'enabled') this.screen.apply(tenantId, numbers.map((number) => ({ customerPackageId, number, listed: true })));
      },
    });
    return { lines, ...result, errors, errorCount };
  }

  private changed(tenantId: string, entry: DncEntry): DncEntry {
    this.screen.apply(tenantId, [listedOf(entry)]);
    return entry;
  }

  /** A package of the tenant's own (null, the default package, always exists). */
  private async checkPackage(tenantId: string, customerPackageId: string | null | undefined): Promise<void> {
    if (customerPackageId === null || customerPackageId === undefined) return;
    if (!(await this.storage.customerPackages.findById(tenantId, customerPackageId))) {
      throw new ValidationError(`The tenant has no customer package ${customerPackageId}`, [{ path: 'customerPackageId', message: 'no such customer package' }]);
    }
  }

  private async country(tenantId: string): Promise<string> {
    return (await this.storage.tenants.get(tenantId)).defaultCountry;
  }
}
