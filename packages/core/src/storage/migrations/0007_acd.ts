import type { Knex } from 'knex';
import type { Migration } from './migration.js';

/**
 * The ACD's configuration (agents, agent groups and their members and leaders, pause
 * reasons) and what the ACD writes down (agent events, the Asterisk-style queue log).
 */
export const acd: Migration = {
  name: '0007_acd',
  async up(knex: Knex) {
    await knex.schema.createTable('agents', (t) => {
      t.string('id', 64).primary();
      t.string('tenant_id', 64).notNullable().references('id').inTable('tenants');
      t.string('number', 16).notNullable();
      t.string('first_name', 100).notNullable().defaultTo('');
      t.string('last_name', 100).notNullable().defaultTo('');
      t.string('role', 64).notNullable();
      t.string('department', 100).nullable();
      // The agent's web login; losing the user only loses the login, never the agent.
      t.string('user_id', 64).nullable().references('id').inTable('users').onDelete('SET NULL');
      t.text('phone_pin_hash').nullable();
      t.boolean('click_to_call_only').notNullable().defaultTo(false);
      t.boolean('enabled').notNullable().defaultTo(true);
      t.text('display_numbers').notNullable().defaultTo('[]'); // JSON array of strings
      t.boolean('work_with_browser').notNullable().defaultTo(false);
      t.string('default_outbound_call_file', 100).nullable();
      t.string('phone_template', 100).nullable();
      t.string('phone_mac', 17).nullable();
      t.bigInteger('last_login_at').nullable();
      t.bigInteger('created_at').notNullable();
      t.bigInteger('updated_at').notNullable();
      // Also the index of the agents page's search (a number prefix) and of its order.
      t.unique(['tenant_id', 'number'], { indexName: 'agents_tenant_number_unique' });
      t.index(['user_id'], 'agents_user_index');
    });

    await knex.schema.createTable('agent_groups', (t) => {
      t.string('id', 64).primary();
      t.string('tenant_id', 64).notNullable().references('id').inTable('tenants');
      t.string('name', 100).notNullable();
      t.string('number', 16).notNullable();
      t.integer('auto_end_talk_sec').notNullable().defaultTo(0);
      t.integer('wrap_up_sec').notNullable().defaultTo(0);
      // Objects read and written whole, never searched: JSON text on both dialects.
      t.text('auto_answer').notNullable();
      t.text('queue').notNullable();
      t.bigInteger('created_at').notNullable();
      t.bigInteger('updated_at').notNullable();
      t.unique(['tenant_id', 'number'], { indexName: 'agent_groups_tenant_number_unique' });
    });

    // Rows, not a JSON list on the group: deleting an agent (or a group) removes its memberships by cascade.
    await knex.schema.createTable('agent_group_members', (t) => {
      t.string('tenant_id', 64).notNullable().references('id').inTable('tenants');
      t.string('group_id', 64).notNullable().references('id').inTable('agent_groups').onDelete('CASCADE');
      t.string('agent_id', 64).notNullable().references('id').inTable('agents').onDelete('CASCADE');
      t.string('kind', 8).notNullable().checkIn(['static', 'dynamic'], 'agent_group_members_kind_check');
      t.integer('priority').notNullable().defaultTo(1);
      // Order on the group page: sequential and round-robin ring in it; it breaks every tie.
      t.integer('position').notNullable();
      t.primary(['group_id', 'agent_id'], 'agent_group_members_pkey');
      // The engine loads the groups of an agent when the agent logs in or changes.
      t.index(['agent_id'], 'agent_group_members_agent_index');
      t.index(['tenant_id', 'group_id', 'position'], 'agent_group_members_tenant_group_position_index');
    });

    // Leaders are agents too: a table (not a JSON list) so that deleting an agent drops its leaderships.
    await knex.schema.createTable('agent_group_leaders', (t) => {
      t.string('tenant_id', 64).notNullable().references('id').inTable('tenants');
      t.string('group_id', 64).notNullable().references('id').inTable('agent_groups').onDelete('CASCADE');
      t.string('agent_id', 64).notNullable().references('id').inTable('agents').onDelete('CASCADE');
      t.integer('position').notNullable();
      t.primary(['group_id', 'agent_id'], 'agent_group_leaders_pkey');
      t.index(['agent_id'], 'agent_group_leaders_agent_index');
      t.index(['tenant_id', 'group_id', 'position'], 'agent_group_leaders_tenant_group_position_index');
    });

    await knex.schema.createTable('pause_reasons', (t) => {
      t.string('id', 64).primary();
      t.string('tenant_id', 64).notNullable().references('id').inTable('tenants');
      t.string('name', 100).notNullable();
      t.boolean('productive').notNullable().defaultTo(false);
      t.boolean('enabled').notNullable().defaultTo(true);
      t.bigInteger('created_at').notNullable();
      t.bigInteger('updated_at').notNullable();
      t.unique(['tenant_id', 'name'], { indexName: 'pause_reasons_tenant_name_unique' });
    });

    // No foreign key to agents: the history outlives the agent it describes.
    await knex.schema.createTable('agent_events', (t) => {
      t.string('id', 64).primary();
      t.string('tenant_id', 64).notNullable().references('id').inTable('tenants');
      t.bigInteger('at').notNullable();
      t.string('agent_number', 16).notNullable();
      t.string('group_number', 16).nullable();
      t.string('event', 32).notNullable();
      t.string('initiator', 100).notNullable();
      t.text('cause').nullable();
      // The agent events page (manual §3.14.2) searches by time, and by agent number and time.
      t.index(['tenant_id', 'at'], 'agent_events_tenant_at_index');
      t.index(['tenant_id', 'agent_number', 'at'], 'agent_events_tenant_agent_at_index');
    });

    // Asterisk's realtime queue_log columns (time, callid, queuename, agent, event, data1-5), plus the
    // tenant. `seq` is assigned in insert order by the database: (at, seq) is the export order, stable
    // for entries of the same millisecond, and it is the entry's id.
    await knex.schema.createTable('queue_log', (t) => {
      t.bigIncrements('seq');
      t.string('tenant_id', 64).notNullable().references('id').inTable('tenants');
      t.bigInteger('at').notNullable();
      t.string('call_id', 128).notNullable();
      // Group and agent numbers, or NONE; wider than our 16 digits because Asterisk tools also write interface names here.
      t.string('queue', 64).notNullable();
      t.string('agent', 64).notNullable();
      t.string('event', 32).notNullable();
      // NULL: the entry has fewer data fields; '' is an empty field, kept as written.
      for (const n of [1, 2, 3, 4, 5]) t.text(`data${n}`).nullable();
      t.index(['tenant_id', 'at', 'seq'], 'queue_log_tenant_at_index');
      t.index(['tenant_id', 'queue', 'at'], 'queue_log_tenant_queue_at_index');
    });
  },
  async down(knex: Knex) {
    for (const table of ['queue_log', 'agent_events', 'pause_reasons', 'agent_group_leaders', 'agent_group_members', 'agent_groups', 'agents']) {
      await knex.schema.dropTable(table);
    }
  },
};
