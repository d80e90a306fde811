import type { Knex } from 'knex';
import type { Migration } from './migration.js';

/** The routing objects that are stored the same way: a name, maybe an internal number, and a JSON configuration. */
export const ROUTING_OBJECT_TABLES = ['dids', 'incoming_routes', 'ivr_menus', 'voice_broadcasts', 'ring_groups', 'time_conditions'] as const;

/**
 * Inbound routing (manual §3.5–3.7): DIDs and their numbers, incoming routes, IVR menus,
 * voice broadcasts, ring groups, time conditions, the tenant's routing settings and region
 * table, the blacklist with its review and record, and one CDR per call (§3.3.4).
 */
export const routing: Migration = {
  name: '0008_routing',
  async up(knex: Knex) {
    for (const table of ROUTING_OBJECT_TABLES) {
      await knex.schema.createTable(table, (t) => {
        t.string('id', 64).primary();
        t.string('tenant_id', 64).notNullable().references('id').inTable('tenants');
        t.string('name', 100).notNullable();
        // The internal number an agent's phone dials to reach the object (IVRs, ring groups).
        t.string('extension', 16).nullable();
        // Read and written whole, never searched: JSON text on both dialects.
        t.text('config').notNullable();
        t.bigInteger('created_at').notNullable();
        t.bigInteger('updated_at').notNullable();
        t.index(['tenant_id', 'name'], `${table}_tenant_name_index`);
        t.unique(['tenant_id', 'extension'], { indexName: `${table}_tenant_extension_unique` });
      });
    }

    // A DID's numbers, one row each: the number of an incoming call finds its DID (and tenant) by the primary key.
    await knex.schema.createTable('did_numbers', (t) => {
      t.string('number', 24).primary();
      t.string('tenant_id', 64).notNullable().references('id').inTable('tenants');
      t.string('did_id', 64).notNullable().references('id').inTable('dids').onDelete('CASCADE');
      t.index(['did_id'], 'did_numbers_did_index');
    });

    await knex.schema.createTable('routing_settings', (t) => {
      t.string('tenant_id', 64).primary().references('id').inTable('tenants');
      t.text('config').notNullable();
      t.bigInteger('updated_at').notNullable();
    });

    await knex.schema.createTable('region_prefixes', (t) => {
      t.string('tenant_id', 64).notNullable().references('id').inTable('tenants');
      t.string('prefix', 16).notNullable();
      t.string('region', 100).notNullable();
      t.primary(['tenant_id', 'prefix']);
    });

    await knex.schema.createTable('blacklist_entries', (t) => {
      t.string('id', 64).primary();
      t.string('tenant_id', 64).notNullable().references('id').inTable('tenants');
      t.string('number', 24).notNullable();
      // pending: submitted by an agent, waiting for review; only `enabled` blocks calls.
      t.string('status', 16).notNullable().checkIn(['enabled', 'disabled', 'pending', 'rejected'], 'blacklist_entries_status_check');
      t.string('reason', 500).notNullable().defaultTo('');
      t.string('source', 16).notNullable().checkIn(['tenant', 'agent'], 'blacklist_entries_source_check');
      t.string('created_by', 100).notNullable();
      t.string('reviewed_by', 100).nullable();
      t.bigInteger('reviewed_at').nullable();
      t.bigInteger('created_at').notNullable();
      t.bigInteger('updated_at').notNullable();
      t.unique(['tenant_id', 'number'], { indexName: 'blacklist_entries_tenant_number_unique' });
      t.index(['tenant_id', 'status'], 'blacklist_entries_tenant_status_index');
    });

    // Append-only: every addition, review and change of the blacklist (manual §3.7.5 "Blacklist Record").
    await knex.schema.createTable('blacklist_records', (t) => {
      t.string('id', 64).primary();
      t.string('tenant_id', 64).notNullable().references('id').inTable('tenants');
      t.string('number', 24).notNullable();
      t.string('action', 16).notNullable();
      t.string('status', 16).notNullable();
      t.string('reason', 500).notNullable().defaultTo('');
      t.string('by', 100).notNullable();
      t.bigInteger('at').notNullable();
      t.index(['tenant_id', 'at'], 'blacklist_records_tenant_at_index');
    });

    await knex.schema.createTable('cdrs', (t) => {
      t.string('id', 64).primary();
      t.string('tenant_id', 64).notNullable().references('id').inTable('tenants');
      t.string('call_id', 64).notNullable();
      t.string('call_type', 24).notNullable();
      t.string('direction', 8).notNullable();
      t.string('original_caller_number', 40).notNullable();
      t.string('original_caller_name', 100).notNullable();
      t.string('caller_number', 60).notNullable();
      t.string('caller_name', 140).notNullable();
      t.string('original_access_number', 40).notNullable();
      t.string('access_number', 40).notNullable();
      t.string('original_called_number', 40).notNullable();
      t.string('called_number', 40).notNullable();
      t.string('did_id', 64).nullable();
      t.string('did_name', 100).nullable();
      t.string('agent_number', 16).nullable();
      t.string('group_number', 16).nullable();
      t.string('department', 100).nullable();
      t.string('task_id', 64).nullable();
      t.string('customer_package_id', 64).nullable();
      t.integer('weekday').notNullable();
      t.boolean('holiday').notNullable();
      t.integer('hour').notNullable();
      t.bigInteger('started_at').notNullable();
      t.bigInteger('answered_at').nullable();
      t.bigInteger('ended_at').notNullable();
      t.bigInteger('ring_ms').notNullable();
      t.bigInteger('talk_ms').notNullable();
      t.bigInteger('total_ms').notNullable();
      t.integer('hold_count').notNullable();
      t.bigInteger('hold_ms').notNullable();
      t.string('dtmf_input', 200).notNullable();
      t.string('transfer_type', 16).nullable();
      t.string('transferred_to', 40).nullable();
      t.string('hangup_reason', 32).notNullable();
      t.string('hangup_party', 8).notNullable();
      t.integer('sip_code').nullable();
      t.string('sip_description', 100).nullable();
      t.text('route').notNullable(); // JSON: the destinations the call passed, in order
      t.unique(['tenant_id', 'call_id'], { indexName: 'cdrs_tenant_call_unique' });
      t.index(['tenant_id', 'started_at'], 'cdrs_tenant_started_index');
      // "Last agent first" and the caller's history: a caller's latest calls.
      t.index(['tenant_id', 'original_caller_number', 'started_at'], 'cdrs_tenant_caller_index');
      t.index(['tenant_id', 'did_id', 'started_at'], 'cdrs_tenant_did_index');
      t.index(['tenant_id', 'agent_number', 'started_at'], 'cdrs_tenant_agent_index');
    });
  },
  async down(knex: Knex) {
    for (const table of ['cdrs', 'blacklist_records', 'blacklist_entries', 'region_prefixes', 'routing_settings', 'did_numbers']) await knex.schema.dropTable(table);
    for (const table of [...ROUTING_OBJECT_TABLES].reverse()) await knex.schema.dropTable(table);
  },
};
