import type { Knex } from 'knex';
import type { Migration } from './migration.js';

export const tenants: Migration = {
  name: '0001_tenants',
  async up(knex: Knex) {
    await knex.schema.createTable('tenants', (t) => {
      t.string('id', 64).primary();
      t.string('slug', 63).notNullable().unique({ indexName: 'tenants_slug_unique' });
      t.string('name', 200).notNullable();
      t.string('time_zone', 64).notNullable().defaultTo('UTC');
      t.string('default_country', 2).notNullable().defaultTo('US');
      t.string('status', 16).notNullable().defaultTo('active').checkIn(['active', 'suspended'], 'tenants_status_check');
      t.bigInteger('created_at').notNullable();
      t.bigInteger('updated_at').notNullable();
    });
  },
  async down(knex: Knex) {
    await knex.schema.dropTable('tenants');
  },
};
