import { IllegalStateError } from '../errors/errors.js';
import { silentLogger, type Logger } from '../logging/logger.js';
import { normalizeNumber } from '../routing/phone-number.js';
import type { Storage } from '../storage/storage.js';
import type { DncChange, DncListedNumbers } from './model.js';
import { numberKey } from './number-key.js';
import { NumberSet, NumberSetBuilder } from './number-set.js';

/**
 * A second reason a number must not be called, besides the DNC lists: the customers the
 * CRM marks "highlighted" (manual §3.3 3.3: a highlighted customer's numbers are not on
 * the list, yet cannot be called), a national do-not-call registry, the blacklist. The
 * screen asks every source after the DNC list, for every number it screens, so
 * `isBlocked` is synchronous and cheap: keep an in-memory index (a `NumberSet` holds
 * millions of numbers in ~13 bytes each) and fill it in `load`.
 */
export interface NoCallSource {
  /** What a blocked number's verdict names: `highlighted-customer`, `national-dnc`. */
  readonly name: string;
  /** Makes the tenant's data ready; awaited once per tenant before the screen first answers for it. */
  load?(tenantId: string): Promise<void>;
  /** Whether `number` (normalised: E.164 where the plan reads it) must not be called for this package (null: the default one). */
  isBlocked(tenantId: string, customerPackageId: string | null, number: string): boolean;
  /**
   * Optional, for batches: `isBlocked` for one tenant and package, resolved once per batch and
   * called with E.164 numbers and their `numberKey`; null when the source blocks nothing there
   * now (the batch skips it). Valid only until the screening returns.
   */
  blocker?(tenantId: string, customerPackageId: string | null): ((number: string, key: number) => boolean) | null;
}

/** Where the screen reads the DNC lists from: storage, or anything else (the benchmark's generator). */
export interface DncListSource {
  /** The tenant's country, for normalising numbers that are not E.164 yet. */
  defaultCountry(tenantId: string): Promise<string>;
  /** Every enabled entry of the tenant, in pages of numbers grouped by package. */
  enabledNumbers(tenantId: string): AsyncIterable<readonly DncListedNumbers[]>;
}

export function storageListSource(storage: Pick<Storage, 'tenants' | 'dnc'>): DncListSource {
  return {
    defaultCountry: async (tenantId) => (await storage.tenants.get(tenantId)).defaultCountry,
    enabledNumbers: (tenantId) => storage.dnc.streamEnabled(tenantId),
  };
}

/** The verdict name of a number on a DNC list. */
export const DNC_LIST = 'dnc';

export interface ScreenResult {
  /** One per number screened: 0 may be called; 1 on the package's DNC list; 2 + i blocked by the i-th source. */
  readonly verdicts: Uint8Array;
  /** How many numbers must not be called. */
  readonly blocked: number;
  /** What blocks `numbers[index]` (`dnc` or a source's name), or undefined when it may be called. */
  blockedBy(index: number): string | undefined;
}

/** One tenant's lists: a NumberSet per customer package ('' is the default package). */
class TenantLists {
  constructor(
    readonly country: string,
    readonly packages: Map<string, NumberSet>,
  ) {}

  apply(change: DncChange): void {
    const key = change.customerPackageId ?? '';
    let set = this.packages.get(key);
    if (change.listed) {
      if (!set) this.packages.set(key, (set = new NumberSet()));
      set.add(change.number);
    } else {
      set?.delete(change.number);
    }
  }
}

interface Loading {
  readonly queued: DncChange[];
  promise: Promise<void>;
}

/**
 * Answers "may this number be called for this package?" from memory: per tenant and
 * customer package, the enabled DNC numbers in a `NumberSet` (float64 keys in a hash
 * table: 10M numbers in 128 MiB, a lookup in well under a microsecond), then each
 * `NoCallSource`. A tenant's lists are streamed from storage on first use (`ready`);
 * `apply` keeps them current — the compliance engine's `DncLists` calls it after every
 * write it makes — and `reload` rebuilds them from storage (after writes made elsewhere).
 * Changes that arrive while a tenant loads are queued and applied once the load is in,
 * so none is lost to the race.
 */
export class DncScreen {
  private readonly tenants = new Map<string, TenantLists>();
  private readonly loading = new Map<string, Loading>();
  private sources: NoCallSource[] = [];
  /** Per source, its load per tenant; `done` once it resolved. */
  private readonly sourcesReady = new Map<NoCallSource, Map<string, { promise: Promise<void>; done: boolean }>>();

  constructor(
    private readonly lists: DncListSource,
    private readonly logger: Logger = silentLogger,
  ) {}

  /** Plugs in a second reason not to call; returns what unplugs it. */
  addSource(source: NoCallSource): () => void {
    if (this.sources.length >= 250) throw new IllegalStateError('At most 250 no-call sources');
    this.sources = [...this.sources, source];
    this.sourcesReady.set(source, new Map());
    return () => {
      this.sources = this.sources.filter((s) => s !== source);
      this.sourcesReady.delete(source);
    };
  }

  /** Loads the tenant's lists (once; concurrent callers share the load) and readies every source for it. */
  async ready(tenantId: string): Promise<void> {
    if (!this.tenants.has(tenantId)) await (this.loading.get(tenantId)?.promise ?? this.build(tenantId));
    await Promise.all(this.sources.map((source) => this.sourceReady(source, tenantId)));
  }

  /** Whether the tenant's DNC lists are in memory (or being reloaded). */
  isLoaded(tenantId: string): boolean {
    return this.tenants.has(tenantId);
  }

  /** The tenants whose lists are in memory. */
  loadedTenants(): string[] {
    return [...this.tenants.keys()];
  }

  /** Whether `mayCall` / `screenNow` can answer for the tenant without waiting. */
  isReady(tenantId: string): boolean {
    return this.tenants.has(tenantId) && this.sources.every((source) => source.load === undefined || this.sourcesReady.get(source)?.get(tenantId)?.done === true);
  }

  /** Rebuilds the tenant's lists from storage; until then the current ones keep answering (and keep being updated). */
  async reload(tenantId: string): Promise<void> {
    await (this.loading.get(tenantId)?.promise.catch(() => undefined) ?? Promise.resolve());
    await this.build(tenantId);
  }

  /** Forgets the tenant's lists, and drops a load in flight (the next `ready` loads them again). */
  unload(tenantId: string): void {
    this.tenants.delete(tenantId);
    this.loading.delete(tenantId);
    for (const ready of this.sourcesReady.values()) ready.delete(tenantId);
  }

  /** Forgets every tenant's lists and drops the loads in flight. */
  unloadAll(): void {
    for (const tenantId of [...this.tenants.keys(), ...this.loading.keys()]) this.unload(tenantId);
  }

  /** Records changes the storage already holds. A tenant not loaded ignores them: its load will read them. */
  apply(tenantId: string, changes: Iterable<DncChange>): void {
    const lists = this.tenants.get(tenantId);
    const loading = this.loading.get(tenantId);
    for (const change of changes) {
      lists?.apply(change);
      loading?.queued.push(change);
    }
  }

  /** What blocks the number (`dnc` or a source's name), or undefined when it may be called. The tenant must be ready. */
  blockedBy(tenantId: string, customerPackageId: string | null, number: string): string | undefined {
    const lists = this.readyLists(tenantId);
    return this.nameOf(this.sources, this.verdict(lists, lists.packages.get(customerPackageId ?? ''), this.sources, tenantId, customerPackageId, number));
  }

  /** May `number` be called for this package? Synchronous: the tenant must be ready (`await ready(tenantId)` once). */
  mayCall(tenantId: string, customerPackageId: string | null, number: string): boolean {
    const lists = this.readyLists(tenantId);
    return this.verdict(lists, lists.packages.get(customerPackageId ?? ''), this.sources, tenantId, customerPackageId, number) === 0;
  }

  /** Screens many numbers at once, loading the tenant first if needed. */
  async screen(tenantId: string, customerPackageId: string | null, numbers: readonly string[]): Promise<ScreenResult> {
    if (!this.isReady(tenantId)) await this.ready(tenantId);
    return this.screenNow(tenantId, customerPackageId, numbers);
  }

  /**
   * Screens many numbers without waiting (the tenant must be ready). Numbers already in
   * E.164 (`+` and digits) are looked up as they are; others are normalised with the
   * tenant's country first, as entries were when stored.
   */
  screenNow(tenantId: string, customerPackageId: string | null, numbers: readonly string[]): ScreenResult {
    const lists = this.readyLists(tenantId);
    const set = lists.packages.get(customerPackageId ?? '');
    const sources = this.sources;
    // Each source's check for this tenant and package, resolved once; sources that block nothing here are left out.
    const checks: Array<{ verdict: number; blocks: (number: string, key: number) => boolean }> = [];
    for (let s = 0; s < sources.length; s++) {
      const source = sources[s]!;
      const blocks = source.blocker ? source.blocker(tenantId, customerPackageId) : (number: string) => source.isBlocked(tenantId, customerPackageId, number);
      if (blocks) checks.push({ verdict: 2 + s, blocks });
    }
    const verdicts = new Uint8Array(numbers.length);
    let blocked = 0;
    numbers: for (let i = 0; i < numbers.length; i++) {
      const number = numbers[i]!;
      // The common case inline: an E.164 number (already normalised), the list, then the sources.
      const key = numberKey(number);
      if (key > 0) {
        if (set !== undefined && set.hasKey(key)) {
          verdicts[i] = 1;
          blocked++;
          continue;
        }
        for (let c = 0; c < checks.length; c++) {
          if (checks[c]!.blocks(number, key)) {
            verdicts[i] = checks[c]!.verdict;
            blocked++;
            continue numbers;
          }
        }
        continue;
      }
      const verdict = this.verdict(lists, set, sources, tenantId, customerPackageId, number);
      if (verdict !== 0) {
        verdicts[i] = verdict;
        blocked++;
      }
    }
    return { verdicts, blocked, blockedBy: (index) => this.nameOf(sources, verdicts[index] ?? 0) };
  }

  /** Numbers listed for the tenant (one package, or all of them); 0 when not loaded. */
  size(tenantId: string, customerPackageId?: string | null): number {
    const lists = this.tenants.get(tenantId);
    if (!lists) return 0;
    if (customerPackageId !== undefined) return lists.packages.get(customerPackageId ?? '')?.size ?? 0;
    let total = 0;
    for (const set of lists.packages.values()) total += set.size;
    return total;
  }

  /** Bytes the loaded tables take. */
  get byteLength(): number {
    let bytes = 0;
    for (const lists of this.tenants.values()) for (const set of lists.packages.values()) bytes += set.byteLength;
    return bytes;
  }

  private readyLists(tenantId: string): TenantLists {
    const lists = this.tenants.get(tenantId);
    if (!lists || !this.isReady(tenantId)) throw new IllegalStateError(`The do-not-call lists of tenant ${tenantId} are not loaded: await ready(tenantId) first`);
    return lists;
  }

  /** 0: may be called; 1: on the package's list; 2 + i: blocked by sources[i]. */
  private verdict(lists: TenantLists, set: NumberSet | undefined, sources: readonly NoCallSource[], tenantId: string, customerPackageId: string | null, written: string): number {
    let number = written;
    let key = numberKey(number);
    if (!(key > 0)) {
      number = normalizeNumber(number, lists.country);
      key = numberKey(number);
    }
    if (set !== undefined && (Number.isNaN(key) ? set.has(number) : set.hasKey(key))) return 1;
    for (let s = 0; s < sources.length; s++) if (sources[s]!.isBlocked(tenantId, customerPackageId, number)) return 2 + s;
    return 0;
  }

  private nameOf(sources: readonly NoCallSource[], verdict: number): string | undefined {
    return verdict === 0 ? undefined : verdict === 1 ? DNC_LIST : sources[verdict - 2]!.name;
  }

  private build(tenantId: string): Promise<void> {
    const loading: Loading = { queued: [], promise: Promise.resolve() };
    loading.promise = (async () => {
      try {
        const country = await this.lists.defaultCountry(tenantId);
        const builders = new Map<string, NumberSetBuilder>();
        for await (const page of this.lists.enabledNumbers(tenantId)) {
          for (const group of page) {
            const key = group.customerPackageId ?? '';
            let builder = builders.get(key);
            if (!builder) builders.set(key, (builder = new NumberSetBuilder()));
            for (const number of group.numbers) builder.add(number);
          }
        }
        const packages = new Map<string, NumberSet>();
        for (const [key, collected] of builders) packages.set(key, collected.build());
        if (this.loading.get(tenantId) !== loading) return; // unloaded meanwhile
        const lists = new TenantLists(country, packages);
        for (const change of loading.queued) lists.apply(change);
        this.tenants.set(tenantId, lists);
        this.logger.info({ tenantId, numbers: this.size(tenantId), packages: packages.size }, 'do-not-call lists loaded');
      } finally {
        if (this.loading.get(tenantId) === loading) this.loading.delete(tenantId);
      }
    })();
    this.loading.set(tenantId, loading);
    return loading.promise;
  }

  private sourceReady(source: NoCallSource, tenantId: string): Promise<void> {
    if (!source.load) return Promise.resolve();
    const ready = this.sourcesReady.get(source);
    if (!ready) return Promise.resolve();
    let state = ready.get(tenantId);
    if (!state) {
      const current: { promise: Promise<void>; done: boolean } = { promise: Promise.resolve(), done: false };
      current.promise = source.load(tenantId).then(
        () => {
          current.done = true;
        },
        (error: unknown) => {
          if (ready.get(tenantId) === current) ready.delete(tenantId);
          throw error;
        },
      );
      ready.set(tenantId, current);
      state = current;
    }
    return state.promise;
  }
}
