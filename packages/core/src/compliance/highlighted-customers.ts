import { silentLogger, type Logger } from '../logging/logger.js';
import type { Customer } from '../storage/repositories/customers.js';
import type { Storage } from '../storage/storage.js';
import type { NoCallSource } from './dnc-screen.js';
import { numberKey, numberOfKey } from './number-key.js';
import { NumberSet } from './number-set.js';

/** The verdict name of a highlighted customer's number. */
export const HIGHLIGHTED_CUSTOMER = 'highlighted-customer';

/** What the screen needs to know of a customer package: whether its data shows, and how far its numbers are unique. */
export interface PackageRule {
  id: string;
  status: 'open' | 'closed';
  phoneUniqueness: 'package' | 'global';
}

/** How many highlighted customers have each number (a number may be highlighted in two packages), and a NumberSet of those present, for lookups. */
class NumberCounts {
  private readonly counts = new Map<number | string, number>();
  private readonly present = new NumberSet();

  get size(): number {
    return this.present.size;
  }

  add(number: string, by = 1): void {
    const key = keyOf(number);
    const before = this.counts.get(key) ?? 0;
    this.counts.set(key, before + by);
    if (before === 0) this.present.add(number);
  }

  remove(number: string, by = 1): void {
    const key = keyOf(number);
    const left = (this.counts.get(key) ?? 0) - by;
    if (left > 0) {
      this.counts.set(key, left);
    } else if (this.counts.delete(key)) {
      this.present.delete(number);
    }
  }

  /** `key`: the number's numberKey (NaN: none, the number is looked up as a string). */
  has(key: number, number: string): boolean {
    return Number.isNaN(key) ? this.present.has(number) : this.present.hasKey(key);
  }

  /** Each number with its count. */
  *entries(): IterableIterator<[string, number]> {
    for (const [key, count] of this.counts) yield [typeof key === 'number' ? numberOfKey(key) : key, count];
  }
}

/** A number as a counting key: its numberKey, or the string itself for the rare number without one. */
const keyOf = (number: string): number | string => {
  const key = numberKey(number);
  return Number.isNaN(key) ? number : key;
};

interface Highlighted {
  packageKey: string;
  numbers: readonly string[];
}

interface PackageState {
  open: boolean;
  global: boolean;
  /** The numbers of the package's highlighted customers, whether the package is open or not. */
  numbers: NumberCounts;
}

const DEFAULT_RULE = { open: true, global: false };

/**
 * One tenant's highlighted customers, indexed for the screen: per package the numbers of
 * its highlighted customers, and tenant-wide the numbers highlighted in open packages and
 * in open packages whose numbers are globally unique — so a lookup is a few hash probes,
 * whatever the number of packages. The customers themselves are kept (id → package and
 * numbers) so that a change replaces a customer's numbers whole: the last state read from
 * storage wins, whatever order the notifications of two racing writes arrive in.
 */
class TenantHighlights {
  private readonly customers = new Map<string, Highlighted>();
  private readonly packages = new Map<string, PackageState>();
  private readonly inOpen = new NumberCounts();
  private readonly inOpenGlobal = new NumberCounts();

  get size(): number {
    return this.customers.size;
  }

  has(customerId: string): boolean {
    return this.customers.has(customerId);
  }

  isBlocked(packageKey: string, number: string): boolean {
    return this.blocker(packageKey)?.(number, numberKey(number)) ?? false;
  }

  /** The lookup for one package (null: nothing is blocked anywhere); valid until the next change. */
  blocker(packageKey: string): ((number: string, key: number) => boolean) | null {
    // Only a number highlighted in an open package can block anything: most tenants stop here.
    if (this.inOpen.size === 0) return null;
    const pkg = this.packages.get(packageKey);
    const own = pkg?.open === true ? pkg.numbers : undefined;
    // Globally unique numbers: the customer is the same person in every package, and so is the flag.
    const wide = pkg?.global === true ? this.inOpen : this.inOpenGlobal;
    return own === undefined ? (number, key) => wide.has(key, number) : (number, key) => own.has(key, number) || wide.has(key, number);
  }

  setCustomer(customerId: string, highlighted: Highlighted | undefined): void {
    const before = this.customers.get(customerId);
    if (before) for (const number of before.numbers) this.count(before.packageKey, number, -1);
    if (highlighted && highlighted.numbers.length > 0) {
      this.customers.set(customerId, highlighted);
      for (const number of highlighted.numbers) this.count(highlighted.packageKey, number, 1);
    } else {
      this.customers.delete(customerId);
    }
  }

  setRule(packageKey: string, rule: { open: boolean; global: boolean } | undefined): void {
    const pkg = this.package(packageKey);
    const after = rule ?? DEFAULT_RULE;
    if (pkg.open === after.open && pkg.global === after.global) return;
    for (const [number, n] of pkg.numbers.entries()) this.spread(pkg, number, -n);
    pkg.open = after.open;
    pkg.global = after.global;
    for (const [number, n] of pkg.numbers.entries()) this.spread(pkg, number, n);
  }

  private package(packageKey: string): PackageState {
    let pkg = this.packages.get(packageKey);
    if (!pkg) this.packages.set(packageKey, (pkg = { ...DEFAULT_RULE, numbers: new NumberCounts() }));
    return pkg;
  }

  private count(packageKey: string, number: string, by: 1 | -1): void {
    const pkg = this.package(packageKey);
    if (by > 0) pkg.numbers.add(number);
    else pkg.numbers.remove(number);
    this.spread(pkg, number, by);
  }

  private spread(rule: { open: boolean; global: boolean }, number: string, by: number): void {
    if (!rule.open || by === 0) return;
    if (by > 0) this.inOpen.add(number, by);
    else this.inOpen.remove(number, -by);
    if (!rule.global) return;
    if (by > 0) this.inOpenGlobal.add(number, by);
    else this.inOpenGlobal.remove(number, -by);
  }
}

type Change = (tenant: TenantHighlights) => void;

interface Loading {
  readonly queued: Change[];
  promise: Promise<void>;
}

const ruleOf = (pkg: PackageRule) => ({ open: pkg.status === 'open', global: pkg.phoneUniqueness === 'global' });

/**
 * The customer "highlight" no-call flag (manual §3.3 3.3–3.4) as a `NoCallSource` of the
 * compliance screen: a highlighted customer's numbers must not be called, though they are
 * on no DNC list; the flag and the list entries are set and removed independently, and
 * either one alone keeps the number from being called.
 *
 * Scope follows the customer packages (§3.2.2): a highlight counts in the customer's own
 * package — the same number in another package is another customer — unless numbers are
 * globally unique on either side (the highlighted customer's package, or the package being
 * screened for), where a number is one customer across the tenant. A closed package's data
 * is hidden: its highlights stop no calls until it is opened again.
 *
 * Answers from memory: a tenant's highlighted customers are read once (`load`, awaited by
 * the screen's `ready`) and kept current by the writes of this process — `set` (the flag),
 * `customerChanged` (CustomerService: numbers or package changed, customer deleted),
 * `packageChanged` (a package saved). Writes made elsewhere (another process, SQL, an import
 * updating a highlighted customer's numbers) reach it with `reload`. Changes that arrive
 * while a tenant loads are queued and applied once the load is in.
 */
export class HighlightedCustomers implements NoCallSource {
  readonly name = HIGHLIGHTED_CUSTOMER;
  private readonly tenants = new Map<string, TenantHighlights>();
  private readonly loading = new Map<string, Loading>();

  constructor(
    private readonly storage: Pick<Storage, 'customers' | 'customerPackages'>,
    private readonly logger: Logger = silentLogger,
  ) {}

  /** Reads the tenant's packages and highlighted customers (a load in flight is shared). */
  load(tenantId: string): Promise<void> {
    return this.loading.get(tenantId)?.promise ?? this.build(tenantId);
  }

  /** Rebuilds the tenant's index from storage if it is loaded; the current one answers until then. */
  async reload(tenantId: string): Promise<void> {
    if (!this.tenants.has(tenantId) && !this.loading.has(tenantId)) return;
    await this.loading.get(tenantId)?.promise.catch(() => undefined);
    await this.build(tenantId);
  }

  isLoaded(tenantId: string): boolean {
    return this.tenants.has(tenantId);
  }

  /** Forgets the tenant (and drops a load in flight). */
  unload(tenantId: string): void {
    this.tenants.delete(tenantId);
    this.loading.delete(tenantId);
  }

  unloadAll(): void {
    for (const tenantId of [...this.tenants.keys(), ...this.loading.keys()]) this.unload(tenantId);
  }

  /** Highlighted customers the tenant's index holds (0 when not loaded). */
  size(tenantId: string): number {
    return this.tenants.get(tenantId)?.size ?? 0;
  }

  isBlocked(tenantId: string, customerPackageId: string | null, number: string): boolean {
    return this.tenants.get(tenantId)?.isBlocked(customerPackageId ?? '', number) ?? false;
  }

  /** For a batch: the tenant's and package's tables resolved once; null when no highlight is in force in the tenant. */
  blocker(tenantId: string, customerPackageId: string | null): ((number: string, key: number) => boolean) | null {
    return this.tenants.get(tenantId)?.blocker(customerPackageId ?? '') ?? null;
  }

  /**
   * Highlights a customer (§3.3 3.3: "a no-call flag on the customer data page", its numbers
   * not on the DNC list) or removes the highlight (3.4): storage first, then the index, so
   * the very next screening sees it. DNC entries of the same numbers are left as they are.
   */
  async set(tenantId: string, customerId: string, highlighted: boolean): Promise<Customer> {
    const customer = await this.storage.customers.setNoCall(tenantId, customerId, highlighted);
    this.customerChanged(tenantId, customer);
    return customer;
  }

  /** A customer as stored now (undefined: deleted); what CustomerService reports after every write. */
  customerChanged(tenantId: string, customer: Customer | undefined, customerId = customer?.id): void {
    if (customerId === undefined) return;
    const entry = customer?.noCall ? { packageKey: customer.packageId ?? '', numbers: [...customer.phones] } : undefined;
    this.change(tenantId, (tenant) => tenant.setCustomer(customerId, entry));
  }

  /**
   * A customer's numbers as a path that holds no Customer wrote them (an import adding numbers
   * to customers it updates). Only a customer the index holds as highlighted changes: the
   * index, not the writer's earlier read of the flag, knows whether the highlight was set or
   * cleared meanwhile.
   */
  numbersChanged(tenantId: string, customerId: string, customerPackageId: string | null, numbers: readonly string[]): void {
    this.change(tenantId, (tenant) => {
      if (tenant.has(customerId)) tenant.setCustomer(customerId, { packageKey: customerPackageId ?? '', numbers: [...numbers] });
    });
  }

  /** A package as saved now (created, opened, closed, its phone uniqueness changed), or deleted (`removed`). */
  packageChanged(tenantId: string, pkg: PackageRule, removed = false): void {
    const rule = removed ? undefined : ruleOf(pkg);
    this.change(tenantId, (tenant) => tenant.setRule(pkg.id, rule));
  }

  private change(tenantId: string, change: Change): void {
    const tenant = this.tenants.get(tenantId);
    if (tenant) change(tenant);
    this.loading.get(tenantId)?.queued.push(change);
  }

  private build(tenantId: string): Promise<void> {
    const loading: Loading = { queued: [], promise: Promise.resolve() };
    loading.promise = (async () => {
      try {
        const tenant = new TenantHighlights();
        for (const pkg of await this.storage.customerPackages.list(tenantId, { includeClosed: true })) tenant.setRule(pkg.id, ruleOf(pkg));
        let current: { id: string; packageKey: string; numbers: string[] } | undefined;
        for await (const page of this.storage.customers.streamHighlighted(tenantId)) {
          for (const row of page) {
            // Pages are in customer order; a customer's numbers may straddle two pages.
            if (current?.id !== row.customerId) {
              if (current) tenant.setCustomer(current.id, current);
              current = { id: row.customerId, packageKey: row.packageId ?? '', numbers: [] };
            }
            current.numbers.push(row.number);
          }
        }
        if (current) tenant.setCustomer(current.id, current);
        if (this.loading.get(tenantId) !== loading) return; // unloaded meanwhile
        for (const change of loading.queued) change(tenant);
        this.tenants.set(tenantId, tenant);
        this.logger.info({ tenantId, customers: tenant.size }, 'highlighted customers loaded');
      } finally {
        if (this.loading.get(tenantId) === loading) this.loading.delete(tenantId);
      }
    })();
    this.loading.set(tenantId, loading);
    return loading.promise;
  }
}
