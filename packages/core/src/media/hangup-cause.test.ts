import { describe, expect, it } from 'vitest';
import { HANGUP_CAUSES, hangupCauseFromQ850, hangupCauseFromSipStatus } from './hangup-cause.js';

describe('hang-up causes', () => {
  it('reads Q.850 codes exactly where core names them', () => {
    expect(hangupCauseFromQ850(16)).toBe('NORMAL_CLEARING');
    expect(hangupCauseFromQ850(17)).toBe('USER_BUSY');
    expect(hangupCauseFromQ850(21)).toBe('CALL_REJECTED');
    expect(hangupCauseFromQ850(26)).toBe('LOSE_RACE');
  });

  it('falls back to the class of an unnamed Q.850 code, never to a switch-only cause', () => {
    expect(hangupCauseFromQ850(25)).toBe('NORMAL_UNSPECIFIED');
    expect(hangupCauseFromQ850(47)).toBe('NORMAL_TEMPORARY_FAILURE');
    expect(hangupCauseFromQ850(63)).toBe('FACILITY_REJECTED');
    expect(hangupCauseFromQ850(111)).toBe('INTERWORKING');
    expect(hangupCauseFromQ850(0)).toBe('NORMAL_UNSPECIFIED');
  });

  it('numbers switch-only causes as FreeSWITCH does, above the Q.850 range', () => {
    expect(HANGUP_CAUSES.LOSE_RACE.q850).toBe(702);
    expect(HANGUP_CAUSES.PICKED_OFF.q850).toBe(805);
    expect(hangupCauseFromQ850(806)).toBe('USER_NOT_REGISTERED');
    expect(hangupCauseFromQ850(999)).toBe('NORMAL_UNSPECIFIED');
  });

  it('maps SIP final responses per RFC 3398', () => {
    expect(hangupCauseFromSipStatus(486)).toBe('USER_BUSY');
    expect(hangupCauseFromSipStatus(404)).toBe('UNALLOCATED_NUMBER');
    expect(hangupCauseFromSipStatus(603)).toBe('CALL_REJECTED');
    expect(hangupCauseFromSipStatus(487)).toBe('ORIGINATOR_CANCEL');
    expect(hangupCauseFromSipStatus(599)).toBe('INTERWORKING');
  });
});
