import type { SuccessfulCustomer, SuccessfulSearch } from '../../storage/repositories/customers.js';
import type { Storage } from '../../storage/storage.js';
import type { ExportColumn, ExportSource } from './csv-export.js';
import { customerColumns } from './customer-export.js';
import { exportNames } from './export-names.js';

export interface SuccessfulCustomerExportOptions {
  /** The successfully submitted customers page's filters (no paging). */
  search: Omit<SuccessfulSearch, 'limit' | 'offset' | 'globalSearchFields'>;
  /** As the customers were then: the export is a snapshot, whatever is submitted while it streams. */
  until: number;
  /** The role of who exports: custom fields hidden from it are left out. */
  role?: string;
  /** Numbers with their middle digits hidden. */
  mask?: boolean;
}

/**
 * Successfully submitted customers (manual §3.3.2 "Export CSV file") as an export source:
 * the customer columns of the customers export, then the successful submission — its stage,
 * score, call result, agent, time, notes and quality inspection.
 */
export async function successfulCustomerExportSource(storage: Storage, tenantId: string, options: SuccessfulCustomerExportOptions): Promise<ExportSource<SuccessfulCustomer>> {
  const names = await exportNames(storage, tenantId);
  const customer = await customerColumns(storage, tenantId, names, {
    ...(options.search.packageId === undefined ? {} : { packageId: options.search.packageId }),
    ...(options.role === undefined ? {} : { role: options.role }),
    mask: options.mask === true,
    without: ['lastCallResult', 'funnelStage'],
  });
  const submission: Array<ExportColumn<SuccessfulCustomer>> = [
    { header: 'Funnel stage', value: (c) => names.funnelStage(c.submission.funnelStageId) },
    { header: 'Score', value: (c) => c.submission.score },
    { header: 'Call result', value: (c) => names.callResult(c.submission.callResultId) },
    { header: 'Submitted by', value: (c) => c.submission.agentNumber },
    { header: 'Last submission at', value: (c) => names.time(c.submission.submittedAt) },
    { header: 'Contact notes', value: (c) => c.submission.notes },
    { header: 'Quality inspection result', value: (c) => c.submission.qcResult },
    { header: 'Quality inspection notes', value: (c) => c.submission.qcNotes },
  ];
  const search: SuccessfulSearch = { ...options.search, globalSearchFields: customer.globalSearchFields };
  return {
    name: 'successful-customers',
    columns: [...customer.columns, ...submission],
    count: () => storage.customers.countSuccessful(tenantId, search, options.until),
    records: () => storage.customers.streamSuccessful(tenantId, search, options.until),
  };
}
