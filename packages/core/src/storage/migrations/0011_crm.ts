import type { Knex } from 'knex';
import type { Migration } from './migration.js';

/**
 * The CRM's customers (manual §3.2–3.3): customer packages, their custom fields, customers
 * and their phone numbers. Custom values live as JSON on the customer; the fields a package
 * indexes or keeps unique get real expression indexes, created when the package is saved
 * (see CustomerPackageRepository), so a search by them is an index lookup on both dialects.
 */
export const crm: Migration = {
  name: '0011_crm',
  async up(knex: Knex) {
    await knex.schema.createTable('customer_packages', (t) => {
      t.string('id', 64).primary();
      t.string('tenant_id', 64).notNullable().references('id').inTable('tenants');
      t.string('display_name', 100).notNullable();
      t.string('key', 32).notNullable();
      t.string('status', 8).notNullable().checkIn(['open', 'closed'], 'customer_packages_status_check');
      t.string('phone_uniqueness', 8).notNullable().checkIn(['package', 'global'], 'customer_packages_phone_uniqueness_check');
      t.text('unique_key_fields').notNullable(); // JSON array of field names
      t.text('index_fields').notNullable(); // JSON array of field names
      t.bigInteger('created_at').notNullable();
      t.bigInteger('updated_at').notNullable();
      t.unique(['tenant_id', 'key'], { indexName: 'customer_packages_tenant_key_unique' });
    });

    await knex.schema.createTable('custom_fields', (t) => {
      t.string('id', 64).primary();
      t.string('tenant_id', 64).notNullable().references('id').inTable('tenants');
      // '' is the tenant's default package: a real value, so the unique index below covers it.
      t.string('package_key', 64).notNullable();
      t.string('name', 40).notNullable();
      t.integer('display_order').notNullable();
      t.text('config').notNullable();
      t.bigInteger('created_at').notNullable();
      t.bigInteger('updated_at').notNullable();
      t.unique(['tenant_id', 'package_key', 'name'], { indexName: 'custom_fields_tenant_package_name_unique' });
    });

    await knex.schema.createTable('customers', (t) => {
      t.string('id', 64).primary();
      t.string('tenant_id', 64).notNullable().references('id').inTable('tenants');
      t.string('package_key', 64).notNullable();
      t.string('name', 200).notNullable();
      t.string('email', 254).nullable();
      t.string('gender', 8).nullable();
      t.integer('age').nullable();
      t.string('address', 500).nullable();
      t.string('area', 200).nullable();
      t.text('notes').nullable();
      t.text('custom').notNullable(); // JSON object: custom field name → value
      t.text('tags').notNullable(); // JSON array of tag ids
      t.string('data_source_id', 64).nullable();
      t.string('task_id', 64).nullable();
      t.string('agent_number', 16).nullable();
      t.bigInteger('allocated_at').nullable();
      t.integer('total_calls').notNullable().defaultTo(0);
      t.string('last_call_result', 100).nullable();
      t.string('funnel_stage', 100).nullable();
      // The customer "highlight" no-call flag (§3.3 3.3), separate from DNC list entries.
      t.boolean('no_call').notNullable().defaultTo(false);
      t.bigInteger('created_at').notNullable();
      t.bigInteger('updated_at').notNullable();
      t.index(['tenant_id', 'package_key', 'name'], 'customers_tenant_package_name_index');
      t.index(['tenant_id', 'agent_number'], 'customers_tenant_agent_index');
      t.index(['tenant_id', 'task_id'], 'customers_tenant_task_index');
    });

    // One row per number: the package's uniqueness rule is a unique index, and a caller's number finds its customer.
    await knex.schema.createTable('customer_phones', (t) => {
      t.string('tenant_id', 64).notNullable().references('id').inTable('tenants');
      t.string('package_key', 64).notNullable();
      t.string('customer_id', 64).notNullable().references('id').inTable('customers').onDelete('CASCADE');
      t.string('number', 32).notNullable();
      t.integer('position').notNullable();
      t.primary(['customer_id', 'position']);
      t.unique(['tenant_id', 'package_key', 'number'], { indexName: 'customer_phones_package_number_unique' });
      t.index(['tenant_id', 'number'], 'customer_phones_tenant_number_index');
    });
  },
  async down(knex: Knex) {
    for (const table of ['customer_phones', 'customers', 'custom_fields', 'customer_packages']) await knex.schema.dropTable(table);
  },
};
