import { randomBytes } from 'node:crypto';
import type { Dirent } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rmdir, stat, unlink, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { Clock, TimerHandle } from '../clock/clock.js';
import { SystemClock } from '../clock/system-clock.js';
import { NotFoundError } from '../errors/errors.js';
import { silentLogger, type Logger } from '../logging/logger.js';
import type { StorageRepositories } from '../storage/storage.js';
import type { MediaFileObserver } from './media-file-store.js';
import { isPublishableTenantId, TENANT_MEDIA_DIR } from './media-library.js';
import type { MediaFile } from './model.js';
import { probeAudio } from './probe.js';
import { TELEPHONY_RENDITION, telephonyWav } from './telephony-wav.js';

export interface MediaPublisherOptions {
  storage: StorageRepositories;
  /**
   * The directory the media servers read their sounds from (the adapters' `soundsDir`), or
   * one synced to it. Files go to `<dir>/tenants/<tenantId>/<name>.wav`; nothing else in
   * it is touched.
   */
  dir: string;
  logger?: Logger;
  /** Times the retry after a failure. */
  clock?: Clock;
  /** After a failed write or removal, reconcile again this long later. Default one minute. */
  retryMs?: number;
}

/** What a reconcile did. */
export interface ReconcileReport {
  /** Files written because they were missing or stale. */
  written: number;
  /** Files already published with the content storage has. */
  unchanged: number;
  /** Files removed because storage no longer has them. */
  removed: number;
  /** Files that could not be written or removed (logged; retried). */
  failed: number;
}

/** A temporary file older than this, and not one this process is writing, was left by a crash. */
const STALE_TEMP_MS = 10 * 60_000;
const WAV = /^([A-Za-z0-9][A-Za-z0-9_-]*)\.wav$/;
const SIDECAR = /^([A-Za-z0-9][A-Za-z0-9_-]*)\.wav\.sha256$/;
const TEMP = /^\..*\.tmp$/;

const isMissing = (error: unknown) => (error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';

async function removeFile(path: string): Promise<boolean> {
  try {
    await unlink(path);
    return true;
  } catch (error) {
    if (isMissing(error)) return false;
    throw error;
  }
}

/**
 * Puts every tenant's media files where the media servers play them: each as a telephony
 * WAV (8 kHz, mono, 16-bit PCM — see telephony-wav.ts) at
 * `<dir>/tenants/<tenantId>/<name>.wav`, the name the MediaLibrary resolves the tenant's
 * `file` refs to. It observes the MediaFileStore: an upload is written, a rename moves the
 * file, a delete removes it. Every file is written to a temporary name and renamed into
 * place, so a media server never reads half a file. Beside each file, `<name>.wav.sha256`
 * holds the SHA-256 of the content it was made from (and the rendition), so `reconcile` —
 * at start, and a minute after any failure — rewrites exactly what is missing or stale
 * and removes what storage no longer has. Failures are logged; the upload that storage
 * already holds stands.
 */
export class MediaPublisher implements MediaFileObserver {
  readonly dir: string;
  private readonly storage: StorageRepositories;
  private readonly logger: Logger;
  private readonly clock: Clock;
  private readonly retryMs: number;
  /** The last work queued per file (`tenantId/name`): work on one file runs in order, different files at once. */
  private readonly locks = new Map<string, Promise<void>>();
  /** Temporary files being written now: a reconcile leaves them alone. */
  private readonly writing = new Set<string>();
  private readonly pending = new Set<Promise<unknown>>();
  private retryTimer: TimerHandle | undefined;
  private closed = false;

  constructor(options: MediaPublisherOptions) {
    this.dir = resolve(options.dir);
    this.storage = options.storage;
    this.logger = (options.logger ?? silentLogger).child({ component: 'media-publisher' });
    this.clock = options.clock ?? new SystemClock();
    this.retryMs = options.retryMs ?? 60_000;
  }

  /** Where a tenant's file is published. */
  pathOf(tenantId: string, name: string): string {
    return join(this.dir, TENANT_MEDIA_DIR, tenantId, `${name}.wav`);
  }

  /** Starts reconciling the directory with storage in the background (see `idle`). */
  start(): void {
    this.background(() => this.reconcile());
  }

  /** Resolves when the work started so far (reconciles, writes, removals) has finished. */
  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  /** Stops: no retry, a running reconcile ends after its current file, and the writes under way finish. */
  async close(): Promise<void> {
    this.closed = true;
    this.clock.clearTimer(this.retryTimer);
    this.retryTimer = undefined;
    await this.idle();
  }

  /**
   * Makes the directory match storage: writes every file that is missing, or whose sidecar
   * names other content or another rendition; removes the published files (and leftovers
   * of interrupted writes) of media files storage no longer has.
   */
  async reconcile(): Promise<ReconcileReport> {
    const report: ReconcileReport = { written: 0, unchanged: 0, removed: 0, failed: 0 };
    // The directory is read before storage: a file published after the scan is not in it,
    // and one in it was stored before it was written, so storage (read next) knows it.
    const onDisk = await this.scan();
    const entries = await this.storage.mediaFiles.index();
    const wanted = new Map<string, Map<string, (typeof entries)[number]>>();
    for (const entry of entries) {
      if (!isPublishableTenantId(entry.tenantId)) continue;
      let names = wanted.get(entry.tenantId);
      if (!names) wanted.set(entry.tenantId, (names = new Map()));
      names.set(entry.name, entry);
    }

    for (const [tenantId, files] of onDisk) {
      const keep = wanted.get(tenantId);
      for (const name of files.names) {
        if (this.closed) return report;
        if (keep?.has(name)) continue;
        await this.counted(report, 'removed', tenantId, name, () => this.removeStale(tenantId, name));
      }
      for (const temp of files.temps) await this.removeTemp(join(this.dir, TENANT_MEDIA_DIR, tenantId, temp));
      if (!keep) await this.removeDirIfEmpty(tenantId);
    }

    for (const [tenantId, files] of wanted) {
      for (const entry of files.values()) {
        if (this.closed) return report;
        const outcome = await this.counted(report, 'written', tenantId, entry.name, () =>
          this.withLock([key(tenantId, entry.name)], async () => {
            if (await this.isCurrent(tenantId, entry.name, entry.sha256)) return false;
            let content: Buffer;
            try {
              content = await this.storage.mediaFiles.content(tenantId, entry.id);
            } catch (error) {
              if (error instanceof NotFoundError) return false; // deleted meanwhile: its removal follows
              throw error;
            }
            await this.write(tenantId, entry.name, entry.sha256, content);
            return true;
          }),
        );
        if (outcome === false) report.unchanged++;
      }
    }
    if (report.failed > 0) this.retryLater();
    const level = report.written + report.removed + report.failed > 0 ? 'info' : 'debug';
    this.logger[level]({ dir: this.dir, ...report }, 'media files reconciled with the media servers’ directory');
    return report;
  }

  // ── MediaFileObserver ────────────────────────────────────────────────────────

  async added(file: MediaFile, content: Uint8Array): Promise<void> {
    await this.observed(file, 'publish', () => this.withLock([key(file.tenantId, file.name)], () => this.write(file.tenantId, file.name, file.sha256, content)));
  }

  async renamed(file: MediaFile, previousName: string): Promise<void> {
    const { tenantId } = file;
    await this.observed(file, 'move', () =>
      this.withLock([key(tenantId, previousName), key(tenantId, file.name)], async () => {
        const from = this.pathOf(tenantId, previousName);
        const to = this.pathOf(tenantId, file.name);
        if (await this.isCurrent(tenantId, previousName, file.sha256)) {
          // The audio never changes under an id: the published file moves as it is.
          await rename(from, to);
          await rename(`${from}.sha256`, `${to}.sha256`);
        } else {
          await this.write(tenantId, file.name, file.sha256, await this.storage.mediaFiles.content(tenantId, file.id));
          await this.remove(tenantId, previousName);
        }
      }),
    );
  }

  async removed(file: MediaFile): Promise<void> {
    await this.observed(file, 'remove', () =>
      this.withLock([key(file.tenantId, file.name)], async () => {
        await this.remove(file.tenantId, file.name);
        await this.removeDirIfEmpty(file.tenantId);
      }),
    );
  }

  // ── the files ────────────────────────────────────────────────────────────────

  /** Writes the telephony rendition and then its sidecar, each to a temporary name renamed into place. */
  private async write(tenantId: string, name: string, sha256: string, content: Uint8Array): Promise<void> {
    if (!isPublishableTenantId(tenantId)) throw new Error(`Tenant id "${tenantId}" cannot be a directory name`);
    await mkdir(join(this.dir, TENANT_MEDIA_DIR, tenantId), { recursive: true, mode: 0o755 });
    const path = this.pathOf(tenantId, name);
    const rendition = await telephonyWav(content, probeAudio(content));
    await this.atomically(path, async (handle) => {
      let written = 0;
      for await (const chunk of rendition.chunks) {
        await handle.write(chunk);
        written += chunk.length;
      }
      if (written !== rendition.byteLength) throw new Error(`The rendition of "${name}" has ${written} bytes, not the ${rendition.byteLength} its header announces`);
    });
    await this.atomically(`${path}.sha256`, (handle) => handle.write(`${sha256} ${TELEPHONY_RENDITION}\n`).then(() => undefined));
  }

  private async atomically(path: string, fill: (handle: FileHandle) => Promise<void>): Promise<void> {
    const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
    this.writing.add(temp);
    try {
      const handle = await open(temp, 'wx', 0o644);
      try {
        await fill(handle);
        // On the disk (or the NFS server) before the name points at it.
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temp, path);
    } catch (error) {
      await removeFile(temp).catch(() => undefined);
      throw error;
    } finally {
      this.writing.delete(temp);
    }
  }

  /** Whether the published file exists and was made from this content with this rendition. */
  private async isCurrent(tenantId: string, name: string, sha256: string): Promise<boolean> {
    const path = this.pathOf(tenantId, name);
    try {
      const [sidecar, wav] = await Promise.all([readFile(`${path}.sha256`, 'utf8'), stat(path)]);
      return wav.isFile() && sidecar.trim() === `${sha256} ${TELEPHONY_RENDITION}`;
    } catch (error) {
      if (isMissing(error)) return false;
      throw error;
    }
  }

  /** Removes the file (first) and its sidecar; true when there was a file. */
  private async remove(tenantId: string, name: string): Promise<boolean> {
    const path = this.pathOf(tenantId, name);
    const had = await removeFile(path);
    await removeFile(`${path}.sha256`);
    return had;
  }

  /** A file storage did not have when the reconcile began: removed unless it was uploaded since. */
  private async removeStale(tenantId: string, name: string): Promise<boolean> {
    return this.withLock([key(tenantId, name)], async () => {
      if (isPublishableTenantId(tenantId) && (await this.storage.mediaFiles.findByName(tenantId, name))) return false;
      await this.remove(tenantId, name);
      return true;
    });
  }

  private async removeTemp(path: string): Promise<void> {
    if (this.writing.has(path)) return;
    try {
      // Another process sharing the directory may be writing it: only old ones are leftovers. (The file system's own clock.)
      if (Date.now() - (await stat(path)).mtimeMs < STALE_TEMP_MS) return;
      await removeFile(path);
    } catch (error) {
      if (!isMissing(error)) this.logger.warn({ err: error, path }, 'could not remove a leftover temporary media file');
    }
  }

  private async removeDirIfEmpty(tenantId: string): Promise<void> {
    try {
      await rmdir(join(this.dir, TENANT_MEDIA_DIR, tenantId));
    } catch {
      // Not empty (other files, or a write under way), or already gone: either way it stays as it is.
    }
  }

  /** Per tenant folder under `tenants/`: the media names it has files of, and temporary files. */
  private async scan(): Promise<Map<string, { names: Set<string>; temps: string[] }>> {
    const found = new Map<string, { names: Set<string>; temps: string[] }>();
    const root = join(this.dir, TENANT_MEDIA_DIR);
    let tenants: Dirent[];
    try {
      tenants = await readdir(root, { withFileTypes: true });
    } catch (error) {
      if (isMissing(error)) return found;
      throw error;
    }
    for (const tenant of tenants) {
      if (!tenant.isDirectory()) continue;
      const names = new Set<string>();
      const temps: string[] = [];
      for (const file of await readdir(join(root, tenant.name))) {
        const name = WAV.exec(file)?.[1] ?? SIDECAR.exec(file)?.[1];
        if (name !== undefined) names.add(name);
        else if (TEMP.test(file)) temps.push(file);
      }
      found.set(tenant.name, { names, temps });
    }
    return found;
  }

  // ── bookkeeping ──────────────────────────────────────────────────────────────

  /** Runs work on the files named by `keys` after the work queued before on any of them. */
  private async withLock<T>(keys: string[], work: () => Promise<T>): Promise<T> {
    const sorted = [...new Set(keys)].sort();
    const before = sorted.map((k) => this.locks.get(k));
    let release!: () => void;
    const mine = new Promise<void>((done) => (release = done));
    for (const k of sorted) this.locks.set(k, mine);
    await Promise.all(before);
    try {
      return await work();
    } finally {
      release();
      for (const k of sorted) if (this.locks.get(k) === mine) this.locks.delete(k);
    }
  }

  /** A change told by the MediaFileStore: done now (the upload waits for it), a failure logged and retried later. */
  private async observed(file: MediaFile, action: string, work: () => Promise<void>): Promise<void> {
    if (this.closed) return;
    const running = work();
    this.track(running);
    try {
      await running;
    } catch (error) {
      this.logger.warn({ err: error, tenantId: file.tenantId, mediaFile: file.name, action }, 'could not update the published media file; the next reconcile repairs it');
      this.retryLater();
    }
  }

  /** One file of a reconcile: its outcome, or undefined when it failed (counted and logged). */
  private async counted<T>(report: ReconcileReport, field: 'written' | 'removed', tenantId: string, name: string, work: () => Promise<T>): Promise<T | undefined> {
    try {
      const outcome = await work();
      if (outcome === true) report[field]++;
      return outcome;
    } catch (error) {
      report.failed++;
      this.logger.warn({ err: error, tenantId, mediaFile: name, action: field === 'written' ? 'publish' : 'remove' }, 'could not publish a media file; retrying later');
      return undefined;
    }
  }

  private background(work: () => Promise<unknown>): void {
    if (this.closed) return;
    const running = work().catch((error: unknown) => {
      this.logger.warn({ err: error, dir: this.dir }, 'could not reconcile the published media files; retrying later');
      this.retryLater();
    });
    this.track(running);
  }

  private track(running: Promise<unknown>): void {
    const settled = running.then(
      () => undefined,
      () => undefined,
    );
    this.pending.add(settled);
    void settled.then(() => this.pending.delete(settled));
  }

  private retryLater(): void {
    if (this.closed || this.retryTimer) return;
    this.retryTimer = this.clock.setTimer(this.retryMs, () => {
      this.retryTimer = undefined;
      this.background(() => this.reconcile());
    });
  }
}

const key = (tenantId: string, name: string) => `${tenantId}/${name}`;
