/**
 * The dialplan the fake Asterisk runs: the contexts of the test server's
 * extensions.conf (examples/asterisk/extensions.conf), step by step, with the
 * application data Asterisk reports in ChannelDialplan events.
 */
export type DialplanStep =
  | { app: 'NoOp'; data: string }
  | { app: 'Ringing' }
  | { app: 'Progress' }
  | { app: 'Answer' }
  | { app: 'Wait'; seconds: number }
  | { app: 'Busy' }
  | { app: 'Congestion' }
  | { app: 'Hangup'; cause: number | undefined }
  | { app: 'SendDTMF'; digits: string }
  | { app: 'Stasis'; args: string[] }
  | { app: 'Echo' };

/** `dialplan.app_data` of a step, as Asterisk shows it. */
export function appData(step: DialplanStep): string {
  switch (step.app) {
    case 'NoOp':
      return step.data;
    case 'Wait':
      return String(step.seconds);
    case 'Hangup':
      return step.cause === undefined ? '' : String(step.cause);
    case 'SendDTMF':
      return step.digits;
    case 'Stasis':
      return step.args.join(',');
    case 'Busy':
    case 'Congestion':
      return '10';
    default:
      return '';
  }
}

const noop = (data: string): DialplanStep => ({ app: 'NoOp', data });
const stay: DialplanStep[] = [{ app: 'Wait', seconds: 300 }, { app: 'Hangup', cause: undefined }];

const PARTIES: Record<string, DialplanStep[]> = {
  answer: [noop('Outside party: answers'), { app: 'Ringing' }, { app: 'Wait', seconds: 0.5 }, { app: 'Answer' }, ...stay],
  busy: [noop('Outside party: busy'), { app: 'Hangup', cause: 17 }],
  busytone: [noop('Outside party: busy tone'), { app: 'Busy' }],
  reject: [noop('Outside party: rejects'), { app: 'Hangup', cause: 21 }],
  noanswer: [noop('Outside party: rings, never answers'), { app: 'Ringing' }, ...stay],
  unallocated: [noop('Outside party: unallocated number'), { app: 'Hangup', cause: 1 }],
  congestion: [noop('Outside party: congestion'), { app: 'Hangup', cause: 34 }],
  congestiontone: [noop('Outside party: congestion tone'), { app: 'Congestion' }],
  dtmf123: [noop('Outside party: answers and types 123'), { app: 'Answer' }, { app: 'Wait', seconds: 1 }, { app: 'SendDTMF', digits: '123' }, ...stay],
  hangup2s: [noop('Outside party: answers, hangs up after 2 s'), { app: 'Answer' }, { app: 'Wait', seconds: 2 }, { app: 'Hangup', cause: 16 }],
  echo: [noop('Outside party: echo'), { app: 'Answer' }, { app: 'Echo' }, { app: 'Hangup', cause: undefined }],
};

/** The steps `exten` runs in `context` (`${EXTEN}` substituted), or undefined when the dialplan has no such extension. */
export function dialplanFor(context: string, exten: string, callerAll: string): DialplanStep[] | undefined {
  switch (context) {
    case 'switchboard-test': {
      const party = PARTIES[exten];
      if (party) return party;
      if (/^100[1-5]$/.test(exten)) return [noop(`Agent phone ${exten}: auto-answer`), { app: 'Answer' }, ...stay];
      if (exten === '2001') return [noop(`Supervisor phone ${exten}: auto-answer`), { app: 'Answer' }, ...stay];
      return undefined;
    }
    case 'switchboard-inbound':
      if (!/^\+?[0-9]{2,}$/.test(exten)) return undefined;
      return [noop(`Inbound call to ${exten} from ${callerAll}`), { app: 'Stasis', args: ['switchboard', 'inbound', exten] }, { app: 'Hangup', cause: undefined }];
    case 'switchboard-agents':
      if (!/^[0-9]{2,}$/.test(exten)) return undefined;
      return [noop(`Agent dials ${exten}`), { app: 'Stasis', args: ['switchboard', 'agent', exten] }, { app: 'Hangup', cause: undefined }];
    case 'switchboard-caller':
      if (exten === 'wait') return [{ app: 'Wait', seconds: 300 }, { app: 'Hangup', cause: undefined }];
      if (exten === 'dtmf123') return [{ app: 'Wait', seconds: 1 }, { app: 'SendDTMF', digits: '123' }, { app: 'Wait', seconds: 300 }, { app: 'Hangup', cause: undefined }];
      return undefined;
    default:
      return undefined;
  }
}
