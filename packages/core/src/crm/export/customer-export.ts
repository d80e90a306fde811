import { DateTime } from 'luxon';
import type { Customer, CustomerSearch } from '../../storage/repositories/customers.js';
import type { Storage } from '../../storage/storage.js';
import { maskNumber } from '../customers.js';
import type { CustomFieldConfig } from '../model.js';
import type { ExportColumn, ExportSource } from './csv-export.js';

export interface CustomerExportOptions {
  /** Which customers: the customers page's filters (no paging). */
  search: Omit<CustomerSearch, 'limit' | 'offset' | 'globalSearchFields'>;
  /** Customers created up to then: the export is a snapshot, whatever is added while it streams. */
  until: number;
  /** The role of who exports: custom fields hidden from it are left out. */
  role?: string;
  /** Numbers with their middle digits hidden. */
  mask?: boolean;
}

/**
 * The customers page as an export source (manual §3.3.3 "Export"): the standard fields,
 * then the custom fields (of the package, or of every package when none is chosen), with
 * tags and data sources by name and times in the tenant's time zone. Multiple values are
 * written the way an import reads them back (numbers `;`, options `|`, cascades `/`).
 */
export async function customerExportSource(storage: Storage, tenantId: string, options: CustomerExportOptions): Promise<ExportSource<Customer>> {
  const tenant = await storage.tenants.get(tenantId);
  const packageIds = options.search.packageId !== undefined ? [options.search.packageId] : [null, ...(await storage.customerPackages.list(tenantId, { includeClosed: true })).map((p) => p.id)];
  const fields = new Map<string, CustomFieldConfig>();
  for (const packageId of packageIds) for (const field of await storage.customFields.list(tenantId, packageId)) if (!fields.has(field.name)) fields.set(field.name, field);
  const visible = [...fields.values()].filter((f) => options.role === undefined || f.permissions[options.role] !== 'hidden');
  const globalSearchFields = visible.filter((f) => f.globalSearch).map((f) => f.name);
  const [tags, sources, packages] = await Promise.all([storage.customerTags.list(tenantId), storage.dataSources.list(tenantId), storage.customerPackages.list(tenantId, { includeClosed: true })]);
  const tagNames = new Map(tags.map((t) => [t.id, t.name]));
  const sourceNames = new Map(sources.map((s) => [s.id, s.name]));
  const packageNames = new Map(packages.map((p) => [p.id, p.displayName]));
  const time = (ms: number | null) => (ms === null ? null : DateTime.fromMillis(ms, { zone: tenant.timeZone }).toFormat('yyyy-MM-dd HH:mm:ss'));
  const phones = (c: Customer) => (options.mask ? c.phones.map(maskNumber) : c.phones).join(';');

  const columns: Array<ExportColumn<Customer>> = [
    { header: 'ID', value: (c) => c.id },
    { header: 'Package', value: (c) => (c.packageId === null ? 'Default' : (packageNames.get(c.packageId) ?? c.packageId)) },
    { header: 'Name', value: (c) => c.name },
    { header: 'Phones', value: phones },
    { header: 'E-mail', value: (c) => c.email },
    { header: 'Gender', value: (c) => c.gender },
    { header: 'Age', value: (c) => c.age },
    { header: 'Address', value: (c) => c.address },
    { header: 'Area', value: (c) => c.area },
    { header: 'Notes', value: (c) => c.notes },
    { header: 'Tags', value: (c) => c.tags.map((id) => tagNames.get(id) ?? id).join('|') },
    { header: 'Data source', value: (c) => (c.dataSourceId === null ? null : (sourceNames.get(c.dataSourceId) ?? c.dataSourceId)) },
    { header: 'Task', value: (c) => c.taskId },
    { header: 'Agent', value: (c) => c.agentNumber },
    { header: 'Allocated at', value: (c) => time(c.allocatedAt) },
    { header: 'Total calls', value: (c) => c.totalCalls },
    { header: 'Last call result', value: (c) => c.lastCallResult },
    { header: 'Funnel stage', value: (c) => c.funnelStage },
    { header: 'No call', value: (c) => (c.noCall ? 'yes' : 'no') },
    { header: 'Created at', value: (c) => time(c.createdAt) },
    { header: 'Updated at', value: (c) => time(c.updatedAt) },
    ...visible.map((field) => ({ header: field.displayName, value: (c: Customer) => customCell(field, c.custom[field.name]) })),
  ];
  const search: CustomerSearch = { ...options.search, globalSearchFields };
  return {
    name: 'customers',
    columns,
    count: () => storage.customers.countFor(tenantId, search, options.until),
    records: () => storage.customers.stream(tenantId, search, options.until),
  };
}

function customCell(field: CustomFieldConfig, value: unknown): unknown {
  if (!Array.isArray(value)) return value;
  return value.join(field.type === 'association' ? '/' : '|');
}
