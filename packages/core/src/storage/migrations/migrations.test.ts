import { describe, expect, it } from 'vitest';
import { checkMigrationList, migrations, type Migration } from './index.js';

const named = (name: string): Migration => ({ name, up: async () => {}, down: async () => {} });

describe('the migration list', () => {
  it('is in order, with well-formed, unique names', () => {
    expect(() => checkMigrationList(migrations)).not.toThrow();
    expect(new Set(migrations.map((m) => m.name)).size).toBe(migrations.length);
    expect(migrations[0]?.name).toBe('0001_tenants');
  });

  it('refuses a list out of order, duplicated or badly named', () => {
    expect(() => checkMigrationList([named('0002_b'), named('0001_a')])).toThrow(/out of order/);
    expect(() => checkMigrationList([named('0001_a'), named('0001_a')])).toThrow(/out of order/);
    expect(() => checkMigrationList([named('1_tenants')])).toThrow(/must look like 0001_what_it_does/);
  });
});
