import { describe, expect, it } from 'vitest';
import { orderedId } from './ordered-id.js';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('orderedId', () => {
  // Far-future times: the generator never goes back in time, so an earlier one would be bumped to the latest seen.
  it('makes RFC 9562 version 7 UUIDs carrying the millisecond', () => {
    const at = Date.UTC(2030, 10, 22, 8, 0, 0);
    const id = orderedId(at);
    expect(id).toMatch(UUID_V7);
    expect(parseInt(id.slice(0, 8) + id.slice(9, 13), 16)).toBe(at);
  });

  it('sorts in the order made, within a millisecond and across 4,096 ids of one millisecond', () => {
    const at = Date.UTC(2031, 0, 1);
    const ids = Array.from({ length: 10_000 }, () => orderedId(at));
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
    for (const id of ids) expect(id).toMatch(UUID_V7);
    // A later millisecond still sorts after the borrowed ones.
    expect(orderedId(at + 5) > ids.at(-1)!).toBe(true);
  });
});
