import { z } from 'zod';
import { AGENT_NUMBER_PATTERN } from '../../acd/model.js';
import { CUSTOMER_GENDERS } from '../customers.js';

/** The standard values of one import row, as `readCustomerRow` builds them (cells already trimmed). */
export interface StandardValues {
  name: string;
  phones: readonly string[];
  email: string | null;
  gender: string | null;
  age: number | null;
  address: string | null;
  area: string | null;
  notes: string | null;
  tags: readonly string[];
  agentNumber: string | null;
}

const GENDERS: ReadonlySet<string> = new Set(CUSTOMER_GENDERS);
/** The pattern `z.email()` checks with: the same object, so the two cannot drift apart. */
const EMAIL = z.regexes.email;

/**
 * True when `customerInputSchema` would accept these values and give every one of them back
 * unchanged — the common case of an import row. A 100k-row import spends ~0.3 s in the
 * schema's object parse (mostly before V8 has optimised it), against ~10 ms for these
 * comparisons. False means "ask the schema": it decides, and words the reasons. A property
 * test holds the two together (`standard-values.property.test.ts`): whatever this accepts,
 * the schema accepts with the same output.
 */
export function acceptedAsIs(v: StandardValues): boolean {
  return (
    plainText(v.name, 200) &&
    v.phones.length <= 10 &&
    v.phones.every((p) => p.length >= 1 && plainText(p, 40)) &&
    (v.email === null || (v.email.length <= 254 && EMAIL.test(v.email))) &&
    (v.gender === null || GENDERS.has(v.gender)) &&
    (v.age === null || (Number.isInteger(v.age) && v.age >= 0 && v.age <= 150)) &&
    (v.address === null || plainText(v.address, 500)) &&
    (v.area === null || plainText(v.area, 200)) &&
    (v.notes === null || v.notes.length <= 10_000) &&
    v.tags.length <= 100 &&
    v.tags.every((t) => t.length >= 1 && t.length <= 64) &&
    (v.agentNumber === null || AGENT_NUMBER_PATTERN.test(v.agentNumber))
  );
}

/** A string that `z.string().trim().max(max)` leaves as it is: nothing to trim, not too long. */
function plainText(text: string, max: number): boolean {
  return text.length <= max && (text.length === 0 || (!isSpace(text.charCodeAt(0)) && !isSpace(text.charCodeAt(text.length - 1))));
}

/** Whether String.prototype.trim would remove this character (it and zod's trim are the same). */
function isSpace(code: number): boolean {
  if (code > 32 && code < 127) return false;
  return String.fromCharCode(code).trim() === '';
}
