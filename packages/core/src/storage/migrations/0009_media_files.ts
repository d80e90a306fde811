import type { Knex } from 'knex';
import type { Migration } from './migration.js';

/**
 * Media files (manual §3.5.3): the metadata in `media_files`, the audio itself in
 * `media_file_contents` (a blob on SQLite, bytea on PostgreSQL), one row each, so lists
 * and searches never read the bytes and the embedded default keeps everything in its one
 * database file.
 */
export const mediaFiles: Migration = {
  name: '0009_media_files',
  async up(knex: Knex) {
    await knex.schema.createTable('media_files', (t) => {
      t.string('id', 64).primary();
      t.string('tenant_id', 64).notNullable().references('id').inTable('tenants');
      // What `{ kind: 'file', name }` MediaRefs name: unique in the tenant, compared exactly.
      t.string('name', 100).notNullable();
      t.string('file_type', 16).notNullable().checkIn(['voice', 'hold-music'], 'media_files_file_type_check');
      t.string('music_category', 100).notNullable().defaultTo('');
      t.string('description', 1000).notNullable().defaultTo('');
      t.string('format', 8).notNullable().checkIn(['wav', 'mp3'], 'media_files_format_check');
      t.bigInteger('duration_ms').notNullable();
      t.bigInteger('size_bytes').notNullable();
      t.integer('sample_rate').notNullable();
      t.integer('channels').notNullable();
      t.string('sha256', 64).notNullable();
      t.bigInteger('created_at').notNullable();
      t.bigInteger('updated_at').notNullable();
      t.unique(['tenant_id', 'name'], { indexName: 'media_files_tenant_name_unique' });
      t.index(['tenant_id', 'file_type'], 'media_files_tenant_type_index');
    });

    await knex.schema.createTable('media_file_contents', (t) => {
      t.string('tenant_id', 64).notNullable().references('id').inTable('tenants');
      t.string('media_file_id', 64).notNullable().references('id').inTable('media_files').onDelete('CASCADE');
      t.binary('content').notNullable();
      t.primary(['tenant_id', 'media_file_id'], 'media_file_contents_pkey');
      // What the foreign key's cascade looks rows up by.
      t.unique(['media_file_id'], { indexName: 'media_file_contents_file_unique' });
    });
  },
  async down(knex: Knex) {
    await knex.schema.dropTable('media_file_contents');
    await knex.schema.dropTable('media_files');
  },
};
