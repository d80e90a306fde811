import { z } from 'zod';

/**
 * Media files (manual §3.5.3): a tenant's voice files and hold music, played wherever a
 * `{ kind: 'file', name }` MediaRef names them (IVR prompts, voice broadcasts, queue music
 * and announcements, the blacklist treatment).
 */

/**
 * The name MediaRefs use. It becomes a file on the media server (the MediaLibrary plays it
 * as `tenants/<tenantId>/<name>`, the MediaPublisher writes `<name>.wav` there), so it is
 * kept to characters every file system and both adapters accept, with no dot (an extension
 * would change what the adapters append) and no slash.
 */
export const mediaFileNameSchema = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$/, 'letters, digits, _ and - (up to 100, starting with a letter or digit)');

/** Voice file: a short message for IVRs and broadcasts; hold music: what callers hear while they wait. */
export const mediaFileTypes = ['voice', 'hold-music'] as const;
export type MediaFileType = (typeof mediaFileTypes)[number];

export const audioFormats = ['wav', 'mp3'] as const;
export type AudioFormat = (typeof audioFormats)[number];

const categorySchema = z.string().trim().max(100);
const descriptionSchema = z.string().trim().max(1000);

/** What a user gives when uploading; the rest is measured from the content. */
export const newMediaFileSchema = z.object({
  name: mediaFileNameSchema,
  fileType: z.enum(mediaFileTypes).default('voice'),
  /** Free text classifying hold music ("Jazz", "Seasonal"); kept for voice files too, but the page only offers it for music. */
  musicCategory: categorySchema.default(''),
  description: descriptionSchema.default(''),
});
export type NewMediaFileInput = z.input<typeof newMediaFileSchema>;
export type NewMediaFile = z.output<typeof newMediaFileSchema>;

/** A change of the metadata; the audio itself never changes under an id. Fields left out stay as they are. */
export const mediaFilePatchSchema = z
  .object({ name: mediaFileNameSchema, fileType: z.enum(mediaFileTypes), musicCategory: categorySchema, description: descriptionSchema })
  .partial();
export type MediaFilePatch = z.input<typeof mediaFilePatchSchema>;

export const mediaFileSchema = z.object({
  id: z.string(),
  tenantId: z.string(),
  name: z.string(),
  fileType: z.enum(mediaFileTypes),
  musicCategory: z.string(),
  description: z.string(),
  /** Measured from the content, never from the file name or Content-Type. */
  format: z.enum(audioFormats),
  durationMs: z.number().int(),
  sizeBytes: z.number().int(),
  sampleRate: z.number().int(),
  channels: z.number().int(),
  /** Hex SHA-256 of the content: its ETag. */
  sha256: z.string(),
  createdAt: z.number().int(),
  updatedAt: z.number().int(),
});
export type MediaFile = z.output<typeof mediaFileSchema>;

/** A media file without its metadata for people: what the media library and the publisher keep of every tenant's files. */
export type MediaFileIndexEntry = Pick<MediaFile, 'id' | 'tenantId' | 'name' | 'sha256' | 'durationMs'>;

/** The media files page: global search over name and description, filters by type and music category. */
export const mediaFileQuerySchema = z.object({
  search: z.string().trim().max(100).optional(),
  fileType: z.enum(mediaFileTypes).optional(),
  /** Exact music category, any case. */
  musicCategory: z.string().trim().max(100).optional(),
  limit: z.number().int().min(1).max(1000).default(100),
  offset: z.number().int().min(0).default(0),
});
export type MediaFileQuery = z.input<typeof mediaFileQuerySchema>;
