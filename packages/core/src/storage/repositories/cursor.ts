import type { Knex } from 'knex';
import { z } from 'zod';
import { ValidationError } from '../../errors/errors.js';

/**
 * Keyset paging over logs ordered by (at, key). Offsets get slower with every page and skip
 * or repeat rows while new ones arrive; a cursor naming the last row seen does neither.
 * The cursor is opaque to callers (base64url of `[at, key]`).
 */
export interface LogPosition {
  at: number;
  key: string | number;
}

const positionSchemas = {
  string: z.tuple([z.number().int(), z.string().min(1)]),
  number: z.tuple([z.number().int(), z.number().int()]),
};

export function encodeCursor(position: LogPosition): string {
  return Buffer.from(JSON.stringify([position.at, position.key])).toString('base64url');
}

/** `keyKind` is the kind of the list's key: a cursor of another list is refused, not sent to the database. */
export function decodeCursor(cursor: string, keyKind: 'string' | 'number'): LogPosition {
  try {
    const [at, key] = positionSchemas[keyKind].parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
    return { at, key };
  } catch (error) {
    throw new ValidationError('Invalid cursor: pass back the nextCursor of a previous page', [{ path: 'cursor', message: 'not a cursor of this list' }], {
      cause: error,
    });
  }
}

/** Rows strictly after `position` in the order (at, key), ascending or descending. */
export function afterPosition(query: Knex.QueryBuilder, keyColumn: string, position: LogPosition, order: 'asc' | 'desc', timeColumn = 'at'): Knex.QueryBuilder {
  const op = order === 'asc' ? '>' : '<';
  return query.where((q) => {
    q.where(timeColumn, op, position.at).orWhere((same) => {
      same.where(timeColumn, position.at).where(keyColumn, op, position.key);
    });
  });
}

/** The usual page size options of a log query. */
export const pageLimitSchema = z.number().int().min(1).max(1000).default(100);

/** from (inclusive) and to (exclusive), epoch ms. */
export function withinTime(query: Knex.QueryBuilder, from: number | undefined, to: number | undefined, timeColumn = 'at'): Knex.QueryBuilder {
  if (from !== undefined) query.where(timeColumn, '>=', from);
  if (to !== undefined) query.where(timeColumn, '<', to);
  return query;
}
