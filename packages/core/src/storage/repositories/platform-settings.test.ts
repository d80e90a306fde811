import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../clock/virtual-clock.js';
import { ValidationError } from '../../errors/errors.js';
import type { Storage } from '../storage.js';
import { storageTargets } from '../test-support.js';

describe.each(storageTargets())('PlatformSettingsRepository on $name', (target) => {
  let storage: Storage;
  let clock: VirtualClock;
  beforeEach(async () => {
    clock = new VirtualClock();
    storage = await target.create({ clock });
  });
  afterEach(async () => {
    await storage.close();
  });

  it('returns undefined for a key never set', async () => {
    expect(await storage.settings.get('missing')).toBeUndefined();
  });

  it('stores JSON values and replaces them on a second set', async () => {
    await storage.settings.set('smtp', { host: 'mail.example', port: 587, tls: true });
    expect(await storage.settings.get<{ host: string; port: number; tls: boolean }>('smtp')).toEqual({ host: 'mail.example', port: 587, tls: true });
    await clock.advance(1_000);
    await storage.settings.set('smtp', { host: 'other.example' });
    expect(await storage.settings.get('smtp')).toEqual({ host: 'other.example' });
    const row = (await storage.knex('platform_settings').where('key', 'smtp').first()) as { updated_at: number };
    expect(row.updated_at).toBe(clock.now());
  });

  it.each([0, false, null, '', [], 'text', 3.5])('round-trips %j', async (value) => {
    await storage.settings.set('value', value);
    expect(await storage.settings.get('value')).toEqual(value);
  });

  it('deletes a key; deleting a missing key is harmless', async () => {
    await storage.settings.set('gone', 1);
    await storage.settings.delete('gone');
    await storage.settings.delete('gone');
    expect(await storage.settings.get('gone')).toBeUndefined();
  });

  it('refuses values JSON cannot hold and malformed keys', async () => {
    await expect(storage.settings.set('u', undefined)).rejects.toThrow(/has no JSON form/);
    await expect(storage.settings.set('b', 10n)).rejects.toBeInstanceOf(ValidationError);
    await expect(storage.settings.set('has space', 1)).rejects.toThrow(/Invalid setting key "has space"/);
    await expect(storage.settings.get('')).rejects.toBeInstanceOf(ValidationError);
  });
});
