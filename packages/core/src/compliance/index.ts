export * from './model.js';
export { Compliance, type ComplianceOptions } from './compliance.js';
export { HighlightedCustomers, HIGHLIGHTED_CUSTOMER, type PackageRule } from './highlighted-customers.js';
export { DncLists, readPhoneNumber, type DncCsvImportResult } from './dnc-lists.js';
export { DncScreen, DNC_LIST, storageListSource, type DncListSource, type NoCallSource, type ScreenResult } from './dnc-screen.js';
export { readDncCsv, isCsvLineError, MAX_LINE_LENGTH, type CsvLine, type CsvLineError } from './dnc-csv.js';
export { NumberSet, NumberSetBuilder } from './number-set.js';
export { numberKey, numberOfKey, isCanonicalNumber } from './number-key.js';
