import { createHash } from 'node:crypto';
import { ConflictError, NotFoundError } from '../../errors/errors.js';
import { parseOrThrow } from '../../errors/zod.js';
import {
  mediaFilePatchSchema,
  mediaFileQuerySchema,
  newMediaFileSchema,
  type MediaFile,
  type MediaFileIndexEntry,
  type MediaFilePatch,
  type MediaFileQuery,
  type NewMediaFileInput,
} from '../../media-files/model.js';
import { probeAudio } from '../../media-files/probe.js';
import { TenantScopedRepository } from '../repository.js';
import { RowCodec, type Row } from '../row-codec.js';
import { escapeLike } from './agents.js';

const CONTENTS = 'media_file_contents';

const nameTaken = (name: string | undefined, cause: unknown) =>
  new ConflictError(`A media file named "${name ?? ''}" already exists`, { cause, details: { field: 'name', name } });

/**
 * Media files (manual §3.5.3). The metadata lives in `media_files`; the audio in
 * `media_file_contents`, written in the same transaction and removed with it (cascade).
 * `create` measures the content itself (format, duration, sample rate, channels, SHA-256),
 * so a stored row always describes its bytes. Size limits are the caller's (MediaFileStore).
 */
export class MediaFileRepository extends TenantScopedRepository<MediaFile> {
  protected readonly table = 'media_files';
  protected readonly entityName = 'Media file';
  protected readonly codec = new RowCodec<MediaFile>({
    id: 'text',
    tenantId: 'text',
    name: 'text',
    fileType: 'text',
    musicCategory: 'text',
    description: 'text',
    format: 'text',
    durationMs: 'number',
    sizeBytes: 'number',
    sampleRate: 'number',
    channels: 'number',
    sha256: 'text',
    createdAt: 'number',
    updatedAt: 'number',
  });

  /** Validates the metadata, probes the content (ValidationError when it is not usable WAV or MP3) and stores both. */
  async create(tenantId: string, input: NewMediaFileInput, content: Uint8Array): Promise<MediaFile> {
    const values = parseOrThrow(newMediaFileSchema, input, 'media file');
    const info = probeAudio(content);
    const measured = {
      format: info.format,
      durationMs: info.durationMs,
      sizeBytes: content.byteLength,
      sampleRate: info.sampleRate,
      channels: info.channels,
      sha256: createHash('sha256').update(content).digest('hex'),
    };
    return this.run(() =>
      this.ctx.db.transaction(async (trx) => {
        const repo = new MediaFileRepository({ ...this.ctx, db: trx });
        const file = await repo.insertOne(tenantId, { ...values, ...measured }, { conflict: (cause) => nameTaken(values.name, cause) });
        await trx(CONTENTS).insert({ tenant_id: tenantId, media_file_id: file.id, content: Buffer.from(content.buffer, content.byteOffset, content.byteLength) });
        return file;
      }),
    );
  }

  async findByName(tenantId: string, name: string): Promise<MediaFile | undefined> {
    const row = (await this.run(() => this.scoped(tenantId).where('name', name.trim()).first())) as Row | undefined;
    return row === undefined ? undefined : this.codec.fromRow(row);
  }

  /** By name; `search` matches name or description anywhere, any case; `musicCategory` matches exactly, any case. */
  async list(tenantId: string, query: MediaFileQuery = {}): Promise<MediaFile[]> {
    const { search, fileType, musicCategory, limit, offset } = parseOrThrow(mediaFileQuerySchema, query, 'media file query');
    const rows = (await this.run(() => {
      const q = this.scoped(tenantId).orderBy([{ column: 'name' }, { column: 'id' }]).limit(limit).offset(offset);
      if (search) {
        const pattern = `%${escapeLike(search.toLowerCase())}%`;
        q.where((w) => w.whereRaw("lower(name) like ? escape '\\'", [pattern]).orWhereRaw("lower(description) like ? escape '\\'", [pattern]));
      }
      if (fileType) q.where('file_type', fileType);
      if (musicCategory) q.whereRaw('lower(music_category) = ?', [musicCategory.toLowerCase()]);
      return q;
    })) as Row[];
    return rows.map((row) => this.codec.fromRow(row));
  }

  /**
   * Every tenant's media files, without their bytes: the one query across tenants, for
   * what keeps all of them in view (the media library's names, the publisher's reconcile).
   */
  async index(): Promise<MediaFileIndexEntry[]> {
    const rows = (await this.run(() =>
      this.ctx.db(this.table).select('id', 'tenant_id', 'name', 'sha256', 'duration_ms').orderBy([{ column: 'tenant_id' }, { column: 'name' }]),
    )) as Array<{ id: string; tenant_id: string; name: string; sha256: string; duration_ms: number | string }>;
    return rows.map((row) => ({ id: row.id, tenantId: row.tenant_id, name: row.name, sha256: row.sha256, durationMs: Number(row.duration_ms) }));
  }

  /** The music categories in use, for the page's category picker: distinct, non-empty, sorted. */
  async musicCategories(tenantId: string): Promise<string[]> {
    const rows = (await this.run(() => this.scoped(tenantId).whereNot('music_category', '').distinct('music_category').orderBy('music_category'))) as Array<{ music_category: string }>;
    return rows.map((row) => row.music_category);
  }

  /** Changes the metadata a patch names; the audio never changes under an id. */
  async update(tenantId: string, id: string, patch: MediaFilePatch): Promise<MediaFile> {
    const values = parseOrThrow(mediaFilePatchSchema, patch, 'media file');
    return this.updateOne(tenantId, id, values, { conflict: (cause) => nameTaken(values.name, cause) });
  }

  /** Removes the file and its content. Whether something still plays it is the MediaFileStore's check. */
  async delete(tenantId: string, id: string): Promise<void> {
    await this.deleteOne(tenantId, id);
  }

  /** The stored bytes. */
  async content(tenantId: string, id: string): Promise<Buffer> {
    const row = (await this.run(() => this.ctx.db(CONTENTS).where({ tenant_id: tenantId, media_file_id: id }).first('content'))) as { content: unknown } | undefined;
    if (row === undefined) throw new NotFoundError(this.entityName, id);
    const { content } = row;
    return Buffer.isBuffer(content) ? content : Buffer.from(content as Uint8Array);
  }
}
