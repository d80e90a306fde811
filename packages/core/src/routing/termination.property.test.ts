import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Destination } from '../destination/destination.js';
import { ValidationError } from '../errors/errors.js';
import { routingHarness } from './test-support/routing-harness.js';

const DID = '+33140000000';

/** A random routing graph: objects by kind, each pointing at an index among all objects or a terminal destination. */
const graphArbitrary = fc.record({
  ivrs: fc.array(fc.record({ keys: fc.array(fc.tuple(fc.constantFrom('1', '2', '9', '*'), fc.nat(20)), { maxLength: 3 }), timeout: fc.nat(20), invalid: fc.nat(20), repeats: fc.nat(2) }), { maxLength: 3 }),
  broadcasts: fc.array(fc.record({ next: fc.nat(20), skip: fc.boolean() }), { maxLength: 3 }),
  conditions: fc.array(fc.record({ match: fc.nat(20), noMatch: fc.nat(20), openNow: fc.boolean() }), { maxLength: 2 }),
  ringGroups: fc.array(fc.record({ strategy: fc.constantFrom('all', 'polling', 'random', 'memory-polling', 'sequential-polling'), timeout: fc.nat(20) }), { maxLength: 2 }),
  entry: fc.nat(20),
  agentsAnswer: fc.boolean(),
  callers: fc.array(
    fc.record({
      atMs: fc.nat(120_000),
      patienceMs: fc.integer({ min: 1_000, max: 300_000 }),
      talkMs: fc.integer({ min: 1_000, max: 120_000 }),
      keys: fc.array(fc.tuple(fc.integer({ min: 200, max: 20_000 }), fc.constantFrom('1', '2', '9', '*', '#', '5')), { maxLength: 6 }),
    }),
    { minLength: 1, maxLength: 5 },
  ),
});

describe('routing termination (property)', () => {
  it('every call through any routing graph ends, with exactly one CDR', async () => {
    await fc.assert(
      fc.asyncProperty(graphArbitrary, async (graph) => {
        const h = await routingHarness({
          agents: ['1001', '1002'],
          groups: [{ name: 'Queue', number: '600', members: [{ agentNumber: '1001', kind: 'static' }, { agentNumber: '1002', kind: 'static' }], queue: { strategy: 'ring-all', maxWaitSec: 60 } }],
          phone: graph.agentsAnswer ? { answer: 3_000 } : { answer: 'manual' },
        });
        try {
          for (const agent of ['1001', '1002']) {
            await h.sb.acd.login(h.tenantId, agent);
            await h.sb.acd.checkIn(h.tenantId, agent);
          }
          const hangup: Destination = { kind: 'hangup' };
          const ids = {
            ivrs: await Promise.all(graph.ivrs.map((ivr, i) => h.add('ivr-menus', { name: `ivr ${i}`, repeats: ivr.repeats, inputTimeoutMs: 3_000, maxInputLength: 1 }))),
            broadcasts: await Promise.all(graph.broadcasts.map((b, i) => h.add('voice-broadcasts', { name: `b ${i}`, media: [{ kind: 'file', name: 'x' }], skipOnAnyKey: b.skip }))),
            conditions: await Promise.all(
              graph.conditions.map((c, i) =>
                h.add('time-conditions', { name: `c ${i}`, rules: [c.openNow ? { kind: 'date-range', from: '2000-01-01T00:00', to: '2099-01-01T00:00' } : { kind: 'date', date: '2001-01-01' }], matchDestination: hangup, noMatchDestination: hangup }),
              ),
            ),
            ringGroups: await Promise.all(graph.ringGroups.map((g, i) => h.add('ring-groups', { name: `rg ${i}`, members: ['1001', '1002', '+33699999999'], strategy: g.strategy, ringTimeoutSec: 5 }))),
          };
          const targets: Destination[] = [
            hangup,
            { kind: 'agent-group', groupNumber: '600' },
            { kind: 'agent', agentNumber: '1001' },
            { kind: 'external', number: '+33688888888' },
            ...ids.ivrs.map((ivrId): Destination => ({ kind: 'ivr', ivrId })),
            ...ids.broadcasts.map((broadcastId): Destination => ({ kind: 'voice-broadcast', broadcastId })),
            ...ids.conditions.map((conditionId): Destination => ({ kind: 'condition', conditionId })),
            ...ids.ringGroups.map((ringGroupId): Destination => ({ kind: 'ring-group', ringGroupId })),
          ];
          const pick = (n: number) => targets[n % targets.length]!;
          // A change that would close a loop without input is refused by the store; the graph simply keeps the old edge.
          const tryUpdate = async (kind: Parameters<typeof h.store.update>[0], id: string, patch: Record<string, unknown>) => {
            await h.store.update(kind, h.tenantId, id, patch).catch((error: unknown) => {
              if (!(error instanceof ValidationError)) throw error;
            });
          };
          for (const [i, ivr] of graph.ivrs.entries()) {
            const keys = [...new Map(ivr.keys.map(([input, to]) => [input, pick(to)]))].map(([input, destination]) => ({ input, destination }));
            await tryUpdate('ivr-menus', ids.ivrs[i]!, { keys, timeoutDestination: pick(ivr.timeout), invalidDestination: pick(ivr.invalid) });
          }
          for (const [i, b] of graph.broadcasts.entries()) await tryUpdate('voice-broadcasts', ids.broadcasts[i]!, { destination: pick(b.next) });
          for (const [i, c] of graph.conditions.entries()) await tryUpdate('time-conditions', ids.conditions[i]!, { matchDestination: pick(c.match), noMatchDestination: pick(c.noMatch) });
          for (const [i, g] of graph.ringGroups.entries()) await tryUpdate('ring-groups', ids.ringGroups[i]!, { timeoutDestination: pick(g.timeout) });
          await h.add('dids', { numbers: [DID], name: 'Line', destination: pick(graph.entry) });

          const callIds: string[] = [];
          let elapsed = 0;
          for (const caller of [...graph.callers].sort((a, b) => a.atMs - b.atMs)) {
            await h.advance(caller.atMs - elapsed);
            elapsed = caller.atMs;
            let at = 0;
            const dtmf = caller.keys.map(([gap, digits]) => ({ afterMs: (at += gap), digits }));
            callIds.push(h.dial(DID, { script: { patienceMs: caller.patienceMs, talkMs: caller.talkMs, dtmf } }));
          }
          await h.advance(4 * 3_600_000);
          await h.sb.routing.flush();

          for (const callId of callIds) {
            expect(h.sb.simulator!.call(callId)!.endedAt, `call ${callId} still up`).toBeDefined();
            expect(h.cdrs.filter((c) => c.callId === callId), `CDRs of ${callId}`).toHaveLength(1);
          }
          expect(h.sb.simulator!.calls().every((c) => c.endedAt !== undefined)).toBe(true);
          expect(h.sb.routing.activeCalls()).toBe(0);
          const stored = await h.sb.storage.cdrs.query(h.tenantId, { limit: 1000 });
          expect(stored.items).toHaveLength(callIds.length);
          expect(h.logger.records.filter((r) => r.level === 'error')).toEqual([]);
        } finally {
          await h.close();
        }
      }),
      { numRuns: 40, seed: 20261122 },
    );
  }, 120_000);
});
