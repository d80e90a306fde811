import { normalizeNumber } from './phone-number.js';

/** Characters of a number's start (after cleaning) that decide how the numbering plan reads it. */
const PREFIX = 6;
/** A shape whose rule was confirmed is still checked against the full parse one time in this many. */
const SPOT_CHECK = 16;
/** Characters that name a shape's family (same length, same first three characters): its shapes mostly share one rule. */
const FAMILY_PREFIX = 3;
/** Shapes of a family that confirmed one rule before a new shape of it is trusted after one full parse that agrees. */
const FAMILY_QUORUM = 4;

interface Rule {
  /** Characters dropped from the start of the cleaned number… */
  drop: number;
  /** …and what replaces them. */
  prepend: string;
  /** Numbers of this shape the rule predicted right (2 confirm it). */
  confirmed: number;
  uses: number;
  /** The rule failed once: every number of this shape is parsed in full. */
  unstable: boolean;
}

/** The rule the confirmed shapes of a family share, as the least it changes: drop `drop` characters, prepend `prepend`. */
interface Family {
  drop: number;
  prepend: string;
  /** Shapes that confirmed it. */
  agreeing: number;
  /** Two shapes of the family disagreed (or one turned unstable): its shapes are learnt one by one. */
  split: boolean;
}

/**
 * `normalizeNumber` for many numbers. libphonenumber takes 10–40 µs a number (a +1 number
 * is tried against every country of the plan), which alone would take an import of a million
 * rows past its budget, and took 7% of a simulated hour of 60,000 calls in routing (each
 * connected caller's number is normalised for the CRM); but how it reads a number
 * (international prefix, national prefix, country code) depends only on the number's first
 * digits and its length. Numbers are grouped by that shape (length and first six
 * characters); the full parse of the first numbers of a shape gives its rule ("drop the
 * leading 0, prepend +33"), which is trusted once two numbers confirmed it, still checked
 * against the full parse once in 16 uses, and abandoned for the shape the first time it is
 * wrong. Shapes come in families (same length and first three characters: `+1` and an area
 * code's first digit, a trunk prefix and a mobile range): once four shapes of a family
 * confirmed the same rule, a new shape of it is trusted after its first full parse agrees,
 * instead of three — the benchmark's million US numbers have ~8,000 shapes. A property test holds it to
 * `normalizeNumber` on numbers of many countries.
 */
export class NumberMemo {
  private readonly rules = new Map<string, Rule>();
  private readonly families = new Map<string, Family>();
  private readonly maxShapes: number;

  /** `maxShapes`: the most rules kept (a long-lived memo, like routing's, meets numbers of ever new shapes); past it, the memo starts afresh. */
  constructor(
    private readonly defaultCountry: string | undefined,
    options: { maxShapes?: number } = {},
  ) {
    this.maxShapes = options.maxShapes ?? 100_000;
  }

  /** How many shapes it has a rule for. */
  get shapes(): number {
    return this.rules.size;
  }

  normalize(raw: string): string {
    const cleaned = clean(raw);
    let digitCount = cleaned.length;
    if (cleaned.charCodeAt(0) === 43) digitCount--;
    // Short numbers are returned as they are by normalizeNumber too: no rule needed.
    if (digitCount < 6 || cleaned.indexOf('+', 1) !== -1) return normalizeNumber(raw, this.defaultCountry);
    const key = `${cleaned.length}:${cleaned.slice(0, PREFIX)}`;
    const rule = this.rules.get(key);
    if (rule === undefined) {
      const full = normalizeNumber(raw, this.defaultCountry);
      if (this.rules.size >= this.maxShapes) {
        this.rules.clear();
        this.families.clear();
      }
      const learnt = learn(cleaned, full);
      const family = this.families.get(familyKey(cleaned));
      if (family !== undefined && !family.split && family.agreeing >= FAMILY_QUORUM) {
        if (family.prepend + cleaned.slice(family.drop) === full) learnt.confirmed = 2;
        else family.split = true;
      }
      this.rules.set(key, learnt);
      return full;
    }
    if (rule.unstable) return normalizeNumber(raw, this.defaultCountry);
    const predicted = rule.prepend + cleaned.slice(rule.drop);
    if (rule.confirmed < 2 || ++rule.uses % SPOT_CHECK === 0) {
      const full = normalizeNumber(raw, this.defaultCountry);
      if (full === predicted) {
        if (++rule.confirmed === 2) this.vouch(cleaned, full);
      } else {
        rule.unstable = true;
        const family = this.families.get(familyKey(cleaned));
        if (family !== undefined) family.split = true;
      }
      return full;
    }
    return predicted;
  }

  /** A shape confirmed its rule: it counts for its family when the rule carries over to the family's other shapes. */
  private vouch(cleaned: string, full: string): void {
    const tail = commonTail(cleaned, full);
    const drop = cleaned.length - tail;
    const prepend = full.slice(0, full.length - tail);
    const key = familyKey(cleaned);
    const family = this.families.get(key);
    // A rule that drops characters past the family's prefix depends on the shape itself.
    if (drop > FAMILY_PREFIX) {
      if (family !== undefined) family.split = true;
      else this.families.set(key, { drop, prepend, agreeing: 0, split: true });
    } else if (family === undefined) this.families.set(key, { drop, prepend, agreeing: 1, split: false });
    else if (family.drop === drop && family.prepend === prepend) family.agreeing++;
    else family.split = true;
  }
}

const familyKey = (cleaned: string): string => `${cleaned.length}:${cleaned.slice(0, FAMILY_PREFIX)}`;

/** What normalizeNumber keeps of the text before parsing it: digits and `+`. */
function clean(raw: string): string {
  let plain = true;
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (!((c >= 48 && c <= 57) || (c === 43 && i === 0))) {
      plain = false;
      break;
    }
  }
  return plain ? raw : raw.trim().replace(/[^0-9+]/g, '');
}

/** How many characters `cleaned` and `full` share at their ends: what a rule keeps. */
function commonTail(cleaned: string, full: string): number {
  let tail = 0;
  while (tail < cleaned.length && tail < full.length && cleaned.charCodeAt(cleaned.length - 1 - tail) === full.charCodeAt(full.length - 1 - tail)) tail++;
  return tail;
}

/** The rule that turns `cleaned` into `full`: the longest common tail stays, the rest is replaced. */
function learn(cleaned: string, full: string): Rule {
  const tail = commonTail(cleaned, full);
  // The tail must not reach into the part that decides the shape, or the rule would not carry over.
  const drop = Math.max(cleaned.length - tail, Math.min(PREFIX, cleaned.length));
  return { drop, prepend: full.slice(0, full.length - (cleaned.length - drop)), confirmed: 0, uses: 0, unstable: false };
}
