import { describe, expect, it } from 'vitest';
import { ariHangupReasonCode, hangupFromAri } from './hangup.js';

describe('hangupFromAri', () => {
  it('the far end hung up an answered call: a non-soft ChannelHangupRequest (queued by chan_pjsip)', () => {
    expect(
      hangupFromAri({ cause: 16, cause_txt: 'Normal Clearing' }, { direction: 'inbound', hangupRequest: { cause: 16 }, answered: true }),
    ).toEqual({ cause: 'NORMAL_CLEARING', q850: 16, sipCode: 200, side: 'remote' });
  });

  it('we hung up with DELETE /channels/{id}: ast_softhangup publishes soft: true', () => {
    expect(
      hangupFromAri({ cause: 16, cause_txt: 'Normal Clearing' }, { direction: 'outbound', hangupRequest: { cause: 16, soft: true }, requestedCause: 'NORMAL_CLEARING', answered: true }),
    ).toEqual({ cause: 'NORMAL_CLEARING', q850: 16, sipCode: 200, side: 'local' });
  });

  it('reports the core cause we asked for when it has no Q.850 number of its own', () => {
    expect(
      hangupFromAri({ cause: 26, cause_txt: 'Answered elsewhere' }, { direction: 'outbound', hangupRequest: { soft: true }, requestedCause: 'LOSE_RACE' }),
    ).toEqual({ cause: 'LOSE_RACE', q850: 702, sipCode: 487, side: 'local' });
  });

  it('the far end got there first: its request wins over our later DELETE', () => {
    expect(
      hangupFromAri({ cause: 16 }, { direction: 'inbound', hangupRequest: { cause: 16 }, requestedCause: 'NORMAL_CLEARING', answered: true }).side,
    ).toBe('remote');
  });

  it('callee busy: Dial BUSY, cause 17, and the SIP status in tech_cause when Asterisk sends it', () => {
    expect(hangupFromAri({ cause: 17, cause_txt: 'User busy', tech_cause: 486 }, { direction: 'outbound', dialstatus: 'BUSY' })).toEqual({
      cause: 'USER_BUSY',
      q850: 17,
      sipCode: 486,
      side: 'remote',
    });
    // Older Asterisk: no tech_cause, so the status is not known.
    expect(hangupFromAri({ cause: 17 }, { direction: 'outbound', dialstatus: 'BUSY' }).sipCode).toBeUndefined();
  });

  it('Busy() / Congestion() behind a Local channel: ast_dial destroys the channel with cause 0, the Dial status tells', () => {
    expect(hangupFromAri({ cause: 0, cause_txt: 'Unknown' }, { direction: 'outbound', dialstatus: 'BUSY' })).toMatchObject({ cause: 'USER_BUSY', q850: 17, side: 'remote' });
    expect(hangupFromAri({ cause: 0, cause_txt: 'Unknown' }, { direction: 'outbound', dialstatus: 'CONGESTION' })).toMatchObject({ cause: 'NORMAL_CIRCUIT_CONGESTION', q850: 34, side: 'remote' });
  });

  it('the originate timeout ran out: ast_dial sets NO_ANSWER and hangs up without a request', () => {
    expect(hangupFromAri({ cause: 19, cause_txt: 'No answer' }, { direction: 'outbound' })).toEqual({
      cause: 'NO_ANSWER',
      q850: 19,
      sipCode: 487,
      side: 'local',
    });
  });

  it('the caller gave up while an inbound call rang (CANCEL queues a hangup)', () => {
    expect(hangupFromAri({ cause: 16, tech_cause: 487 }, { direction: 'inbound', hangupRequest: { cause: 16, tech_cause: 487 } })).toMatchObject({
      side: 'remote',
      sipCode: 487,
    });
  });

  it('we refused an inbound call: the response chan_pjsip sends for the cause (603 when it has none)', () => {
    expect(hangupFromAri({ cause: 17 }, { direction: 'inbound', hangupRequest: { soft: true }, requestedCause: 'USER_BUSY' }).sipCode).toBe(486);
    expect(hangupFromAri({ cause: 21 }, { direction: 'inbound', hangupRequest: { soft: true }, requestedCause: 'CALL_REJECTED' }).sipCode).toBe(403);
    expect(hangupFromAri({ cause: 16 }, { direction: 'inbound', hangupRequest: { soft: true }, requestedCause: 'NORMAL_CLEARING' }).sipCode).toBe(603);
  });

  it('uses CHANNEL(hangupsource) when that is all there is', () => {
    const ctx = { direction: 'inbound' as const, channelName: 'PJSIP/1001-00000002', answered: true };
    expect(hangupFromAri({ cause: 16 }, { ...ctx, hangupSource: 'PJSIP/1001-00000002' }).side).toBe('remote');
    expect(hangupFromAri({ cause: 16 }, { ...ctx, hangupSource: 'dialplan/builtin' }).side).toBe('local');
    expect(hangupFromAri({ cause: 16 }, ctx).side).toBe('unknown');
  });

  it('maps Asterisk numbers core has no name for: answered elsewhere, undefined, unknown classes', () => {
    expect(hangupFromAri({ cause: 26 }, { direction: 'outbound', hangupRequest: {} })).toMatchObject({ cause: 'LOSE_RACE', q850: 26 });
    expect(hangupFromAri({ cause: 0, cause_txt: 'Unknown' }, { direction: 'outbound' })).toMatchObject({ cause: 'NORMAL_UNSPECIFIED', q850: 31 });
    // 25 is not core's PICKED_OFF on the wire.
    expect(hangupFromAri({ cause: 25 }, { direction: 'outbound' })).toMatchObject({ cause: 'NORMAL_UNSPECIFIED', q850: 25 });
    expect(hangupFromAri({ cause: 44 }, { direction: 'outbound' })).toMatchObject({ cause: 'REQUESTED_CHAN_UNAVAIL', q850: 44 });
    expect(hangupFromAri({ cause: 47 }, { direction: 'outbound' })).toMatchObject({ cause: 'NORMAL_TEMPORARY_FAILURE', q850: 47 });
    expect(hangupFromAri({ cause: 21 }, { direction: 'outbound' })).toMatchObject({ cause: 'CALL_REJECTED', side: 'remote' });
  });
});

describe('ariHangupReasonCode', () => {
  it('sends each core cause as a Q.850 reason_code', () => {
    expect(ariHangupReasonCode('NORMAL_CLEARING')).toBe(16);
    expect(ariHangupReasonCode('USER_BUSY')).toBe(17);
    expect(ariHangupReasonCode('LOSE_RACE')).toBe(26);
    expect(ariHangupReasonCode('MANAGER_REQUEST')).toBe(16);
    expect(ariHangupReasonCode('USER_NOT_REGISTERED')).toBe(20);
  });

  it('reports an inbound caller who gives up before answer as a cancel, like the other servers', () => {
    expect(hangupFromAri({ cause: 16 }, { direction: 'inbound', answered: false, hangupRequest: { cause: 16 } })).toMatchObject({ cause: 'ORIGINATOR_CANCEL', side: 'remote' });
    expect(hangupFromAri({ cause: 16 }, { direction: 'inbound', answered: true, hangupRequest: { cause: 16 } })).toMatchObject({ cause: 'NORMAL_CLEARING', side: 'remote' });
  });
});
