import { describe, expect, it } from 'vitest';
import { main } from './index.js';

describe('examples/crm-import', () => {
  it('lands the good rows, reports each bad one by line and reason, and merges the repeated number', async () => {
    const lines: string[] = [];
    const { result, errors, customers } = await main((line) => lines.push(line));
    expect(result).toMatchObject({ created: 2, updated: 1, failed: 3 });
    // Line 1 is the header: the bad amount is line 4, the impossible date line 5, the do-not-call number line 6.
    expect(errors.map((e) => e.line)).toEqual([4, 5, 6]);
    expect(errors[0]!.reason).toMatch(/budget/);
    expect(errors[1]!.reason).toMatch(/signup_date/);
    expect(errors[2]!.reason).toMatch(/must not be called/);
    // Four ways of writing a number, one E.164 form; the repeat of Ann's number updated her.
    const ann = customers.find((c) => c.name === 'Ann Lee')!;
    expect(ann).toMatchObject({ phones: ['+12125550101'], email: 'ann.lee@example.com', custom: { company: 'Acme Corp', budget: 1500, signup_date: '2026-03-01' } });
    expect(customers.map((c) => c.name).sort()).toEqual(['Ann Lee', 'Bob Ray']);
    expect(lines[0]).toBe('import done: 6 rows, 2 created, 1 updated, 3 refused');
  });
});
