export { exportCsv, type ExportColumn, type ExportFile, type ExportSettings, type ExportSource } from './csv-export.js';
export { customerExportSource, type CustomerExportOptions } from './customer-export.js';
export { zipStream, type ZipEntry } from './zip-writer.js';
