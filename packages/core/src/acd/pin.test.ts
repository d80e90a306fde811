import { describe, expect, it } from 'vitest';
import { SwitchboardError } from '../errors/errors.js';
import { hashPin, verifyPin } from './pin.js';

describe('phone PIN hashing', () => {
  it('verifies the PIN it was made from and nothing else', async () => {
    const stored = await hashPin('4711');
    expect(stored).toMatch(/^scrypt\$16384\$8\$1\$[\w-]+\$[\w-]+$/);
    expect(stored).not.toContain('4711');
    expect(await verifyPin('4711', stored)).toBe(true);
    expect(await verifyPin('4712', stored)).toBe(false);
    expect(await verifyPin('', stored)).toBe(false);
  });

  it('salts every hash', async () => {
    expect(await hashPin('4711')).not.toBe(await hashPin('4711'));
  });

  it('reports a corrupt or tampered hash as a fault, not as a wrong PIN', async () => {
    const stored = await hashPin('4711');
    for (const bad of ['', 'plain-4711', stored.replace('scrypt$16384', 'scrypt$16383'), stored.replace('scrypt$16384', 'scrypt$1073741824'), `${stored}$extra`]) {
      await expect(verifyPin('4711', bad), bad).rejects.toBeInstanceOf(SwitchboardError);
    }
  });
});
