import type { Knex } from 'knex';
import type { Migration } from './migration.js';

/**
 * The highlighted customers (§3.3 3.3, the `no_call` flag) as the compliance screen loads
 * them: a partial index holding only those few rows, so loading a tenant's highlights (at
 * start, after an import) reads them alone instead of every customer of the tenant.
 * Both SQLite and PostgreSQL accept the partial index as written; queries must say
 * `where no_call` (not `= ?`) for the planner to pick it.
 */
export const customerHighlights: Migration = {
  name: '0014_customer_highlights',
  async up(knex: Knex) {
    await knex.raw('create index customers_tenant_highlighted_index on customers (tenant_id, id) where no_call');
  },
  async down(knex: Knex) {
    await knex.raw('drop index customers_tenant_highlighted_index');
  },
};
