import type { Knex } from 'knex';
import type { Migration } from './migration.js';

/**
 * What the CRM's imports and exports need (manual §3.2 "Batch data import", §3.3.6–3.3.9,
 * §3.15.1 "Data", §3.15.3): background jobs with their per-line errors, customer tags, data
 * sources, dictionaries, the pre-dial list an import fills (the dialer's input), and the
 * tenant's data preferences (export encoding, rows per exported file).
 */
export const crmImport: Migration = {
  name: '0012_crm_import',
  async up(knex: Knex) {
    // Background tasks (§3.15.3). A job's progress and the work it describes commit in one
    // transaction, so `state` (the last committed line) is exactly what a restart continues from.
    await knex.schema.createTable('jobs', (t) => {
      t.string('id', 64).primary();
      t.string('tenant_id', 64).notNullable().references('id').inTable('tenants');
      t.string('kind', 40).notNullable();
      t.string('status', 12).notNullable().checkIn(['queued', 'running', 'done', 'failed', 'cancelled'], 'jobs_status_check');
      t.string('file_name', 255).notNullable().defaultTo('');
      t.text('options').notNullable(); // JSON: what the job was asked to do
      t.text('state').notNullable(); // JSON: where it is (checkpoint), private to its handler
      t.bigInteger('total').nullable();
      t.bigInteger('processed').notNullable().defaultTo(0);
      t.bigInteger('succeeded').notNullable().defaultTo(0);
      t.bigInteger('failed').notNullable().defaultTo(0);
      t.text('result').nullable(); // JSON summary once finished
      t.text('error').nullable(); // why it failed
      t.string('created_by', 100).nullable();
      // The runner holding the job and until when; a lease that ran out is taken over.
      t.string('runner_id', 64).nullable();
      t.bigInteger('lease_until').nullable();
      t.bigInteger('created_at').notNullable();
      t.bigInteger('updated_at').notNullable();
      t.bigInteger('started_at').nullable();
      t.bigInteger('finished_at').nullable();
      t.index(['tenant_id', 'created_at'], 'jobs_tenant_created_index');
      t.index(['status', 'created_at'], 'jobs_status_created_index');
    });

    await knex.schema.createTable('job_errors', (t) => {
      t.string('tenant_id', 64).notNullable().references('id').inTable('tenants');
      t.string('job_id', 64).notNullable().references('id').inTable('jobs').onDelete('CASCADE');
      t.bigInteger('line').notNullable();
      t.text('reason').notNullable();
      t.text('cells').notNullable(); // JSON array: the record as read, for the error file
      t.primary(['job_id', 'line']);
      t.index(['tenant_id', 'job_id'], 'job_errors_tenant_job_index');
    });

    for (const table of ['customer_tags', 'data_sources'] as const) {
      await knex.schema.createTable(table, (t) => {
        t.string('id', 64).primary();
        t.string('tenant_id', 64).notNullable().references('id').inTable('tenants');
        t.string('name', 100).notNullable();
        t.string('color', 7).notNullable();
        t.string('description', 500).notNullable().defaultTo('');
        t.bigInteger('created_at').notNullable();
        t.bigInteger('updated_at').notNullable();
        t.unique(['tenant_id', 'name'], { indexName: `${table}_tenant_name_unique` });
      });
    }

    await knex.schema.createTable('dictionaries', (t) => {
      t.string('id', 64).primary();
      t.string('tenant_id', 64).notNullable().references('id').inTable('tenants');
      t.string('name', 100).notNullable();
      // The column whose value is looked up ("match key value"); empty until the first import names it.
      t.string('match_key', 100).notNullable().defaultTo('');
      t.string('description', 500).notNullable().defaultTo('');
      t.bigInteger('created_at').notNullable();
      t.bigInteger('updated_at').notNullable();
      t.unique(['tenant_id', 'name'], { indexName: 'dictionaries_tenant_name_unique' });
    });

    await knex.schema.createTable('dictionary_entries', (t) => {
      t.string('tenant_id', 64).notNullable().references('id').inTable('tenants');
      t.string('dictionary_id', 64).notNullable().references('id').inTable('dictionaries').onDelete('CASCADE');
      t.string('key', 200).notNullable();
      t.text('data').notNullable(); // JSON object: column → value
      t.primary(['dictionary_id', 'key']);
      t.index(['tenant_id', 'dictionary_id'], 'dictionary_entries_tenant_dictionary_index');
    });

    // The pre-dial list (§3.2 "Import pre-dial"): customers waiting to be dialled. The dialer builds on it.
    await knex.schema.createTable('pre_dial_entries', (t) => {
      t.string('id', 64).primary();
      t.string('tenant_id', 64).notNullable().references('id').inTable('tenants');
      t.string('package_key', 64).notNullable();
      t.string('customer_id', 64).notNullable().references('id').inTable('customers').onDelete('CASCADE');
      t.string('number', 32).notNullable();
      t.string('task_id', 64).nullable();
      t.string('import_job_id', 64).nullable();
      t.bigInteger('created_at').notNullable();
      t.index(['tenant_id', 'package_key', 'created_at'], 'pre_dial_entries_tenant_package_created_index');
      t.index(['tenant_id', 'import_job_id'], 'pre_dial_entries_tenant_job_index');
      t.index(['customer_id'], 'pre_dial_entries_customer_index');
    });

    await knex.schema.createTable('crm_settings', (t) => {
      t.string('tenant_id', 64).primary().references('id').inTable('tenants');
      t.text('config').notNullable();
      t.bigInteger('updated_at').notNullable();
    });

    await knex.schema.alterTable('customers', (t) => {
      t.index(['tenant_id', 'data_source_id'], 'customers_tenant_data_source_index');
    });
  },
  async down(knex: Knex) {
    await knex.schema.alterTable('customers', (t) => {
      t.dropIndex(['tenant_id', 'data_source_id'], 'customers_tenant_data_source_index');
    });
    for (const table of ['crm_settings', 'pre_dial_entries', 'dictionary_entries', 'dictionaries', 'data_sources', 'customer_tags', 'job_errors', 'jobs']) await knex.schema.dropTable(table);
  },
};
