import { isAbsolute, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ValidationError, parseOrThrow } from '@switchboard/core';
import { z } from 'zod';

/** Everything `switchboard serve` can be told, from flags or the environment. */
export const serverConfigSchema = z.object({
  port: z.coerce.number().int().min(0).max(65_535).default(3000),
  host: z.string().min(1).default('0.0.0.0'),
  /** A database URL: a SQLite file path, `:memory:`, or `postgres://…`. */
  db: z.string().min(1).default('./data/switchboard.db'),
  media: z.enum(['sim', 'freeswitch', 'asterisk']).default('sim'),
  clock: z.enum(['real', 'virtual']).default('real'),
  /** Seed of the simulation's randomness; random when absent. */
  seed: z.coerce.number().int().min(0).max(4_294_967_295).optional(),
  /** Create the demo tenant and its data on start. */
  demo: z
    .union([z.boolean(), z.enum(['true', 'false', '1', '0'])])
    .transform((v) => v === true || v === 'true' || v === '1')
    .default(true),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** HMAC secret for access tokens; generated once and kept in the database when absent. */
  jwtSecret: z.string().min(32, 'must be at least 32 characters').optional(),
  /** Access-token lifetime. */
  tokenTtlSeconds: z.coerce.number().int().min(60).max(86_400).default(3_600),
  /** Password of the first administrator; generated (and printed once) when absent. */
  adminPassword: z.string().min(12, 'must be at least 12 characters').optional(),
  /** Origins allowed to call the API from a browser (the host CRM embedding the widgets); `*` for any. */
  corsOrigins: z
    .string()
    .default('')
    .transform((v) => v.split(',').map((o) => o.trim()).filter((o) => o !== ''))
    .pipe(z.array(z.union([z.literal('*'), z.url({ protocol: /^https?$/, message: 'each origin is a URL like https://crm.example.com' })]))),
  /** Dialplan context of calls from agents' phones, written into the SIP directory and pjsip include. */
  sipContext: z.string().regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, _ and -').default('switchboard-inbound'),
  /** FreeSWITCH's event socket, `host:port` (with --media freeswitch). */
  esl: z
    .string()
    .regex(/^[^\s:]+:\d{1,5}$/, 'host:port, e.g. 127.0.0.1:8021')
    .default('127.0.0.1:8021'),
  eslPassword: z.string().min(1).default('ClueCon'),
  /** Asterisk's HTTP server (with --media asterisk); ARI is under /ari. */
  ariUrl: z.url({ protocol: /^https?$/, message: 'an http:// or https:// URL' }).default('http://127.0.0.1:8088'),
  ariUser: z.string().min(1).default('switchboard'),
  ariPassword: z.string().optional(),
  ariApp: z.string().regex(/^[A-Za-z0-9_.+-]+$/).default('switchboard'),
  /** SIP domain of the agents' phones (FreeSWITCH dials `user/{extension}@{domain}`). */
  sipDomain: z.string().regex(/^[A-Za-z0-9_.:-]+$/, 'a host name').optional(),
  /** How an agent's extension is dialled, overriding the media server's default (`{extension}`, `{domain}`). */
  extensionDial: z.string().min(1).optional(),
  /** Trunks: `name=dial string with {number}`, comma-separated; the first is the default. */
  trunks: z
    .string()
    .default('')
    .transform((v) => v.split(',').map((t) => t.trim()).filter((t) => t !== ''))
    .pipe(z.array(z.string().regex(/^[A-Za-z0-9_.+-]+=\S+$/, 'name=dial-string, e.g. pstn=sofia/gateway/pstn/{number}'))),
  /** How long shutdown waits for requests in flight. */
  shutdownGraceMs: z.coerce.number().int().min(0).default(10_000),
  /** Largest media file (voice file, hold music) an upload may carry, in bytes. Default 20 MiB. */
  mediaMaxBytes: z.coerce.number().int().min(1024).max(1024 * 1024 * 1024).default(20 * 1024 * 1024),
  /** Largest file an upload for a customer's attachment field may carry, in bytes. Default 10 MiB. */
  attachmentMaxBytes: z.coerce.number().int().min(1024).max(1024 * 1024 * 1024).default(10 * 1024 * 1024),
  /**
   * Where tenants' media files are published for the media server, as 8 kHz WAV under
   * `tenants/<tenantId>/`: its sounds directory, or one shared with or synced to it. Unset:
   * nothing is published (the simulator needs nothing).
   */
  mediaPublishDir: z.string().trim().min(1).optional(),
  /** The same directory as the media server sees it (its `soundsDir`); default: the publish directory. */
  mediaSoundsDir: z.string().trim().min(1).optional(),
});

export type ServerConfig = z.output<typeof serverConfigSchema>;

/** The settings a media server needs, checked before anything starts. */
export function checkMediaConfig(config: ServerConfig): void {
  if (config.media === 'asterisk' && !config.ariPassword) {
    throw new ValidationError('--media asterisk needs the ARI password in SWITCHBOARD_ARI_PASSWORD', [{ path: 'ariPassword', message: 'required with --media asterisk' }]);
  }
  if (config.media === 'freeswitch' && config.mediaSoundsDir !== undefined && !isAbsolute(config.mediaSoundsDir)) {
    throw new ValidationError('--media-sounds-dir must be an absolute path for FreeSWITCH', [{ path: 'mediaSoundsDir', message: 'an absolute path, as FreeSWITCH sees it' }]);
  }
}

/**
 * The sounds directory the media adapter plays `file` MediaRefs from: `--media-sounds-dir`,
 * else the publish directory (made absolute), else undefined (the adapter's default).
 */
export function soundsDirOf(config: ServerConfig): string | undefined {
  if (config.mediaSoundsDir !== undefined) return config.mediaSoundsDir;
  return config.mediaPublishDir === undefined ? undefined : resolve(config.mediaPublishDir);
}
export type ServerConfigInput = z.input<typeof serverConfigSchema>;

/** Flag → environment variable. `PORT` is honoured too, as platforms set it. */
export const CONFIG_ENV: Record<keyof ServerConfig, string> = {
  port: 'SWITCHBOARD_PORT',
  host: 'SWITCHBOARD_HOST',
  db: 'SWITCHBOARD_DB',
  media: 'SWITCHBOARD_MEDIA',
  clock: 'SWITCHBOARD_CLOCK',
  seed: 'SWITCHBOARD_SEED',
  demo: 'SWITCHBOARD_DEMO',
  logLevel: 'SWITCHBOARD_LOG_LEVEL',
  jwtSecret: 'SWITCHBOARD_JWT_SECRET',
  tokenTtlSeconds: 'SWITCHBOARD_TOKEN_TTL_SECONDS',
  adminPassword: 'SWITCHBOARD_ADMIN_PASSWORD',
  shutdownGraceMs: 'SWITCHBOARD_SHUTDOWN_GRACE_MS',
  corsOrigins: 'SWITCHBOARD_CORS_ORIGINS',
  sipContext: 'SWITCHBOARD_SIP_CONTEXT',
  esl: 'SWITCHBOARD_ESL',
  eslPassword: 'SWITCHBOARD_ESL_PASSWORD',
  ariUrl: 'SWITCHBOARD_ARI_URL',
  ariUser: 'SWITCHBOARD_ARI_USER',
  ariPassword: 'SWITCHBOARD_ARI_PASSWORD',
  ariApp: 'SWITCHBOARD_ARI_APP',
  sipDomain: 'SWITCHBOARD_SIP_DOMAIN',
  extensionDial: 'SWITCHBOARD_EXTENSION_DIAL',
  trunks: 'SWITCHBOARD_TRUNKS',
  mediaMaxBytes: 'SWITCHBOARD_MEDIA_MAX_BYTES',
  attachmentMaxBytes: 'SWITCHBOARD_ATTACHMENT_MAX_BYTES',
  mediaPublishDir: 'SWITCHBOARD_MEDIA_PUBLISH_DIR',
  mediaSoundsDir: 'SWITCHBOARD_MEDIA_SOUNDS_DIR',
};

const FLAGS: Record<string, keyof ServerConfig> = {
  port: 'port',
  host: 'host',
  db: 'db',
  media: 'media',
  clock: 'clock',
  seed: 'seed',
  demo: 'demo',
  'log-level': 'logLevel',
  'token-ttl': 'tokenTtlSeconds',
  'cors-origins': 'corsOrigins',
  'sip-context': 'sipContext',
  esl: 'esl',
  'ari-url': 'ariUrl',
  'ari-user': 'ariUser',
  'ari-app': 'ariApp',
  'sip-domain': 'sipDomain',
  'extension-dial': 'extensionDial',
  trunks: 'trunks',
  'media-max-bytes': 'mediaMaxBytes',
  'attachment-max-bytes': 'attachmentMaxBytes',
  'media-publish-dir': 'mediaPublishDir',
  'media-sounds-dir': 'mediaSoundsDir',
};

/** Reads the configuration: flags win over `SWITCHBOARD_*` variables, which win over defaults. */
export function loadConfig(argv: string[], env: NodeJS.ProcessEnv = process.env): ServerConfig {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: Object.fromEntries(Object.keys(FLAGS).map((flag) => [flag, { type: 'string' as const }])),
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new ValidationError((error as Error).message, [{ path: 'argv', message: (error as Error).message }]);
  }
  const input: Record<string, unknown> = {};
  for (const [key, name] of Object.entries(CONFIG_ENV)) if (env[name] !== undefined && env[name] !== '') input[key] = env[name];
  if (input['port'] === undefined && env['PORT']) input['port'] = env['PORT'];
  for (const [flag, key] of Object.entries(FLAGS)) if (values[flag] !== undefined) input[key] = values[flag];
  return parseOrThrow(serverConfigSchema, input, 'configuration');
}
