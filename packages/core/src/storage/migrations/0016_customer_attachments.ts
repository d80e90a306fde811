import type { Knex } from 'knex';
import type { Migration } from './migration.js';

/**
 * Customers' attachments (manual §3.2.1 custom field type "attachment": "Select an
 * attachment to upload"): the metadata in `customer_attachments`, the bytes in
 * `customer_attachment_contents` (a blob on SQLite, bytea on PostgreSQL), like media files,
 * so metadata reads and existence checks never touch the bytes. A customer's attachment
 * field holds attachment ids; the rows do not point back at customers, since an upload
 * comes before the customer form that uses it is saved.
 */
export const customerAttachments: Migration = {
  name: '0016_customer_attachments',
  async up(knex: Knex) {
    await knex.schema.createTable('customer_attachments', (t) => {
      t.string('id', 64).primary();
      t.string('tenant_id', 64).notNullable().references('id').inTable('tenants');
      t.string('file_name', 255).notNullable();
      t.string('content_type', 100).notNullable();
      t.bigInteger('size_bytes').notNullable();
      t.string('sha256', 64).notNullable();
      t.bigInteger('created_at').notNullable();
      // The username of whoever uploaded it; null when core code stored it on nobody's behalf.
      t.string('created_by', 64).nullable();
      t.index(['tenant_id', 'created_at'], 'customer_attachments_tenant_created_index');
    });

    await knex.schema.createTable('customer_attachment_contents', (t) => {
      t.string('tenant_id', 64).notNullable().references('id').inTable('tenants');
      t.string('attachment_id', 64).notNullable().references('id').inTable('customer_attachments').onDelete('CASCADE');
      t.binary('content').notNullable();
      t.primary(['tenant_id', 'attachment_id'], 'customer_attachment_contents_pkey');
      // What the foreign key's cascade looks rows up by.
      t.unique(['attachment_id'], { indexName: 'customer_attachment_contents_attachment_unique' });
    });
  },
  async down(knex: Knex) {
    await knex.schema.dropTable('customer_attachment_contents');
    await knex.schema.dropTable('customer_attachments');
  },
};
