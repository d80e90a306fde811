import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { SwitchboardError } from '../errors/errors.js';

/**
 * The phone check-in PIN, stored as `scrypt$N$r$p$salt$key` (base64url salt and key).
 *
 * A 4-12 digit PIN falls to any offline guessing; a slow, salted hash at least makes each
 * guess cost ~50 ms, and the salt keeps agents who chose the same PIN from sharing a hash. The
 * parameters travel with the hash, so they can be raised later without breaking old PINs.
 */
const COST = { N: 16_384, r: 8, p: 1 } as const;
const KEY_BYTES = 32;
const SALT_BYTES = 16;
/** Refuse stored parameters beyond these: a tampered row must not make a check eat the server's memory. */
const MAX_N = 1 << 20;
const MAX_R = 32;
const MAX_P = 16;

function derive(pin: string, salt: Buffer, options: ScryptOptions & { N: number; r: number; p: number }, bytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    // scrypt needs 128·N·r bytes; node's default ceiling (32 MiB) is too low for the larger N accepted above.
    scrypt(pin, salt, bytes, { ...options, maxmem: 256 * options.N * options.r }, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

export async function hashPin(pin: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(pin, salt, COST, KEY_BYTES);
  return ['scrypt', COST.N, COST.r, COST.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/** Whether `pin` is the one `stored` was made from; the comparison takes the same time whatever the answer. */
export async function verifyPin(pin: string, stored: string): Promise<boolean> {
  const parsed = parse(stored);
  const key = await derive(pin, parsed.salt, parsed.cost, parsed.key.length);
  return timingSafeEqual(key, parsed.key);
}

function parse(stored: string): { cost: { N: number; r: number; p: number }; salt: Buffer; key: Buffer } {
  const [scheme, n, r, p, salt, key, ...rest] = stored.split('$');
  const cost = { N: Number(n), r: Number(r), p: Number(p) };
  const valid =
    scheme === 'scrypt' &&
    rest.length === 0 &&
    Number.isInteger(cost.N) && cost.N > 1 && cost.N <= MAX_N && (cost.N & (cost.N - 1)) === 0 &&
    Number.isInteger(cost.r) && cost.r >= 1 && cost.r <= MAX_R &&
    Number.isInteger(cost.p) && cost.p >= 1 && cost.p <= MAX_P &&
    salt !== undefined && salt.length > 0 && key !== undefined && key.length > 0;
  if (!valid) {
    // A corrupt hash is a fault to see, not a wrong PIN: the agent would be locked out without anyone knowing why.
    throw new SwitchboardError('INTERNAL', 'The stored phone PIN hash is not in the scrypt$N$r$p$salt$key format');
  }
  return { cost, salt: Buffer.from(salt, 'base64url'), key: Buffer.from(key, 'base64url') };
}
