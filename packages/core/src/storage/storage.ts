import { orderedId } from './ordered-id.js';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import knexFactory, { type Knex } from 'knex';
import pg from 'pg';
import type { Clock } from '../clock/clock.js';
import { UnavailableError } from '../errors/errors.js';
import { silentLogger, type Logger } from '../logging/logger.js';
import { redactConnectionString, validateStorageConfig, type StorageConfig, type StorageDialect } from './config.js';
import { driverMessage, toStorageError } from './db-errors.js';
import { ListMigrationSource, MIGRATIONS_TABLE, migrations } from './migrations/index.js';
import type { RepositoryContext } from './repository.js';
import { AgentEventRepository } from './repositories/agent-events.js';
import { AgentGroupRepository } from './repositories/agent-groups.js';
import { AgentRepository } from './repositories/agents.js';
import { BlacklistRepository } from './repositories/blacklist.js';
import { DncRepository } from './repositories/dnc.js';
import { CdrRepository } from './repositories/cdrs.js';
import { CustomFieldRepository } from './repositories/custom-fields.js';
import { CustomerPackageRepository } from './repositories/customer-packages.js';
import { CustomerRepository } from './repositories/customers.js';
import { CustomerAttachmentRepository } from './repositories/customer-attachments.js';
import { LabelRepository } from './repositories/crm-labels.js';
import { CrmSettingsRepository } from './repositories/crm-settings.js';
import { DictionaryRepository } from './repositories/dictionaries.js';
import { JobRepository } from './repositories/jobs.js';
import { PreDialRepository } from './repositories/pre-dial.js';
import { MediaFileRepository } from './repositories/media-files.js';
import { CallResultRepository } from './repositories/call-results.js';
import { ContactRecordRepository } from './repositories/contact-records.js';
import { FunnelStageRepository } from './repositories/funnel-stages.js';
import { PopupWarningRepository } from './repositories/popup-warnings.js';
import { DidRepository } from './repositories/dids.js';
import { RoutingObjectRepository } from './repositories/routing-objects.js';
import { RoutingSettingsRepository } from './repositories/routing-settings.js';
import { incomingRouteSchema, ivrMenuSchema, ringGroupSchema, timeConditionSchema, voiceBroadcastSchema } from '../routing/model.js';
import { ApiKeyRepository } from './repositories/api-keys.js';
import { AuditLogRepository } from './repositories/audit-log.js';
import { PauseReasonRepository } from './repositories/pause-reasons.js';
import { QueueLogRepository } from './repositories/queue-log.js';
import { SipAccountRepository } from './repositories/sip-accounts.js';
import { PlatformSettingsRepository } from './repositories/platform-settings.js';
import { TenantRepository } from './repositories/tenants.js';
import { UserRepository } from './repositories/users.js';

export interface StorageOptions {
  clock: Clock;
  logger?: Logger;
  /** Id generator for new rows. Default: crypto.randomUUID. */
  newId?: () => string;
}

/** Every repository: the storage's own, or a transaction's (see `Storage.transaction`). */
export interface StorageRepositories {
  readonly tenants: TenantRepository;
  readonly users: UserRepository;
  readonly apiKeys: ApiKeyRepository;
  readonly settings: PlatformSettingsRepository;
  readonly auditLog: AuditLogRepository;
  readonly sipAccounts: SipAccountRepository;
  readonly agents: AgentRepository;
  readonly agentGroups: AgentGroupRepository;
  readonly pauseReasons: PauseReasonRepository;
  readonly agentEvents: AgentEventRepository;
  readonly queueLog: QueueLogRepository;
  readonly dids: DidRepository;
  readonly incomingRoutes: RoutingObjectRepository<typeof incomingRouteSchema>;
  readonly ivrMenus: RoutingObjectRepository<typeof ivrMenuSchema>;
  readonly voiceBroadcasts: RoutingObjectRepository<typeof voiceBroadcastSchema>;
  readonly ringGroups: RoutingObjectRepository<typeof ringGroupSchema>;
  readonly timeConditions: RoutingObjectRepository<typeof timeConditionSchema>;
  readonly routingSettings: RoutingSettingsRepository;
  readonly blacklist: BlacklistRepository;
  readonly dnc: DncRepository;
  readonly cdrs: CdrRepository;
  readonly customerPackages: CustomerPackageRepository;
  readonly customFields: CustomFieldRepository;
  readonly customers: CustomerRepository;
  readonly customerTags: LabelRepository;
  readonly dataSources: LabelRepository;
  readonly dictionaries: DictionaryRepository;
  readonly preDial: PreDialRepository;
  readonly crmSettings: CrmSettingsRepository;
  readonly jobs: JobRepository;
  readonly mediaFiles: MediaFileRepository;
  readonly funnelStages: FunnelStageRepository;
  readonly callResults: CallResultRepository;
  readonly contactRecords: ContactRecordRepository;
  readonly popupWarnings: PopupWarningRepository;
  readonly customerAttachments: CustomerAttachmentRepository;
}

export interface Storage extends StorageRepositories {
  readonly dialect: StorageDialect;
  /** The knex instance, for repositories added later and for transactions. */
  readonly knex: Knex;
  /** Applies the migrations not applied yet; returns their names (empty when up to date). */
  migrate(): Promise<string[]>;
  /** Resolves when the database answers; UnavailableError when it does not. */
  ping(): Promise<void>;
  /** Closes every connection. Calling it again is harmless. */
  close(): Promise<void>;
  /**
   * Runs `fn` with every repository bound to one database transaction: it commits when `fn`
   * resolves and rolls back (rethrowing) when it rejects. Use only `tx` inside `fn`: on SQLite
   * the transaction holds the one connection, so a query through the storage itself would wait forever.
   */
  transaction<T>(fn: (tx: StorageRepositories) => Promise<T>): Promise<T>;
}

function createRepositories(ctx: RepositoryContext): StorageRepositories {
  return {
    tenants: new TenantRepository(ctx),
    users: new UserRepository(ctx),
    apiKeys: new ApiKeyRepository(ctx),
    settings: new PlatformSettingsRepository(ctx),
    auditLog: new AuditLogRepository(ctx),
    sipAccounts: new SipAccountRepository(ctx),
    agents: new AgentRepository(ctx),
    agentGroups: new AgentGroupRepository(ctx),
    pauseReasons: new PauseReasonRepository(ctx),
    agentEvents: new AgentEventRepository(ctx),
    queueLog: new QueueLogRepository(ctx),
    dids: new DidRepository(ctx),
    incomingRoutes: new RoutingObjectRepository(ctx, 'incoming_routes', 'Incoming route', incomingRouteSchema),
    ivrMenus: new RoutingObjectRepository(ctx, 'ivr_menus', 'IVR menu', ivrMenuSchema),
    voiceBroadcasts: new RoutingObjectRepository(ctx, 'voice_broadcasts', 'Voice broadcast', voiceBroadcastSchema),
    ringGroups: new RoutingObjectRepository(ctx, 'ring_groups', 'Ring group', ringGroupSchema),
    timeConditions: new RoutingObjectRepository(ctx, 'time_conditions', 'Time condition', timeConditionSchema),
    routingSettings: new RoutingSettingsRepository(ctx),
    blacklist: new BlacklistRepository(ctx),
    dnc: new DncRepository(ctx),
    cdrs: new CdrRepository(ctx),
    customerPackages: new CustomerPackageRepository(ctx),
    customFields: new CustomFieldRepository(ctx),
    customers: new CustomerRepository(ctx),
    customerTags: new LabelRepository(ctx, 'customer_tags', 'Customer tag'),
    dataSources: new LabelRepository(ctx, 'data_sources', 'Data source'),
    dictionaries: new DictionaryRepository(ctx),
    preDial: new PreDialRepository(ctx),
    crmSettings: new CrmSettingsRepository(ctx),
    jobs: new JobRepository(ctx),
    mediaFiles: new MediaFileRepository(ctx),
    funnelStages: new FunnelStageRepository(ctx),
    callResults: new CallResultRepository(ctx),
    contactRecords: new ContactRecordRepository(ctx),
    popupWarnings: new PopupWarningRepository(ctx),
    customerAttachments: new CustomerAttachmentRepository(ctx),
  };
}

const INT8_OID = 20;

/**
 * pg returns bigint (int8) as a string because it can exceed 2^53. Our bigint columns hold
 * epoch milliseconds and counts, far below that, so they are parsed as numbers. The parser
 * is given to each connection (pg's `types` option) rather than set on pg's global registry,
 * so other pg users in the same process are unaffected.
 */
const pgTypes = {
  getTypeParser: (oid: number, format?: 'text' | 'binary'): unknown =>
    oid === INT8_OID && format !== 'binary' ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format),
};

/**
 * Opens the database, checks that it answers, and returns the repositories over it.
 * Migrations are not applied here: call `migrate()` (the server does on start).
 */
export async function createStorage(config: StorageConfig, options: StorageOptions): Promise<Storage> {
  validateStorageConfig(config);
  const logger = (options.logger ?? silentLogger).child({ component: 'storage' });
  const dialect: StorageDialect = config.client;
  const target = config.client === 'sqlite' ? config.filename : redactConnectionString(config.connection);

  // knex prints its own warnings to the console unless given a logger; route them to ours.
  const log: Knex.Logger = {
    warn: (message: unknown) => logger.warn({ knex: message }, 'knex warning'),
    error: (message: unknown) => logger.error({ knex: message }, 'knex error'),
    deprecate: (method: string, alternative: string) => logger.warn({ method, alternative }, 'knex deprecation'),
    debug: (message: unknown) => logger.debug({ knex: message }, 'knex debug'),
  };
  const knex = config.client === 'sqlite' ? await openSqlite(config.filename, log) : knexFactory({ ...pgKnexConfig(config), log });
  try {
    if (config.client === 'pg' && config.schema !== undefined) {
      await knex.raw('create schema if not exists ??', [config.schema]);
    } else {
      await knex.raw('select 1');
    }
  } catch (error) {
    await knex.destroy().catch(() => undefined);
    throw new UnavailableError(`Cannot open the ${dialect === 'sqlite' ? 'SQLite' : 'PostgreSQL'} database ${target}: ${driverMessage(error)}`, {
      cause: error,
      details: { dialect, database: target },
    });
  }
  logger.info({ dialect, database: target }, 'storage opened');

  const ctx: RepositoryContext = { db: knex, dialect, clock: options.clock, newId: options.newId ?? (() => orderedId()), logger };
  let closing: Promise<void> | undefined;

  return {
    dialect,
    knex,
    async migrate() {
      try {
        const [, applied] = (await knex.migrate.latest({
          migrationSource: new ListMigrationSource(migrations),
          tableName: MIGRATIONS_TABLE,
        })) as [number, string[]];
        if (applied.length > 0) logger.info({ applied }, 'migrations applied');
        return applied;
      } catch (error) {
        throw toStorageError(error);
      }
    },
    async ping() {
      try {
        await knex.raw('select 1');
      } catch (error) {
        throw new UnavailableError(`The ${dialect} database ${target} does not answer: ${driverMessage(error)}`, { cause: error });
      }
    },
    close() {
      closing ??= knex.destroy().then(() => logger.info({ dialect, database: target }, 'storage closed'));
      return closing;
    },
    async transaction<T>(fn: (tx: StorageRepositories) => Promise<T>): Promise<T> {
      try {
        return await knex.transaction((trx) => fn(createRepositories({ ...ctx, db: trx })));
      } catch (error) {
        // A failed commit (or BEGIN) arrives as a driver error; errors of `fn` are passed on as they are.
        throw toStorageError(error);
      }
    },
    ...createRepositories(ctx),
  };
}

async function openSqlite(filename: string, log: Knex.Logger): Promise<Knex> {
  if (filename !== ':memory:') {
    try {
      await mkdir(dirname(filename), { recursive: true });
    } catch (error) {
      throw new UnavailableError(`Cannot create the folder for the SQLite database ${filename}: ${driverMessage(error)}`, { cause: error });
    }
  }
  return knexFactory({
    client: 'better-sqlite3',
    connection: { filename },
    useNullAsDefault: true,
    log,
    // better-sqlite3 is synchronous and SQLite has one writer: one connection serves all,
    // and `:memory:` lives exactly as long as that connection (min 1 keeps it).
    pool: {
      min: 1,
      max: 1,
      afterCreate: (connection: { pragma(source: string): unknown }, done: (error: Error | null, connection: unknown) => void) => {
        try {
          // WAL: readers do not block the writer; NORMAL is durable across crashes in WAL mode.
          connection.pragma('journal_mode = WAL');
          connection.pragma('synchronous = NORMAL');
          connection.pragma('foreign_keys = ON');
          connection.pragma('busy_timeout = 5000');
          done(null, connection);
        } catch (error) {
          done(error as Error, connection);
        }
      },
    },
  });
}

function pgKnexConfig(config: Extract<StorageConfig, { client: 'pg' }>): Knex.Config {
  return {
    client: 'pg',
    connection: { connectionString: config.connection, types: pgTypes } as Knex.PgConnectionConfig,
    ...(config.schema === undefined ? {} : { searchPath: [config.schema] }),
    pool: { min: config.pool?.min ?? 0, max: config.pool?.max ?? 10 },
    acquireConnectionTimeout: 10_000,
  };
}
