import { z } from 'zod';
import { ForbiddenError, type AttachmentReader, type CustomerAttachment } from '@switchboard/core';
import type { Principal } from '../auth/principal.js';
import { reply, type Api } from '../http/api.js';
import { problemSchema } from '../http/problem.js';
import { readUpload } from '../http/upload.js';
import type { AppContext } from '../context.js';
import { customerScopeOf, isSupervisor, tenantOf } from './tenant-scope.js';

const tags = ['Customers'];
const idParams = z.object({ id: z.string().min(1).max(64) });
const binary = z.string().meta({ format: 'binary' });
const problemOut = (description: string) => ({ description, schema: problemSchema, contentType: 'application/problem+json' });

const attachmentOut = z.object({
  id: z.string().describe("What a customer's attachment field holds (`custom: {contract: [id]}`)"),
  fileName: z.string().describe('The uploaded file name, made safe: no path, no control characters, at most 200 characters'),
  contentType: z.string().describe('Judged from the bytes: application/pdf, image/png, image/jpeg, image/gif, image/webp, text/plain; charset=utf-8, else application/octet-stream'),
  sizeBytes: z.number().int(),
  sha256: z.string().describe('SHA-256 of the bytes, hex'),
  createdAt: z.number().int(),
  createdBy: z.string().nullable().describe('Username of the uploader'),
});

const out = ({ tenantId: _tenantId, ...attachment }: CustomerAttachment) => attachment;

/** The caller as a reader of attachments: its role's field permissions and its customers, as when it reads a customer. */
const readerOf = (principal: Principal | undefined): AttachmentReader => ({ ...customerScopeOf(principal), role: principal!.role, username: principal!.username });

const notReadable = problemOut(
  'No attachment of the tenant with this id, or none the caller may read: it may read an attachment as it may read a customer holding it (an agent, its own customers; ' +
    'not through a field hidden from its role; not in a closed package), and one no customer holds yet if it uploaded it or is a supervisor or administrator',
);

/**
 * `attachment; filename="ascii fallback"; filename*=UTF-8''percent-encoded` (RFC 6266, RFC 8187):
 * always a download, never shown inline, under the name it was uploaded with.
 */
export function attachmentDisposition(fileName: string): string {
  const fallback = fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  const encoded = encodeURIComponent(fileName).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}

/**
 * Files for customers' attachment fields (manual §3.2.1 "Attachment — Select an attachment
 * to upload"): upload one (multipart/form-data, streamed with a size limit), put its id in a
 * customer's attachment field, download it again. Whoever may edit customers — every user of
 * the tenant — may upload; an attachment is read as the customers holding it are
 * (`CustomerAttachments.mayRead`), and one the caller may not read is not found (404), so an
 * id tells nothing. Deleting is for the uploader, supervisors and administrators, and is
 * refused while a customer's attachment field holds the file.
 * Downloads are always attachments with `nosniff` and a sandboxing CSP, so an uploaded HTML
 * page is never rendered by the browser on the API's origin.
 */
export function customerAttachmentRoutes(api: Api, ctx: AppContext): void {
  const { storage } = ctx.switchboard;
  const attachments = ctx.switchboard.crm.attachments;

  api.route({
    method: 'post',
    path: '/customer-attachments',
    summary: "Upload a file for a customer's attachment field",
    description:
      `multipart/form-data with the file in the part \`file\`. The content type is judged from the bytes, never from the file name or the part's Content-Type. ` +
      `At most ${attachments.maxBytes} bytes (413 past it). Put the returned \`id\` in a customer's attachment field (POST or PATCH /customers); ` +
      'a customer write naming an id that is no attachment of the tenant is refused with 400.',
    tags,
    access: 'authenticated',
    upload: {
      contentType: 'multipart/form-data',
      schema: z.object({ file: binary.describe(`The file, at most ${attachments.maxBytes} bytes`) }),
      encoding: { file: { contentType: 'application/octet-stream, application/pdf, image/*, text/plain' } },
    },
    responses: {
      201: { description: 'Stored, with what was measured', schema: attachmentOut },
      413: problemOut('The file is larger than the limit'),
      415: problemOut('The body is not multipart/form-data'),
    },
    handler: async ({ principal, req, res }) => {
      const tenantId = await tenantOf(storage, principal, req);
      const upload = await readUpload(req, res, { fileField: 'file', maxFileBytes: attachments.maxBytes });
      return reply(201, out(await attachments.upload(tenantId, { fileName: upload.file.filename, createdBy: principal!.username }, upload.file.bytes)));
    },
  });

  api.route({
    method: 'get',
    path: '/customer-attachments/{id}',
    summary: 'An attachment: name, content type, size, SHA-256, who uploaded it and when',
    tags,
    access: 'authenticated',
    params: idParams,
    responses: { 200: { description: 'The attachment', schema: attachmentOut }, 404: notReadable },
    handler: async ({ principal, req, params }) => out(await attachments.get(await tenantOf(storage, principal, req), params.id, readerOf(principal))),
  });

  api.route({
    method: 'get',
    path: '/customer-attachments/{id}/content',
    summary: 'Download an attachment: the bytes as uploaded',
    description:
      "Always `Content-Disposition: attachment` with the file name (`filename*=UTF-8''…`), `X-Content-Type-Options: nosniff` and " +
      "`Content-Security-Policy: default-src 'none'; sandbox`: the browser saves the file and never renders it on this origin.",
    tags,
    access: 'authenticated',
    params: idParams,
    responses: { 200: { description: 'The file, with the content type judged at upload', schema: binary, contentType: 'application/octet-stream' }, 404: notReadable },
    handler: async ({ principal, req, res, params }) => {
      const { attachment, bytes } = await attachments.content(await tenantOf(storage, principal, req), params.id, readerOf(principal));
      res.status(200).set({
        'Content-Type': attachment.contentType,
        'Content-Length': String(bytes.length),
        'Content-Disposition': attachmentDisposition(attachment.fileName),
        'X-Content-Type-Options': 'nosniff',
        'Content-Security-Policy': "default-src 'none'; sandbox",
        'Cache-Control': 'private, no-store',
      });
      res.end(req.method === 'HEAD' ? undefined : bytes);
    },
  });

  api.route({
    method: 'delete',
    path: '/customer-attachments/{id}',
    summary: "Delete an attachment, unless a customer's attachment field holds it",
    description:
      'The uploader, supervisors and tenant administrators may delete. While a customer holds the id, 409 names the customers (`details.referrers`): take it out of their attachment field first. ' +
      'An attachment the caller may not read is not found (404), as on GET.',
    tags,
    access: 'authenticated',
    params: idParams,
    responses: {
      204: { description: 'Deleted, with its bytes' },
      403: problemOut('The caller may read it, but is neither the uploader nor a supervisor'),
      404: notReadable,
      409: problemOut('A customer still holds it; `detail` names who'),
    },
    handler: async ({ principal, req, params }) => {
      const tenantId = await tenantOf(storage, principal, req);
      const attachment = await attachments.get(tenantId, params.id, readerOf(principal));
      if (!isSupervisor(principal) && attachment.createdBy !== principal!.username) throw new ForbiddenError('Only the uploader, a supervisor or a tenant administrator may delete an attachment');
      await attachments.delete(tenantId, params.id);
      return undefined;
    },
  });
}
