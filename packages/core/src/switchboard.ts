import { Acd } from './acd/acd.js';
import { Compliance } from './compliance/compliance.js';
import { Routing } from './routing/routing.js';
import { CustomerAttachments } from './crm/attachments.js';
import { ConnectedCallRecorder } from './crm/connected-calls.js';
import { ContactService } from './crm/contacts.js';
import { CustomerService } from './crm/customers.js';
import { CUSTOMER_IMPORT_JOB, CustomerImports } from './crm/import/customer-import.js';
import { JobRunner } from './jobs/job-runner.js';
import { FINISHED_STATUSES, type Job } from './jobs/model.js';
import type { Clock } from './clock/clock.js';
import type { DestinationHandler } from './destination/destination.js';
import { SystemClock } from './clock/system-clock.js';
import { VirtualClock } from './clock/virtual-clock.js';
import { createEmitter, type TypedEmitter } from './events/typed-emitter.js';
import { silentLogger, type Logger } from './logging/logger.js';
import type { MediaAdapter } from './media/media-adapter.js';
import type { MediaEvent } from './media/media-events.js';
import { MediaFileStore, type MediaFileObserver } from './media-files/media-file-store.js';
import { MediaLibrary } from './media-files/media-library.js';
import { MediaPublisher } from './media-files/media-publisher.js';
import { SeededRandom, type Random } from './random/random.js';
import { SimulatedPbx, type SimulatedPbxOptions } from './simulator/simulated-pbx.js';
import { createStorage, parseDatabaseUrl, type Storage, type StorageConfig } from './storage/index.js';

export interface SwitchboardOptions {
  /**
   * Where data lives: a database URL (`:memory:`, a SQLite file path, `postgres://…`),
   * a StorageConfig, or a Storage you opened. Default `:memory:`.
   */
  storage?: string | StorageConfig | Storage;
  /**
   * The media server: an adapter you built (FreeSWITCH, Asterisk), a function
   * that builds one from this Switchboard's clock, randomness and logger, or
   * the simulated PBX (default), optionally with its options.
   */
  media?: MediaAdapter | ((deps: MediaDeps) => MediaAdapter) | { simulated: Partial<Omit<SimulatedPbxOptions, 'clock' | 'random' | 'logger'>> };
  /** `system` (default), `virtual` (starts now, moves on `advance`), or a Clock. */
  clock?: 'system' | 'virtual' | Clock;
  /** Seed of all randomness in the engines and the simulator; random when absent. */
  seed?: number;
  logger?: Logger;
  /** Executes the destinations the ACD sends calls to (overflow, timeout); default: the routing engine. */
  destinations?: DestinationHandler;
  /** Tenants' media files (voice files, hold music: `switchboard.mediaFiles`). */
  mediaFiles?: {
    /** Largest upload, in bytes. Default DEFAULT_MEDIA_FILE_MAX_BYTES (20 MiB). */
    maxBytes?: number;
    /**
     * Publish every tenant's media files for FreeSWITCH / Asterisk: each as an 8 kHz mono
     * 16-bit WAV at `<publishDir>/tenants/<tenantId>/<name>.wav`, written on upload, moved
     * on rename, removed on delete, and reconciled with storage at start. Point the
     * adapter's `soundsDir` at the same directory (the same disk, a shared mount, or a
     * synced copy). Off by default: the simulated PBX needs no files.
     */
    publishDir?: string;
  };
  /** Files uploaded for customers' attachment fields (`switchboard.crm.attachments`). */
  customerAttachments?: {
    /** Largest upload, in bytes. Default DEFAULT_ATTACHMENT_MAX_BYTES (10 MiB). */
    maxBytes?: number;
  };
}

/** What a media adapter built by `createSwitchboard` gets. */
export interface MediaDeps {
  clock: Clock;
  random: Random;
  logger: Logger;
}

/** Events of the whole Switchboard. Engines add theirs here as they arrive. */
export type SwitchboardEvents = {
  /** Every normalized media event, as the adapter emitted it. */
  media: (event: MediaEvent) => void;
  'media.disconnected': (info: { reason: string; at: number }) => void;
  'media.reconnected': (info: { at: number }) => void;
  closed: () => void;
};

export interface Switchboard {
  readonly clock: Clock;
  readonly random: Random;
  readonly logger: Logger;
  readonly storage: Storage;
  readonly media: MediaAdapter;
  /** The simulated PBX when it is the media adapter; undefined otherwise. */
  readonly simulator: SimulatedPbx | undefined;
  readonly events: TypedEmitter<SwitchboardEvents>;
  /** Agents, agent groups and their queues. */
  readonly acd: Acd;
  /** Inbound routing: DIDs, incoming routes, IVRs, conditions, ring groups, broadcasts, the blacklist, CDRs. */
  readonly routing: Routing;
  /** Do-not-call lists and the screening every outbound path makes (`compliance.mayCall`). */
  readonly compliance: Compliance;
  /** Customers and what agents record about them. */
  /** Background jobs (imports and other long work) with their progress events. */
  readonly jobs: JobRunner;
  readonly crm: { customers: CustomerService; contacts: ContactService; imports: CustomerImports; connectedCalls: ConnectedCallRecorder; attachments: CustomerAttachments };
  /**
   * Tenants' voice files and hold music (manual §3.5.3). Upload, rename and delete here:
   * the media library (and, with `mediaFiles.publishDir`, the publisher) follow.
   */
  readonly mediaFiles: MediaFileStore;
  /** Which `file` MediaRefs name a tenant's uploads, and the names the media server plays them by (`tenants/<tenantId>/<name>`). */
  readonly mediaLibrary: MediaLibrary;
  /** Writes the uploads where the media servers read them; undefined without `mediaFiles.publishDir`. */
  readonly mediaPublisher: MediaPublisher | undefined;
  /** Stops the engines, disconnects the media server and closes storage. Safe to call twice. */
  close(): Promise<void>;
}

function isStorage(value: unknown): value is Storage {
  return typeof value === 'object' && value !== null && 'migrate' in value && 'knex' in value;
}

function isMediaAdapter(value: unknown): value is MediaAdapter {
  return typeof value === 'object' && value !== null && 'originate' in value && 'events' in value;
}

/**
 * Builds a Switchboard: wires the clock, randomness, logger, storage (migrated)
 * and media adapter (connected) that every engine uses.
 */
export async function createSwitchboard(options: SwitchboardOptions = {}): Promise<Switchboard> {
  const logger = options.logger ?? silentLogger;
  const clock = options.clock === 'virtual' ? new VirtualClock({ startAt: Date.now() }) : options.clock === undefined || options.clock === 'system' ? new SystemClock() : options.clock;
  const random = new SeededRandom(options.seed);
  const ownsStorage = !isStorage(options.storage);
  const storage = isStorage(options.storage)
    ? options.storage
    : await createStorage(typeof options.storage === 'string' || options.storage === undefined ? parseDatabaseUrl(options.storage ?? ':memory:') : options.storage, {
        // Row ids stay crypto-random (the storage default): a seeded stream would repeat
        // them after a restart with the same seed and collide with stored rows.
        clock,
        logger,
      });
  let media: MediaAdapter | undefined;
  const mediaLibrary = new MediaLibrary(storage);
  try {
    await storage.migrate();
    await mediaLibrary.load();
    const simulated = isMediaAdapter(options.media) || typeof options.media === 'function' ? undefined : options.media?.simulated;
    media =
      typeof options.media === 'function'
        ? options.media({ clock, random: random.fork('media'), logger })
        : isMediaAdapter(options.media)
          ? options.media
          : // Tenants' uploads play in the simulation as long as they really are.
            new SimulatedPbx({ clock, random, logger, ...simulated, media: { lookup: (name) => mediaLibrary.durationOf(name), ...simulated?.media } });
    await media.connect();
  } catch (error) {
    if (ownsStorage) await storage.close();
    throw error;
  }
  const events = createEmitter<SwitchboardEvents>();
  const forward = (event: MediaEvent) => events.emit('media', event);
  const down = (info: { reason: string; at: number }) => events.emit('media.disconnected', info);
  const up = (info: { at: number }) => events.emit('media.reconnected', info);
  media.events.on('event', forward);
  media.events.on('disconnected', down);
  media.events.on('reconnected', up);

  // The ACD hands overflow / timeout destinations to routing, which is built after it (it asks the ACD about agents).
  const destinations: DestinationHandler = options.destinations ?? ((request) => inbound.destinationHandler(request));
  const acd = new Acd({ storage, media, clock, random: random.fork('acd'), logger, destinations, mediaRefs: mediaLibrary });
  acd.start();
  const inbound = new Routing({ storage, media, clock, random: random.fork('routing'), logger, acd, mediaRefs: mediaLibrary });
  inbound.start();
  const compliance = new Compliance({ storage, logger });
  const jobs = new JobRunner({ storage, clock, logger });
  await jobs.start();
  const publishDir = options.mediaFiles?.publishDir;
  const mediaPublisher = publishDir === undefined ? undefined : new MediaPublisher({ storage, dir: publishDir, logger, clock });
  // The publisher first: once an upload is on the media servers' disk, the library starts naming it.
  const observers: MediaFileObserver[] = mediaPublisher ? [mediaPublisher, mediaLibrary] : [mediaLibrary];
  const mediaFiles = new MediaFileStore(storage, { ...(options.mediaFiles?.maxBytes === undefined ? {} : { maxBytes: options.mediaFiles.maxBytes }), observers, logger });
  mediaPublisher?.start();
  const crm = {
    // Every customer write reaches the highlighted customers the screen asks.
    customers: new CustomerService(storage, clock, compliance.highlights),
    contacts: new ContactService(storage),
    imports: new CustomerImports({ storage, clock, jobs, screen: compliance.screen, highlights: compliance.highlights, logger }),
    connectedCalls: new ConnectedCallRecorder(storage, logger),
    attachments: new CustomerAttachments(storage, options.customerAttachments?.maxBytes === undefined ? {} : { maxBytes: options.customerAttachments.maxBytes }),
  };
  // An import tells the highlights of the numbers it adds to highlighted customers as each batch commits; re-read them
  // once it ends all the same, for what it cannot see (a job that another process ran).
  const importEnded = (job: Job) => {
    if (job.kind !== CUSTOMER_IMPORT_JOB || !FINISHED_STATUSES.includes(job.status)) return;
    compliance.highlights.reload(job.tenantId).catch((error: unknown) => logger.error({ err: error, tenantId: job.tenantId }, 'highlighted customers could not be reloaded after an import'));
  };
  jobs.events.on('job.status', importEnded);
  // Every conversation with a known customer leaves a contact record (manual §3.3.5).
  inbound.events.on('call.connected', (call) =>
    crm.connectedCalls.add({ tenantId: call.tenantId, callId: call.callId, agentNumber: call.agentNumber, callerNumber: call.callerNumber, packageId: call.customerPackageId }),
  );

  let closing: Promise<void> | undefined;
  const adapter = media;
  return {
    clock,
    random,
    logger,
    storage,
    media: adapter,
    simulator: adapter instanceof SimulatedPbx ? adapter : undefined,
    events,
    acd,
    routing: inbound,
    compliance,
    crm,
    jobs,
    mediaFiles,
    mediaLibrary,
    mediaPublisher,
    close() {
      closing ??= (async () => {
        await mediaPublisher?.close();
        await jobs.close();
        jobs.events.off('job.status', importEnded);
        await inbound.close();
        compliance.close();
        await crm.connectedCalls.flush();
        await acd.close();
        adapter.events.off('event', forward);
        adapter.events.off('disconnected', down);
        adapter.events.off('reconnected', up);
        try {
          await adapter.close();
        } finally {
          if (ownsStorage) await storage.close();
          events.emit('closed');
        }
      })();
      return closing;
    },
  };
}
