import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors/errors.js';
import { parseDatabaseUrl, validateStorageConfig, type StorageConfig } from './config.js';

describe('parseDatabaseUrl', () => {
  it.each<[string, StorageConfig]>([
    [':memory:', { client: 'sqlite', filename: ':memory:' }],
    ['sqlite::memory:', { client: 'sqlite', filename: ':memory:' }],
    ['sqlite:./data/x.db', { client: 'sqlite', filename: './data/x.db' }],
    ['sqlite:///var/lib/switchboard/x.db', { client: 'sqlite', filename: '/var/lib/switchboard/x.db' }],
    ['file:./x.db', { client: 'sqlite', filename: './x.db' }],
    ['file:///srv/x.db', { client: 'sqlite', filename: '/srv/x.db' }],
    ['./data/switchboard.db', { client: 'sqlite', filename: './data/switchboard.db' }],
    ['/abs/switchboard.db', { client: 'sqlite', filename: '/abs/switchboard.db' }],
    ['  ./padded.db  ', { client: 'sqlite', filename: './padded.db' }],
    ['postgres://sb:secret@db.example:5432/switchboard', { client: 'pg', connection: 'postgres://sb:secret@db.example:5432/switchboard' }],
    ['postgresql://sb@localhost/switchboard?sslmode=require', { client: 'pg', connection: 'postgresql://sb@localhost/switchboard?sslmode=require' }],
  ])('%s', (url, expected) => {
    expect(parseDatabaseUrl(url)).toEqual(expected);
  });

  it('takes the schema from ?schema= and leaves the other parameters to the driver', () => {
    expect(parseDatabaseUrl('postgres://sb:pw@localhost:5432/app?schema=tenant_data&sslmode=disable')).toEqual({
      client: 'pg',
      connection: 'postgres://sb:pw@localhost:5432/app?sslmode=disable',
      schema: 'tenant_data',
    });
  });

  it.each([
    ['', /empty/],
    ['   ', /empty/],
    ['mysql://root@localhost/db', /Unsupported database URL scheme "mysql:"/],
    ['sqlite:', /no file path/],
    ['sqlite:./x.db?mode=ro', /no query parameters/],
    ['file:', /no path/],
    ['postgres://sb@db.example:port/switchboard', /Not a valid PostgreSQL URL/],
    ['postgres://localhost/db?schema=drop table', /Invalid PostgreSQL schema name "drop table"/],
    ['postgres://localhost/db?schema=', /Invalid PostgreSQL schema name ""/],
    ['postgres://localhost/db?schema=a&schema=b', /more than one schema/],
  ])('rejects %j', (url, message) => {
    expect(() => parseDatabaseUrl(url)).toThrow(ValidationError);
    expect(() => parseDatabaseUrl(url)).toThrow(message);
  });

  it('never repeats a password in its error message', () => {
    const error = catchError(() => parseDatabaseUrl('postgres://sb:hunter2@localhost/db?schema=bad-name'));
    expect(error).toBeInstanceOf(ValidationError);
    expect(String((error as Error).message)).not.toContain('hunter2');

    const other = catchError(() => parseDatabaseUrl('mysql://root:hunter2@localhost/db'));
    expect((other as Error).message).not.toContain('hunter2');
    expect((other as Error).message).toContain('***');
  });
});

describe('validateStorageConfig', () => {
  it('accepts what parseDatabaseUrl produces', () => {
    const config = parseDatabaseUrl('postgres://localhost/db?schema=s1');
    expect(validateStorageConfig(config)).toBe(config);
  });

  it.each<[unknown, RegExp]>([
    [{ client: 'sqlite', filename: '' }, /filename is empty/],
    [{ client: 'mysql', connection: 'x' }, /Unknown storage client "mysql"/],
    [{ client: 'pg', connection: '' }, /connection string is empty/],
    [{ client: 'pg', connection: 'postgres://localhost/db', schema: '1abc' }, /Invalid PostgreSQL schema name/],
    [{ client: 'pg', connection: 'postgres://localhost/db', pool: { max: 0 } }, /Pool max must be an integer >= 1/],
    [{ client: 'pg', connection: 'postgres://localhost/db', pool: { min: 5, max: 2 } }, /Pool min \(5\) is larger than max \(2\)/],
  ])('rejects %j', (config, message) => {
    expect(() => validateStorageConfig(config as StorageConfig)).toThrow(message);
  });
});

function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}
