import { tenants } from './0001_tenants.js';
import { users } from './0002_users.js';
import { apiKeys } from './0003_api_keys.js';
import { platformSettings } from './0004_platform_settings.js';
import { auditLog } from './0005_audit_log.js';
import { sipAccounts } from './0006_sip_accounts.js';
import { acd } from './0007_acd.js';
import { routing } from './0008_routing.js';
import { crm } from './0011_crm.js';
import { crmImport } from './0012_crm_import.js';
import { mediaFiles } from './0009_media_files.js';
import { dnc } from './0010_dnc.js';
import { contacts } from './0013_contacts.js';
import { customerHighlights } from './0014_customer_highlights.js';
import { customerNumberScopes } from './0015_customer_number_scopes.js';
import { customerAttachments } from './0016_customer_attachments.js';
import type { Migration } from './migration.js';

export { ListMigrationSource, checkMigrationList, type Migration } from './migration.js';

/** Every migration, oldest first. A new one goes at the end; released ones never change (a test checks the order). */
export const migrations: readonly Migration[] = [tenants, users, apiKeys, platformSettings, auditLog, sipAccounts, acd, routing, mediaFiles, dnc, crm, crmImport, contacts, customerHighlights, customerNumberScopes, customerAttachments];

/** knex's bookkeeping table; our own name, so a database shared with another knex app does not mix histories. */
export const MIGRATIONS_TABLE = 'switchboard_migrations';
