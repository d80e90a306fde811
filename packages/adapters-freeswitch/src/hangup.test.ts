import { describe, expect, it } from 'vitest';
import { hangupFromFreeSwitch } from './hangup.js';

// Header sets as CHANNEL_HANGUP_COMPLETE carries them (only the ones that matter here).
const sip = { 'Channel-Name': 'sofia/internal/1001@pbx.example.com', variable_sip_call_id: 'abc@host' };

describe('hangupFromFreeSwitch', () => {
  it('callee hung up an answered outbound call (recv_bye)', () => {
    expect(
      hangupFromFreeSwitch({
        ...sip,
        'Hangup-Cause': 'NORMAL_CLEARING',
        'Call-Direction': 'outbound',
        variable_hangup_cause_q850: '16',
        variable_sip_term_status: '200',
        variable_sip_hangup_disposition: 'recv_bye',
        variable_answer_epoch: '1700000000',
      }),
    ).toEqual({ cause: 'NORMAL_CLEARING', q850: 16, sipCode: 200, side: 'remote' });
  });

  it('we hung up an answered inbound call (send_bye): 200, local', () => {
    expect(
      hangupFromFreeSwitch({
        ...sip,
        'Hangup-Cause': 'NORMAL_CLEARING',
        'Call-Direction': 'inbound',
        variable_sip_hangup_disposition: 'send_bye',
        'Caller-Channel-Answered-Time': '1700000000123456',
      }),
    ).toEqual({ cause: 'NORMAL_CLEARING', q850: 16, sipCode: 200, side: 'local' });
  });

  it('callee busy (recv_refuse with 486)', () => {
    expect(
      hangupFromFreeSwitch({
        ...sip,
        'Hangup-Cause': 'USER_BUSY',
        'Call-Direction': 'outbound',
        variable_hangup_cause_q850: '17',
        variable_sip_term_status: '486',
        variable_sip_invite_failure_status: '486',
        variable_sip_hangup_disposition: 'recv_refuse',
        variable_answer_epoch: '0',
      }),
    ).toEqual({ cause: 'USER_BUSY', q850: 17, sipCode: 486, side: 'remote' });
  });

  it('our ring timeout ran out (send_cancel, 487 recorded by mod_sofia)', () => {
    expect(
      hangupFromFreeSwitch({
        ...sip,
        'Hangup-Cause': 'NO_ANSWER',
        'Call-Direction': 'outbound',
        variable_hangup_cause_q850: '19',
        variable_sip_invite_failure_status: '487',
        variable_sip_hangup_disposition: 'send_cancel',
      }),
    ).toEqual({ cause: 'NO_ANSWER', q850: 19, sipCode: 487, side: 'local' });
  });

  it('the caller gave up before answer (recv_cancel): ORIGINATOR_CANCEL with core’s code, although FreeSWITCH reports q850 16', () => {
    expect(
      hangupFromFreeSwitch({
        ...sip,
        'Hangup-Cause': 'ORIGINATOR_CANCEL',
        'Call-Direction': 'inbound',
        variable_hangup_cause_q850: '16',
        variable_sip_invite_failure_status: '487',
        variable_sip_hangup_disposition: 'recv_cancel',
      }),
    ).toEqual({ cause: 'ORIGINATOR_CANCEL', q850: 487, sipCode: 487, side: 'remote' });
  });

  it('we refused an inbound call (send_refuse): the status mod_sofia sends for the cause', () => {
    expect(
      hangupFromFreeSwitch({ ...sip, 'Hangup-Cause': 'USER_BUSY', 'Call-Direction': 'inbound', variable_sip_hangup_disposition: 'send_refuse' }),
    ).toEqual({ cause: 'USER_BUSY', q850: 17, sipCode: 486, side: 'local' });
    expect(
      hangupFromFreeSwitch({ ...sip, 'Hangup-Cause': 'MANAGER_REQUEST', 'Call-Direction': 'inbound', variable_sip_hangup_disposition: 'send_refuse' }).sipCode,
    ).toBe(480);
  });

  it('a leg that never sent an INVITE: side from the cause', () => {
    expect(hangupFromFreeSwitch({ 'Hangup-Cause': 'USER_NOT_REGISTERED', 'Call-Direction': 'outbound' })).toEqual({
      cause: 'USER_NOT_REGISTERED',
      q850: 806,
      sipCode: undefined,
      side: 'remote',
    });
    expect(hangupFromFreeSwitch({ 'Hangup-Cause': 'NO_ANSWER', 'Call-Direction': 'outbound' }).side).toBe('local');
    expect(hangupFromFreeSwitch({ 'Hangup-Cause': 'NORMAL_TEMPORARY_FAILURE', variable_direction: 'outbound' }).side).toBe('unknown');
  });

  it('FreeSWITCH-only causes map to the nearest core cause and keep FreeSWITCH’s number', () => {
    expect(hangupFromFreeSwitch({ 'Hangup-Cause': 'GATEWAY_DOWN', variable_hangup_cause_q850: '16' })).toMatchObject({ cause: 'NETWORK_OUT_OF_ORDER', q850: 809 });
    expect(hangupFromFreeSwitch({ 'Hangup-Cause': 'DECLINE' })).toMatchObject({ cause: 'CALL_REJECTED', q850: 816 });
    // Q.850 25 is "exchange routing error", not core's PICKED_OFF.
    expect(hangupFromFreeSwitch({ 'Hangup-Cause': 'EXCHANGE_ROUTING_ERROR' })).toMatchObject({ cause: 'NORMAL_UNSPECIFIED', q850: 25 });
    expect(hangupFromFreeSwitch({ 'Hangup-Cause': 'SERVICE_UNAVAILABLE' })).toMatchObject({ cause: 'FACILITY_REJECTED', q850: 63 });
  });

  it('an unknown name falls back to variable_hangup_cause_q850', () => {
    expect(hangupFromFreeSwitch({ 'Hangup-Cause': 'SOMETHING_NEW', variable_hangup_cause_q850: '34' })).toMatchObject({
      cause: 'NORMAL_CIRCUIT_CONGESTION',
      q850: 34,
    });
    expect(hangupFromFreeSwitch({})).toMatchObject({ cause: 'NORMAL_UNSPECIFIED', q850: 31, side: 'unknown' });
  });

  it('reads variable_hangup_cause when Hangup-Cause is absent', () => {
    expect(hangupFromFreeSwitch({ variable_hangup_cause: 'CALL_REJECTED', 'Call-Direction': 'outbound' })).toMatchObject({ cause: 'CALL_REJECTED', side: 'remote' });
  });
});
