import { randomUUID } from 'node:crypto';
import type { FakeSwitch } from './fake-switch.js';

/**
 * The API commands of mod_commands the adapter uses, as `api` answers them
 * (the texts are FreeSWITCH 1.10's, as recorded): `uuid_*`, `show channels
 * as json`, `status`. Anything else is "Command not found".
 */
export function runApi(fs: FakeSwitch, commandLine: string): string {
  const [verb = '', ...argv] = commandLine.trim().split(/\s+/);
  const channel = (id: string | undefined) => (id === undefined ? undefined : fs.channels.get(id));
  switch (verb) {
    case 'status':
      return `UP 0 years, 0 days, 0 hours, 0 minutes, 1 second, 0 milliseconds, 0 microseconds\nFreeSWITCH (Version 1.10.12-release fake) is ready\n${fs.channels.size} session(s) since startup\n`;
    case 'show':
      if (argv.join(' ') === 'channels as json') return fs.showChannels();
      return '-USAGE: show channels as json\n';
    case 'uuid_kill': {
      const c = channel(argv[0]);
      if (!c) return '-ERR No such channel!\n';
      fs.hangup(c, argv[1] ?? 'NORMAL_CLEARING');
      return '+OK\n';
    }
    case 'uuid_answer': {
      const c = channel(argv[0]);
      if (!c) return '-ERROR\n';
      fs.answer(c);
      return '+OK\n';
    }
    case 'uuid_setvar': {
      const c = channel(argv[0]);
      if (!c) return '-ERR No such channel!\n';
      if (argv[1] === undefined) return '-USAGE: <uuid> <var> [value]\n';
      if (argv.length > 2) c.vars.set(argv[1], argv.slice(2).join(' '));
      else c.vars.delete(argv[1]);
      return '+OK\n';
    }
    case 'uuid_setvar_multi': {
      const c = channel(argv[0]);
      if (!c) return '-ERR No such channel!\n-USAGE: <uuid> <var>=<value>;<var>=<value>...\n';
      for (const pair of (argv[1] ?? '').split(';')) {
        const [name, value] = pair.split('=');
        if (name) c.vars.set(name, value ?? '');
      }
      return '+OK\n';
    }
    case 'uuid_break': {
      const c = channel(argv[0]);
      if (!c) return '-ERR No such channel!\n';
      fs.media.breakPlayback(c, argv[1]?.includes('all') ?? false);
      return '+OK\n';
    }
    case 'uuid_bridge': {
      const a = channel(argv[0]);
      const b = channel(argv[1]);
      if (!a || !b) return '-ERR Invalid uuid\n';
      fs.bridge(a, b);
      return `+OK ${b.uuid}\n`;
    }
    case 'uuid_park': {
      const c = channel(argv[0]);
      if (!c) return '-ERR No such channel!\n';
      fs.park(c);
      return '+OK\n';
    }
    case 'uuid_hold': {
      // Loopback channels never reach the HELD call state (only mod_sofia sets CF_LEG_HOLDING),
      // so FreeSWITCH refuses to take them off hold.
      if (argv[0] === 'off') return '-ERR Operation failed\n';
      const c = channel(argv[0] === 'toggle' ? argv[1] : argv[0]);
      if (c && c.bridge) fs.media.hold(c);
      return '+OK Success\n';
    }
    case 'uuid_send_dtmf': {
      const c = channel(argv[0]);
      if (!c) return '-ERR Cannot locate session!\n';
      fs.media.sendDtmf(c, argv[1] ?? '');
      return `+OK ${c.uuid} sent DTMF ${argv[1] ?? ''}.\n`;
    }
    case 'uuid_record': {
      const c = channel(argv[0]);
      if (!c) return '-ERR Cannot locate session!\n';
      const [, action, path, limit] = argv;
      if (!action || !path) return '-USAGE: <uuid> [start|stop|mask|unmask] <path> [<limit>] [<recording_vars>]\n';
      if (action === 'start') {
        fs.media.startRecording(c, path, Number(limit ?? 0));
        return '+OK Success\n';
      }
      if (action === 'stop') return fs.media.stopRecording(c, path) ? '+OK Success\n' : '-ERR Cannot stop record session!\n';
      return '-USAGE: <uuid> [start|stop|mask|unmask] <path> [<limit>] [<recording_vars>]\n';
    }
    case 'uuid_exists':
      return channel(argv[0]) ? 'true' : 'false';
    case 'create_uuid':
      return randomUUID();
    default:
      return `-ERR ${verb} Command not found!\n`;
  }
}
