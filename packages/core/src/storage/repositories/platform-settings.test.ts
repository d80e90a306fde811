import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../errors/errors.js';
import { storageTargets, useStorage } from '../test-support.js';

describe.each(storageTargets())('PlatformSettingsRepository on $name', (target) => {
  const db = useStorage(target);

  it('returns undefined for a key never set', async () => {
    expect(await db.storage.settings.get('missing')).toBeUndefined();
  });

  it('stores JSON values and replaces them on a second set', async () => {
    await db.storage.settings.set('smtp', { host: 'mail.example', port: 587, tls: true });
    expect(await db.storage.settings.get<{ host: string; port: number; tls: boolean }>('smtp')).toEqual({ host: 'mail.example', port: 587, tls: true });
    await db.clock.advance(1_000);
    await db.storage.settings.set('smtp', { host: 'other.example' });
    expect(await db.storage.settings.get('smtp')).toEqual({ host: 'other.example' });
    const row = (await db.storage.knex('platform_settings').where('key', 'smtp').first()) as { updated_at: number };
    expect(row.updated_at).toBe(db.clock.now());
  });

  it.each([0, false, null, '', [], 'text', 3.5])('round-trips %j', async (value) => {
    await db.storage.settings.set('value', value);
    expect(await db.storage.settings.get('value')).toEqual(value);
  });

  it('deletes a key; deleting a missing key is harmless', async () => {
    await db.storage.settings.set('gone', 1);
    await db.storage.settings.delete('gone');
    await db.storage.settings.delete('gone');
    expect(await db.storage.settings.get('gone')).toBeUndefined();
  });

  it('refuses values JSON cannot hold and malformed keys', async () => {
    await expect(db.storage.settings.set('u', undefined)).rejects.toThrow(/has no JSON form/);
    await expect(db.storage.settings.set('b', 10n)).rejects.toBeInstanceOf(ValidationError);
    await expect(db.storage.settings.set('has space', 1)).rejects.toThrow(/Invalid setting key "has space"/);
    await expect(db.storage.settings.get('')).rejects.toBeInstanceOf(ValidationError);
  });
});
