import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { customerInputSchema } from '../customers.js';
import { acceptedAsIs, type StandardValues } from './standard-values.js';

/** Text near every edge the schema has: empty, blanks at either end (ASCII and not), lengths around the limits. */
const text = (max: number) =>
  fc.oneof(
    fc.string({ maxLength: 12 }),
    fc.constantFrom('', ' ', '\t', '\u00a0x', 'x\u3000', '\ufeffx', 'x\n', 'Ana', 'Zoë'),
    fc.integer({ min: max - 2, max: max + 2 }).map((n) => 'a'.repeat(Math.max(0, n))),
    fc.tuple(fc.constantFrom(' ', '\u2028', ''), fc.string({ maxLength: 6 }), fc.constantFrom(' ', '\u00a0', '')).map(([a, b, c]) => `${a}${b}${c}`),
  );
const email = fc.oneof(
  fc.emailAddress(),
  fc.constantFrom('a@b.co', 'a@b.c', 'a..b@c.com', '.a@b.com', 'a@b.com ', ' a@b.com', 'ä@b.com', 'a@-b.com', `${'a'.repeat(250)}@b.com`, 'no-at-sign'),
  fc.string({ maxLength: 20 }),
);
/** Mostly plain values (so the fast path is taken), now and then one from the edges. */
const mostly = <T>(plain: fc.Arbitrary<T>, edge: fc.Arbitrary<T>) => fc.oneof({ weight: 6, arbitrary: plain }, { weight: 1, arbitrary: edge });
const word = fc.stringMatching(/^[A-Za-z][A-Za-z .'-]{0,20}[a-z]$/);
const values: fc.Arbitrary<StandardValues> = fc.record({
  name: mostly(word, text(200)),
  phones: mostly(fc.array(fc.constantFrom('+12125550100', '+33140000000', '+4420794'), { maxLength: 3 }), fc.array(fc.oneof(fc.constantFrom('', ' +1'), text(40)), { maxLength: 12 })),
  email: fc.option(mostly(fc.emailAddress(), email), { nil: null }),
  gender: fc.option(mostly(fc.constantFrom('male', 'female', 'other'), fc.constantFrom('Male', 'm', '')), { nil: null }),
  age: fc.option(mostly(fc.integer({ min: 0, max: 150 }), fc.oneof(fc.integer({ min: -2, max: 152 }), fc.double({ min: -1, max: 200, noNaN: false }))), { nil: null }),
  address: fc.option(mostly(word, text(500)), { nil: null }),
  area: fc.option(mostly(word, text(200)), { nil: null }),
  notes: fc.option(mostly(fc.string({ maxLength: 30 }), fc.integer({ min: 9_998, max: 10_002 }).map((n) => ' '.repeat(n))), { nil: null }),
  tags: mostly(fc.array(fc.constantFrom('vip', 't-1'), { maxLength: 3 }), fc.array(fc.oneof(fc.constantFrom('', 'vip'), text(64)), { maxLength: 102 })),
  agentNumber: fc.option(mostly(fc.constantFrom('1001', '42', '1234567890123456'), fc.constantFrom('1', '12345678901234567', 'ab12')), { nil: null }),
});

describe('acceptedAsIs (the import\'s fast path past customerInputSchema)', () => {
  it('accepts only what the schema accepts, and the schema then gives every value back unchanged', () => {
    let accepted = 0;
    fc.assert(
      fc.property(values, (v) => {
        if (!acceptedAsIs(v)) return;
        accepted++;
        const parsed = customerInputSchema.safeParse(v);
        expect(parsed.success).toBe(true);
        const data = parsed.data as Record<string, unknown>;
        for (const key of Object.keys(v) as Array<keyof StandardValues>) expect(data[key]).toEqual(v[key]);
      }),
      { numRuns: 3_000 },
    );
    // The property says something only if the fast path is taken often.
    expect(accepted).toBeGreaterThan(100);
  });

  it('leaves to the schema each kind of value it would change or refuse', () => {
    const ok: StandardValues = { name: 'Ana', phones: ['+12125550100'], email: 'ana@example.com', gender: 'female', age: 40, address: null, area: 'Paris', notes: null, tags: ['t1'], agentNumber: '1001' };
    expect(acceptedAsIs(ok)).toBe(true);
    const changed: Array<Partial<StandardValues>> = [
      { name: ' Ana' },
      { name: 'Ana\u00a0' },
      { name: 'a'.repeat(201) },
      { phones: [''] },
      { phones: Array.from({ length: 11 }, (_, i) => `+1212555010${i}`) },
      { email: 'not an address' },
      { email: `${'a'.repeat(250)}@b.com` },
      { gender: 'm' },
      { age: 151 },
      { age: 1.5 },
      { area: 'Paris ' },
      { tags: [''] },
      { agentNumber: '1' },
    ];
    for (const change of changed) {
      const v = { ...ok, ...change };
      expect(acceptedAsIs(v)).toBe(false);
      // And the schema does refuse or change it: nothing the fast path declines is a free pass.
      const parsed = customerInputSchema.safeParse(v);
      const same = parsed.success && (Object.keys(v) as Array<keyof StandardValues>).every((k) => JSON.stringify((parsed.data as Record<string, unknown>)[k]) === JSON.stringify(v[k]));
      expect(same).toBe(false);
    }
  });
});
