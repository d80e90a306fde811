import type { Request, Response } from 'express';
import { z } from 'zod';
import {
  ValidationError,
  mediaFileNameSchema,
  mediaFilePatchSchema,
  mediaFileSchema,
  mediaFileTypes,
  type MediaFile,
} from '@switchboard/core';
import { reply, type Api } from '../http/api.js';
import { streamBytes } from '../http/download.js';
import { problemSchema } from '../http/problem.js';
import { readUpload } from '../http/upload.js';
import type { AppContext } from '../context.js';
import { requireManager, tenantOf } from './tenant-scope.js';

const tags = ['Media files'];
const idParams = z.object({ id: z.string().min(1).max(64) });
const fileOut = mediaFileSchema.omit({ tenantId: true });
const referrerSchema = z.object({ kind: z.string(), id: z.string(), name: z.string(), field: z.string() });
const binary = z.string().meta({ format: 'binary' });
const problemOut = (description: string) => ({ description, schema: problemSchema, contentType: 'application/problem+json' });

/** The text fields of an upload; the file itself is the part `file`. */
const uploadFieldsSchema = z.object({
  name: mediaFileNameSchema.optional().describe('What `{ "kind": "file", "name" }` MediaRefs call it; default: the file name without its extension'),
  fileType: z.enum(mediaFileTypes).default('voice').describe('`voice` (IVR prompts, broadcasts) or `hold-music`'),
  musicCategory: z.string().max(100).default('').describe('Free text classifying hold music'),
  description: z.string().max(1000).default(''),
});

const CONTENT_TYPES: Record<MediaFile['format'], string> = { wav: 'audio/wav', mp3: 'audio/mpeg' };

const out = ({ tenantId: _tenantId, ...file }: MediaFile) => file;

/** A file name made into a media file name: the extension dropped, other characters turned into `-`. */
function nameFromFilename(filename: string): string | undefined {
  const name = filename
    .replace(/^.*[\\/]/, '')
    .replace(/\.[^.]*$/, '')
    .replace(/[^A-Za-z0-9_-]+/g, '-')
    .replace(/^[-_]+|[-_]+$/g, '')
    .slice(0, 100);
  return name === '' ? undefined : name;
}

/**
 * Media files (manual §3.5.3): voice files and hold music of the caller's tenant. Uploads
 * are multipart/form-data, streamed with a size limit (413 past it) and judged by content
 * (400 naming the reason when it is not usable WAV or MP3). Deleting or renaming a file that
 * something plays is refused (409 listing what). The preview serves the stored bytes with
 * Range support; the download is always WAV (an MP3 is decoded).
 */
export function mediaFileRoutes(api: Api, ctx: AppContext): void {
  // The Switchboard's store: its uploads, renames and deletes reach the media library and the publisher.
  const { storage, mediaFiles: store } = ctx.switchboard;

  api.route({
    method: 'get',
    path: '/media-files',
    summary: "List the tenant's media files (manual §3.5.3), by name",
    tags,
    access: 'authenticated',
    query: z.object({
      search: z.string().max(100).optional().describe('Part of the name or description'),
      fileType: z.enum(mediaFileTypes).optional(),
      musicCategory: z.string().max(100).optional().describe('Exact music category, any case'),
      limit: z.coerce.number().int().min(1).max(1000).default(100),
      offset: z.coerce.number().int().min(0).default(0),
    }),
    responses: { 200: { description: 'One page', schema: z.object({ items: z.array(fileOut) }) } },
    handler: async ({ principal, req, query }) => {
      const tenantId = await tenantOf(storage, principal, req);
      const items = await store.list(tenantId, Object.fromEntries(Object.entries(query).filter(([, v]) => v !== undefined)));
      return { items: items.map(out) };
    },
  });

  api.route({
    method: 'get',
    path: '/media-files/categories',
    summary: 'The music categories in use, for the category picker',
    tags,
    access: 'authenticated',
    responses: { 200: { description: 'Distinct categories, sorted', schema: z.object({ items: z.array(z.string()) }) } },
    handler: async ({ principal, req }) => ({ items: await store.musicCategories(await tenantOf(storage, principal, req)) }),
  });

  api.route({
    method: 'post',
    path: '/media-files',
    summary: 'Upload a voice file or hold music (WAV or MP3)',
    description:
      `multipart/form-data with the audio in the part \`file\` and the text fields beside it. The format is judged by the content, ` +
      `never by the file name or its Content-Type: WAV (PCM 8/16-bit, A-law, µ-law; mono or stereo) or MP3 (MPEG layer III). ` +
      `Format, duration, sample rate, channels and size are measured. At most ${store.maxBytes} bytes.`,
    tags,
    access: 'authenticated',
    upload: {
      contentType: 'multipart/form-data',
      schema: uploadFieldsSchema.extend({ file: binary.describe(`The audio: WAV or MP3, at most ${store.maxBytes} bytes`) }),
      encoding: { file: { contentType: 'audio/wav, audio/mpeg, application/octet-stream' } },
    },
    responses: {
      201: { description: 'Stored, with what was measured', schema: fileOut },
      409: problemOut('A media file of that name exists'),
      413: problemOut('The file is larger than the limit'),
      415: problemOut('The body is not multipart/form-data'),
    },
    handler: async ({ principal, req, res }) => {
      requireManager(principal);
      const tenantId = await tenantOf(storage, principal, req);
      const upload = await readUpload(req, res, { fileField: 'file', maxFileBytes: store.maxBytes });
      const fields = uploadFieldsSchema.safeParse(upload.fields);
      if (!fields.success) throw new ValidationError(`Invalid upload: ${fields.error.issues[0]?.message ?? ''}`, fields.error.issues.map((i) => ({ path: ['body', ...i.path].join('.'), message: i.message })));
      const name = fields.data.name ?? nameFromFilename(upload.file.filename);
      if (name === undefined) throw new ValidationError('Invalid upload: give the media file a name', [{ path: 'body.name', message: 'required' }]);
      return reply(201, out(await store.upload(tenantId, { ...fields.data, name }, upload.file.bytes)));
    },
  });

  api.route({
    method: 'get',
    path: '/media-files/{id}',
    summary: 'Get a media file',
    tags,
    access: 'authenticated',
    params: idParams,
    responses: { 200: { description: 'The media file', schema: fileOut } },
    handler: async ({ principal, req, params }) => out(await store.get(await tenantOf(storage, principal, req), params.id)),
  });

  api.route({
    method: 'patch',
    path: '/media-files/{id}',
    summary: 'Change name, type, music category or description (the audio never changes under an id)',
    description: 'Renaming a file that something plays is refused (409 listing what): the IVR or queue would fall silent.',
    tags,
    access: 'authenticated',
    params: idParams,
    body: mediaFilePatchSchema,
    responses: { 200: { description: 'The media file now', schema: fileOut }, 409: problemOut('The name is taken, or the file is played under its old name') },
    handler: async ({ principal, req, params, body }) => {
      requireManager(principal);
      return out(await store.update(await tenantOf(storage, principal, req), params.id, body));
    },
  });

  api.route({
    method: 'delete',
    path: '/media-files/{id}',
    summary: 'Delete a media file, unless an IVR, broadcast, queue or the routing settings play it',
    tags,
    access: 'authenticated',
    params: idParams,
    responses: { 204: { description: 'Deleted' }, 409: problemOut('Still played; `detail` lists where') },
    handler: async ({ principal, req, params }) => {
      requireManager(principal);
      await store.delete(await tenantOf(storage, principal, req), params.id);
      return undefined;
    },
  });

  api.route({
    method: 'get',
    path: '/media-files/{id}/usage',
    summary: 'What plays the media file: IVR menus, voice broadcasts, agent groups, routing settings',
    tags,
    access: 'authenticated',
    params: idParams,
    responses: { 200: { description: 'Each place, with the field that names the file', schema: z.object({ items: z.array(referrerSchema) }) } },
    handler: async ({ principal, req, params }) => ({ items: await store.usage(await tenantOf(storage, principal, req), params.id) }),
  });

  api.route({
    method: 'get',
    path: '/media-files/{id}/content',
    summary: 'Preview: the stored audio as uploaded, with Range support for players',
    description: 'One byte range per request (`Range: bytes=0-1023`, `bytes=1024-`, `bytes=-500`); several ranges get the whole file. The ETag is the SHA-256 of the content.',
    tags,
    access: 'authenticated',
    params: idParams,
    responses: {
      200: { description: 'The whole file (audio/wav or audio/mpeg)', schema: binary, contentType: 'audio/*' },
      206: { description: 'The requested range', schema: binary, contentType: 'audio/*' },
      304: { description: 'Not modified (If-None-Match)' },
      416: { description: 'The range lies outside the file' },
    },
    handler: async ({ principal, req, res, params }) => {
      const { file, bytes } = await store.content(await tenantOf(storage, principal, req), params.id);
      sendAudio(req, res, file, bytes);
    },
  });

  api.route({
    method: 'get',
    path: '/media-files/{id}/download.wav',
    summary: 'Download as WAV: a WAV file as stored, an MP3 decoded to 16-bit PCM WAV',
    tags,
    access: 'authenticated',
    params: idParams,
    responses: { 200: { description: 'The WAV file, as an attachment named after the media file', schema: binary, contentType: 'audio/wav' } },
    handler: async ({ principal, req, res, params }) => {
      const wav = await store.wav(await tenantOf(storage, principal, req), params.id);
      res.status(200).type('audio/wav').attachment(`${wav.file.name}.wav`).set({ 'Content-Length': String(wav.byteLength), 'Cache-Control': 'private, no-cache' });
      if (req.method === 'HEAD') {
        res.end();
        return;
      }
      await streamBytes(res, wav.chunks, ctx.logger);
    },
  });
}

/** The stored bytes, whole or one range of them (RFC 9110 §14), revalidated by their SHA-256. */
function sendAudio(req: Request, res: Response, file: MediaFile, bytes: Buffer): void {
  const etag = `"${file.sha256}"`;
  res.set({
    'Content-Type': CONTENT_TYPES[file.format],
    'Content-Disposition': `inline; filename="${file.name}.${file.format}"`,
    'Accept-Ranges': 'bytes',
    ETag: etag,
    'Cache-Control': 'private, no-cache',
    'X-Content-Type-Options': 'nosniff',
  });
  const ifNoneMatch = req.get('if-none-match');
  if (ifNoneMatch !== undefined && ifNoneMatch.split(',').some((tag) => tag.trim() === etag || tag.trim() === '*')) {
    res.status(304).end();
    return;
  }
  // If-Range with another validator: the client's copy is stale, so it gets the whole file.
  const ifRange = req.get('if-range');
  const ranges = ifRange === undefined || ifRange === etag ? req.range(bytes.length, { combine: true }) : undefined;
  if (ranges === -1) {
    res.status(416).set('Content-Range', `bytes */${bytes.length}`).end();
    return;
  }
  if (Array.isArray(ranges) && ranges.type === 'bytes' && ranges.length === 1) {
    const { start, end } = ranges[0]!;
    res.status(206).set({ 'Content-Range': `bytes ${start}-${end}/${bytes.length}`, 'Content-Length': String(end - start + 1) });
    res.end(req.method === 'HEAD' ? undefined : bytes.subarray(start, end + 1));
    return;
  }
  // No Range, a malformed one (-2) or several: the whole file.
  res.status(200).set('Content-Length', String(bytes.length));
  res.end(req.method === 'HEAD' ? undefined : bytes);
}
