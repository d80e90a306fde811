import type { Knex } from 'knex';
import type { Migration } from './migration.js';

/**
 * What agents record about customers (manual §3.3.4 call results, §3.3.5 contact history,
 * §3.3.8 pop-up warnings, §3.15.2 sales funnel): the funnel stages and call results a
 * tenant defines, the contact records written on every connected call and every
 * submission, and the warnings that pop up for a number.
 */
export const contacts: Migration = {
  name: '0013_contacts',
  async up(knex: Knex) {
    await knex.schema.createTable('funnel_stages', (t) => {
      t.string('id', 64).primary();
      t.string('tenant_id', 64).notNullable().references('id').inTable('tenants');
      t.string('package_key', 64).notNullable(); // '' = the default package
      t.string('name', 100).notNullable();
      t.integer('score').notNullable();
      t.string('status', 8).notNullable().checkIn(['enabled', 'hidden', 'closed'], 'funnel_stages_status_check');
      t.bigInteger('created_at').notNullable();
      t.bigInteger('updated_at').notNullable();
      t.unique(['tenant_id', 'package_key', 'name'], { indexName: 'funnel_stages_tenant_package_name_unique' });
    });

    await knex.schema.createTable('call_results', (t) => {
      t.string('id', 64).primary();
      t.string('tenant_id', 64).notNullable().references('id').inTable('tenants');
      t.string('name', 100).notNullable();
      t.string('call_status', 12).notNullable().checkIn(['answered', 'unanswered', 'any'], 'call_results_call_status_check');
      t.string('funnel_stage_id', 64).nullable().references('id').inTable('funnel_stages').onDelete('SET NULL');
      t.text('task_ids').notNullable(); // JSON array; empty = every task
      t.boolean('mandatory_appointment').notNullable();
      t.string('created_by', 100).notNullable();
      t.bigInteger('created_at').notNullable();
      t.bigInteger('updated_at').notNullable();
      t.unique(['tenant_id', 'name'], { indexName: 'call_results_tenant_name_unique' });
    });

    await knex.schema.createTable('contact_records', (t) => {
      t.string('id', 64).primary();
      t.string('tenant_id', 64).notNullable().references('id').inTable('tenants');
      t.string('package_key', 64).notNullable();
      t.string('customer_id', 64).notNullable().references('id').inTable('customers').onDelete('CASCADE');
      t.string('kind', 12).notNullable().checkIn(['call', 'submission'], 'contact_records_kind_check');
      t.string('call_id', 64).nullable();
      t.string('agent_number', 16).nullable();
      t.string('phone_number', 32).nullable();
      t.string('call_status', 12).nullable();
      t.string('call_result_id', 64).nullable();
      t.string('funnel_stage_id', 64).nullable();
      t.integer('score').nullable();
      t.text('notes').nullable();
      t.string('data_source_id', 64).nullable();
      t.bigInteger('appointment_at').nullable();
      t.boolean('qc_required').notNullable().defaultTo(false);
      t.string('qc_result', 100).nullable();
      t.text('qc_notes').nullable();
      t.bigInteger('qc_first_at').nullable();
      t.bigInteger('qc_last_at').nullable();
      t.bigInteger('created_at').notNullable();
      t.bigInteger('updated_at').notNullable();
      t.index(['tenant_id', 'customer_id', 'created_at'], 'contact_records_customer_index');
      t.index(['tenant_id', 'created_at'], 'contact_records_tenant_created_index');
      t.index(['tenant_id', 'agent_number', 'created_at'], 'contact_records_agent_index');
    });

    await knex.schema.createTable('popup_warnings', (t) => {
      t.string('id', 64).primary();
      t.string('tenant_id', 64).notNullable().references('id').inTable('tenants');
      t.string('package_key', 64).notNullable();
      t.string('number', 32).notNullable();
      t.text('content').notNullable();
      t.string('status', 12).notNullable().checkIn(['enabled', 'disabled', 'pending', 'rejected'], 'popup_warnings_status_check');
      t.string('source', 8).notNullable().checkIn(['tenant', 'agent'], 'popup_warnings_source_check');
      t.string('created_by', 100).notNullable();
      t.string('reviewed_by', 100).nullable();
      t.bigInteger('reviewed_at').nullable();
      t.bigInteger('created_at').notNullable();
      t.bigInteger('updated_at').notNullable();
      t.index(['tenant_id', 'package_key', 'number'], 'popup_warnings_number_index');
    });
  },
  async down(knex: Knex) {
    for (const table of ['popup_warnings', 'contact_records', 'call_results', 'funnel_stages']) await knex.schema.dropTable(table);
  },
};
