import type { Knex } from 'knex';
import type { Migration } from './migration.js';

export const sipAccounts: Migration = {
  name: '0006_sip_accounts',
  async up(knex: Knex) {
    await knex.schema.createTable('sip_accounts', (t) => {
      t.string('id', 64).primary();
      t.string('tenant_id', 64).notNullable().references('id').inTable('tenants');
      t.string('username', 64).notNullable();
      t.string('domain', 253).notNullable();
      t.string('display_name', 200).notNullable();
      // MD5(username:domain:password): what FreeSWITCH (a1-hash) and Asterisk (md5_cred) verify against.
      t.string('ha1', 32).notNullable();
      t.boolean('enabled').notNullable().defaultTo(true);
      t.bigInteger('created_at').notNullable();
      t.bigInteger('updated_at').notNullable();
      // The media server looks accounts up by (domain, username) on every registration.
      t.unique(['domain', 'username'], { indexName: 'sip_accounts_domain_username_unique' });
      t.index(['tenant_id', 'username'], 'sip_accounts_tenant_username_index');
    });
  },
  async down(knex: Knex) {
    await knex.schema.dropTable('sip_accounts');
  },
};
