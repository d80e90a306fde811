import type { Knex } from 'knex';
import type { Migration } from './migration.js';

/**
 * Do-not-call lists (manual §3.7.6): one row per number and customer package. The default
 * package is `package_key = ''` rather than NULL, so the unique index covers it too (NULLs
 * never collide in a unique index, on either dialect). There is no foreign key to customer
 * packages: they arrive with the CRM, and a list may be filled before its package exists.
 */
export const dnc: Migration = {
  name: '0010_dnc',
  async up(knex: Knex) {
    await knex.schema.createTable('dnc_entries', (t) => {
      t.string('id', 64).primary();
      t.string('tenant_id', 64).notNullable().references('id').inTable('tenants');
      t.string('package_key', 64).notNullable().defaultTo('');
      t.string('number', 24).notNullable();
      t.string('reason', 500).notNullable().defaultTo('');
      // pending: submitted by an agent, waiting for review; only `enabled` stops calls.
      t.string('status', 16).notNullable().checkIn(['enabled', 'disabled', 'pending', 'rejected'], 'dnc_entries_status_check');
      t.string('source', 16).notNullable().checkIn(['tenant', 'agent'], 'dnc_entries_source_check');
      t.string('created_by', 100).notNullable();
      t.string('reviewed_by', 100).nullable();
      t.bigInteger('reviewed_at').nullable();
      t.bigInteger('created_at').notNullable();
      t.bigInteger('updated_at').notNullable();
      t.unique(['tenant_id', 'package_key', 'number'], { indexName: 'dnc_entries_tenant_package_number_unique' });
      // Covers the screen's load (enabled numbers in key order, no table reads) and the review list.
      t.index(['tenant_id', 'status', 'package_key', 'number'], 'dnc_entries_tenant_status_package_number_index');
      t.index(['tenant_id', 'created_at'], 'dnc_entries_tenant_created_index');
    });
  },
  async down(knex: Knex) {
    await knex.schema.dropTable('dnc_entries');
  },
};
