import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MediaError, ValidationError } from '../../errors/errors.js';
import type { HangupCause } from '../../media/hangup-cause.js';
import type { OriginateRequest } from '../../media/media-adapter.js';
import { acdScenarios } from './acd-scenarios.js';
import { routingScenarios } from './routing-scenarios.js';
import { EventLog, type ConformanceSession, type ConformanceTarget, type PartyName } from './target.js';

/** Generous per-test budget: real servers take real seconds. */
const TEST_TIMEOUT_MS = 90_000;

/**
 * The media scenarios every MediaAdapter must pass, the same on the simulated
 * PBX, on the protocol fakes and on real FreeSWITCH and Asterisk servers. The
 * engines (ACD, routing, dialer) are proven on each server through it.
 */
export function mediaConformanceSuite(target: ConformanceTarget): void {
  describe(`MediaAdapter conformance: ${target.name}`, () => {
    let s: ConformanceSession;
    let log: EventLog;
    beforeEach(async () => {
      s = await target.start();
      log = new EventLog(s.adapter);
    });
    afterEach(async () => {
      await s?.stop();
    });

    const wait = () => s.traits.patienceMs;
    const callerId = { number: '+15550001000', name: 'Conformance' };

    async function dial(name: PartyName, extra: Partial<OriginateRequest> = {}): Promise<string> {
      return s.adapter.originate({ to: s.party(name), callerId, timeoutMs: 30_000, ...extra });
    }
    async function answered(name: PartyName, extra: Partial<OriginateRequest> = {}): Promise<string> {
      const id = await dial(name, extra);
      await s.until(() => log.has('call.answered', id), wait(), `${name} to answer`);
      return id;
    }
    async function hangupOf(id: string) {
      await s.until(() => log.has('call.hangup', id), wait(), `the hang-up of ${id}`);
      return log.first('call.hangup', id)!;
    }
    /** Bridges two legs and waits for both legs' new `call.bridged` (earlier bridges do not count). */
    async function bridged(a: string, b: string): Promise<void> {
      const since = log.events.length;
      const fresh = (id: string, other: string) => log.events.slice(since).some((e) => e.type === 'call.bridged' && e.callId === id && e.otherCallId === other);
      await s.adapter.bridge(a, b);
      await s.until(() => fresh(a, b) && fresh(b, a), wait(), 'both legs bridged');
    }

    it(
      'originates with the chosen call id; the far end answers; our hang-up is local',
      async () => {
        const callId = randomUUID();
        const id = await s.adapter.originate({ callId, to: s.party('answer'), callerId, timeoutMs: 30_000, variables: { sb_case: 'originate' } });
        expect(id).toBe(callId);
        await s.until(() => log.has('call.answered', id), wait(), 'the answer');
        const created = log.first('call.created', id)!;
        expect(created).toMatchObject({ direction: 'outbound' });
        expect(created.variables['sb_case']).toBe('originate');
        expect(log.events.findIndex((e) => e.callId === id)).toBe(log.events.indexOf(created));
        await s.adapter.hangup(id, 'NORMAL_CLEARING');
        const hangup = await hangupOf(id);
        expect(hangup).toMatchObject({ cause: 'NORMAL_CLEARING', q850: 16, side: 'local', answered: true });
        if (s.traits.sipCodes) expect(hangup.sipCode).toBe(200);
      },
      TEST_TIMEOUT_MS,
    );

    const refusals: Array<[PartyName, HangupCause, number]> = [
      ['busy', 'USER_BUSY', 486],
      ['reject', 'CALL_REJECTED', 603],
      ['unallocated', 'UNALLOCATED_NUMBER', 404],
    ];
    it.each(refusals)(
      'a party that refuses (%s) ends the leg with %s from the remote side',
      async (name, cause, sipCode) => {
        const id = await dial(name);
        const hangup = await hangupOf(id);
        expect(hangup).toMatchObject({ cause, side: 'remote', answered: false });
        if (s.traits.sipCodes) expect(hangup.sipCode).toBe(sipCode);
        expect(log.has('call.created', id)).toBe(true);
        expect(log.has('call.answered', id)).toBe(false);
      },
      TEST_TIMEOUT_MS,
    );

    it(
      'a party that never answers rings until the ring timeout: NO_ANSWER, local',
      async () => {
        const id = await dial('noanswer', { timeoutMs: 3_000 });
        await s.until(() => log.has('call.ringing', id) || log.has('call.early_media', id), wait(), 'ringing');
        const hangup = await hangupOf(id);
        expect(hangup).toMatchObject({ cause: 'NO_ANSWER', side: 'local', answered: false });
        expect(hangup.at - log.first('call.created', id)!.at).toBeGreaterThanOrEqual(2_900);
      },
      TEST_TIMEOUT_MS,
    );

    it(
      'a party that hangs up ends the leg with NORMAL_CLEARING from the remote side',
      async () => {
        const id = await answered('hangup2s');
        const hangup = await hangupOf(id);
        expect(hangup).toMatchObject({ cause: 'NORMAL_CLEARING', side: 'remote', answered: true });
        if (s.traits.sipCodes) expect(hangup.sipCode).toBe(200);
      },
      TEST_TIMEOUT_MS,
    );

    it(
      'hands an inbound call to core, answers it and plays to it until the end',
      async () => {
        await s.placeInbound('+18005550100', '+15551230001');
        await s.until(() => log.of('call.incoming').some((e) => e.dialed === '+18005550100'), wait(), 'call.incoming');
        const incoming = log.of('call.incoming').find((e) => e.dialed === '+18005550100')!;
        expect(incoming.callerId.number).toBe('+15551230001');
        await s.adapter.answer(incoming.callId);
        await s.until(() => log.has('call.answered', incoming.callId), wait(), 'the answer');
        const playbackId = await s.adapter.play(incoming.callId, { media: [{ kind: 'silence', durationMs: 1_000 }] });
        await s.until(() => log.of('playback.finished', incoming.callId).some((e) => e.playbackId === playbackId), wait(), 'the playback to finish');
        expect(log.of('playback.finished', incoming.callId).find((e) => e.playbackId === playbackId)).toMatchObject({ reason: 'completed' });
        await s.adapter.hangup(incoming.callId);
        expect(await hangupOf(incoming.callId)).toMatchObject({ side: 'local', answered: true });
      },
      TEST_TIMEOUT_MS,
    );

    it(
      'receives DTMF and collects the digits a party presses',
      async () => {
        const id = await answered('dtmf123');
        const result = s.adapter.collectDigits(id, { minDigits: 3, maxDigits: 3, firstDigitTimeoutMs: wait(), interDigitTimeoutMs: 3_000 });
        let settled: Awaited<typeof result> | undefined;
        void result.then((r) => (settled = r));
        await s.until(() => settled !== undefined, wait() + 6_000, 'the digits');
        expect(settled).toMatchObject({ status: 'ok', digits: '123' });
        expect(log.of('call.dtmf', id).map((e) => e.digit)).toEqual(['1', '2', '3']);
      },
      TEST_TIMEOUT_MS,
    );

    it(
      'sends DTMF to a party, and refuses what is not DTMF',
      async () => {
        const id = await answered('answer');
        await expect(s.adapter.sendDtmf(id, '42#')).resolves.toBeUndefined();
        await expect(s.adapter.sendDtmf(id, '4x')).rejects.toBeInstanceOf(ValidationError);
      },
      TEST_TIMEOUT_MS,
    );

    it(
      'bridges two legs, unbridges them, and keeps the survivor up when one leaves',
      async () => {
        const a = await answered('answer');
        const b = await answered('agent1');
        await bridged(a, b);
        await s.adapter.unbridge(a);
        await s.until(() => log.has('call.unbridged', a) && log.has('call.unbridged', b), wait(), 'both legs unbridged');
        await bridged(a, b);
        await s.adapter.hangup(a);
        await hangupOf(a);
        await s.until(() => log.of('call.unbridged', b).length >= 2, wait(), 'the survivor to leave the bridge');
        await s.pass(500);
        expect(log.has('call.hangup', b)).toBe(false);
        expect((await s.adapter.listCalls()).map((c) => c.callId)).toContain(b);
      },
      TEST_TIMEOUT_MS,
    );

    it(
      'holds and unholds a leg',
      async () => {
        const a = await answered('answer');
        const b = await answered('agent1');
        await bridged(a, b);
        await s.adapter.hold(a);
        await s.until(() => log.has('call.held', a), wait(), 'call.held');
        await s.adapter.unhold(a);
        await s.until(() => log.has('call.unheld', a), wait(), 'call.unheld');
      },
      TEST_TIMEOUT_MS,
    );

    it(
      'blind transfer: the transferor is released and the party joins the new destination',
      async () => {
        const customer = await answered('answer');
        const agent = await answered('agent1');
        await bridged(customer, agent);
        await s.adapter.blindTransfer(customer, s.party('agent2'));
        expect(await hangupOf(agent)).toMatchObject({ side: 'local' });
        await s.until(() => log.of('call.created').some((e) => e.variables['sb_transfer_of'] === customer), wait(), 'the transfer leg');
        const target = log.of('call.created').find((e) => e.variables['sb_transfer_of'] === customer)!.callId;
        await s.until(() => log.of('call.bridged', customer).some((e) => e.otherCallId === target), wait(), 'the party joined to the target');
      },
      TEST_TIMEOUT_MS,
    );

    it(
      'attended transfer: the held party joins the consultation leg and the agent is released',
      async () => {
        const customer = await answered('answer');
        const agent = await answered('agent1');
        await bridged(customer, agent);
        await s.adapter.hold(customer);
        const consult = await answered('agent2');
        await bridged(agent, consult);
        await s.adapter.attendedTransfer({ callId: customer, targetCallId: consult, transferorCallId: agent });
        await s.until(() => log.of('call.bridged', customer).some((e) => e.otherCallId === consult), wait(), 'customer joined to the consultation leg');
        expect(await hangupOf(agent)).toMatchObject({ side: 'local' });
        await s.until(() => log.has('call.unheld', customer), wait(), 'the customer taken off hold');
      },
      TEST_TIMEOUT_MS,
    );

    it(
      'monitors a leg in listen, whisper and barge, and releases the supervisor with the call',
      async () => {
        const customer = await answered('answer');
        const agent = await answered('agent1');
        await bridged(customer, agent);
        const supervisor = await s.adapter.monitor({ targetCallId: agent, mode: 'listen', supervisor: s.party('supervisor'), callerId });
        await s.until(() => log.has('call.answered', supervisor), wait(), 'the supervisor to answer');
        await s.adapter.setMonitorMode(supervisor, 'whisper');
        await s.adapter.setMonitorMode(supervisor, 'barge');
        await expect(s.adapter.setMonitorMode(customer, 'listen')).rejects.toBeInstanceOf(MediaError);
        await s.adapter.hangup(agent);
        expect(await hangupOf(supervisor)).toMatchObject({ side: 'local' });
      },
      TEST_TIMEOUT_MS,
    );

    it(
      'refuses commands about a leg that has ended with a MediaError',
      async () => {
        const id = await answered('answer');
        await s.adapter.hangup(id);
        await hangupOf(id);
        await expect(s.adapter.hold(id)).rejects.toBeInstanceOf(MediaError);
        await expect(s.adapter.play(id, { media: [{ kind: 'silence', durationMs: 1_000 }] })).rejects.toBeInstanceOf(MediaError);
      },
      TEST_TIMEOUT_MS,
    );

    it(
      'survives a dropped connection: a call that ended meanwhile gets its hang-up once, a live call goes on',
      async () => {
        const live = await answered('answer');
        const leaving = await answered('hangup2s');
        let reconnected = false;
        s.adapter.events.once('reconnected', () => (reconnected = true));
        await s.dropConnection(3_000);
        await s.until(() => reconnected, 3_000 + wait(), 'the adapter to reconnect');
        await s.until(() => log.has('call.hangup', leaving), wait(), 'the reconciled hang-up');
        expect(log.has('call.hangup', live)).toBe(false);
        const calls = (await s.adapter.listCalls()).map((c) => c.callId);
        expect(calls).toContain(live);
        expect(calls).not.toContain(leaving);
        await s.adapter.hold(live);
        await s.until(() => log.has('call.held', live), wait(), 'the live call to answer commands');
        await s.pass(500);
        expect(log.of('call.hangup', leaving)).toHaveLength(1);
      },
      TEST_TIMEOUT_MS,
    );

    acdScenarios(() => ({ s, log }), TEST_TIMEOUT_MS);
    routingScenarios(() => ({ s, log }), TEST_TIMEOUT_MS);
  });
}
