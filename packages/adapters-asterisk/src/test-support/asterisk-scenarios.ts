import { randomUUID } from 'node:crypto';
import { MediaError } from '@switchboard/core';
import { EventLog, type PartyName } from '@switchboard/core/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AsteriskSession, AsteriskTarget } from './asterisk-target.js';

const TIMEOUT_MS = 60_000;
const callerId = { number: '+15550001000', name: 'Scenario' };

async function rejection(work: Promise<unknown>): Promise<MediaError> {
  const error = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(MediaError);
  return error as MediaError;
}

/**
 * What the conformance suite does not reach and only Asterisk has: playback
 * plans (timed tones, loops, failures, keys), digit collection over a
 * prompt, callers hanging up, recording through a snoop, Local channels
 * whose far half enters Stasis too, and ARI's refusals. Run on the fake
 * always and on a real Asterisk with SWITCHBOARD_TEST_ASTERISK (recorded like
 * the conformance scenarios). Imports vitest: tests only.
 */
export function asteriskScenarios(target: AsteriskTarget): void {
  describe(`Asterisk scenarios: ${target.name}`, () => {
    let s: AsteriskSession;
    let log: EventLog;
    beforeEach(async () => {
      s = await target.start();
      log = new EventLog(s.adapter);
    });
    afterEach(async () => {
      await s?.stop();
    });

    async function answered(name: PartyName): Promise<string> {
      const id = await s.adapter.originate({ to: s.party(name), callerId, timeoutMs: 30_000 });
      await s.until(() => log.has('call.answered', id), s.traits.patienceMs, `${name} to answer`);
      return id;
    }
    const finished = (id: string, playbackId: string) => log.of('playback.finished', id).find((e) => e.playbackId === playbackId);

    it(
      'plays a plan with a timed tone, fails a missing file, loops until stopped and stops on a key',
      async () => {
        const id = await answered('answer');
        const started = Date.now();
        const plan = await s.adapter.play(id, { media: [{ kind: 'tone', tone: 'ring', durationMs: 300 }, { kind: 'silence', durationMs: 1_000 }] });
        await s.until(() => finished(id, plan) !== undefined, 5_000, 'the plan to finish');
        expect(finished(id, plan)).toMatchObject({ reason: 'completed' });
        expect(Date.now() - started).toBeGreaterThanOrEqual(1_250);

        const missing = await s.adapter.play(id, { media: [{ kind: 'file', name: 'sb-no-such-file' }] });
        await s.until(() => finished(id, missing) !== undefined, 5_000, 'the missing file to fail');
        expect(finished(id, missing)).toMatchObject({ reason: 'failed' });

        const loop = await s.adapter.play(id, { media: [{ kind: 'silence', durationMs: 1_000 }], loop: true });
        await s.pass(1_500);
        expect(finished(id, loop)).toBeUndefined();
        await s.adapter.stopPlayback(id, loop);
        expect(finished(id, loop)).toMatchObject({ reason: 'stopped' });

        const keys = await answered('dtmf123');
        const long = await s.adapter.play(keys, { media: [{ kind: 'silence', durationMs: 10_000 }], interruptible: '1' });
        await s.until(() => finished(keys, long) !== undefined, 5_000, 'the key to stop the playback');
        expect(finished(keys, long)).toMatchObject({ reason: 'interrupted', digit: '1' });
      },
      TIMEOUT_MS,
    );

    it(
      'collects digits while a prompt plays: the first key stops the prompt and counts',
      async () => {
        const id = await answered('dtmf123');
        const result = await s.adapter.collectDigits(id, {
          minDigits: 3,
          maxDigits: 3,
          firstDigitTimeoutMs: 5_000,
          interDigitTimeoutMs: 3_000,
          prompt: [{ kind: 'silence', durationMs: 10_000 }],
        });
        expect(result).toMatchObject({ status: 'ok', digits: '123', attempts: 1 });
        expect(log.of('playback.finished', id)).toEqual([expect.objectContaining({ reason: 'interrupted', digit: '1' })]);
      },
      TIMEOUT_MS,
    );

    it(
      'an inbound caller who hangs up ends the call from the remote side',
      async () => {
        await s.placeInbound('+18005550111', '+15551230002');
        await s.until(() => log.of('call.incoming').some((e) => e.dialed === '+18005550111'), s.traits.patienceMs, 'call.incoming');
        const incoming = log.of('call.incoming').find((e) => e.dialed === '+18005550111')!;
        expect(incoming).toMatchObject({ from: { kind: 'external', number: '+15551230002' }, callerId: { number: '+15551230002', name: 'Caller' } });
        expect(log.first('call.created', incoming.callId)).toMatchObject({ direction: 'inbound', to: { kind: 'external', number: '+18005550111' } });
        await s.adapter.answer(incoming.callId);
        await s.until(() => log.has('call.answered', incoming.callId), s.traits.patienceMs, 'the answer');
        // The caller is the Local channel the harness originated; the inbound call is its other half.
        await s.hangUpCallers();
        await s.until(() => log.has('call.hangup', incoming.callId), s.traits.patienceMs, 'the hang-up');
        expect(log.first('call.hangup', incoming.callId)).toMatchObject({ cause: 'NORMAL_CLEARING', side: 'remote', answered: true });
      },
      TIMEOUT_MS,
    );

    it(
      'records a leg through a snoop channel and plays the recording back',
      async () => {
        const id = await answered('answer');
        const name = `sb-scenario-${randomUUID()}`;
        await expect(s.adapter.startRecording(id, { name: `${name}-mp3`, format: 'mp3' })).rejects.toBeInstanceOf(MediaError);
        const recordingId = await s.adapter.startRecording(id, { name, maxDurationMs: 30_000 });
        await s.pass(1_200);
        await s.adapter.stopRecording(id, recordingId);
        await s.until(() => log.has('recording.finished', id), 5_000, 'the recording to finish');
        const done = log.first('recording.finished', id)!;
        expect(done).toMatchObject({ recordingId, name, reason: 'stopped' });
        expect(done.durationMs).toBeGreaterThanOrEqual(1_000);
        const playback = await s.adapter.play(id, { media: [{ kind: 'recording', name }] });
        await s.until(() => finished(id, playback) !== undefined, 5_000, 'the recording to play');
        expect(finished(id, playback)).toMatchObject({ reason: 'completed' });
        await s.adapter.hangup(id);
        await s.adapter.client.recordings.deleteStored(name);
      },
      TIMEOUT_MS,
    );

    it(
      'an origination whose far Local half enters Stasis too: two StasisStart events, one call',
      async () => {
        const id = await s.adapter.originate({ to: { kind: 'external', number: '5550199', trunk: 'inbound' }, callerId, timeoutMs: 20_000 });
        await s.pass(500);
        expect(log.has('call.incoming')).toBe(false);
        expect(log.of('call.created').map((e) => e.callId)).toEqual([id]);
        // The far half waits in Stasis, unanswered; answering it answers our leg, which enters Stasis in turn.
        await s.adapter.client.channels.answer(`${id};2`);
        await s.until(() => log.has('call.answered', id), s.traits.patienceMs, 'our leg to answer');
        expect(log.of('call.created').map((e) => e.callId)).toEqual([id]);
        expect(log.has('call.incoming')).toBe(false);
        expect((await s.adapter.listCalls()).map((c) => c.callId)).toEqual([id]);
        await s.adapter.hangup(id);
        await s.until(() => log.has('call.hangup', id), s.traits.patienceMs, 'the hang-up');
        expect(log.first('call.hangup', id)).toMatchObject({ side: 'local', answered: true });
      },
      TIMEOUT_MS,
    );

    it(
      'cancels a ringing leg: NORMAL_CLEARING from our side, never answered',
      async () => {
        const id = await s.adapter.originate({ to: s.party('noanswer'), callerId, timeoutMs: 30_000 });
        await s.until(() => log.has('call.ringing', id), s.traits.patienceMs, 'ringing');
        await expect(s.adapter.play(id, { media: [{ kind: 'silence', durationMs: 1_000 }] })).rejects.toBeInstanceOf(MediaError);
        await s.adapter.hangup(id);
        await s.until(() => log.has('call.hangup', id), s.traits.patienceMs, 'the hang-up');
        expect(log.first('call.hangup', id)).toMatchObject({ cause: 'NORMAL_CLEARING', side: 'local', answered: false });
      },
      TIMEOUT_MS,
    );

    it(
      "turns Asterisk's refusals into MediaErrors that carry the ARI status",
      async () => {
        const id = await answered('answer');
        const ari = s.adapter.client;
        expect((await rejection(ari.channels.answer('sb-no-such-channel'))).details).toMatchObject({ status: 404, failure: 'not-found', message: 'Channel not found' });
        // The far half of our Local leg runs dialplan, not Stasis.
        expect((await rejection(ari.channels.play(`${id};2`, randomUUID(), ['sound:beep']))).details).toMatchObject({ status: 409, failure: 'conflict' });
        expect((await rejection(ari.channels.originate({ endpoint: 'Local/answer@switchboard-test', app: 'switchboard', channelId: id }))).details).toMatchObject({
          status: 409,
          message: 'Channel with given unique ID already exists',
        });
        expect((await rejection(ari.channels.originate({ endpoint: '', app: 'switchboard' }))).details).toMatchObject({ status: 400, failure: 'bad-request' });
        const bridgeId = randomUUID();
        await ari.bridges.create(bridgeId);
        try {
          expect((await rejection(ari.bridges.addChannel(bridgeId, [`${id};2`]))).details).toMatchObject({ status: 422, message: 'Channel not in Stasis application' });
          expect((await rejection(ari.bridges.addChannel(bridgeId, ['sb-no-such-channel']))).details).toMatchObject({ status: 400, message: 'Channel not found' });
          expect((await rejection(ari.bridges.removeChannel(bridgeId, [id]))).details).toMatchObject({ status: 422, message: 'Channel not in this bridge' });
        } finally {
          await ari.bridges.destroy(bridgeId);
        }
        expect((await rejection(ari.playbacks.stop(randomUUID()))).details).toMatchObject({ status: 404 });
        // A channel Asterisk cannot create at all: the origination still resolves, and fails as events.
        const failed = await s.adapter.originate({ to: { kind: 'external', number: '5550100', trunk: 'pjsip' }, callerId });
        await s.until(() => log.has('call.hangup', failed), s.traits.patienceMs, 'the failed origination');
        expect(log.of('call.created', failed)).toHaveLength(1);
        expect(log.first('call.hangup', failed)).toMatchObject({ cause: 'REQUESTED_CHAN_UNAVAIL', answered: false });
      },
      TIMEOUT_MS,
    );
  });
}
