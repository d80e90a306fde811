import { silentLogger, type Logger } from '../logging/logger.js';
import type { Storage } from '../storage/storage.js';
import { DncLists } from './dnc-lists.js';
import { DncScreen, storageListSource } from './dnc-screen.js';

export interface ComplianceOptions {
  storage: Pick<Storage, 'tenants' | 'dnc' | 'customerPackages'>;
  logger?: Logger;
}

/**
 * Compliance (DESIGN §2): the do-not-call lists and the one screening call every outbound
 * path makes before dialling. Calling windows, abandon-rate caps and attempt limits join it
 * with the dialer.
 */
export class Compliance {
  /** The in-memory screen: `ready`, `mayCall`, `screen`, and `addSource` for other no-call reasons (highlighted customers). */
  readonly screen: DncScreen;
  /** The lists as people change them; every write reaches the screen. */
  readonly dnc: DncLists;

  constructor(options: ComplianceOptions) {
    this.screen = new DncScreen(storageListSource(options.storage), (options.logger ?? silentLogger).child({ component: 'compliance' }));
    this.dnc = new DncLists(options.storage, this.screen);
  }

  /**
   * May `number` be called for this customer package (null: the tenant's default one) now?
   * The one screening call of every outbound path: the package's DNC list, then every
   * `NoCallSource`. Loads the tenant's lists on first use; after that it answers from memory.
   */
  async mayCall(tenantId: string, customerPackageId: string | null, number: string): Promise<boolean> {
    if (!this.screen.isReady(tenantId)) await this.screen.ready(tenantId);
    return this.screen.mayCall(tenantId, customerPackageId, number);
  }

  /** Forgets every loaded list (and any load in flight). */
  close(): void {
    this.screen.unloadAll();
  }
}
