import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../errors/errors.js';
import { storageTargets, useStorage } from '../test-support.js';
import type { NewAuditEntry } from './audit-log.js';

describe.each(storageTargets())('AuditLogRepository on $name', (target) => {
  const db = useStorage(target, { tenants: ['a', 'b'] });
  const entry = (tenantId: string | null, action: string, extra: Partial<NewAuditEntry> = {}): NewAuditEntry => ({
    tenantId,
    actorType: 'user',
    actorId: 'u1',
    action,
    resource: 'user',
    ...extra,
  });

  it('appends an entry stamped with the clock, details kept as JSON', async () => {
    const appended = await db.storage.auditLog.append(
      entry(db.tenants.a, 'user.create', { resourceId: 'u2', details: { role: 'agent', groups: ['sales'] }, ip: '203.0.113.7' }),
    );
    expect(appended).toEqual({
      id: expect.any(String),
      tenantId: db.tenants.a,
      actorType: 'user',
      actorId: 'u1',
      action: 'user.create',
      resource: 'user',
      resourceId: 'u2',
      details: { role: 'agent', groups: ['sales'] },
      ip: '203.0.113.7',
      at: db.clock.now(),
    });
    expect(await db.storage.auditLog.list(db.tenants.a)).toEqual([appended]);
  });

  it('lists newest first, with a limit and a before cursor', async () => {
    for (let i = 0; i < 5; i += 1) {
      await db.storage.auditLog.append(entry(db.tenants.a, `action.${i}`));
      await db.clock.advance(1_000);
    }
    const all = await db.storage.auditLog.list(db.tenants.a);
    expect(all.map((e) => e.action)).toEqual(['action.4', 'action.3', 'action.2', 'action.1', 'action.0']);
    const page = await db.storage.auditLog.list(db.tenants.a, { limit: 2 });
    expect(page.map((e) => e.action)).toEqual(['action.4', 'action.3']);
    const next = await db.storage.auditLog.list(db.tenants.a, { limit: 2, before: page[1]?.at });
    expect(next.map((e) => e.action)).toEqual(['action.2', 'action.1']);
  });

  it("keeps each tenant's entries and the platform's apart", async () => {
    await db.storage.auditLog.append(entry(db.tenants.a, 'a.thing'));
    await db.storage.auditLog.append(entry(db.tenants.b, 'b.thing'));
    await db.storage.auditLog.append(entry(null, 'tenant.login_as', { actorType: 'platform_user', resource: 'tenant', resourceId: db.tenants.a }));
    expect((await db.storage.auditLog.list(db.tenants.a)).map((e) => e.action)).toEqual(['a.thing']);
    expect((await db.storage.auditLog.list(db.tenants.b)).map((e) => e.action)).toEqual(['b.thing']);
    expect((await db.storage.auditLog.list(null)).map((e) => e.action)).toEqual(['tenant.login_as']);
  });

  it('rejects incomplete entries and out-of-range limits', async () => {
    await expect(db.storage.auditLog.append(entry(db.tenants.a, ''))).rejects.toBeInstanceOf(ValidationError);
    await expect(db.storage.auditLog.append({ ...entry(db.tenants.a, 'x'), actorId: '' })).rejects.toBeInstanceOf(ValidationError);
    await expect(db.storage.auditLog.list(db.tenants.a, { limit: 0 })).rejects.toThrow(/limit/);
    await expect(db.storage.auditLog.list(db.tenants.a, { limit: 1_001 })).rejects.toBeInstanceOf(ValidationError);
  });
});
