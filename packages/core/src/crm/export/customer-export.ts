import type { GlobalSearchField } from '../../storage/repositories/custom-fields.js';
import type { Customer, CustomerSearch } from '../../storage/repositories/customers.js';
import type { Storage } from '../../storage/storage.js';
import { maskNumber } from '../customers.js';
import type { CustomFieldConfig } from '../model.js';
import type { ExportColumn, ExportSource } from './csv-export.js';
import { exportNames, type ExportNames } from './export-names.js';

export interface CustomerExportOptions {
  /** Which customers: the customers page's filters (no paging); `includeClosed`: closed packages' customers too (an administrator's archive). */
  search: Omit<CustomerSearch, 'limit' | 'offset' | 'globalSearchFields'>;
  /** Customers created up to then: the export is a snapshot, whatever is added while it streams. */
  until: number;
  /** The role of who exports: custom fields hidden from it are left out. */
  role?: string;
  /** Numbers with their middle digits hidden. */
  mask?: boolean;
}

/** Which customer columns, for whom. */
export interface CustomerColumnOptions {
  /** The package exported; undefined: every package (their custom fields, first of a name wins). */
  packageId?: string | null;
  role?: string;
  mask?: boolean;
  /** Standard columns another export writes its own way. */
  without?: ReadonlyArray<'lastCallResult' | 'funnelStage'>;
  /** The custom fields of closed packages too (an export that includes their customers). */
  includeClosed?: boolean;
}

/**
 * The customers page as an export source (manual §3.3.3 "Export"): the standard fields,
 * then the custom fields (of the package, or of every package when none is chosen), with
 * tags, data sources, stages and results by name and times in the tenant's time zone.
 * Multiple values are written the way an import reads them back (numbers `;`, options `|`,
 * cascades `/`).
 */
export async function customerExportSource(storage: Storage, tenantId: string, options: CustomerExportOptions): Promise<ExportSource<Customer>> {
  const names = await exportNames(storage, tenantId);
  const { columns, globalSearchFields } = await customerColumns(storage, tenantId, names, {
    ...(options.search.packageId === undefined ? {} : { packageId: options.search.packageId }),
    ...(options.role === undefined ? {} : { role: options.role }),
    mask: options.mask === true,
    includeClosed: options.search.includeClosed === true,
  });
  const search: CustomerSearch = { ...options.search, globalSearchFields };
  return {
    name: 'customers',
    columns,
    count: () => storage.customers.countFor(tenantId, search, options.until),
    records: () => storage.customers.stream(tenantId, search, options.until),
  };
}

/**
 * A customer's columns as the customer exports write them (the customers page, successfully
 * submitted customers), and the custom fields the global search covers for that role.
 */
export async function customerColumns(storage: Storage, tenantId: string, names: ExportNames, options: CustomerColumnOptions): Promise<{ columns: Array<ExportColumn<Customer>>; globalSearchFields: GlobalSearchField[] }> {
  const includeClosed = options.includeClosed === true;
  const packageIds = options.packageId !== undefined ? [options.packageId] : [null, ...(await storage.customerPackages.list(tenantId, { includeClosed })).map((p) => p.id)];
  const seen = (f: CustomFieldConfig) => options.role === undefined || f.permissions[options.role] !== 'hidden';
  const fields = new Map<string, CustomFieldConfig>();
  const globalSearchFields: GlobalSearchField[] = [];
  for (const packageId of packageIds) {
    for (const field of await storage.customFields.list(tenantId, packageId, { includeClosed })) {
      if (!fields.has(field.name)) fields.set(field.name, field);
      // The search covers each package's own marked fields, and none the role may not see.
      if (field.globalSearch && seen(field)) globalSearchFields.push({ name: field.name, packageId });
    }
  }
  const visible = [...fields.values()].filter(seen);
  const phones = (c: Customer) => (options.mask ? c.phones.map(maskNumber) : c.phones).join(';');
  const without = new Set(options.without ?? []);

  const standard: Array<[string, ExportColumn<Customer>]> = [
    ['id', { header: 'ID', value: (c) => c.id }],
    ['package', { header: 'Package', value: (c) => names.package(c.packageId) }],
    ['name', { header: 'Name', value: (c) => c.name }],
    ['phones', { header: 'Phones', value: phones }],
    ['email', { header: 'E-mail', value: (c) => c.email }],
    ['gender', { header: 'Gender', value: (c) => c.gender }],
    ['age', { header: 'Age', value: (c) => c.age }],
    ['address', { header: 'Address', value: (c) => c.address }],
    ['area', { header: 'Area', value: (c) => c.area }],
    ['notes', { header: 'Notes', value: (c) => c.notes }],
    ['tags', { header: 'Tags', value: (c) => c.tags.map(names.tag).join('|') }],
    ['dataSource', { header: 'Data source', value: (c) => names.dataSource(c.dataSourceId) }],
    ['task', { header: 'Task', value: (c) => c.taskId }],
    ['agent', { header: 'Agent', value: (c) => c.agentNumber }],
    ['allocatedAt', { header: 'Allocated at', value: (c) => names.time(c.allocatedAt) }],
    ['totalCalls', { header: 'Total calls', value: (c) => c.totalCalls }],
    ['lastCallResult', { header: 'Last call result', value: (c) => names.callResult(c.lastCallResult) }],
    ['funnelStage', { header: 'Funnel stage', value: (c) => names.funnelStage(c.funnelStage) }],
    ['noCall', { header: 'No call', value: (c) => (c.noCall ? 'yes' : 'no') }],
    ['createdAt', { header: 'Created at', value: (c) => names.time(c.createdAt) }],
    ['updatedAt', { header: 'Updated at', value: (c) => names.time(c.updatedAt) }],
  ];
  return {
    columns: [
      ...standard.filter(([key]) => !without.has(key as 'funnelStage')).map(([, column]) => column),
      ...visible.map((field) => ({ header: field.displayName, value: (c: Customer) => customCell(field, c.custom[field.name]) })),
    ],
    globalSearchFields,
  };
}

function customCell(field: CustomFieldConfig, value: unknown): unknown {
  if (!Array.isArray(value)) return value;
  return value.join(field.type === 'association' ? '/' : '|');
}
