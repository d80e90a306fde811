/**
 * Phone numbers as float64 keys, so millions of them fit in typed arrays instead of one
 * JS string each. A key holds at most 15 digits, which a double represents exactly
 * (10^15 < 2^53), and E.164 numbers have at most 15 digits after the `+`.
 *
 * - `+<digits>` (E.164, first digit 1–9): the digits as an integer, ≥ 1.
 * - `<digits>` without `+` (extensions, short codes, numbers the plan did not read; a
 *   leading zero matters): `-(10^length + digits)`, ≤ -10, so `012` and `12` differ and
 *   neither meets an E.164 key.
 * - anything else (empty, longer than 15 digits, `+0…`, other characters): NaN — no key;
 *   sets keep those few as strings.
 *
 * 0 is never a key: tables use it for an empty slot.
 */
const POW10 = Array.from({ length: 16 }, (_, i) => 10 ** i);

export function numberKey(number: string): number {
  const length = number.length;
  const plus = length > 0 && number.charCodeAt(0) === 43;
  const start = plus ? 1 : 0;
  const digits = length - start;
  if (digits < 1 || digits > 15) return Number.NaN;
  let value = 0;
  for (let i = start; i < length; i++) {
    const digit = number.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return Number.NaN;
    value = value * 10 + digit;
  }
  if (plus) return number.charCodeAt(1) === 48 ? Number.NaN : value;
  return -(POW10[digits]! + value);
}

/** The number a key stands for (the inverse of `numberKey`). */
export function numberOfKey(key: number): string {
  if (key > 0) return `+${key}`;
  const magnitude = -key;
  let digits = 1;
  while (POW10[digits + 1]! <= magnitude) digits++;
  return String(magnitude - POW10[digits]!).padStart(digits, '0');
}

/** `+` and 1–15 digits, the first not 0: the form `normalizeNumber` gives every number its plan can read. */
export function isCanonicalNumber(number: string): boolean {
  return number.length > 1 && number.charCodeAt(0) === 43 && numberKey(number) > 0;
}
