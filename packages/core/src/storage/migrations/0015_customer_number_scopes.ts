import type { Knex } from 'knex';
import type { Migration } from './migration.js';

/**
 * Narrow indexes for customers' numbers (decision 43). Imported numbers arrive in random
 * order, so each of them lands on a random leaf page of every index that holds it; the two
 * indexes of 0011 held the 36-character tenant and package ids beside each ~12-character
 * number (~90 bytes an entry), and a million numbers filled ~50,000 pages of them.
 *
 * - Each (tenant, package) pair gets a small integer, its "number scope", and one unique
 *   index on (number, scope) replaces both: the package's uniqueness rule, and — number
 *   first — the lookup of a caller's number within a tenant (the tenant is checked on the
 *   few rows the number finds). An entry is ~20 bytes.
 * - Customers are filtered by package with (tenant, package) alone, whose rows (ordered by
 *   rowid) arrive in order; the name in the old index served no query and scattered its
 *   entries.
 * - The agent and task indexes hold only the customers allocated to one (partial indexes):
 *   the filters ask for one agent or one task (`= ?`, which both planners know excludes
 *   null), and most customers — every imported one not assigned on the way in — have none.
 */
export const customerNumberScopes: Migration = {
  name: '0015_customer_number_scopes',
  async up(knex: Knex) {
    await knex.schema.createTable('customer_number_scopes', (t) => {
      t.increments('id').primary();
      t.string('tenant_id', 64).notNullable().references('id').inTable('tenants');
      // '' is the tenant's default package, as in customers.package_key.
      t.string('package_key', 64).notNullable();
      t.unique(['tenant_id', 'package_key'], { indexName: 'customer_number_scopes_tenant_package_unique' });
    });
    await knex.raw('insert into customer_number_scopes (tenant_id, package_key) select distinct tenant_id, package_key from customer_phones');
    // SQLite adds a not-null column only with a default, and keeps it: every write names the scope
    // (PHONE_COLUMNS), and PostgreSQL, whose default is dropped once the rows have their scope, refuses one that does not.
    await knex.schema.alterTable('customer_phones', (t) => {
      t.integer('scope').notNullable().defaultTo(0);
    });
    await knex.raw(
      'update customer_phones set scope = (select s.id from customer_number_scopes s where s.tenant_id = customer_phones.tenant_id and s.package_key = customer_phones.package_key)',
    );
    if (knex.client.config.client === 'pg') await knex.raw('alter table customer_phones alter column scope drop default');
    await knex.schema.alterTable('customer_phones', (t) => {
      t.dropUnique(['tenant_id', 'package_key', 'number'], 'customer_phones_package_number_unique');
      t.dropIndex(['tenant_id', 'number'], 'customer_phones_tenant_number_index');
      t.unique(['number', 'scope'], { indexName: 'customer_phones_number_scope_unique' });
    });
    await knex.schema.alterTable('customers', (t) => {
      t.dropIndex(['tenant_id', 'package_key', 'name'], 'customers_tenant_package_name_index');
      t.index(['tenant_id', 'package_key'], 'customers_tenant_package_index');
      t.dropIndex(['tenant_id', 'agent_number'], 'customers_tenant_agent_index');
      t.dropIndex(['tenant_id', 'task_id'], 'customers_tenant_task_index');
    });
    await knex.raw('create index customers_tenant_agent_index on customers (tenant_id, agent_number) where agent_number is not null');
    await knex.raw('create index customers_tenant_task_index on customers (tenant_id, task_id) where task_id is not null');
  },
  async down(knex: Knex) {
    await knex.raw('drop index customers_tenant_agent_index');
    await knex.raw('drop index customers_tenant_task_index');
    await knex.schema.alterTable('customers', (t) => {
      t.index(['tenant_id', 'agent_number'], 'customers_tenant_agent_index');
      t.index(['tenant_id', 'task_id'], 'customers_tenant_task_index');
      t.dropIndex(['tenant_id', 'package_key'], 'customers_tenant_package_index');
      t.index(['tenant_id', 'package_key', 'name'], 'customers_tenant_package_name_index');
    });
    await knex.schema.alterTable('customer_phones', (t) => {
      t.dropUnique(['number', 'scope'], 'customer_phones_number_scope_unique');
      t.unique(['tenant_id', 'package_key', 'number'], { indexName: 'customer_phones_package_number_unique' });
      t.index(['tenant_id', 'number'], 'customer_phones_tenant_number_index');
      t.dropColumn('scope');
    });
    await knex.schema.dropTable('customer_number_scopes');
  },
};
