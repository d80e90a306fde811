import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IllegalStateError } from '../errors/errors.js';
import { DncScreen, type DncListSource, type NoCallSource } from './dnc-screen.js';
import type { DncListedNumbers } from './model.js';

/** Lists held in memory, served in pages like storage does; `gate` holds the load back until opened. */
function memoryLists(entries: Record<string, Listed[]>, country = 'FR') {
  let open: () => void = () => {};
  const gate = { closed: false, opened: Promise.resolve() };
  const source: DncListSource & { loads: number; hold(): () => void } = {
    loads: 0,
    defaultCountry: () => Promise.resolve(country),
    async *enabledNumbers(tenantId) {
      source.loads++;
      const all = entries[tenantId] ?? [];
      for (let i = 0; i < all.length; i += 2) {
        if (i > 0) await gate.opened;
        yield all.slice(i, i + 2).map((entry): DncListedNumbers => ({ customerPackageId: entry.customerPackageId, numbers: [entry.number] }));
      }
    },
    hold() {
      gate.opened = new Promise<void>((resolve) => (open = resolve));
      return () => open();
    },
  };
  return source;
}

interface Listed {
  customerPackageId: string | null;
  number: string;
}
const listed = (number: string, customerPackageId: string | null = null): Listed => ({ customerPackageId, number });

describe('DncScreen', () => {
  it('answers per tenant and package from the lists it loaded, normalising numbers that are not E.164 yet', async () => {
    const lists = memoryLists({ t1: [listed('+33611111111'), listed('+33622222222', 'pkg'), listed('1001')], t2: [listed('+33633333333')] });
    const screen = new DncScreen(lists);
    expect(() => screen.mayCall('t1', null, '+33611111111')).toThrow(IllegalStateError);
    await Promise.all([screen.ready('t1'), screen.ready('t1')]);
    expect(lists.loads).toBe(1);
    expect(screen.mayCall('t1', null, '+33611111111')).toBe(false);
    expect(screen.mayCall('t1', null, '06 11 11 11 11')).toBe(false);
    expect(screen.mayCall('t1', null, '0611111111')).toBe(false);
    expect(screen.mayCall('t1', null, '1001')).toBe(false);
    expect(screen.mayCall('t1', 'pkg', '+33611111111')).toBe(true);
    expect(screen.mayCall('t1', 'pkg', '+33622222222')).toBe(false);
    expect(screen.mayCall('t1', null, '+33622222222')).toBe(true);
    expect(screen.mayCall('t1', 'other', '+33622222222')).toBe(true);
    expect(screen.size('t1')).toBe(3);
    expect(screen.size('t1', 'pkg')).toBe(1);
    const result = await screen.screen('t2', null, ['+33633333333', '+33611111111', '0633333333']);
    expect([...result.verdicts]).toEqual([1, 0, 1]);
    expect(result.blocked).toBe(2);
    expect([0, 1, 2].map((i) => result.blockedBy(i))).toEqual(['dnc', undefined, 'dnc']);
  });

  it('asks every NoCallSource after the list, readies each for a tenant once, and can unplug it', async () => {
    const screen = new DncScreen(memoryLists({ t1: [listed('+33611111111')] }));
    const highlighted = new Set(['t1 pkg +33644444444', 't1 - +33611111111']);
    const loaded: string[] = [];
    const source: NoCallSource = {
      name: 'highlighted-customer',
      load: (tenantId) => {
        loaded.push(tenantId);
        return Promise.resolve();
      },
      isBlocked: (tenantId, packageId, number) => highlighted.has(`${tenantId} ${packageId ?? '-'} ${number}`),
    };
    const unplug = screen.addSource(source);
    const result = await screen.screen('t1', 'pkg', ['+33644444444', '0644444444', '+33611111111']);
    expect([0, 1, 2].map((i) => result.blockedBy(i))).toEqual(['highlighted-customer', 'highlighted-customer', undefined]);
    // On the list and highlighted: the list answers first; removing one kind of no-call leaves the other in force (§3.3 3.4).
    expect(screen.blockedBy('t1', null, '+33611111111')).toBe('dnc');
    screen.apply('t1', [{ customerPackageId: null, number: '+33611111111', listed: false }]);
    expect(screen.blockedBy('t1', null, '+33611111111')).toBe('highlighted-customer');
    highlighted.delete('t1 - +33611111111');
    expect(screen.mayCall('t1', null, '+33611111111')).toBe(true);
    await screen.ready('t1');
    expect(loaded).toEqual(['t1']);
    unplug();
    expect(screen.mayCall('t1', 'pkg', '+33644444444')).toBe(true);
  });

  it('resolves a source\'s blocker once per batch, hands it E.164 numbers with their key, and skips a source that blocks nothing', async () => {
    const screen = new DncScreen(memoryLists({ t1: [listed('+33611111111', 'pkg')] }));
    const resolved: Array<string | null> = [];
    const asked: Array<[string, number]> = [];
    let empty = false;
    screen.addSource({
      name: 'fast',
      isBlocked: (_tenantId, _packageId, number) => number === '1001',
      blocker: (_tenantId, packageId) => {
        resolved.push(packageId);
        return empty ? null : (number, key) => (asked.push([number, key]), number === '+33622222222');
      },
    });
    const result = await screen.screen('t1', 'pkg', ['+33611111111', '+33622222222', '+33633333333', '1001']);
    expect(result.blocked).toBe(3);
    expect([0, 1, 3].map((i) => result.blockedBy(i))).toEqual(['dnc', 'fast', 'fast']);
    expect(resolved).toEqual(['pkg']);
    // The list answers first; numbers that are not E.164 go through isBlocked after normalising.
    expect(asked).toEqual([
      ['+33622222222', 33622222222],
      ['+33633333333', 33633333333],
    ]);
    empty = true;
    expect(screen.screenNow('t1', null, ['+33622222222', '1001']).blocked).toBe(1);
  });

  it('does not answer for a tenant until a source plugged in later is ready for it', async () => {
    const screen = new DncScreen(memoryLists({}));
    await screen.ready('t1');
    let release: () => void = () => {};
    screen.addSource({ name: 'slow', load: () => new Promise<void>((resolve) => (release = resolve)), isBlocked: () => true });
    expect(screen.isReady('t1')).toBe(false);
    expect(() => screen.mayCall('t1', null, '+33611111111')).toThrow(IllegalStateError);
    const screened = screen.screen('t1', null, ['+33611111111']);
    release();
    expect((await screened).blockedBy(0)).toBe('slow');
  });

  it('keeps changes that arrive while a tenant loads or reloads', async () => {
    const entries = { t1: [listed('+33611111111'), listed('+33622222222'), listed('+33633333333')] };
    const lists = memoryLists(entries);
    const screen = new DncScreen(lists);
    let open = lists.hold();
    const loading = screen.ready('t1');
    await Promise.resolve();
    // Committed after the load read its first page: a new number, and one of the first page removed.
    screen.apply('t1', [
      { customerPackageId: null, number: '+33644444444', listed: true },
      { customerPackageId: null, number: '+33611111111', listed: false },
    ]);
    open();
    await loading;
    expect(['+33611111111', '+33622222222', '+33633333333', '+33644444444'].map((n) => screen.mayCall('t1', null, n))).toEqual([true, false, false, false]);

    entries.t1 = [listed('+33655555555'), listed('+33666666666'), listed('+33677777777')];
    open = lists.hold();
    const reloading = screen.reload('t1');
    await Promise.resolve();
    screen.apply('t1', [{ customerPackageId: 'pkg', number: '+33688888888', listed: true }]);
    // The old lists answer (and learn) until the new ones are in.
    expect(screen.mayCall('t1', null, '+33622222222')).toBe(false);
    expect(screen.mayCall('t1', 'pkg', '+33688888888')).toBe(false);
    open();
    await reloading;
    expect(screen.mayCall('t1', null, '+33622222222')).toBe(true);
    expect(screen.mayCall('t1', null, '+33677777777')).toBe(false);
    expect(screen.mayCall('t1', 'pkg', '+33688888888')).toBe(false);
    screen.unload('t1');
    expect(screen.isLoaded('t1')).toBe(false);
  });

  it('drops a load in flight when the tenant is unloaded', async () => {
    const lists = memoryLists({ t1: [listed('+33611111111'), listed('+33622222222'), listed('+33633333333')] });
    const screen = new DncScreen(lists);
    const open = lists.hold();
    const loading = screen.ready('t1');
    await Promise.resolve();
    screen.unloadAll();
    open();
    await loading;
    expect(screen.isLoaded('t1')).toBe(false);
    await screen.ready('t1');
    expect(screen.mayCall('t1', null, '+33633333333')).toBe(false);
    expect(lists.loads).toBe(2);
  });

  it('agrees with a naive Set per package over random lists, changes and queries', async () => {
    const number = fc.oneof(
      fc.integer({ min: 0, max: 60 }).map((i) => `+3361234${String(i).padStart(4, '0')}`),
      fc.integer({ min: 0, max: 60 }).map((i) => `061234${String(i).padStart(4, '0')}`),
      fc.constantFrom('1001', '01001', '+0123', '123456789012345678'),
    );
    const pkg = fc.constantFrom(null, 'p1', 'p2');
    const entry = fc.record({ customerPackageId: pkg, number });
    const op = fc.oneof(
      fc.record({ kind: fc.constant('change' as const), customerPackageId: pkg, number, listed: fc.boolean() }),
      fc.record({ kind: fc.constant('query' as const), customerPackageId: pkg, numbers: fc.array(number, { maxLength: 5 }) }),
    );
    // Entries are stored normalised, as DncLists writes them.
    const normalise = (n: string) => (n.startsWith('06') ? `+33${n.slice(1)}` : n);
    await fc.assert(
      fc.asyncProperty(fc.array(entry, { maxLength: 100 }), fc.array(op, { maxLength: 200 }), async (initial, ops) => {
        const stored = initial.map((e) => ({ ...e, number: normalise(e.number) }));
        const screen = new DncScreen(memoryLists({ t: stored }));
        await screen.ready('t');
        const model = new Set(stored.map((e) => `${e.customerPackageId} ${e.number}`));
        for (const o of ops) {
          if (o.kind === 'change') {
            const change = { customerPackageId: o.customerPackageId, number: normalise(o.number), listed: o.listed };
            screen.apply('t', [change]);
            if (o.listed) model.add(`${change.customerPackageId} ${change.number}`);
            else model.delete(`${change.customerPackageId} ${change.number}`);
          } else {
            const { verdicts } = screen.screenNow('t', o.customerPackageId, o.numbers);
            expect([...verdicts].map((v) => v === 0)).toEqual(o.numbers.map((n) => !model.has(`${o.customerPackageId} ${normalise(n)}`)));
          }
        }
      }),
      { numRuns: 150 },
    );
  });
});
