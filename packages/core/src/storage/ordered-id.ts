import { randomFillSync } from 'node:crypto';

let lastMs = -1;
let sequence = 0;
/** Random bytes drawn 4 KiB at a time: one call to the generator per 409 ids. */
const pool = Buffer.alloc(4096);
let used = pool.length;

/**
 * A UUID version 7 (RFC 9562): the time in milliseconds, then a counter within the
 * millisecond, then random bits. Ids made one after another sort in that order, so rows a
 * bulk path inserts land at the end of their primary-key index instead of all over it —
 * far fewer pages touched per transaction than random (version 4) ids.
 */
export function orderedId(now: number = Date.now()): string {
  if (now > lastMs) {
    lastMs = now;
    sequence = 0;
  } else if (++sequence > 0xfff) {
    // 4,096 ids in one millisecond: borrow the next one.
    lastMs++;
    sequence = 0;
  }
  if (used + 10 > pool.length) {
    randomFillSync(pool);
    used = 0;
  }
  const random = pool.subarray(used, used + 10);
  used += 10;
  const ms = lastMs.toString(16).padStart(12, '0');
  const seq = (0x7000 | sequence).toString(16);
  const variant = ((random[0]! & 0x3f) | 0x80).toString(16).padStart(2, '0') + random.subarray(1, 2).toString('hex');
  return `${ms.slice(0, 8)}-${ms.slice(8)}-${seq}-${variant}-${random.subarray(2, 8).toString('hex')}`;
}
