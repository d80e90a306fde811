export { CustomerImports, CUSTOMER_IMPORT_JOB, customerImportOptionsSchema, type CustomerImportOptions, type CustomerImportResult, type CustomerImportsOptions } from './customer-import.js';
export { CsvReader, readCsv, countCsvRecords, detectDelimiter, MAX_RECORD_CHARS, type CsvRecord, type CsvDelimiter } from './csv-reader.js';
export { detectEncoding, decodeText, createDecoder, encodeText, importEncodings, type DetectedEncoding, type ImportEncoding } from './text-decoding.js';
export { mapColumns, normalizeHeader, standardTargetOf, columnChoiceSchema, importTargets, type ColumnChoice, type ColumnMapping, type MappedColumn } from './column-mapping.js';
export { NumberMemo } from '../../routing/number-memo.js';
