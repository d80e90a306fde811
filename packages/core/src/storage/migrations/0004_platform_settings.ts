import type { Knex } from 'knex';
import type { Migration } from './migration.js';

export const platformSettings: Migration = {
  name: '0004_platform_settings',
  async up(knex: Knex) {
    await knex.schema.createTable('platform_settings', (t) => {
      t.string('key', 128).primary();
      t.text('value').notNullable(); // JSON
      t.bigInteger('updated_at').notNullable();
    });
  },
  async down(knex: Knex) {
    await knex.schema.dropTable('platform_settings');
  },
};
