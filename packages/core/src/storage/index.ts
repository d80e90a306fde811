export { parseDatabaseUrl, redactConnectionString, validateStorageConfig, type StorageConfig, type StorageDialect } from './config.js';
export { createStorage, type Storage, type StorageOptions, type StorageRepositories } from './storage.js';
export { migrations, type Migration } from './migrations/index.js';
export {
  TenantScopedRepository,
  insertInBatches,
  type NewEntity,
  type RepositoryContext,
  type TenantScope,
} from './repository.js';
export { RowCodec, snakeCase, type ColumnKind, type ColumnSpec, type Row } from './row-codec.js';
export { isForeignKeyViolation, isUniqueViolation, toStorageError, withStorageErrors, type ConstraintMessages } from './db-errors.js';
export { TenantRepository, type NewTenant, type Tenant, type TenantPatch, type TenantStatus } from './repositories/tenants.js';
export { UserRepository, type NewUser, type User, type UserPatch, type UserStatus } from './repositories/users.js';
export { ApiKeyRepository, type ApiKey, type NewApiKey } from './repositories/api-keys.js';
export { PlatformSettingsRepository } from './repositories/platform-settings.js';
export { AuditLogRepository, type AuditEntry, type AuditListOptions, type NewAuditEntry } from './repositories/audit-log.js';
export { SipAccountRepository, sipHa1, type NewSipAccount, type SipAccount } from './repositories/sip-accounts.js';
export { AgentRepository, type AgentChanges, type AgentListOptions, type NewAgentRecord } from './repositories/agents.js';
export { AgentGroupRepository, type AgentGroupListOptions } from './repositories/agent-groups.js';
export { PauseReasonRepository, type PauseReasonPatch } from './repositories/pause-reasons.js';
export { AgentEventRepository, type AgentEventPage, type AgentEventQuery, type NewAgentEvent } from './repositories/agent-events.js';
export { QueueLogRepository, type NewQueueLogEntry, type QueueLogPage, type QueueLogQuery } from './repositories/queue-log.js';
export { BatchWriter } from './batch-writer.js';
export { RoutingObjectRepository, flatten, type RoutingObject, type RoutingObjectRecord } from './repositories/routing-objects.js';
export { DidRepository, didKey } from './repositories/dids.js';
export { RoutingSettingsRepository } from './repositories/routing-settings.js';
export { BlacklistRepository, type BlacklistEntry, type BlacklistRecord, type BlacklistStatus } from './repositories/blacklist.js';
export { DncRepository, type DncImportOptions, type DncImportResult } from './repositories/dnc.js';
export { CdrRepository, cdrFilterSchema, type CdrFilter } from './repositories/cdrs.js';
export { MediaFileRepository } from './repositories/media-files.js';
export { CustomerPackageRepository, customerValueSql, type CustomerPackage } from './repositories/customer-packages.js';
export { CustomFieldRepository, type CustomField, type GlobalSearchField } from './repositories/custom-fields.js';
export { CustomerRepository, type Customer, type CustomerSearch, type NewCustomerValues, type SuccessfulCustomer, type SuccessfulSearch } from './repositories/customers.js';
export type { SubmissionFilter, SuccessfulSubmission } from './repositories/successful-customers.js';
export { LabelRepository } from './repositories/crm-labels.js';
export { CrmSettingsRepository } from './repositories/crm-settings.js';
export { DictionaryRepository, type DictionarySummary } from './repositories/dictionaries.js';
export { PreDialRepository, type PreDialEntry } from './repositories/pre-dial.js';
export { JobRepository, type JobListOptions, type NewJob } from './repositories/jobs.js';
export { FunnelStageRepository, type FunnelStage } from './repositories/funnel-stages.js';
export { CallResultRepository, type CallResult } from './repositories/call-results.js';
export { ContactRecordRepository, contactRecordFilterSchema, type ContactHistoryEntry, type ContactRecord, type ContactRecordFilter, type NewContactRecord } from './repositories/contact-records.js';
export { CustomerAttachmentRepository, type CustomerAttachment, type MentioningCustomer, type NewCustomerAttachment } from './repositories/customer-attachments.js';
export { PopupWarningRepository, type ListedPopupWarning, type PopupWarning } from './repositories/popup-warnings.js';
