import { readFileSync } from 'node:fs';
import { EslCommandReader, EslFrameReader, isEslIssue, type EslCommand, type EslFrame } from '../esl/esl-frame.js';
import { interpretFrame } from '../esl/esl-message.js';
import { parseTrace, type Trace } from './trace-file.js';

const INTERESTING = [
  'Application',
  'Application-UUID',
  'Application-Response',
  'Bridge-A-Unique-ID',
  'Bridge-B-Unique-ID',
  'Other-Leg-Unique-ID',
  'Hangup-Cause',
  'DTMF-Digit',
  'Playback-Status',
  'Record-Completion-Cause',
  'Answer-State',
  'Job-UUID',
];

/**
 * One line per frame or command of a trace: who sent it, when, and what it
 * says (event name, channel, the headers that matter). For reading recorded
 * traces: `npx tsx packages/adapters-freeswitch/src/test-support/trace-summary.ts <file.esl>`.
 */
export function summarizeTrace(trace: Trace): string[] {
  const ids = new Map<string, string>();
  const short = (id: string) => {
    if (!ids.has(id)) ids.set(id, `#${ids.size + 1}`);
    return ids.get(id)!;
  };
  const shorten = (text: string) => text.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, (id) => short(id));
  const lines: string[] = [];
  for (const record of trace.records) {
    const head = `${record.direction === 'in' ? '<<<' : record.direction === 'out' ? '>>>' : '---'} ${record.connection} +${record.atMs}`;
    if (record.direction === 'note') {
      lines.push(`${head} ${record.data}`);
      continue;
    }
    if (record.direction === 'out') {
      const [command] = new EslCommandReader().push(record.data) as Array<EslCommand>;
      const extra = command && !isEslIssue(command) ? command.headers.map(([n, v]) => `${n}=${v}`).join(' ') : '';
      lines.push(shorten(`${head} ${command && !isEslIssue(command) ? command.line : record.data.slice(0, 120)} ${extra}`.trim()));
      continue;
    }
    const [frame] = new EslFrameReader().push(record.data) as Array<EslFrame>;
    const message = frame && !isEslIssue(frame) ? interpretFrame(frame) : { issue: 'unreadable' };
    if ('issue' in message) lines.push(`${head} (malformed: ${message.issue})`);
    else if (message.type === 'event') {
      const h = message.event.headers;
      const fields = INTERESTING.filter((k) => h[k] !== undefined).map((k) => `${k}=${h[k]}`);
      lines.push(shorten(`${head} ${message.event.name} ${h['Unique-ID'] ?? ''} ${h['Channel-Name'] ?? ''} ${fields.join(' ')}${message.event.body ? ` body=${JSON.stringify(message.event.body)}` : ''}`));
    } else if (message.type === 'command-reply') lines.push(shorten(`${head} reply ${message.replyText}`));
    else if (message.type === 'api-response') lines.push(shorten(`${head} api-response ${JSON.stringify(message.body.slice(0, 160))}`));
    else lines.push(`${head} ${message.type}`);
  }
  return lines;
}

if (/trace-summary\.[cm]?[jt]s$/.test(process.argv[1] ?? '')) {
  for (const file of process.argv.slice(2)) {
    console.log(`== ${file}`);
    for (const line of summarizeTrace(parseTrace(readFileSync(file, 'utf8')))) console.log(line);
  }
}
