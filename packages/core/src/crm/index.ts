export * from './model.js';
export { currentValues, customDefaults, missingOnSuccess, validateCustomValues, type CustomValue, type ValidateOptions } from './custom-values.js';
export { CustomerService, customerInputSchema, maskNumber, type CustomerChangeListener, type CustomerInput, type WriteOptions } from './customers.js';
export {
  CustomerAttachments,
  DEFAULT_ATTACHMENT_MAX_BYTES,
  attachmentIssues,
  attachmentTooLarge,
  contentTypeOf,
  sanitizeFileName,
  type AttachmentReader,
  type AttachmentReferrer,
  type CustomerAttachmentsOptions,
} from './attachments.js';
export * from './contact-model.js';
export { ContactService } from './contacts.js';
export * from './catalog.js';
export * from './import/index.js';
export * from './export/index.js';
export { ConnectedCallRecorder, type ConnectedCall } from './connected-calls.js';
export { readDictionaryCsv, type DictionaryFile } from './dictionary-csv.js';
