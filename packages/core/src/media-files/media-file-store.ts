import { ConflictError, ValidationError } from '../errors/errors.js';
import { silentLogger, type Logger } from '../logging/logger.js';
import type { Referrer } from '../routing/routing-graph.js';
import type { StorageRepositories } from '../storage/storage.js';
import { probeAudio } from './probe.js';
import type { MediaFile, MediaFilePatch, MediaFileQuery, NewMediaFileInput } from './model.js';
import { mediaFileReferrers } from './referrers.js';
import { wavRendition, type WavRendition } from './wav-export.js';

/** 20 MiB: minutes of hold music as MP3, about ten minutes of 16-bit 16 kHz WAV. */
export const DEFAULT_MEDIA_FILE_MAX_BYTES = 20 * 1024 * 1024;

export interface MediaFileStoreOptions {
  /** Largest file accepted, in bytes. Default DEFAULT_MEDIA_FILE_MAX_BYTES. */
  maxBytes?: number;
  /** Told of every upload, rename and delete once storage has it, in this order (the publisher, then the media library). */
  observers?: readonly MediaFileObserver[];
  /** Where an observer's failure is reported. */
  logger?: Logger;
}

/**
 * What follows a tenant's media files as they change: the MediaLibrary (which names a
 * tenant has) and the MediaPublisher (the files on the media servers' disk). Called after
 * the change is stored and awaited, so an upload that returns plays at once; a failure is
 * logged and never undoes or fails the change that storage already holds.
 */
export interface MediaFileObserver {
  added?(file: MediaFile, content: Uint8Array): void | Promise<void>;
  renamed?(file: MediaFile, previousName: string): void | Promise<void>;
  removed?(file: MediaFile): void | Promise<void>;
}

/**
 * The media files page (manual §3.5.3) over storage: uploads checked by content and size,
 * metadata changes, and deletes and renames refused while an IVR, a broadcast, a queue or
 * the routing settings still play the file by its name (409 listing them), plus the
 * stored bytes for a preview and a WAV rendition for the download. Each change is passed
 * on to the observers (the Switchboard's store: the media library and publisher).
 */
export class MediaFileStore {
  readonly maxBytes: number;
  private readonly observers: readonly MediaFileObserver[];
  private readonly logger: Logger;

  constructor(
    private readonly storage: StorageRepositories,
    options: MediaFileStoreOptions = {},
  ) {
    this.maxBytes = options.maxBytes ?? DEFAULT_MEDIA_FILE_MAX_BYTES;
    this.observers = options.observers ?? [];
    this.logger = options.logger ?? silentLogger;
  }

  list(tenantId: string, query: MediaFileQuery = {}): Promise<MediaFile[]> {
    return this.storage.mediaFiles.list(tenantId, query);
  }

  get(tenantId: string, id: string): Promise<MediaFile> {
    return this.storage.mediaFiles.getById(tenantId, id);
  }

  musicCategories(tenantId: string): Promise<string[]> {
    return this.storage.mediaFiles.musicCategories(tenantId);
  }

  /** Stores an upload: ValidationError when it is over the size limit or not usable WAV / MP3, ConflictError when the name is taken. */
  async upload(tenantId: string, input: NewMediaFileInput, content: Uint8Array): Promise<MediaFile> {
    if (content.byteLength > this.maxBytes) throw tooLarge(content.byteLength, this.maxBytes);
    const file = await this.storage.mediaFiles.create(tenantId, input, content);
    await this.tell(file, 'added', (o) => o.added?.(file, content));
    return file;
  }

  /** Changes metadata. A rename is refused while something plays the file by its old name: it would fall silent. */
  async update(tenantId: string, id: string, patch: MediaFilePatch): Promise<MediaFile> {
    const current = await this.storage.mediaFiles.getById(tenantId, id);
    const newName = patch.name?.trim();
    const renaming = newName !== undefined && newName !== current.name;
    if (renaming) await this.assertUnused(tenantId, current, 'rename');
    const file = await this.storage.mediaFiles.update(tenantId, id, patch);
    if (renaming) await this.tell(file, 'renamed', (o) => o.renamed?.(file, current.name));
    return file;
  }

  async delete(tenantId: string, id: string): Promise<void> {
    const current = await this.storage.mediaFiles.getById(tenantId, id);
    await this.assertUnused(tenantId, current, 'delete');
    await this.storage.mediaFiles.delete(tenantId, id);
    await this.tell(current, 'removed', (o) => o.removed?.(current));
  }

  /** What plays the file: IVR menus, voice broadcasts, agent groups' queue settings, the routing settings … */
  async usage(tenantId: string, id: string): Promise<Referrer[]> {
    const file = await this.storage.mediaFiles.getById(tenantId, id);
    return mediaFileReferrers(this.storage, tenantId, file.name);
  }

  /** The stored bytes, as uploaded, for the preview player. */
  async content(tenantId: string, id: string): Promise<{ file: MediaFile; bytes: Buffer }> {
    const file = await this.storage.mediaFiles.getById(tenantId, id);
    return { file, bytes: await this.storage.mediaFiles.content(tenantId, id) };
  }

  /** The download: a WAV file as stored, an MP3 decoded to 16-bit PCM WAV. */
  async wav(tenantId: string, id: string): Promise<{ file: MediaFile } & WavRendition> {
    const { file, bytes } = await this.content(tenantId, id);
    return { file, ...(await wavRendition(bytes, probeAudio(bytes))) };
  }

  private async tell(file: MediaFile, change: string, notify: (observer: MediaFileObserver) => void | Promise<void>): Promise<void> {
    for (const observer of this.observers) {
      try {
        await notify(observer);
      } catch (error) {
        this.logger.warn({ err: error, tenantId: file.tenantId, mediaFile: file.name, change }, 'a media file change was stored but not passed on');
      }
    }
  }

  private async assertUnused(tenantId: string, file: MediaFile, action: 'delete' | 'rename'): Promise<void> {
    const referrers = await mediaFileReferrers(this.storage, tenantId, file.name);
    if (referrers.length === 0) return;
    const list = referrers.map((r) => `${r.kind} "${r.name}" (${r.field})`).join('; ');
    throw new ConflictError(`Cannot ${action} media file "${file.name}": still played by ${list}`, { details: { referrers } });
  }
}

/** The one refusal the server answers with 413 rather than 400: `details.reason` says which. */
export function tooLarge(sizeBytes: number, maxBytes: number): ValidationError {
  const reason = `the file has ${sizeBytes} bytes, more than the limit of ${maxBytes}`;
  return new ValidationError(`Media file too large: ${reason}`, [{ path: 'file', message: reason }], { details: { reason: 'too-large', maxBytes } });
}
