import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { createSwitchboard, parseDatabaseUrl, type Switchboard } from '@switchboard/core';
import { API_BASE, createApp, type CreateAppOptions } from './app.js';
import { AuthService } from './auth/auth-service.js';
import { checkMediaConfig, type ServerConfig } from './config.js';
import { mediaAdapterFactory } from './media/media-adapter-factory.js';
import type { AppContext } from './context.js';
import { seedDemo } from './demo/seed.js';
import { attachRealtime } from './realtime/realtime.js';
import { stopTraffic } from './simulator/traffic.js';
import { VERSION } from './version.js';

export interface RunningServer {
  /** e.g. `http://127.0.0.1:3000` */
  url: string;
  port: number;
  switchboard: Switchboard;
  /** Stops accepting connections, lets requests in flight finish, then closes storage. Safe to call twice. */
  close(): Promise<void>;
}

export interface StartServerOptions extends CreateAppOptions {
  /** Where the one-time administrator password is shown. Default: stdout. */
  print?: (line: string) => void;
}

/** Starts Switchboard's server: storage (migrated), media, auth, the demo tenant, HTTP. */
export async function startServer(config: ServerConfig, options: StartServerOptions = {}): Promise<RunningServer> {
  const logger = pino({ level: config.logLevel, base: { service: 'switchboard' } });
  const print = options.print ?? ((line: string) => process.stdout.write(`${line}\n`));
  checkMediaConfig(config);
  const media = mediaAdapterFactory(config);
  const switchboard = await createSwitchboard({
    ...(media ? { media } : {}),
    storage: config.db,
    clock: config.clock === 'virtual' ? 'virtual' : 'system',
    ...(config.seed === undefined ? {} : { seed: config.seed }),
    logger,
    mediaFiles: { maxBytes: config.mediaMaxBytes, ...(config.mediaPublishDir === undefined ? {} : { publishDir: config.mediaPublishDir }) },
    customerAttachments: { maxBytes: config.attachmentMaxBytes },
  });
  if (config.media !== 'sim' && config.mediaPublishDir === undefined) {
    logger.warn(
      { media: config.media },
      `uploaded media files are not published (no --media-publish-dir): ${config.media === 'freeswitch' ? 'FreeSWITCH' : 'Asterisk'} will not find them until they are under its sounds directory as tenants/<tenantId>/<name>.wav`,
    );
  }
  try {
    const auth = await AuthService.create(switchboard.storage, { jwtSecret: config.jwtSecret, tokenTtlSeconds: config.tokenTtlSeconds, logger });
    const admin = await auth.bootstrapAdmin(config.adminPassword);
    if (admin?.generated) {
      print(`Switchboard created the administrator "${admin.username}" with the password: ${admin.password}`);
      print('It is shown only this once. Change it with POST /api/v1/auth/password.');
    }
    if (config.demo) await seedDemo(switchboard, { traffic: config.clock === 'real' });

    const ctx: AppContext = { switchboard, auth, logger, clockMode: config.clock, version: VERSION, corsOrigins: config.corsOrigins, sipContext: config.sipContext, importDir: importDirOf(config.db) };
    const app = createApp(ctx, { httpLogger: logger, ...options });
    const server: Server = await new Promise((resolve, reject) => {
      // Express 5 hands a listen failure to this callback (and not only to 'error').
      const failed = (error: NodeJS.ErrnoException) =>
        reject(error.code === 'EADDRINUSE' ? new Error(`Port ${config.port} on ${config.host} is already in use (another Switchboard running?)`, { cause: error }) : error);
      const s = app.listen(config.port, config.host, (error?: Error) => (error ? failed(error) : resolve(s)));
      s.once('error', failed);
    });
    const realtime = attachRealtime(server, ctx, { path: `${API_BASE}/realtime` });
    const { port } = server.address() as AddressInfo;
    const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
    const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
    logger.info({ url, db: redact(config.db), media: config.media, clock: config.clock }, 'Switchboard is listening');

    let closing: Promise<void> | undefined;
    // During shutdown, a keep-alive socket is closed as soon as its last response is sent,
    // instead of lingering until its idle timeout.
    server.on('request', (_req, res) => res.on('finish', () => closing && server.closeIdleConnections()));
    const close = () =>
      (closing ??= (async () => {
        logger.info('shutting down: finishing requests in flight');
        stopTraffic(switchboard);
        await realtime.close();
        await new Promise<void>((resolve) => {
          const force = setTimeout(() => server.closeAllConnections(), config.shutdownGraceMs);
          force.unref();
          server.close(() => {
            clearTimeout(force);
            resolve();
          });
          server.closeIdleConnections();
        });
        await switchboard.close();
        logger.info('stopped');
        logger.flush?.();
      })());
    return { url, port, switchboard, close };
  } catch (error) {
    await switchboard.close();
    throw error;
  }
}

/** A database URL without its password, for logs. */
function redact(db: string): string {
  return db.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
}

/** Import uploads live beside a SQLite database file (they must outlive a restart), else in the temp folder. */
function importDirOf(db: string): string {
  const config = parseDatabaseUrl(db);
  return config.client === 'sqlite' && config.filename !== ':memory:' ? join(dirname(config.filename), 'imports') : join(tmpdir(), 'switchboard-imports');
}
