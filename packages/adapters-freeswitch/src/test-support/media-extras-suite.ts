import { MediaError, type CollectDigitsResult } from '@switchboard/core';
import { EventLog, type ConformanceSession, type ConformanceTarget } from '@switchboard/core/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const TIMEOUT = 60_000;

/**
 * What the adapter does beyond the conformance suite (DTMF barge-in,
 * prompts, recordings, refused originates), on the fake and, with the
 * variable set, on a real FreeSWITCH: the recorded traces of these shape the
 * fake's RECORD_* and failure events.
 */
export function mediaExtrasSuite(target: ConformanceTarget): void {
  describe(`FreeSWITCH media extras: ${target.name}`, () => {
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

    async function answered(number: string): Promise<string> {
      const id = await s.adapter.originate({ to: { kind: 'external', number }, callerId: { number: '+15550002000' }, timeoutMs: 30_000 });
      await s.until(() => log.has('call.answered', id), wait(), `${number} to answer`);
      return id;
    }

    it(
      'extra: a key stops an interruptible playback, which ends as interrupted with the digit',
      async () => {
        const id = await answered('dtmf123');
        const playbackId = await s.adapter.play(id, { media: [{ kind: 'silence', durationMs: 20_000 }], interruptible: '1' });
        await s.until(() => log.has('playback.finished', id), wait(), 'the playback to end');
        expect(log.first('playback.finished', id)).toMatchObject({ playbackId, reason: 'interrupted', digit: '1' });
      },
      TIMEOUT,
    );

    it(
      'extra: collects digits over a prompt that the first key stops',
      async () => {
        const id = await answered('dtmf123');
        let result: CollectDigitsResult | undefined;
        void s.adapter.collectDigits(id, { minDigits: 3, maxDigits: 3, firstDigitTimeoutMs: 5_000, interDigitTimeoutMs: 3_000, prompt: [{ kind: 'silence', durationMs: 20_000 }] }).then((r) => (result = r));
        await s.until(() => result !== undefined, wait(), 'the digits');
        expect(result).toEqual({ status: 'ok', digits: '123', attempts: 1 });
        expect(log.first('playback.finished', id)).toMatchObject({ reason: 'interrupted', digit: '1' });
      },
      TIMEOUT,
    );

    it(
      'extra: a playback replaced by another ends as stopped, the next one completes',
      async () => {
        const id = await answered('answer');
        const first = await s.adapter.play(id, { media: [{ kind: 'silence', durationMs: 20_000 }] });
        const second = await s.adapter.play(id, { media: [{ kind: 'silence', durationMs: 20_000 }] });
        await s.until(() => log.of('playback.finished', id).length === 1, wait(), 'the first playback to end');
        await s.adapter.stopPlayback(id, second);
        await s.until(() => log.of('playback.finished', id).length === 2, wait(), 'the second playback to end');
        const third = await s.adapter.play(id, { media: [{ kind: 'silence', durationMs: 400 }] });
        await s.until(() => log.of('playback.finished', id).length === 3, wait(), 'the third playback to end');
        expect(log.of('playback.finished', id).map((e) => [e.playbackId, e.reason])).toEqual([
          [first, 'stopped'],
          [second, 'stopped'],
          [third, 'completed'],
        ]);
      },
      TIMEOUT,
    );

    it(
      'extra: a recording ends as stopped, at its maximum duration, or with the call',
      async () => {
        const id = await answered('answer');
        const recordings = () => log.of('recording.finished', id);
        const first = await s.adapter.startRecording(id, { name: `extra-${id}-1` });
        await s.pass(1_000);
        await s.adapter.stopRecording(id, first);
        await s.until(() => recordings().length === 1, wait(), 'the first recording');
        const second = await s.adapter.startRecording(id, { name: `extra-${id}-2`, maxDurationMs: 1_000 });
        await s.until(() => recordings().length === 2, wait(), 'the second recording');
        const third = await s.adapter.startRecording(id, { name: `extra-${id}-3` });
        await s.pass(500);
        await s.adapter.hangup(id);
        await s.until(() => recordings().length === 3, wait(), 'the third recording');
        expect(recordings().map((r) => [r.recordingId, r.reason])).toEqual([
          [first, 'stopped'],
          [second, 'max-duration'],
          [third, 'hangup'],
        ]);
        expect(recordings()[0]!.durationMs).toBeGreaterThanOrEqual(900);
      },
      TIMEOUT,
    );

    it(
      'extra: originates refused before any channel exists end with their cause',
      async () => {
        const rejected = await s.adapter.originate({ to: { kind: 'external', number: 'call_rejected', trunk: 'failing' } });
        const unregistered = await s.adapter.originate({ to: { kind: 'external', number: '1009', trunk: 'directory' } });
        await s.until(() => log.has('call.hangup', rejected) && log.has('call.hangup', unregistered), wait(), 'both hang-ups');
        expect(log.first('call.hangup', rejected)).toMatchObject({ cause: 'CALL_REJECTED', side: 'remote', answered: false });
        expect(log.first('call.hangup', unregistered)).toMatchObject({ cause: 'USER_NOT_REGISTERED', side: 'remote', answered: false });
        for (const id of [rejected, unregistered]) expect(log.events.filter((e) => e.callId === id).map((e) => e.type)).toEqual(['call.created', 'call.hangup']);
      },
      TIMEOUT,
    );

    it(
      'extra: an extension of the directory is reached through user/',
      async () => {
        const id = await s.adapter.originate({ to: { kind: 'external', number: '1001', trunk: 'directory' }, timeoutMs: 30_000 });
        await s.until(() => log.has('call.answered', id), wait(), 'the phone to answer');
        await s.adapter.hangup(id);
        expect((await s.until(() => log.has('call.hangup', id), wait(), 'the hang-up'), log.first('call.hangup', id))).toMatchObject({ side: 'local', answered: true });
        await expect(s.adapter.setMonitorMode(id, 'listen')).rejects.toBeInstanceOf(MediaError);
      },
      TIMEOUT,
    );
  });
}

