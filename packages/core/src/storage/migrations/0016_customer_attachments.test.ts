import { describe, expect, it } from 'vitest';
import { storageTargets, useStorage } from '../test-support.js';
import { ListMigrationSource, MIGRATIONS_TABLE, migrations } from './index.js';

const NAME = '0016_customer_attachments';

describe('migration 0016_customer_attachments in the list', () => {
  it('is listed once, after 0015, and the list stays in order', () => {
    const names = migrations.map((m) => m.name);
    expect(names.filter((n) => n === NAME)).toHaveLength(1);
    expect(names.indexOf(NAME)).toBeGreaterThan(names.indexOf('0015_customer_number_scopes'));
  });
});

describe.each(storageTargets())('migration 0016_customer_attachments on $name', (target) => {
  const db = useStorage(target, { tenants: ['a'] });
  const columns = async (table: string) => Object.keys(await db.storage.knex(table).columnInfo()).sort();

  it('creates the metadata and contents tables; contents go with their attachment and need one', async () => {
    expect(await columns('customer_attachments')).toEqual(['content_type', 'created_at', 'created_by', 'file_name', 'id', 'sha256', 'size_bytes', 'tenant_id']);
    expect(await columns('customer_attachment_contents')).toEqual(['attachment_id', 'content', 'tenant_id']);
    const knex = db.storage.knex;
    const row = { id: 'att-1', tenant_id: db.tenants.a, file_name: 'a.pdf', content_type: 'application/pdf', size_bytes: 3, sha256: 'x'.repeat(64), created_at: 1, created_by: null };
    await knex('customer_attachments').insert(row);
    await knex('customer_attachment_contents').insert({ tenant_id: db.tenants.a, attachment_id: 'att-1', content: Buffer.from([0, 1, 255]) });
    const [stored] = (await knex('customer_attachment_contents').where({ attachment_id: 'att-1' })) as Array<{ content: Buffer }>;
    expect([...stored!.content]).toEqual([0, 1, 255]);
    // No contents without an attachment, no second contents row for one.
    await expect(knex('customer_attachment_contents').insert({ tenant_id: db.tenants.a, attachment_id: 'none', content: Buffer.from([1]) })).rejects.toThrow();
    await expect(knex('customer_attachment_contents').insert({ tenant_id: db.tenants.a, attachment_id: 'att-1', content: Buffer.from([1]) })).rejects.toThrow();
    await knex('customer_attachments').where({ id: 'att-1' }).delete();
    expect(await knex('customer_attachment_contents').count({ n: '*' })).toEqual([{ n: 0 }]);
  });

  it('rolls back alone (both tables gone, the rest kept) and applies again', async () => {
    const knex = db.storage.knex;
    const config = { migrationSource: new ListMigrationSource(migrations), tableName: MIGRATIONS_TABLE, name: NAME };
    await knex.migrate.down(config);
    expect(await knex.schema.hasTable('customer_attachments')).toBe(false);
    expect(await knex.schema.hasTable('customer_attachment_contents')).toBe(false);
    expect(await knex.schema.hasTable('customers')).toBe(true);
    expect(await db.storage.migrate()).toEqual([NAME]);
    expect(await knex.schema.hasTable('customer_attachment_contents')).toBe(true);
  });
});
