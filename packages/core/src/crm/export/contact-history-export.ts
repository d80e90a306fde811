import type { ContactHistoryEntry, ContactRecordFilter } from '../../storage/repositories/contact-records.js';
import type { Storage } from '../../storage/storage.js';
import { maskNumber } from '../customers.js';
import type { ExportColumn, ExportSource } from './csv-export.js';
import { exportNames } from './export-names.js';

export interface ContactHistoryExportOptions {
  /** The contact history page's filters (no paging); `visibleTo` for an agent's own view. */
  filter: ContactRecordFilter;
  /** Records created up to then: the export is a snapshot. */
  until: number;
  /** Numbers with their middle digits hidden. */
  mask?: boolean;
}

/**
 * The contact history (manual §3.3.5 "Export files in CSV format") as an export source, oldest
 * first: the page's fields, with the customer, call result, stage and data source by name and
 * times in the tenant's time zone.
 */
export async function contactHistoryExportSource(storage: Storage, tenantId: string, options: ContactHistoryExportOptions): Promise<ExportSource<ContactHistoryEntry>> {
  const names = await exportNames(storage, tenantId);
  const yesNo = (value: boolean) => (value ? 'yes' : 'no');
  const columns: Array<ExportColumn<ContactHistoryEntry>> = [
    { header: 'Contact record ID', value: (r) => r.id },
    { header: 'Name', value: (r) => r.customerName },
    { header: 'Phone number', value: (r) => (r.phoneNumber !== null && options.mask ? maskNumber(r.phoneNumber) : r.phoneNumber) },
    { header: 'Package', value: (r) => names.package(r.packageId) },
    { header: 'Kind', value: (r) => r.kind },
    { header: 'Call ID', value: (r) => r.callId },
    { header: 'Agent', value: (r) => r.agentNumber },
    { header: 'Call status', value: (r) => r.callStatus },
    { header: 'Call result', value: (r) => names.callResult(r.callResultId) },
    { header: 'Contact notes', value: (r) => r.notes },
    { header: 'Funnel stage', value: (r) => names.funnelStage(r.funnelStageId) },
    { header: 'Score', value: (r) => r.score },
    { header: 'Data source', value: (r) => names.dataSource(r.dataSourceId) },
    { header: 'Appointment', value: (r) => names.time(r.appointmentAt) },
    { header: 'Quality inspection', value: (r) => yesNo(r.qcRequired) },
    { header: 'Quality inspection result', value: (r) => r.qcResult },
    { header: 'Quality inspection notes', value: (r) => r.qcNotes },
    { header: 'First quality inspection', value: (r) => names.time(r.qcFirstAt) },
    { header: 'Last quality inspection', value: (r) => names.time(r.qcLastAt) },
    { header: 'Created at', value: (r) => names.time(r.createdAt) },
    { header: 'Updated at', value: (r) => names.time(r.updatedAt) },
  ];
  return {
    name: 'contact-history',
    columns,
    count: () => storage.contactRecords.countFor(tenantId, options.filter, options.until),
    records: () => storage.contactRecords.stream(tenantId, options.filter, options.until),
  };
}
