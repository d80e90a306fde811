/**
 * The test dialplan of examples/freeswitch (context `switchboard-test`), as
 * steps the fake runs on the `-b` half of a loopback call: the scripted
 * parties of the conformance suite.
 */
export function partyScript(destination: string): Array<{ app: string; data: string }> {
  const stay = [
    { app: 'sleep', data: '300000' },
    { app: 'hangup', data: 'NORMAL_CLEARING' },
  ];
  const cause = /^cause-([A-Z_]+)$/.exec(destination);
  if (cause) return [{ app: 'hangup', data: cause[1]! }];
  switch (destination) {
    case 'answer':
      return [{ app: 'ring_ready', data: '' }, { app: 'sleep', data: '500' }, { app: 'answer', data: '' }, ...stay];
    case 'busy':
      return [{ app: 'hangup', data: 'USER_BUSY' }];
    case 'reject':
      return [{ app: 'hangup', data: 'CALL_REJECTED' }];
    case 'noanswer':
      return [
        { app: 'ring_ready', data: '' },
        { app: 'sleep', data: '300000' },
        { app: 'hangup', data: 'NO_ANSWER' },
      ];
    case 'unallocated':
      return [{ app: 'hangup', data: 'UNALLOCATED_NUMBER' }];
    case 'congestion':
      return [{ app: 'hangup', data: 'NORMAL_CIRCUIT_CONGESTION' }];
    case 'dtmf123':
      return [{ app: 'answer', data: '' }, { app: 'sleep', data: '1000' }, { app: 'send_dtmf', data: '123' }, ...stay];
    case 'hangup2s':
      return [
        { app: 'answer', data: '' },
        { app: 'sleep', data: '2000' },
        { app: 'hangup', data: 'NORMAL_CLEARING' },
      ];
    case 'echo':
      return [
        { app: 'answer', data: '' },
        { app: 'echo', data: '' },
      ];
    default:
      if (/^(100[1-5]|2001|agent[12]|supervisor)$/.test(destination)) return [{ app: 'answer', data: '' }, ...stay];
      // No extension matched: FreeSWITCH hangs up the call with NO_ROUTE_DESTINATION.
      return [{ app: 'hangup', data: 'NO_ROUTE_DESTINATION' }];
  }
}

/** How long a playback argument plays, in ms; undefined = until stopped (streams, looping tones). */
export function playbackDurationMs(arg: string): number | undefined {
  if (arg.startsWith('file_string://')) {
    let total = 0;
    for (const item of arg.slice(14).split('!')) {
      const ms = playbackDurationMs(item);
      if (ms === undefined) return undefined;
      total += ms;
    }
    return total;
  }
  const silence = /^silence_stream:\/\/(-?\d+)/.exec(arg);
  if (silence) return Number(silence[1]) < 0 ? undefined : Number(silence[1]);
  if (arg.startsWith('tone_stream://')) {
    if (/loops=-1/.test(arg)) return undefined;
    const loops = Number(/loops=(\d+)/.exec(arg)?.[1] ?? 1);
    let cycle = 0;
    for (const m of arg.matchAll(/%\((\d+),(\d+)/g)) cycle += Number(m[1]) + Number(m[2]);
    return cycle * loops;
  }
  if (arg.startsWith('local_stream://')) return undefined;
  // Spoken numbers and digits, files: a nominal second each.
  return 1000;
}
