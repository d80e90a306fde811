import { MediaError } from '@switchboard/core';
import { hangupFromFreeSwitch, isFreeSwitchCauseName, type HangupInfo } from './hangup.js';

export type FreeSwitchReply =
  | { ok: true; text: string }
  | {
      ok: false;
      error: MediaError;
      /** Set when the error names a hang-up cause (`-ERR USER_BUSY` from an originate job). */
      hangup: HangupInfo | undefined;
    };

/**
 * The reply of an `api` command (the body of its `api/response`) or the body of
 * the BACKGROUND_JOB event of a `bgapi`: `+OK …` is success, `-ERR …` and
 * `-USAGE …` are failures. A failed originate answers `-ERR <CAUSE>`
 * (mod_commands writes `switch_channel_cause2str(cause)`), which becomes the
 * cause of the `call.hangup` the adapter emits for a leg that never existed.
 * Anything else (`show … as json`, `uuid_dump`) is returned as is.
 */
export function parseFreeSwitchReply(reply: string, command: string): FreeSwitchReply {
  const text = reply.replace(/\r?\n$/, '').trim();
  if (text.startsWith('+OK')) return { ok: true, text: text.slice(3).trim() };
  // uuid_answer on a missing channel answers a bare `-ERROR` (FreeSWITCH 1.10, as recorded).
  const failure = /^-(ERROR|ERR|USAGE)(?![A-Za-z]):?\s*(.*)$/s.exec(text);
  if (!failure) return { ok: true, text };
  const message = failure[2]!.trim();
  const verb = command.trim().split(/\s+/)[0] ?? command;
  const hangup = isFreeSwitchCauseName(message) ? hangupFromFreeSwitch({ 'Hangup-Cause': message, 'Call-Direction': 'outbound' }) : undefined;
  return {
    ok: false,
    error: new MediaError(`FreeSWITCH refused ${verb}: ${message || failure[1]}`, {
      details: { vendor: 'freeswitch', command: verb, reply: text, ...(hangup ? { cause: hangup.cause } : {}) },
    }),
    hangup,
  };
}
