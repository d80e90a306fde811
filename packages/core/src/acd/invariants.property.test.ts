import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ringStrategies, type NewAgentGroup } from './model.js';
import type { QueueLogEventName } from './records.js';
import { acdHarness } from './test-support/acd-harness.js';

const phone = fc.oneof(
  fc.record({ answer: fc.integer({ min: 500, max: 30_000 }) }),
  fc.constant({ answer: 'manual' as const }),
  fc.constant({ reject: true }),
  fc.constant({ registered: false }),
);

const scenario = fc.record({
  seed: fc.integer({ min: 1, max: 1_000_000 }),
  agents: fc.array(phone, { minLength: 1, maxLength: 6 }),
  groups: fc.array(
    fc.record({
      strategy: fc.constantFrom(...ringStrategies),
      memberMask: fc.integer({ min: 1, max: 63 }),
      wrapUpSec: fc.integer({ min: 0, max: 30 }),
      maxWaitSec: fc.constantFrom(0, 20, 90),
      maxQueueLength: fc.constantFrom(0, 2, 5),
      joinEmpty: fc.boolean(),
      leaveWhenEmpty: fc.boolean(),
      autoPause: fc.boolean(),
      // Retry 0 with a rejecting phone re-rings every ring delay: legal, but slow to simulate.
      retrySec: fc.integer({ min: 1, max: 5 }),
    }),
    { minLength: 1, maxLength: 3 },
  ),
  calls: fc.array(
    fc.record({ group: fc.nat(), atMs: fc.integer({ min: 0, max: 600_000 }), patienceMs: fc.integer({ min: 1_000, max: 120_000 }), talkMs: fc.integer({ min: 1_000, max: 120_000 }), priority: fc.integer({ min: 0, max: 2 }) }),
    { minLength: 1, maxLength: 25 },
  ),
  churn: fc.array(fc.record({ agent: fc.nat(), atMs: fc.integer({ min: 0, max: 600_000 }), action: fc.constantFrom('pause', 'unpause', 'logout', 'login', 'check-out', 'check-in') }), { maxLength: 8 }),
});

const OUTCOME_EVENTS: Partial<Record<QueueLogEventName, string>> = {
  CONNECT: 'answered',
  ABANDON: 'abandoned',
  EXITWITHTIMEOUT: 'timed-out',
  EXITEMPTY: 'exited-empty',
  JOINEMPTY: 'exited-empty',
  EXITWITHKEY: 'exited-with-key',
  FULL: 'overflowed',
  JOINUNAVAIL: 'overflowed',
};

describe('ACD invariants (property-based, VirtualClock + SimulatedPbx)', () => {
  it('no agent is offered two calls; every caller ends exactly once; the snapshot agrees with the queue log', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async (s) => {
        const numbers = s.agents.map((_, i) => String(101 + i));
        const groups: NewAgentGroup[] = s.groups.map((g, i) => ({
          name: `G${i}`,
          number: String(500 + i),
          members: numbers.filter((_, a) => (g.memberMask >> a) & 1).map((agentNumber, position) => ({ agentNumber, kind: position % 2 === 0 ? 'static' : 'dynamic', priority: 1 + (position % 2) })),
          wrapUpSec: g.wrapUpSec,
          queue: { strategy: g.strategy, maxWaitSec: g.maxWaitSec, maxQueueLength: g.maxQueueLength, joinEmpty: g.joinEmpty, leaveWhenEmpty: g.leaveWhenEmpty, autoPause: g.autoPause, retrySec: g.retrySec, agentRingTimeoutSec: 10 },
        }));
        const h = await acdHarness({ seed: s.seed, agents: numbers.map((number, i) => ({ number, phone: s.agents[i]! })), groups });
        try {
          const acd = h.sb.acd;
          // At most one live leg per agent phone, at every moment.
          const live = new Map<string, number>();
          const extensionOf = new Map<string, string>();
          let doubleOffer = false;
          h.sb.events.on('media', (event) => {
            if (event.type === 'call.created' && event.to.kind === 'extension') {
              const ext = event.to.extension;
              extensionOf.set(event.callId, ext);
              live.set(ext, (live.get(ext) ?? 0) + 1);
              if (live.get(ext)! > 1) doubleOffer = true;
            } else if (event.type === 'call.hangup' && extensionOf.has(event.callId)) {
              const ext = extensionOf.get(event.callId)!;
              live.set(ext, live.get(ext)! - 1);
              extensionOf.delete(event.callId);
            }
          });
          for (const number of numbers) {
            await acd.login(h.tenantId, number);
            await acd.checkIn(h.tenantId, number);
          }
          const offered: string[] = [];
          const steps = [
            ...s.calls.map((c) => ({ atMs: c.atMs, run: async () => offered.push(await h.call(String(500 + (c.group % groups.length)), { script: { patienceMs: c.patienceMs, talkMs: c.talkMs }, priority: c.priority })) })),
            ...s.churn.map((c) => ({
              atMs: c.atMs,
              run: async () => {
                const agent = numbers[c.agent % numbers.length]!;
                const commands = { pause: () => acd.pause(h.tenantId, agent, 'Break'), unpause: () => acd.unpause(h.tenantId, agent), logout: () => acd.logout(h.tenantId, agent), login: () => acd.login(h.tenantId, agent), 'check-out': () => acd.checkOut(h.tenantId, agent), 'check-in': () => acd.checkIn(h.tenantId, agent) };
                // Commands an agent's state forbids (logging out on a call) are refused, as for a user.
                await commands[c.action]().catch(() => undefined);
              },
            })),
          ].sort((a, b) => a.atMs - b.atMs);
          let now = 0;
          for (const step of steps) {
            await h.advance(step.atMs - now);
            now = step.atMs;
            await step.run();
          }
          await h.advance(30 * 60_000);

          expect(doubleOffer).toBe(false);
          // Every caller offered to a queue ended exactly once, with the outcome its queue_log line says.
          const endedIds = h.ended.map((e) => e.callId);
          expect(new Set(endedIds).size).toBe(endedIds.length);
          expect([...endedIds].sort()).toEqual([...offered].sort());
          const fromLog = new Map<string, string>();
          for (const entry of h.queueLog) {
            const outcome = OUTCOME_EVENTS[entry.event];
            if (outcome) {
              expect(fromLog.has(entry.callId)).toBe(false);
              fromLog.set(entry.callId, outcome);
            }
          }
          for (const e of h.ended) expect(fromLog.get(e.callId)).toBe(e.outcome);
          // The snapshot's counters equal the queue log's.
          const snapshot = await acd.snapshot(h.tenantId);
          for (const group of snapshot.groups) {
            const count = (...events: QueueLogEventName[]) => h.queueLog.filter((e) => e.queue === group.groupNumber && events.includes(e.event)).length;
            expect(group.today.entered).toBe(count('ENTERQUEUE'));
            expect(group.today.answered).toBe(count('CONNECT'));
            expect(group.today.abandoned).toBe(count('ABANDON'));
            expect(group.today.timedOut).toBe(count('EXITWITHTIMEOUT'));
            expect(group.today.exitedEmpty).toBe(count('EXITEMPTY', 'JOINEMPTY'));
            expect(group.today.overflowed).toBe(count('FULL', 'JOINUNAVAIL'));
            expect(group.waiting).toBe(0);
            expect(group.ringing).toBe(0);
          }
          // Every record reached storage, and nothing went wrong on the way.
          await acd.flush();
          let stored = 0;
          for await (const _entry of h.sb.storage.queueLog.stream(h.tenantId)) stored++;
          expect(stored).toBe(h.queueLog.length);
          expect(h.logger.records.filter((r) => r.level === 'error' || r.level === 'fatal')).toEqual([]);
        } finally {
          await h.close();
        }
      }),
      { numRuns: 40, seed: 20261121 },
    );
  }, 120_000);
});
