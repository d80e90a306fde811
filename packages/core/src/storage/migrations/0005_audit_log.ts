import type { Knex } from 'knex';
import type { Migration } from './migration.js';

export const auditLog: Migration = {
  name: '0005_audit_log',
  async up(knex: Knex) {
    await knex.schema.createTable('audit_log', (t) => {
      t.string('id', 64).primary();
      // No foreign key on purpose: the audit trail outlives what it describes.
      t.string('tenant_id', 64).nullable();
      t.string('actor_type', 32).notNullable();
      t.string('actor_id', 64).notNullable();
      t.string('action', 200).notNullable();
      t.string('resource', 100).notNullable();
      t.string('resource_id', 128).nullable();
      t.text('details').nullable(); // JSON
      t.string('ip', 64).nullable();
      t.bigInteger('at').notNullable();
      t.index(['tenant_id', 'at'], 'audit_log_tenant_at_index');
    });
  },
  async down(knex: Knex) {
    await knex.schema.dropTable('audit_log');
  },
};
