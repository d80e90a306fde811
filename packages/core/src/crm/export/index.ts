export { exportCsv, type ExportColumn, type ExportFile, type ExportSettings, type ExportSource } from './csv-export.js';
export { exportNames, type ExportNames } from './export-names.js';
export { customerColumns, customerExportSource, type CustomerColumnOptions, type CustomerExportOptions } from './customer-export.js';
export { successfulCustomerExportSource, type SuccessfulCustomerExportOptions } from './successful-customer-export.js';
export { contactHistoryExportSource, type ContactHistoryExportOptions } from './contact-history-export.js';
export { zipStream, type ZipEntry } from './zip-writer.js';
