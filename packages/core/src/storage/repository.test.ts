import { beforeEach, describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError } from '../errors/errors.js';
import { insertInBatches, TenantScopedRepository, type NewEntity, type RepositoryContext } from './repository.js';
import { RowCodec, snakeCase, type Row } from './row-codec.js';
import { storageTargets, useStorage } from './test-support.js';

/** A tenant-owned table of the kind later issues add, built only from the public base class. */
interface Widget {
  id: string;
  tenantId: string;
  name: string;
  enabled: boolean;
  weight: number;
  tags: string[] | null;
  createdAt: number;
  updatedAt: number;
}

class WidgetRepository extends TenantScopedRepository<Widget> {
  protected readonly table = 'widgets';
  protected readonly entityName = 'Widget';
  protected readonly codec = new RowCodec<Widget>({
    id: 'text',
    tenantId: 'text',
    name: 'text',
    enabled: 'boolean',
    weight: 'number',
    tags: 'json',
    createdAt: 'number',
    updatedAt: 'number',
  });

  create(tenantId: string, values: NewEntity<Widget>): Promise<Widget> {
    return this.insertOne(tenantId, values, { conflict: (cause) => new ConflictError(`Widget ${values.name} exists`, { cause }) });
  }
  update(tenantId: string, id: string, patch: Partial<NewEntity<Widget>>): Promise<Widget> {
    return this.updateOne(tenantId, id, patch);
  }
  remove(tenantId: string, id: string): Promise<void> {
    return this.deleteOne(tenantId, id);
  }
  async list(tenantId: string): Promise<Widget[]> {
    const rows = (await this.scoped(tenantId).orderBy('name')) as Row[];
    return rows.map((row) => this.codec.fromRow(row));
  }
  async count(tenantId: string): Promise<number> {
    const row = (await this.scoped(tenantId).count({ n: '*' }).first()) as { n: number };
    return row.n;
  }
  importMany(tenantId: string, values: Iterable<NewEntity<Widget>> | AsyncIterable<NewEntity<Widget>>): Promise<number> {
    return this.insertMany(tenantId, values);
  }
}

const widget = (name: string, extra: Partial<NewEntity<Widget>> = {}): NewEntity<Widget> => ({
  name,
  enabled: true,
  weight: 1,
  tags: null,
  ...extra,
});

describe('snakeCase', () => {
  it('maps camelCase fields to snake_case columns', () => {
    expect(snakeCase('tenantId')).toBe('tenant_id');
    expect(snakeCase('lastLoginAt')).toBe('last_login_at');
    expect(snakeCase('name')).toBe('name');
  });
});

describe.each(storageTargets())('TenantScopedRepository on $name', (target) => {
  const db = useStorage(target, { tenants: ['a', 'b'] });
  /** This file's own tenant-owned table, made afresh in each test's database, and its repository. */
  let widgets: WidgetRepository;

  beforeEach(async () => {
    await db.storage.knex.schema.createTable('widgets', (t) => {
      t.string('id', 64).primary();
      t.string('tenant_id', 64).notNullable().references('id').inTable('tenants');
      t.string('name', 100).notNullable();
      t.boolean('enabled').notNullable();
      t.bigInteger('weight').notNullable();
      t.text('tags').nullable();
      t.bigInteger('created_at').notNullable();
      t.bigInteger('updated_at').notNullable();
      t.unique(['tenant_id', 'name']);
    });
    const ctx: RepositoryContext = { db: db.storage.knex, dialect: db.storage.dialect, clock: db.clock, newId: () => crypto.randomUUID() };
    widgets = new WidgetRepository(ctx);
  });

  it('maps booleans, bigints and JSON the same way on every dialect', async () => {
    const on = await widgets.create(db.tenants.a, widget('on', { enabled: true, weight: 2 ** 40, tags: ['x', 'y'] }));
    const off = await widgets.create(db.tenants.a, widget('off', { enabled: false }));
    expect(await widgets.getById(db.tenants.a, on.id)).toEqual({
      id: on.id,
      tenantId: db.tenants.a,
      name: 'on',
      enabled: true,
      weight: 2 ** 40,
      tags: ['x', 'y'],
      createdAt: db.clock.now(),
      updatedAt: db.clock.now(),
    });
    const fetchedOff = await widgets.getById(db.tenants.a, off.id);
    expect(fetchedOff.enabled).toBe(false);
    expect(fetchedOff.tags).toBeNull();
  });

  it('stamps the tenant of the scope on insert, whatever the values say', async () => {
    const sneaky = { ...widget('sneaky'), tenantId: db.tenants.b } as NewEntity<Widget>;
    const created = await widgets.create(db.tenants.a, sneaky);
    expect(created.tenantId).toBe(db.tenants.a);
    expect((await widgets.getById(db.tenants.a, created.id)).tenantId).toBe(db.tenants.a);
    expect(await widgets.list(db.tenants.b)).toEqual([]);
  });

  it("hides tenant A's rows from tenant B: read, update and delete behave as not found", async () => {
    const mine = await widgets.create(db.tenants.a, widget('mine'));

    expect(await widgets.findById(db.tenants.b, mine.id)).toBeUndefined();
    await expect(widgets.getById(db.tenants.b, mine.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(widgets.update(db.tenants.b, mine.id, { name: 'stolen' })).rejects.toBeInstanceOf(NotFoundError);
    await expect(widgets.remove(db.tenants.b, mine.id)).rejects.toBeInstanceOf(NotFoundError);
    expect(await widgets.list(db.tenants.b)).toEqual([]);

    // Untouched for its owner.
    expect(await widgets.getById(db.tenants.a, mine.id)).toEqual(mine);
    await widgets.remove(db.tenants.a, mine.id);
    expect(await widgets.findById(db.tenants.a, mine.id)).toBeUndefined();
  });

  it('updates only the named fields, moves updatedAt, and ignores id / tenant / createdAt in a patch', async () => {
    const created = await widgets.create(db.tenants.a, widget('before', { weight: 5 }));
    await db.clock.advance(1_000);
    const patch = { name: 'after', id: 'other', tenantId: db.tenants.b, createdAt: 0 } as Partial<NewEntity<Widget>>;
    const updated = await widgets.update(db.tenants.a, created.id, patch);
    expect(updated).toEqual({ ...created, name: 'after', updatedAt: created.createdAt + 1_000 });
    expect(await widgets.getById(db.tenants.a, created.id)).toEqual(updated);
  });

  it('turns a unique violation into ConflictError, while the same name in another tenant is fine', async () => {
    await widgets.create(db.tenants.a, widget('dup'));
    await expect(widgets.create(db.tenants.a, widget('dup'))).rejects.toBeInstanceOf(ConflictError);
    await expect(widgets.create(db.tenants.b, widget('dup'))).resolves.toMatchObject({ tenantId: db.tenants.b, name: 'dup' });
  });

  it('batch-inserts 20,000 rows in full, all in the scope', async () => {
    const rows = Array.from({ length: 20_000 }, (_, i) => widget(`w${String(i).padStart(5, '0')}`, { enabled: i % 2 === 0, weight: i }));
    expect(await widgets.importMany(db.tenants.a, rows)).toBe(20_000);
    expect(await widgets.count(db.tenants.a)).toBe(20_000);
    expect(await widgets.count(db.tenants.b)).toBe(0);
    const sample = (await widgets.list(db.tenants.a)).slice(19_998);
    expect(sample.map((w) => [w.name, w.enabled, w.weight])).toEqual([
      ['w19998', true, 19_998],
      ['w19999', false, 19_999],
    ]);
  });

  it('batch-inserts from an async iterable (a streaming parser)', async () => {
    async function* parse() {
      for (let i = 0; i < 1_234; i += 1) yield widget(`s${i}`);
    }
    expect(await widgets.importMany(db.tenants.b, parse())).toBe(1_234);
    expect(await widgets.count(db.tenants.b)).toBe(1_234);
  });

  it('inserts a batch all or nothing: one duplicate rolls back every chunk', async () => {
    const rows = Array.from({ length: 3_000 }, (_, i) => widget(`b${i}`));
    rows.push(widget('b5')); // collides with a row from the first chunk
    await expect(widgets.importMany(db.tenants.a, rows)).rejects.toBeInstanceOf(ConflictError);
    expect(await widgets.count(db.tenants.a)).toBe(0);
  });

  it('insertInBatches splits wide rows under the bound-parameter limit', async () => {
    const columns = Array.from({ length: 120 }, (_, i) => `c${i}`);
    await db.storage.knex.schema.createTable('wide', (t) => {
      t.integer('id').primary();
      for (const column of columns) t.integer(column);
    });
    // 2,000 rows × 121 parameters = 242,000: far above either dialect's limit for one statement.
    const rows = Array.from({ length: 2_000 }, (_, id) => Object.fromEntries([['id', id], ...columns.map((c, i) => [c, id + i])]));
    expect(await insertInBatches(db.storage.knex, db.storage.dialect, 'wide', rows)).toBe(2_000);
    const last = (await db.storage.knex('wide').where('id', 1_999).first()) as Record<string, number>;
    expect(last.c119).toBe(1_999 + 119);
    expect(await insertInBatches(db.storage.knex, db.storage.dialect, 'wide', [])).toBe(0);
  });
});
