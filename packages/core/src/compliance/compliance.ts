import { silentLogger, type Logger } from '../logging/logger.js';
import type { Storage } from '../storage/storage.js';
import { DncLists } from './dnc-lists.js';
import { DncScreen, storageListSource } from './dnc-screen.js';
import { HighlightedCustomers } from './highlighted-customers.js';

export interface ComplianceOptions {
  storage: Pick<Storage, 'tenants' | 'dnc' | 'customerPackages' | 'customers'>;
  logger?: Logger;
}

/**
 * Compliance (DESIGN §2): the do-not-call lists, the highlighted customers, and the one
 * screening call every outbound path makes before dialling. Calling windows, abandon-rate
 * caps and attempt limits join it with the dialer.
 */
export class Compliance {
  /** The in-memory screen: `ready`, `mayCall`, `screen`, and `addSource` for other no-call reasons. */
  readonly screen: DncScreen;
  /** The lists as people change them; every write reaches the screen. */
  readonly dnc: DncLists;
  /** The customer "highlight" no-call flag (§3.3 3.3–3.4): a source of the screen, plugged in from the start. */
  readonly highlights: HighlightedCustomers;

  constructor(options: ComplianceOptions) {
    const logger = (options.logger ?? silentLogger).child({ component: 'compliance' });
    this.screen = new DncScreen(storageListSource(options.storage), logger);
    this.dnc = new DncLists(options.storage, this.screen);
    this.highlights = new HighlightedCustomers(options.storage, logger);
    this.screen.addSource(this.highlights);
  }

  /**
   * May `number` be called for this customer package (null: the tenant's default one) now?
   * The one screening call of every outbound path: the package's DNC list, then every
   * `NoCallSource` (highlighted customers first). Loads the tenant on first use; after that
   * it answers from memory.
   */
  async mayCall(tenantId: string, customerPackageId: string | null, number: string): Promise<boolean> {
    if (!this.screen.isReady(tenantId)) await this.screen.ready(tenantId);
    return this.screen.mayCall(tenantId, customerPackageId, number);
  }

  /** Why `number` may not be called for this package: `dnc`, a source's name (`highlighted-customer`), or undefined when it may. */
  async blockedBy(tenantId: string, customerPackageId: string | null, number: string): Promise<string | undefined> {
    if (!this.screen.isReady(tenantId)) await this.screen.ready(tenantId);
    return this.screen.blockedBy(tenantId, customerPackageId, number);
  }

  /** Forgets every loaded list and highlight (and any load in flight). */
  close(): void {
    this.screen.unloadAll();
    this.highlights.unloadAll();
  }
}
