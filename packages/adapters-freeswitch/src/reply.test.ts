import { MediaError } from '@switchboard/core';
import { describe, expect, it } from 'vitest';
import { parseFreeSwitchReply } from './reply.js';

describe('parseFreeSwitchReply', () => {
  it('reads +OK replies and bgapi job bodies', () => {
    expect(parseFreeSwitchReply('+OK 7f4de4a2-1c1b-4b5a-9a53-0c0ffee00001\n', 'originate {…}user/1001 &park()')).toEqual({
      ok: true,
      text: '7f4de4a2-1c1b-4b5a-9a53-0c0ffee00001',
    });
    expect(parseFreeSwitchReply('+OK\n', 'uuid_kill x')).toEqual({ ok: true, text: '' });
  });

  it('turns a failed originate job into a MediaError with the hang-up it stands for', () => {
    const reply = parseFreeSwitchReply('-ERR USER_NOT_REGISTERED\n', 'originate {origination_uuid=a}user/1001@d &park()');
    expect(reply.ok).toBe(false);
    if (reply.ok) return;
    expect(reply.error).toBeInstanceOf(MediaError);
    expect(reply.error.code).toBe('MEDIA');
    expect(reply.error.details).toMatchObject({ vendor: 'freeswitch', command: 'originate', cause: 'USER_NOT_REGISTERED' });
    expect(reply.hangup).toEqual({ cause: 'USER_NOT_REGISTERED', q850: 806, sipCode: undefined, side: 'remote' });

    const rejected = parseFreeSwitchReply('-ERR CALL_REJECTED\n', 'originate …');
    expect(rejected.ok || rejected.hangup).toMatchObject({ cause: 'CALL_REJECTED', side: 'remote' });
    const gateway = parseFreeSwitchReply('-ERR GATEWAY_DOWN\n', 'originate …');
    expect(gateway.ok || gateway.hangup).toMatchObject({ cause: 'NETWORK_OUT_OF_ORDER', q850: 809 });
  });

  it('takes a bare -ERROR (uuid_answer on a missing channel) as a failure', () => {
    const reply = parseFreeSwitchReply('-ERROR\n', 'uuid_answer x');
    expect(reply.ok).toBe(false);
    expect(reply.ok || reply.error.message).toBe('FreeSWITCH refused uuid_answer: ERROR');
  });

  it('reports other failures without a cause', () => {
    const gone = parseFreeSwitchReply('-ERR No such channel!\n', 'uuid_kill 1234');
    expect(gone.ok).toBe(false);
    if (!gone.ok) {
      expect(gone.hangup).toBeUndefined();
      expect(gone.error.message).toContain('uuid_kill');
    }
    expect(parseFreeSwitchReply('-USAGE: <uuid> [cause]\n', 'uuid_kill').ok).toBe(false);
  });

  it('passes other output through', () => {
    expect(parseFreeSwitchReply('{"row_count":0}\n', 'show channels as json')).toEqual({ ok: true, text: '{"row_count":0}' });
  });
});
