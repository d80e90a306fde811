import { ValidationError } from '../../errors/errors.js';
import { withStorageErrors } from '../db-errors.js';
import type { RepositoryContext } from '../repository.js';

const KEY = /^[A-Za-z0-9_.:-]{1,128}$/;

/** Platform-wide key/value settings (JSON values), above every tenant. */
export class PlatformSettingsRepository {
  constructor(private readonly ctx: RepositoryContext) {}

  /**
   * The stored value, or undefined when the key was never set. `T` is not checked: parse
   * the value with a schema when it comes from an older version or an operator's hand.
   */
  async get<T = unknown>(key: string): Promise<T | undefined> {
    checkKey(key);
    const row = (await withStorageErrors(() => this.ctx.db('platform_settings').where('key', key).first('value'))) as
      | { value: string }
      | undefined;
    return row === undefined ? undefined : (JSON.parse(row.value) as T);
  }

  /** Inserts or replaces. The value must survive JSON.stringify (no undefined, bigint, cycles). */
  async set(key: string, value: unknown): Promise<void> {
    checkKey(key);
    const encoded = encode(key, value);
    const now = this.ctx.clock.now();
    await withStorageErrors(() =>
      this.ctx.db('platform_settings').insert({ key, value: encoded, updated_at: now }).onConflict('key').merge(['value', 'updated_at']),
    );
  }

  /** Removes the key; removing a missing key is harmless. */
  async delete(key: string): Promise<void> {
    checkKey(key);
    await withStorageErrors(() => this.ctx.db('platform_settings').where('key', key).delete());
  }
}

function checkKey(key: string): void {
  if (typeof key !== 'string' || !KEY.test(key)) {
    throw new ValidationError(`Invalid setting key "${String(key)}": use 1-128 letters, digits, ".", "_", ":" or "-"`, [
      { path: 'key', message: 'letters, digits, ".", "_", ":" or "-"' },
    ]);
  }
}

function encode(key: string, value: unknown): string {
  let encoded: string | undefined;
  try {
    encoded = JSON.stringify(value);
  } catch (cause) {
    throw new ValidationError(`Setting "${key}" cannot be stored as JSON`, [{ path: 'value', message: String(cause) }], { cause });
  }
  if (encoded === undefined) {
    throw new ValidationError(`Setting "${key}" has no JSON form (undefined or a function); use delete() to remove a setting`, [
      { path: 'value', message: 'not JSON' },
    ]);
  }
  return encoded;
}
