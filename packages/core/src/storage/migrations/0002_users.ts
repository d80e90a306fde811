import type { Knex } from 'knex';
import type { Migration } from './migration.js';

export const users: Migration = {
  name: '0002_users',
  async up(knex: Knex) {
    await knex.schema.createTable('users', (t) => {
      t.string('id', 64).primary();
      // NULL: a platform user, above every tenant.
      t.string('tenant_id', 64).nullable().references('id').inTable('tenants');
      t.string('username', 128).notNullable();
      t.string('display_name', 200).notNullable();
      t.text('password_hash').notNullable();
      t.string('role', 64).notNullable();
      t.string('status', 16).notNullable().defaultTo('active').checkIn(['active', 'disabled'], 'users_status_check');
      t.bigInteger('last_login_at').nullable();
      t.bigInteger('created_at').notNullable();
      t.bigInteger('updated_at').notNullable();
      // A plain unique (tenant_id, username) would let two platform users share a name,
      // because NULLs never compare equal; two partial indexes cover both cases on both dialects.
      t.unique(['tenant_id', 'username'], {
        indexName: 'users_tenant_username_unique',
        predicate: knex.whereNotNull('tenant_id'),
      });
      t.unique(['username'], { indexName: 'users_platform_username_unique', predicate: knex.whereNull('tenant_id') });
    });
  },
  async down(knex: Knex) {
    await knex.schema.dropTable('users');
  },
};
