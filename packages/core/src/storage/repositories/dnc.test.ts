import { describe, expect, it } from 'vitest';
import { ConflictError, IllegalStateError, NotFoundError, ValidationError } from '../../errors/errors.js';
import { storageTargets, useStorage } from '../test-support.js';

describe.each(storageTargets())('DncRepository on $name', (target) => {
  const db = useStorage(target, { tenants: ['a', 'b'] });
  const by = 'boss';

  it('adds numbers per package, skips the ones already there, and keeps packages and tenants apart', async () => {
    const dnc = db.storage.dnc;
    const first = await dnc.add(db.tenants.a, { numbers: ['+33611111111', '+33622222222', '+33611111111'], reason: 'asked', by });
    expect(first.skipped).toEqual([]);
    expect(first.added).toHaveLength(2);
    expect(first.added[0]).toEqual({
      id: expect.any(String),
      tenantId: db.tenants.a,
      customerPackageId: null,
      number: '+33611111111',
      reason: 'asked',
      status: 'enabled',
      source: 'tenant',
      createdBy: by,
      reviewedBy: null,
      reviewedAt: null,
      createdAt: db.clock.now(),
      updatedAt: db.clock.now(),
    });
    expect(await dnc.getById(db.tenants.a, first.added[0]!.id)).toEqual(first.added[0]);
    const again = await dnc.add(db.tenants.a, { numbers: ['+33611111111', '+33633333333'], status: 'disabled', by });
    expect(again.skipped).toEqual([{ number: '+33611111111', reason: 'already on the list' }]);
    expect(again.added.map((e) => [e.number, e.status])).toEqual([['+33633333333', 'disabled']]);
    // The same number in another package, or another tenant, is independent.
    const other = await dnc.add(db.tenants.a, { customerPackageId: 'pkg-1', numbers: ['+33611111111'], by });
    expect(other.added[0]).toMatchObject({ customerPackageId: 'pkg-1', number: '+33611111111' });
    expect((await dnc.add(db.tenants.b, { numbers: ['+33611111111'], by })).added).toHaveLength(1);
    expect(await dnc.count(db.tenants.a)).toBe(4);
    expect(await dnc.count(db.tenants.a, { customerPackageId: null })).toBe(3);
    expect(await dnc.count(db.tenants.a, { customerPackageId: 'pkg-1' })).toBe(1);
    expect(await dnc.findByNumber(db.tenants.a, 'pkg-1', '+33611111111')).toMatchObject({ customerPackageId: 'pkg-1' });
    expect(await dnc.findByNumber(db.tenants.a, 'pkg-2', '+33611111111')).toBeUndefined();
    await expect(dnc.getById(db.tenants.b, first.added[0]!.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(dnc.add(db.tenants.a, { numbers: ['06 11'], by })).rejects.toBeInstanceOf(ValidationError);
  });

  it('takes agent submissions for review; only reviewed entries can be enabled or disabled', async () => {
    const dnc = db.storage.dnc;
    const submitted = await dnc.submit(db.tenants.a, { customerPackageId: 'pkg-1', number: '+33644444444', reason: 'angry', by: '1001' });
    expect(submitted).toMatchObject({ status: 'pending', source: 'agent', createdBy: '1001', customerPackageId: 'pkg-1' });
    await expect(dnc.submit(db.tenants.a, { customerPackageId: 'pkg-1', number: '+33644444444', reason: 'again', by: '1002' })).rejects.toBeInstanceOf(ConflictError);
    await expect(dnc.submit(db.tenants.a, { number: '+33644444444', reason: '', by: '1002' })).rejects.toBeInstanceOf(ValidationError);
    await expect(dnc.update(db.tenants.a, submitted.id, { enabled: true })).rejects.toBeInstanceOf(IllegalStateError);
    expect((await dnc.list(db.tenants.a, { status: 'pending' })).map((e) => e.id)).toEqual([submitted.id]);
    await db.clock.advance(1_000);
    const approved = await dnc.review(db.tenants.a, submitted.id, { approve: true, by });
    expect(approved).toMatchObject({ status: 'enabled', reviewedBy: by, reviewedAt: db.clock.now(), updatedAt: db.clock.now() });
    await expect(dnc.review(db.tenants.a, submitted.id, { approve: false, by })).rejects.toBeInstanceOf(IllegalStateError);
    expect(await dnc.getById(db.tenants.a, submitted.id)).toEqual(approved);
    const disabled = await dnc.update(db.tenants.a, submitted.id, { enabled: false, reason: 'calmed down' });
    expect(disabled).toMatchObject({ status: 'disabled', reason: 'calmed down' });
    expect(await dnc.getById(db.tenants.a, submitted.id)).toEqual(disabled);
    const rejected = await dnc.review(db.tenants.a, (await dnc.submit(db.tenants.a, { number: '+33655555555', reason: 'x', by: '1001' })).id, { approve: false, by });
    expect(rejected.status).toBe('rejected');
    await expect(dnc.update(db.tenants.b, submitted.id, { enabled: true })).rejects.toBeInstanceOf(NotFoundError);
  });

  it('lists newest first with package, status and search filters, removes one entry or all a filter covers', async () => {
    const dnc = db.storage.dnc;
    await dnc.add(db.tenants.a, { numbers: ['+33611111111'], reason: 'Moved away', by });
    await db.clock.advance(1);
    await dnc.add(db.tenants.a, { customerPackageId: 'pkg-1', numbers: ['+33622222222', '+14155550100'], reason: 'asked by letter', by });
    await db.clock.advance(1);
    await dnc.add(db.tenants.a, { numbers: ['+33633333333'], status: 'disabled', by });
    await dnc.add(db.tenants.b, { numbers: ['+33699999999'], by });
    expect((await dnc.list(db.tenants.a)).map((e) => e.number).slice(0, 1)).toEqual(['+33633333333']);
    expect((await dnc.list(db.tenants.a, { customerPackageId: 'pkg-1' })).map((e) => e.number).sort()).toEqual(['+14155550100', '+33622222222']);
    expect((await dnc.list(db.tenants.a, { customerPackageId: null })).map((e) => e.number).sort()).toEqual(['+33611111111', '+33633333333']);
    expect((await dnc.list(db.tenants.a, { status: 'disabled' })).map((e) => e.number)).toEqual(['+33633333333']);
    expect((await dnc.list(db.tenants.a, { search: '415 555' })).map((e) => e.number)).toEqual(['+14155550100']);
    expect((await dnc.list(db.tenants.a, { search: '06 11 11' })).map((e) => e.number)).toEqual(['+33611111111']);
    expect((await dnc.list(db.tenants.a, { search: 'moved' })).map((e) => e.number)).toEqual(['+33611111111']);
    expect((await dnc.list(db.tenants.a, { search: '100%' })).map((e) => e.number)).toEqual(['+14155550100']);
    expect(await dnc.list(db.tenants.a, { limit: 1, offset: 3 })).toHaveLength(1);

    const [first] = await dnc.list(db.tenants.a, { search: '33611111111' });
    expect(await dnc.remove(db.tenants.a, first!.id)).toEqual(first);
    await expect(dnc.remove(db.tenants.a, first!.id)).rejects.toBeInstanceOf(NotFoundError);
    expect(await dnc.removeWhere(db.tenants.a, { customerPackageId: 'pkg-1' })).toBe(2);
    expect((await dnc.list(db.tenants.a)).map((e) => e.number)).toEqual(['+33633333333']);
    expect(await dnc.removeWhere(db.tenants.a, {})).toBe(1);
    expect(await dnc.count(db.tenants.b)).toBe(1);
  });

  it('imports streamed rows in chunks that commit on their own, skipping numbers already listed or repeated', async () => {
    const dnc = db.storage.dnc;
    await dnc.add(db.tenants.a, { customerPackageId: 'pkg-1', numbers: ['+33600000003'], by });
    async function* rows() {
      for (let i = 0; i < 1_200; i++) yield { line: i + 1, number: `+336${String(i % 1_000).padStart(8, '0')}`, reason: `line ${i + 1}` };
    }
    const committed: number[] = [];
    const result = await dnc.import(db.tenants.a, rows(), { customerPackageId: 'pkg-1', by, chunkSize: 250, onCommitted: (numbers) => committed.push(numbers.length) });
    expect(result).toEqual({ imported: 999, skipped: 201, firstSkipped: expect.arrayContaining([{ line: 4, number: '+33600000003' }, { line: 1_001, number: '+33600000000' }]) });
    expect(result.firstSkipped).toHaveLength(100);
    expect(committed.reduce((a, b) => a + b, 0)).toBe(999);
    expect(committed).toHaveLength(5);
    expect(await dnc.count(db.tenants.a, { customerPackageId: 'pkg-1' })).toBe(1_000);
    expect(await dnc.findByNumber(db.tenants.a, 'pkg-1', '+33600000010')).toMatchObject({ reason: 'line 11', status: 'enabled', source: 'tenant' });

    // A bad row stops the import; the chunks before it stay.
    const bad = dnc.import(db.tenants.b, [{ line: 1, number: '+33611111111', reason: '' }, { line: 2, number: '06 11', reason: '' }], { by, chunkSize: 1 });
    await expect(bad).rejects.toBeInstanceOf(ValidationError);
    expect(await dnc.count(db.tenants.b)).toBe(1);
  });

  it('streams every enabled number of a tenant in keyset pages, across packages', async () => {
    const dnc = db.storage.dnc;
    const numbers = Array.from({ length: 250 }, (_, i) => `+4420${String(i).padStart(8, '0')}`);
    await dnc.add(db.tenants.a, { numbers: numbers.slice(0, 150), by });
    await dnc.add(db.tenants.a, { customerPackageId: 'pkg-1', numbers: numbers.slice(100), by });
    await dnc.add(db.tenants.a, { customerPackageId: 'pkg-2', numbers: ['+4420999'], status: 'disabled', by });
    await dnc.submit(db.tenants.a, { number: '+4420888', reason: 'x', by });
    await dnc.add(db.tenants.b, { numbers: ['+4420777'], by });
    const pages: number[][] = [];
    const seen: string[] = [];
    for await (const page of dnc.streamEnabled(db.tenants.a, 40)) {
      pages.push(page.map((group) => group.numbers.length));
      for (const group of page) for (const number of group.numbers) seen.push(`${group.customerPackageId ?? '-'} ${number}`);
    }
    // One group per package a page reaches: the fourth page ends the default package and starts pkg-1.
    expect(pages).toEqual([[40], [40], [40], [30, 10], [40], [40], [40], [20]]);
    expect(seen.sort()).toEqual([...numbers.slice(0, 150).map((n) => `- ${n}`), ...numbers.slice(100).map((n) => `pkg-1 ${n}`)].sort());
    expect(seen).toHaveLength(new Set(seen).size);
  });
});
