import { isSwitchboardError, ValidationError } from '@switchboard/core';
import { CONFIG_ENV, loadConfig } from './config.js';
import { startServer } from './server.js';
import { VERSION } from './version.js';

const HELP = `Usage: switchboard serve [options]

Runs the Switchboard server. Every option can also be set with its environment variable.

Options:
  --port <n>          HTTP port (${CONFIG_ENV.port}, or PORT)          default 3000
  --host <addr>       address to listen on (${CONFIG_ENV.host})          default 0.0.0.0
  --db <url>          SQLite file, :memory: or postgres://… (${CONFIG_ENV.db})
                                                                default ./data/switchboard.db
  --media <kind>      sim | freeswitch | asterisk (${CONFIG_ENV.media})  default sim
  --clock <kind>      real | virtual (${CONFIG_ENV.clock})             default real
  --seed <n>          seed of the simulation (${CONFIG_ENV.seed})
  --demo <bool>       create the demo tenant (${CONFIG_ENV.demo})          default true
  --log-level <lvl>   fatal…trace, silent (${CONFIG_ENV.logLevel})    default info
  --token-ttl <s>     access-token lifetime (${CONFIG_ENV.tokenTtlSeconds}) default 3600
  --cors-origins <l>  comma-separated browser origins allowed to call the API,
                      e.g. https://crm.example.com (${CONFIG_ENV.corsOrigins})
  --esl <host:port>   FreeSWITCH event socket (${CONFIG_ENV.esl})    default 127.0.0.1:8021
  --ari-url <url>     Asterisk HTTP/ARI (${CONFIG_ENV.ariUrl})   default http://127.0.0.1:8088
  --ari-user <u>      ARI user (${CONFIG_ENV.ariUser})              default switchboard
  --ari-app <name>    Stasis application (${CONFIG_ENV.ariApp})        default switchboard
  --sip-domain <d>    SIP domain of agents' phones (${CONFIG_ENV.sipDomain})
  --extension-dial <t> how an extension is dialled, e.g. user/{extension}@{domain}
                      (${CONFIG_ENV.extensionDial})
  --trunks <list>     name=dial-string,… with {number}; the first is the default
                      (${CONFIG_ENV.trunks})
  --sip-context <c>   dialplan context of calls from agents' phones
                      (${CONFIG_ENV.sipContext})                   default switchboard-inbound
  --media-max-bytes <n> largest media file upload (${CONFIG_ENV.mediaMaxBytes})
                                                                default 20971520 (20 MiB)
  --attachment-max-bytes <n> largest customer attachment upload
                      (${CONFIG_ENV.attachmentMaxBytes})  default 10485760 (10 MiB)
  --media-publish-dir <d> write tenants' media files there as 8 kHz WAV for the media
                      server (${CONFIG_ENV.mediaPublishDir})   default: not published
  --media-sounds-dir <d> that directory as the media server sees it
                      (${CONFIG_ENV.mediaSoundsDir})            default: the publish dir

Secrets come from the environment only: ${CONFIG_ENV.jwtSecret}, ${CONFIG_ENV.adminPassword},
${CONFIG_ENV.eslPassword} (default ClueCon), ${CONFIG_ENV.ariPassword}.
`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    process.stdout.write(HELP);
    return command === undefined ? 1 : 0;
  }
  if (command === 'version' || command === '--version') {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  if (command !== 'serve') {
    process.stderr.write(`Unknown command "${command}".\n\n${HELP}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(HELP);
    return 0;
  }
  const config = loadConfig(rest);
  const server = await startServer(config);
  const stop = (signal: string) => {
    process.stdout.write(`\n${signal}: stopping…\n`);
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`error while stopping: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
  // Only now: whoever waits for this line (a supervisor, a test) may signal at once, and a signal before the handlers would kill the process uncleanly.
  process.stdout.write(`Switchboard is running at ${server.url}  (API reference: ${server.url}/docs)\n`);
  return -1;
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof ValidationError) {
      process.stderr.write(`switchboard: ${error.message}\n${error.issues.map((i) => `  ${i.path}: ${i.message}`).join('\n')}\n`);
      process.exitCode = 2;
    } else if (isSwitchboardError(error)) {
      process.stderr.write(`switchboard: ${error.message}\n`);
      process.exitCode = 1;
    } else {
      process.stderr.write(`switchboard: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = 1;
    }
  },
);
