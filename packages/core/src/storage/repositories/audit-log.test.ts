import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../clock/virtual-clock.js';
import { ValidationError } from '../../errors/errors.js';
import type { Storage } from '../storage.js';
import { storageTargets } from '../test-support.js';
import type { NewAuditEntry } from './audit-log.js';

describe.each(storageTargets())('AuditLogRepository on $name', (target) => {
  let storage: Storage;
  let clock: VirtualClock;
  let tenantA: string;
  let tenantB: string;
  const entry = (tenantId: string | null, action: string, extra: Partial<NewAuditEntry> = {}): NewAuditEntry => ({
    tenantId,
    actorType: 'user',
    actorId: 'u1',
    action,
    resource: 'user',
    ...extra,
  });

  beforeEach(async () => {
    clock = new VirtualClock();
    storage = await target.create({ clock });
    tenantA = (await storage.tenants.create({ slug: 'a', name: 'A' })).id;
    tenantB = (await storage.tenants.create({ slug: 'b', name: 'B' })).id;
  });
  afterEach(async () => {
    await storage.close();
  });

  it('appends an entry stamped with the clock, details kept as JSON', async () => {
    const appended = await storage.auditLog.append(
      entry(tenantA, 'user.create', { resourceId: 'u2', details: { role: 'agent', groups: ['sales'] }, ip: '203.0.113.7' }),
    );
    expect(appended).toEqual({
      id: expect.any(String),
      tenantId: tenantA,
      actorType: 'user',
      actorId: 'u1',
      action: 'user.create',
      resource: 'user',
      resourceId: 'u2',
      details: { role: 'agent', groups: ['sales'] },
      ip: '203.0.113.7',
      at: clock.now(),
    });
    expect(await storage.auditLog.list(tenantA)).toEqual([appended]);
  });

  it('lists newest first, with a limit and a before cursor', async () => {
    for (let i = 0; i < 5; i += 1) {
      await storage.auditLog.append(entry(tenantA, `action.${i}`));
      await clock.advance(1_000);
    }
    const all = await storage.auditLog.list(tenantA);
    expect(all.map((e) => e.action)).toEqual(['action.4', 'action.3', 'action.2', 'action.1', 'action.0']);
    const page = await storage.auditLog.list(tenantA, { limit: 2 });
    expect(page.map((e) => e.action)).toEqual(['action.4', 'action.3']);
    const next = await storage.auditLog.list(tenantA, { limit: 2, before: page[1]?.at });
    expect(next.map((e) => e.action)).toEqual(['action.2', 'action.1']);
  });

  it("keeps each tenant's entries and the platform's apart", async () => {
    await storage.auditLog.append(entry(tenantA, 'a.thing'));
    await storage.auditLog.append(entry(tenantB, 'b.thing'));
    await storage.auditLog.append(entry(null, 'tenant.login_as', { actorType: 'platform_user', resource: 'tenant', resourceId: tenantA }));
    expect((await storage.auditLog.list(tenantA)).map((e) => e.action)).toEqual(['a.thing']);
    expect((await storage.auditLog.list(tenantB)).map((e) => e.action)).toEqual(['b.thing']);
    expect((await storage.auditLog.list(null)).map((e) => e.action)).toEqual(['tenant.login_as']);
  });

  it('rejects incomplete entries and out-of-range limits', async () => {
    await expect(storage.auditLog.append(entry(tenantA, ''))).rejects.toBeInstanceOf(ValidationError);
    await expect(storage.auditLog.append({ ...entry(tenantA, 'x'), actorId: '' })).rejects.toBeInstanceOf(ValidationError);
    await expect(storage.auditLog.list(tenantA, { limit: 0 })).rejects.toThrow(/limit/);
    await expect(storage.auditLog.list(tenantA, { limit: 1_001 })).rejects.toBeInstanceOf(ValidationError);
  });
});
