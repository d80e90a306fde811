import { describe, expect, it } from 'vitest';
import type { ConflictError } from '../errors/errors.js';
import { storageTargets, useStorage } from '../storage/test-support.js';
import { ContactService } from './contacts.js';
import { CustomerService } from './customers.js';
import { contactHistoryExportSource } from './export/contact-history-export.js';
import { exportCsv } from './export/csv-export.js';
import { successfulCustomerExportSource } from './export/successful-customer-export.js';

async function text(body: AsyncIterable<Uint8Array>): Promise<string> {
  const parts: Buffer[] = [];
  for await (const chunk of body) parts.push(Buffer.from(chunk));
  return Buffer.concat(parts).toString('utf8');
}

/** The queries behind the contact history, successfully submitted customers and their exports, on every database. */
describe.each(storageTargets())('contact history and successful customers on $name', (target) => {
  const db = useStorage(target, { tenants: ['a', 'b'] });

  async function world() {
    const t = db.tenants.a;
    await db.storage.tenants.update(t, { timeZone: 'UTC' });
    const pkg = await db.storage.customerPackages.create(t, { displayName: 'Leads', key: 'LEADS' });
    const won = await db.storage.funnelStages.create(t, { packageId: pkg.id, name: 'Won', score: 10 });
    const later = await db.storage.funnelStages.create(t, { packageId: pkg.id, name: 'Later', score: 0 });
    const sale = await db.storage.callResults.create(t, { name: 'Sale', funnelStageId: won.id }, 'boss');
    const customers = new CustomerService(db.storage, db.clock);
    const ann = await customers.create(t, { packageId: pkg.id, name: 'Ann', phones: ['+33611111111'], agentNumber: '1001' });
    const bob = await customers.create(t, { packageId: pkg.id, name: 'Bob', phones: ['+33622222222'], agentNumber: '1002' });
    await customers.create(db.tenants.b, { name: 'Elsewhere' });
    return { t, pkg, won, later, sale, ann, bob, contacts: new ContactService(db.storage) };
  }

  it('filters the history by its fields, joins the customer, scopes an agent, pages by cursor and streams a snapshot', async () => {
    const w = await world();
    await w.contacts.submit(w.t, '1001', { customerId: w.ann.id, callResultId: w.sale.id, notes: 'first' });
    await db.clock.advance(1000);
    const from = db.clock.now();
    await w.contacts.submit(w.t, '1003', { customerId: w.bob.id, funnelStageId: w.later.id, callStatus: 'unanswered' });
    await db.clock.advance(1000);
    await w.contacts.submit(w.t, '1001', { customerId: w.bob.id, funnelStageId: w.later.id });
    const query = async (filter: Parameters<typeof db.storage.contactRecords.query>[1]) => (await db.storage.contactRecords.query(w.t, filter)).items.map((r) => `${r.customerName}:${r.agentNumber}`);

    expect(await query({})).toEqual(['Bob:1001', 'Bob:1003', 'Ann:1001']);
    expect(await query({ from, to: from + 1000 })).toEqual(['Bob:1003']);
    expect(await query({ callResultId: w.sale.id })).toEqual(['Ann:1001']);
    expect(await query({ funnelStageId: w.later.id, callStatus: 'unanswered' })).toEqual(['Bob:1003']);
    expect(await query({ packageId: null })).toEqual([]);
    // 1001 sees Ann's (allocated to them) and the one they made for Bob; 1003 only their own.
    expect(await query({ visibleTo: '1001' })).toEqual(['Bob:1001', 'Ann:1001']);
    expect(await query({ visibleTo: '1003' })).toEqual(['Bob:1003']);
    const first = await db.storage.contactRecords.query(w.t, { limit: 2 });
    expect((await db.storage.contactRecords.query(w.t, { limit: 2, cursor: first.nextCursor! })).items.map((r) => r.notes)).toEqual(['first']);
    await expect(db.storage.contactRecords.get(w.t, first.items[0]!.id, { visibleTo: '1003' })).rejects.toMatchObject({ code: 'NOT_FOUND' });

    const until = db.clock.now();
    await db.clock.advance(1000);
    await w.contacts.submit(w.t, '1001', { customerId: w.ann.id, notes: 'after the snapshot' });
    const exported = await exportCsv(await contactHistoryExportSource(db.storage, w.t, { filter: {}, until }), { encoding: 'utf-8', maxRowsPerFile: 1000, at: new Date(until) });
    const lines = (await text(exported.body)).trim().split('\r\n');
    expect(exported.rows).toBe(3);
    // Oldest first, names for ids, times in the tenant's zone.
    expect(lines.slice(1).map((l) => l.split(',')[1])).toEqual(['Ann', 'Bob', 'Bob']);
    expect(lines[1]).toContain(',Leads,submission,,1001,,Sale,first,Won,10,,,no,');
  });

  it('finds successful customers by their latest stage choice, with its submission, as of a snapshot', async () => {
    const w = await world();
    await w.contacts.submit(w.t, '1001', { customerId: w.ann.id, callResultId: w.sale.id });
    await db.clock.advance(1000);
    await w.contacts.submit(w.t, '1002', { customerId: w.bob.id, callResultId: w.sale.id });
    await db.clock.advance(1000);
    await w.contacts.submit(w.t, '1002', { customerId: w.bob.id, notes: 'no stage: the success stands' });
    const names = async (search: Parameters<typeof db.storage.customers.successful>[1]) => (await db.storage.customers.successful(w.t, search)).items.map((c) => c.name);

    expect(await names({})).toEqual(['Bob', 'Ann']);
    const [bob] = (await db.storage.customers.successful(w.t, { submittedBy: '1002' })).items;
    expect(bob).toMatchObject({ name: 'Bob', phones: ['+33622222222'], submission: { agentNumber: '1002', callResultId: w.sale.id, funnelStageId: w.won.id, score: 10 } });
    expect(await names({ agentNumber: '1001' })).toEqual(['Ann']);
    expect(await names({ submittedFrom: bob!.submission.submittedAt })).toEqual(['Bob']);
    expect(await names({ q: 'ann', packageId: w.pkg.id })).toEqual(['Ann']);

    const until = db.clock.now();
    await db.clock.advance(1000);
    await w.contacts.submit(w.t, '1001', { customerId: w.ann.id, funnelStageId: w.later.id });
    expect(await names({})).toEqual(['Bob']);
    // The export is as of its start: Ann was still a success then.
    expect(await db.storage.customers.countSuccessful(w.t, {}, until)).toBe(2);
    const exported = await exportCsv(await successfulCustomerExportSource(db.storage, w.t, { search: {}, until }), { encoding: 'utf-8', maxRowsPerFile: 1000, at: new Date(until) });
    expect((await text(exported.body)).trim().split('\r\n').slice(1).map((l) => l.split(',')[2]).sort()).toEqual(['Ann', 'Bob']);
    expect(await db.storage.customers.countSuccessful(w.t, {}, db.clock.now())).toBe(1);
  });

  it('refuses to delete a stage in use, naming what uses it', async () => {
    const w = await world();
    const refusal = (await db.storage.funnelStages.delete(w.t, w.won.id).catch((e: unknown) => e)) as ConflictError;
    expect(refusal).toMatchObject({ code: 'CONFLICT', details: { callResults: ['Sale'], contactRecords: 0, customers: 0 } });
    await w.contacts.submit(w.t, null, { customerId: w.ann.id, funnelStageId: w.later.id });
    expect(((await db.storage.funnelStages.delete(w.t, w.later.id).catch((e: unknown) => e)) as ConflictError).message).toBe(
      'Cannot delete the sales funnel stage "Later": still used by 1 contact record; 1 customer. Close it instead',
    );
    const unused = await db.storage.funnelStages.create(w.t, { packageId: w.pkg.id, name: 'Unused', score: 1 });
    await db.storage.funnelStages.delete(w.t, unused.id);
    expect((await db.storage.funnelStages.list(w.t, undefined)).map((s) => s.name)).toEqual(['Won', 'Later']);
  });
});
