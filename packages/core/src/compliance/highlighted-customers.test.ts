import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CustomerService } from '../crm/customers.js';
import type { Customer, HighlightedNumber } from '../storage/repositories/customers.js';
import type { CustomerPackage } from '../storage/repositories/customer-packages.js';
import { storageTargets, useStorage } from '../storage/test-support.js';
import { Compliance } from './compliance.js';
import { HighlightedCustomers } from './highlighted-customers.js';

describe.each(storageTargets())('highlighted customers as a no-call source on $name', (target) => {
  const db = useStorage(target, { tenants: ['a', 'b'] });
  const by = 'boss';

  async function setup() {
    await db.storage.tenants.update(db.tenants.a, { defaultCountry: 'FR' });
    const compliance = new Compliance({ storage: db.storage });
    const customers = new CustomerService(db.storage, db.clock, compliance.highlights);
    const leads = await db.storage.customerPackages.create(db.tenants.a, { displayName: 'Leads', key: 'LEADS' });
    const vip = await db.storage.customerPackages.create(db.tenants.a, { displayName: 'VIP', key: 'VIP' });
    return { compliance, customers, leads: leads.id, vip: vip.id, a: db.tenants.a };
  }

  it('refuses a highlighted customer\'s numbers without a DNC entry; each kind of no-call is removed on its own (§3.3 3.3–3.4)', async () => {
    const { compliance, customers, a } = await setup();
    const ann = await customers.create(a, { name: 'Ann', phones: ['06 11 11 11 11', '06 22 22 22 22'] });
    expect(await compliance.mayCall(a, null, '+33611111111')).toBe(true);

    const highlighted = await compliance.highlights.set(a, ann.id, true);
    expect(highlighted.noCall).toBe(true);
    expect(await compliance.mayCall(a, null, '+33611111111')).toBe(false);
    expect(await compliance.blockedBy(a, null, '0622222222')).toBe('highlighted-customer');
    // Not on the DNC list: the highlight is not a list entry.
    expect(await compliance.dnc.list(a)).toEqual([]);

    // A DNC entry too: the list answers first; removing it leaves the highlight in force.
    const { added } = await compliance.dnc.add(a, { numbers: ['+33611111111'], by });
    expect(await compliance.blockedBy(a, null, '+33611111111')).toBe('dnc');
    await compliance.dnc.remove(a, added[0]!.id);
    expect(await compliance.blockedBy(a, null, '+33611111111')).toBe('highlighted-customer');

    // Listed again, then the highlight cleared: the DNC entry still stops calls.
    await compliance.dnc.add(a, { numbers: ['+33611111111'], by });
    const cleared = await compliance.highlights.set(a, ann.id, false);
    expect(cleared.noCall).toBe(false);
    expect(await compliance.blockedBy(a, null, '+33611111111')).toBe('dnc');
    expect(await compliance.mayCall(a, null, '+33622222222')).toBe(true);
    expect((await compliance.dnc.list(a)).map((e) => e.number)).toEqual(['+33611111111']);

    // A restart reads the flag back from storage.
    await compliance.highlights.set(a, ann.id, true);
    const restarted = new Compliance({ storage: db.storage });
    const screened = await restarted.screen.screen(a, null, ['+33611111111', '+33622222222', '+33633333333']);
    expect([0, 1, 2].map((i) => screened.blockedBy(i))).toEqual(['dnc', 'highlighted-customer', undefined]);
    // Another tenant with the same number is another customer.
    expect(await restarted.mayCall(db.tenants.b, null, '+33622222222')).toBe(true);
  });

  it('counts a highlight in its own package, and across packages only where numbers are globally unique', async () => {
    const { compliance, customers, leads, vip, a } = await setup();
    const inLeads = await customers.create(a, { packageId: leads, name: 'Lead Ann', phones: ['0611111111'] });
    const vipAnn = await customers.create(a, { packageId: vip, name: 'VIP Ann', phones: ['0611111111'] });
    await compliance.highlights.set(a, inLeads.id, true);
    expect(await compliance.blockedBy(a, leads, '+33611111111')).toBe('highlighted-customer');
    // Per-package numbers: the VIP customer with the same number, and the default package, may be called.
    expect(await compliance.mayCall(a, vip, '+33611111111')).toBe(true);
    expect(await compliance.mayCall(a, null, '+33611111111')).toBe(true);
    // Numbers become globally unique only where no other package's customer shares them.
    await customers.remove(a, vipAnn.id);

    // Globally unique numbers in the highlighted customer's package: one customer across the tenant.
    compliance.highlights.packageChanged(a, await db.storage.customerPackages.update(a, leads, { phoneUniqueness: 'global' }));
    expect(await compliance.mayCall(a, vip, '+33611111111')).toBe(false);
    expect(await compliance.mayCall(a, null, '+33611111111')).toBe(false);
    compliance.highlights.packageChanged(a, await db.storage.customerPackages.update(a, leads, { phoneUniqueness: 'package' }));
    expect(await compliance.mayCall(a, vip, '+33611111111')).toBe(true);
    // …or in the package screened for.
    compliance.highlights.packageChanged(a, await db.storage.customerPackages.update(a, vip, { phoneUniqueness: 'global' }));
    expect(await compliance.blockedBy(a, vip, '+33611111111')).toBe('highlighted-customer');
    expect(await compliance.mayCall(a, null, '+33611111111')).toBe(true);

    // A closed package hides its data: its highlights stop nothing until it is opened again.
    compliance.highlights.packageChanged(a, await db.storage.customerPackages.update(a, leads, { status: 'closed' }));
    expect(await compliance.mayCall(a, leads, '+33611111111')).toBe(true);
    expect(await compliance.mayCall(a, vip, '+33611111111')).toBe(true);
    compliance.highlights.packageChanged(a, await db.storage.customerPackages.update(a, leads, { status: 'open' }));
    expect(await compliance.mayCall(a, leads, '+33611111111')).toBe(false);
    expect(await compliance.mayCall(a, vip, '+33611111111')).toBe(false);

    // The same rules after a restart, read from storage.
    const restarted = new Compliance({ storage: db.storage });
    expect(await restarted.mayCall(a, vip, '+33611111111')).toBe(false);
    expect(await restarted.mayCall(a, null, '+33611111111')).toBe(true);
    await db.storage.customerPackages.update(a, leads, { status: 'closed' });
    const closed = new Compliance({ storage: db.storage });
    expect(await closed.mayCall(a, leads, '+33611111111')).toBe(true);
  });

  it('follows a highlighted customer\'s numbers, package and deletion through CustomerService', async () => {
    const { compliance, customers, leads, a } = await setup();
    await compliance.screen.ready(a);
    const ann = await customers.create(a, { name: 'Ann', phones: ['0611111111'] });
    await compliance.highlights.set(a, ann.id, true);
    // A change of other fields keeps the flag…
    const renamed = await customers.update(a, ann.id, { name: 'Ann Lee', phones: ['0622222222', '0633333333'] });
    expect(renamed.noCall).toBe(true);
    // …and the screen follows the numbers.
    expect([...(await compliance.screen.screen(a, null, ['+33611111111', '+33622222222', '+33633333333'])).verdicts]).toEqual([0, 2, 2]);
    await customers.update(a, ann.id, { packageId: leads });
    expect(await compliance.mayCall(a, null, '+33622222222')).toBe(true);
    expect(await compliance.mayCall(a, leads, '+33622222222')).toBe(false);
    await customers.remove(a, ann.id);
    expect(await compliance.mayCall(a, leads, '+33622222222')).toBe(true);
    expect(compliance.highlights.size(a)).toBe(0);
  });

  it('keeps a flag set while the tenant loads, and reloads writes made elsewhere', async () => {
    const { compliance, customers, a } = await setup();
    const ann = await customers.create(a, { name: 'Ann', phones: ['0611111111'] });
    const bob = await customers.create(a, { name: 'Bob', phones: ['0622222222'] });
    const loading = compliance.screen.ready(a);
    await compliance.highlights.set(a, ann.id, true);
    await loading;
    expect(await compliance.mayCall(a, null, '+33611111111')).toBe(false);
    // Written behind its back (another process, SQL): seen after a reload.
    await db.storage.customers.setNoCall(a, bob.id, true);
    expect(await compliance.mayCall(a, null, '+33622222222')).toBe(true);
    await compliance.highlights.reload(a);
    expect(await compliance.mayCall(a, null, '+33622222222')).toBe(false);
    expect(compliance.highlights.size(a)).toBe(2);
  });

  it('loads many highlighted customers in pages, a customer\'s numbers possibly split across two', async () => {
    const { a } = await setup();
    const values = Array.from({ length: 25 }, (_, i) => ({
      packageId: null, name: `C${i}`, phones: [`+3361000${String(i).padStart(4, '0')}`, `+3362000${String(i).padStart(4, '0')}`], email: null, gender: null, age: null,
      address: null, area: null, notes: null, custom: {}, tags: [], dataSourceId: null, taskId: null, agentNumber: null, allocatedAt: null,
      totalCalls: 0, lastCallResult: null, funnelStage: null, noCall: i % 5 !== 4,
    }));
    await db.storage.customers.insertBatch(a, values);
    const pages: number[] = [];
    for await (const page of db.storage.customers.streamHighlighted(a, 7)) pages.push(page.length);
    expect(pages).toEqual([7, 7, 7, 7, 7, 5]);
    const compliance = new Compliance({ storage: db.storage });
    const numbers = values.flatMap((v) => v.phones);
    const screened = await compliance.screen.screen(a, null, numbers);
    expect(screened.blocked).toBe(40);
    expect(numbers.filter((_, i) => screened.verdicts[i] !== 0)).toEqual(values.filter((v) => v.noCall).flatMap((v) => v.phones));
  });
});

describe('HighlightedCustomers', () => {
  interface ModelCustomer {
    packageKey: string;
    numbers: string[];
    noCall: boolean;
  }
  const PACKAGES = ['', 'p1', 'p2'];
  const NUMBERS = ['+33611111111', '+33622222222', '1001', '+0123'];

  /** Storage in memory: what the source reads on load. */
  function memoryStorage(packages: Map<string, { open: boolean; global: boolean }>, customers: Map<string, ModelCustomer>) {
    const customerOf = (id: string): Customer => {
      const c = customers.get(id)!;
      return { id, packageId: c.packageKey || null, phones: [...c.numbers], noCall: c.noCall } as Customer;
    };
    return {
      customerOf,
      storage: {
        customerPackages: {
          list: () =>
            Promise.resolve(
              [...packages].filter(([id]) => id !== '').map(([id, rule]) => ({ id, status: rule.open ? 'open' : 'closed', phoneUniqueness: rule.global ? 'global' : 'package' }) as CustomerPackage),
            ),
        },
        customers: {
          setNoCall: (_tenantId: string, id: string, noCall: boolean) => {
            customers.get(id)!.noCall = noCall;
            return Promise.resolve(customerOf(id));
          },
          async *streamHighlighted(): AsyncIterable<HighlightedNumber[]> {
            const rows = [...customers].filter(([, c]) => c.noCall).flatMap(([id, c]) => c.numbers.map((number) => ({ customerId: id, packageId: c.packageKey || null, number })));
            for (let i = 0; i < rows.length; i += 3) yield rows.slice(i, i + 3);
          },
        },
      } as unknown as ConstructorParameters<typeof HighlightedCustomers>[0],
    };
  }

  it('agrees with a naive reading of the rules over random highlights, number changes, package rules and reloads', async () => {
    const customerId = fc.constantFrom('c1', 'c2', 'c3');
    // Weighted towards what moves numbers between the index's tables; reloads, which start afresh, are rarer.
    const op = fc.oneof(
      { weight: 4, arbitrary: fc.record({ kind: fc.constant('flag' as const), id: customerId, on: fc.boolean() }) },
      { weight: 4, arbitrary: fc.record({ kind: fc.constant('edit' as const), id: customerId, packageKey: fc.constantFrom(...PACKAGES), numbers: fc.uniqueArray(fc.constantFrom(...NUMBERS), { maxLength: 3 }) }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('delete' as const), id: customerId }) },
      { weight: 4, arbitrary: fc.record({ kind: fc.constant('rule' as const), packageKey: fc.constantFrom('p1', 'p2'), open: fc.boolean(), global: fc.boolean() }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('reload' as const) }) },
      { weight: 4, arbitrary: fc.record({ kind: fc.constant('query' as const), packageKey: fc.constantFrom(...PACKAGES, 'unknown'), number: fc.constantFrom(...NUMBERS) }) },
    );
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 60 }), async (ops) => {
        const packages = new Map(PACKAGES.map((id) => [id, { open: true, global: false }]));
        const customers = new Map<string, ModelCustomer>();
        const { storage, customerOf } = memoryStorage(packages, customers);
        const source = new HighlightedCustomers(storage);
        await source.load('t');
        const naive = (packageKey: string, number: string) => {
          const screened = packages.get(packageKey) ?? { open: true, global: false };
          return [...customers.values()].some((c) => {
            const rule = packages.get(c.packageKey)!;
            return c.noCall && c.numbers.includes(number) && rule.open && (c.packageKey === packageKey || rule.global || screened.global);
          });
        };
        for (const o of ops) {
          switch (o.kind) {
            case 'flag':
              if (customers.has(o.id)) await source.set('t', o.id, o.on);
              break;
            case 'edit':
              customers.set(o.id, { packageKey: o.packageKey, numbers: o.numbers, noCall: customers.get(o.id)?.noCall ?? false });
              source.customerChanged('t', customerOf(o.id));
              break;
            case 'delete':
              customers.delete(o.id);
              source.customerChanged('t', undefined, o.id);
              break;
            case 'rule':
              packages.set(o.packageKey, { open: o.open, global: o.global });
              source.packageChanged('t', { id: o.packageKey, status: o.open ? 'open' : 'closed', phoneUniqueness: o.global ? 'global' : 'package' });
              break;
            case 'reload':
              await source.reload('t');
              break;
            case 'query':
              expect(source.isBlocked('t', o.packageKey || null, o.number)).toBe(naive(o.packageKey, o.number));
          }
        }
        for (const packageKey of [...PACKAGES, 'unknown']) for (const number of NUMBERS) expect(source.isBlocked('t', packageKey || null, number)).toBe(naive(packageKey, number));
      }),
      { numRuns: 200 },
    );
  });
});
