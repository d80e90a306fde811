import type { Request } from 'express';
import { z } from 'zod';
import { dncEntrySchema, dncStatuses, ValidationError } from '@switchboard/core';
import { reply, type Api } from '../http/api.js';
import type { AppContext } from '../context.js';
import { idParams, packageBody, packageQuery } from './crm-params.js';
import { requireManager, requireSupervisor, tenantOf } from './tenant-scope.js';

/** Numbers as the DNC page takes them (§3.7.6): a list, or text separated by commas or line breaks. */
const numbersSchema = z
  .union([z.array(z.string().max(40)).max(100_000), z.string().max(2_000_000)])
  .transform((value) => (Array.isArray(value) ? value : value.split(/[\r\n,;]+/)).map((n) => n.trim()).filter((n) => n !== ''));
const filterQuery = z.object({
  customerPackageId: packageQuery,
  status: z.enum(dncStatuses).optional(),
  search: z.string().max(60).optional(),
});
const entryResponse = dncEntrySchema.omit({ tenantId: true });
const skippedSchema = z.array(z.object({ number: z.string(), reason: z.string() }));
const importReportSchema = z.object({
  lines: z.number().int(),
  imported: z.number().int(),
  skipped: z.number().int(),
  firstSkipped: z.array(z.object({ line: z.number().int(), number: z.string() })),
  errorCount: z.number().int(),
  errors: z.array(z.object({ line: z.number().int(), text: z.string(), message: z.string() })),
});

/** A streamed import's body: at most this many bytes (about ten million lines). */
const MAX_IMPORT_BYTES = 256 * 1024 * 1024;

/** Do-not-call lists (manual §3.7.6, §3.3 3.3–3.4) and the screening every outbound path uses. */
export function dncRoutes(api: Api, ctx: AppContext): void {
  const { storage, compliance } = ctx.switchboard;
  const tags = ['Do not call'];

  api.route({
    method: 'get',
    path: '/dnc',
    summary: 'DNC entries, newest first, by package, status (`pending` is the review list) and search (digits of the number, or the reason)',
    tags,
    access: 'authenticated',
    query: filterQuery.extend({
      limit: z.coerce.number().int().min(1).max(1000).default(100),
      offset: z.coerce.number().int().min(0).default(0),
    }),
    responses: { 200: { description: 'One page', schema: z.object({ items: z.array(entryResponse) }) } },
    handler: async ({ principal, req, query }) => ({ items: await compliance.dnc.list(await tenantOf(storage, principal, req), defined(query)) }),
  });

  api.route({
    method: 'post',
    path: '/dnc',
    summary: 'Add numbers to a package\'s DNC list; numbers already listed or unreadable are reported, the rest land',
    tags,
    access: 'authenticated',
    body: z.object({ customerPackageId: packageBody, numbers: numbersSchema, status: z.enum(['enabled', 'disabled']).default('enabled'), reason: z.string().trim().max(500).default('') }),
    responses: { 201: { description: 'What was added and what was not', schema: z.object({ added: z.array(entryResponse), skipped: skippedSchema }) } },
    handler: async ({ principal, req, body }) => {
      requireSupervisor(principal);
      const tenantId = await tenantOf(storage, principal, req);
      return reply(201, await compliance.dnc.add(tenantId, { ...body, by: principal!.username }));
    },
  });

  api.route({
    method: 'post',
    path: '/dnc/submissions',
    summary: 'An agent asks for a number not to be called (from a customer\'s page), with a reason; it stops calls once reviewed',
    tags,
    access: 'authenticated',
    body: z.object({ customerPackageId: packageBody, number: z.string().trim().min(1).max(40), reason: z.string().trim().min(1).max(500) }),
    responses: { 201: { description: 'Waiting for review', schema: entryResponse } },
    handler: async ({ principal, req, body }) => {
      const tenantId = await tenantOf(storage, principal, req);
      return reply(201, await compliance.dnc.submit(tenantId, { ...body, by: principal!.username }));
    },
  });

  api.route({
    method: 'post',
    path: '/dnc/import',
    summary: 'Import `number,reason` lines into a package: a `text/csv` body streamed as it arrives, or `{"csv": "…"}`',
    description:
      'Send the file as the request body with `Content-Type: text/csv` (or `text/plain`; up to 256 MiB, read as it streams in), or small files as JSON `{"csv": "…"}`. ' +
      'A header line and blank lines are skipped. Lines that are not phone numbers are reported with their line number; numbers already listed are skipped and counted; every other line lands.',
    tags,
    access: 'authenticated',
    query: z.object({ customerPackageId: packageQuery, status: z.enum(['enabled', 'disabled']).default('enabled') }),
    body: z.object({ csv: z.string().optional() }),
    responses: { 200: { description: 'What the import did, line by line', schema: importReportSchema } },
    handler: async ({ principal, req, query, body }) => {
      requireSupervisor(principal);
      const tenantId = await tenantOf(storage, principal, req);
      let csv: string | AsyncIterable<Uint8Array>;
      if (body.csv !== undefined) csv = body.csv;
      else if (req.is(['text/*', 'application/octet-stream'])) csv = limited(req, MAX_IMPORT_BYTES);
      else throw new ValidationError('Send the CSV as a text/csv body, or as JSON {"csv": "…"}', [{ path: 'body', message: 'no CSV' }]);
      return compliance.dnc.import(tenantId, csv, { customerPackageId: query.customerPackageId ?? null, status: query.status, by: principal!.username });
    },
  });

  api.route({
    method: 'post',
    path: '/dnc/screen',
    summary: 'Which of these numbers may be called for a package: its DNC list and every other no-call source (highlighted customers…)',
    tags,
    access: 'authenticated',
    body: z.object({ customerPackageId: packageBody, numbers: z.array(z.string().trim().min(1).max(40)).max(100_000) }),
    responses: {
      200: {
        description: 'The numbers as given, split: `blocked` names what stops each (`dnc`, or a source such as `highlighted-customer`)',
        schema: z.object({ mayCall: z.array(z.string()), blocked: z.array(z.object({ number: z.string(), by: z.string() })) }),
      },
    },
    handler: async ({ principal, req, body }) => {
      const tenantId = await tenantOf(storage, principal, req);
      const result = await compliance.screen.screen(tenantId, body.customerPackageId, body.numbers);
      const mayCall: string[] = [];
      const blocked: Array<{ number: string; by: string }> = [];
      body.numbers.forEach((number, i) => {
        const by = result.blockedBy(i);
        if (by === undefined) mayCall.push(number);
        else blocked.push({ number, by });
      });
      return { mayCall, blocked };
    },
  });

  api.route({
    method: 'delete',
    path: '/dnc',
    summary: 'Delete every entry the conditions cover (at least one of package, status, search)',
    tags,
    access: 'authenticated',
    query: filterQuery,
    responses: { 200: { description: 'How many were deleted', schema: z.object({ removed: z.number().int() }) } },
    handler: async ({ principal, req, query }) => {
      requireManager(principal);
      const filter = defined(query);
      if (Object.keys(filter).length === 0) throw new ValidationError('Name at least one condition: customerPackageId, status or search', [{ path: 'query', message: 'no condition' }]);
      return { removed: await compliance.dnc.removeWhere(await tenantOf(storage, principal, req), filter) };
    },
  });

  api.route({
    method: 'get',
    path: '/dnc/{id}',
    summary: 'One DNC entry',
    tags,
    access: 'authenticated',
    params: idParams,
    responses: { 200: { description: 'The entry', schema: entryResponse } },
    handler: async ({ principal, req, params }) => compliance.dnc.get(await tenantOf(storage, principal, req), params.id),
  });

  api.route({
    method: 'post',
    path: '/dnc/{id}/review',
    summary: 'Approve (stops calls from now) or reject an agent\'s submission',
    tags,
    access: 'authenticated',
    params: idParams,
    body: z.object({ approve: z.boolean() }),
    responses: { 200: { description: 'The entry now', schema: entryResponse } },
    handler: async ({ principal, req, params, body }) => {
      requireSupervisor(principal);
      return compliance.dnc.review(await tenantOf(storage, principal, req), params.id, { approve: body.approve, by: principal!.username });
    },
  });

  api.route({
    method: 'patch',
    path: '/dnc/{id}',
    summary: 'Enable or disable a reviewed entry, or change its reason',
    tags,
    access: 'authenticated',
    params: idParams,
    body: z.object({ enabled: z.boolean().optional(), reason: z.string().trim().max(500).optional() }),
    responses: { 200: { description: 'The entry now', schema: entryResponse } },
    handler: async ({ principal, req, params, body }) => {
      requireSupervisor(principal);
      return compliance.dnc.update(await tenantOf(storage, principal, req), params.id, defined(body));
    },
  });

  api.route({
    method: 'delete',
    path: '/dnc/{id}',
    summary: 'Remove a number from a package\'s DNC list (§3.3 3.4 "Remove DNC"); a highlighted customer stays uncallable',
    tags,
    access: 'authenticated',
    params: idParams,
    responses: { 204: { description: 'Removed' } },
    handler: async ({ principal, req, params }) => {
      requireSupervisor(principal);
      await compliance.dnc.remove(await tenantOf(storage, principal, req), params.id);
      return undefined;
    },
  });
}

/** The request body as it streams in, refused (413, like the JSON parser's limit) past `maxBytes`. */
async function* limited(req: Request, maxBytes: number): AsyncIterable<Uint8Array> {
  let bytes = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    bytes += chunk.length;
    if (bytes > maxBytes) throw Object.assign(new Error(`The import is larger than ${maxBytes} bytes`), { type: 'entity.too.large', status: 413 });
    yield chunk;
  }
}

function defined<T extends Record<string, unknown>>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
