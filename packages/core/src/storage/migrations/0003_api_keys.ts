import type { Knex } from 'knex';
import type { Migration } from './migration.js';

export const apiKeys: Migration = {
  name: '0003_api_keys',
  async up(knex: Knex) {
    await knex.schema.createTable('api_keys', (t) => {
      t.string('id', 64).primary();
      t.string('tenant_id', 64).nullable().references('id').inTable('tenants');
      t.string('user_id', 64).notNullable().references('id').inTable('users').onDelete('CASCADE');
      t.string('name', 200).notNullable();
      // Looked up on every authenticated request: the unique index is that lookup's index.
      t.string('prefix', 64).notNullable().unique({ indexName: 'api_keys_prefix_unique' });
      t.text('secret_hash').notNullable();
      t.bigInteger('created_at').notNullable();
      t.bigInteger('last_used_at').nullable();
      t.bigInteger('expires_at').nullable();
      t.bigInteger('revoked_at').nullable();
      t.index(['tenant_id', 'user_id'], 'api_keys_tenant_user_index');
      // The cascade from users deletes by user_id; without this index it scans the table.
      t.index(['user_id'], 'api_keys_user_index');
    });
  },
  async down(knex: Knex) {
    await knex.schema.dropTable('api_keys');
  },
};
