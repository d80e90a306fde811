import { describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError, ValidationError } from '../../errors/errors.js';
import { storageTargets, useStorage } from '../test-support.js';

describe.each(storageTargets())('PauseReasonRepository on $name', (target) => {
  const db = useStorage(target, { tenants: ['a', 'b'] });

  it('creates with defaults and keeps names unique per tenant, naming the field', async () => {
    const lunch = await db.storage.pauseReasons.create(db.tenants.a, { name: ' Lunch ' });
    expect(lunch).toEqual({ id: expect.any(String), tenantId: db.tenants.a, name: 'Lunch', productive: false, enabled: true, createdAt: db.clock.now(), updatedAt: db.clock.now() });
    const error = await db.storage.pauseReasons.create(db.tenants.a, { name: 'Lunch', productive: true }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as ConflictError).details).toMatchObject({ field: 'name' });
    await expect(db.storage.pauseReasons.create(db.tenants.b, { name: 'Lunch' })).resolves.toMatchObject({ tenantId: db.tenants.b });
    await expect(db.storage.pauseReasons.create(db.tenants.a, { name: '' })).rejects.toBeInstanceOf(ValidationError);
  });

  it('lists by name with a case-insensitive search, and only enabled ones on request', async () => {
    await db.storage.pauseReasons.create(db.tenants.a, { name: 'Training', productive: true });
    await db.storage.pauseReasons.create(db.tenants.a, { name: 'Coffee break' });
    await db.storage.pauseReasons.create(db.tenants.a, { name: 'Old break', enabled: false });
    await db.storage.pauseReasons.create(db.tenants.b, { name: 'Break of B' });
    expect((await db.storage.pauseReasons.list(db.tenants.a)).map((r) => r.name)).toEqual(['Coffee break', 'Old break', 'Training']);
    expect((await db.storage.pauseReasons.list(db.tenants.a, { search: 'BREAK' })).map((r) => r.name)).toEqual(['Coffee break', 'Old break']);
    expect((await db.storage.pauseReasons.list(db.tenants.a, { enabledOnly: true })).map((r) => r.name)).toEqual(['Coffee break', 'Training']);
    expect(await db.storage.pauseReasons.findByName(db.tenants.b, 'Training')).toBeUndefined();
  });

  it('changes only the fields a patch names; renaming onto a taken name is a conflict', async () => {
    const training = await db.storage.pauseReasons.create(db.tenants.a, { name: 'Training', productive: true });
    await db.storage.pauseReasons.create(db.tenants.a, { name: 'Lunch' });
    const disabled = await db.storage.pauseReasons.update(db.tenants.a, training.id, { enabled: false });
    expect(disabled).toMatchObject({ name: 'Training', productive: true, enabled: false });
    await expect(db.storage.pauseReasons.update(db.tenants.a, training.id, { name: 'Lunch' })).rejects.toBeInstanceOf(ConflictError);
    await expect(db.storage.pauseReasons.update(db.tenants.b, training.id, { enabled: true })).rejects.toBeInstanceOf(NotFoundError);
    await expect(db.storage.pauseReasons.delete(db.tenants.b, training.id)).rejects.toBeInstanceOf(NotFoundError);
    await db.storage.pauseReasons.delete(db.tenants.a, training.id);
    expect(await db.storage.pauseReasons.findByName(db.tenants.a, 'Training')).toBeUndefined();
  });
});
