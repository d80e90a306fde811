import { open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import {
  ValidationError,
  customerExportSource,
  customerImportOptionsSchema,
  importEncodings,
  publicJob,
  type CustomerImportOptions,
} from '@switchboard/core';
import { reply, type Api } from '../http/api.js';
import { exportQueryShape, exportResponse, sendExport } from '../http/export-download.js';
import { problemSchema } from '../http/problem.js';
import { storeUpload } from '../http/upload-file.js';
import type { AppContext } from '../context.js';
import { customerFilterShape } from './customers.js';
import { jobOut } from './jobs.js';
import { requireManager, requireSupervisor, tenantOf } from './tenant-scope.js';

const tags = ['Customers'];
const binary = z.string().meta({ format: 'binary' });
const problemOut = (description: string) => ({ description, schema: problemSchema, contentType: 'application/problem+json' });

/** The import's options as the upload's `options` field carries them (JSON): everything but the file. */
const importFieldsSchema = customerImportOptionsSchema.omit({ source: true });

/** Bytes of the file the preview reads. */
const PREVIEW_BYTES = 64 * 1024;
export const DEFAULT_IMPORT_MAX_BYTES = 20 * 1024 * 1024;

/**
 * Customer imports and exports (manual §3.2 "Batch data import", §3.15.1 "3 Data"). An
 * upload streams to a file in the import folder (at most `importMaxBytes`, 20 MiB by
 * default: the HTTP limit, not the engine's) and becomes a background job; its progress is
 * `GET /jobs/{id}` and the realtime socket, its failed rows `GET /jobs/{id}/errors.csv`.
 * Exports stream in the tenant's encoding, as one CSV or a ZIP of files of at most the
 * tenant's maximum rows each.
 */
export function customerImportRoutes(api: Api, ctx: AppContext): void {
  const { storage } = ctx.switchboard;
  const imports = ctx.switchboard.crm.imports;
  const maxBytes = ctx.importMaxBytes ?? DEFAULT_IMPORT_MAX_BYTES;
  const dir = ctx.importDir ?? join(tmpdir(), 'switchboard-imports');

  api.route({
    method: 'post',
    path: '/customers/imports',
    summary: 'Import customers from a CSV file, as a background job',
    description:
      'multipart/form-data: the file in the part `file` (CSV in UTF-8 with or without BOM, GBK or Shift_JIS, detected or named in `encoding`), ' +
      `at most ${maxBytes} bytes, and the options as JSON in the part \`options\`: package, header row, column mapping (automatic by name, chosen, or new fields), ` +
      'data source, dictionaries, tags, agent, what to do with duplicates and the pre-dial list, leading zeros, required fields, do-not-call screening. ' +
      'Answers 202 with the job; follow it with `GET /jobs/{id}` or the realtime socket (`job.progress`), and fetch its failed rows from `GET /jobs/{id}/errors.csv`.',
    tags,
    access: 'authenticated',
    upload: {
      contentType: 'multipart/form-data',
      schema: z.object({ file: binary.describe('The CSV file'), options: z.string().optional().describe('A JSON object of import options, every field optional: packageId, encoding, delimiter, firstRowIsHeader, mapping, automaticMapping, dataSource, dictionaryIds, tagIds, agentNumber, taskId, onDuplicate, importToPreDial, stripLeadingZero, requiredFields, dnc, batchSize (docs/crm.md)') }),
      encoding: { file: { contentType: 'text/csv, application/octet-stream' }, options: { contentType: 'application/json' } },
    },
    responses: {
      202: { description: 'Queued', schema: jobOut },
      413: problemOut('The file is larger than the limit'),
      415: problemOut('The body is not multipart/form-data'),
    },
    handler: async ({ principal, req, res }) => {
      requireSupervisor(principal);
      const tenantId = await tenantOf(storage, principal, req);
      const upload = await storeUpload(req, res, { fileField: 'file', maxFileBytes: maxBytes, dir });
      try {
        const options = parseOptions(upload.fields['options']);
        const job = await imports.start(tenantId, { ...options, source: { path: upload.file.path, deleteWhenFinished: true } }, { fileName: upload.file.filename.replace(/^.*[\\/]/, '').slice(0, 255), createdBy: principal!.username });
        return reply(202, publicJob(job));
      } catch (error) {
        await rm(upload.file.path, { force: true });
        throw error;
      }
    },
  });

  api.route({
    method: 'post',
    path: '/customers/imports/preview',
    summary: 'What an import of this file would read: encoding, delimiter, header, automatic mapping, first rows',
    description: 'multipart/form-data like an import (`file`, and `options` with `packageId`, `encoding`, `delimiter`, `firstRowIsHeader`); only the first 64 KiB are read.',
    tags,
    access: 'authenticated',
    upload: { contentType: 'multipart/form-data', schema: z.object({ file: binary, options: z.string().optional() }) },
    responses: {
      200: {
        description: 'What was read',
        schema: z.object({
          encoding: z.object({ encoding: z.enum(importEncodings), bom: z.boolean(), confidence: z.enum(['certain', 'likely', 'guess']) }),
          delimiter: z.string(),
          header: z.array(z.string()),
          columns: z.array(z.object({ index: z.number().int(), header: z.string(), field: z.string() })),
          ignoredColumns: z.array(z.string()),
          rows: z.array(z.object({ line: z.number().int(), cells: z.array(z.string()), error: z.string().optional() })),
        }),
      },
    },
    handler: async ({ principal, req, res }) => {
      requireSupervisor(principal);
      const tenantId = await tenantOf(storage, principal, req);
      const upload = await storeUpload(req, res, { fileField: 'file', maxFileBytes: maxBytes, dir });
      try {
        const options = parseOptions(upload.fields['options']);
        const handle = await open(upload.file.path, 'r');
        const sample = Buffer.alloc(Math.min(PREVIEW_BYTES, upload.file.bytes));
        try {
          await handle.read(sample, 0, sample.length, 0);
        } finally {
          await handle.close();
        }
        return await imports.preview(tenantId, sample, { packageId: options.packageId, encoding: options.encoding, delimiter: options.delimiter, firstRowIsHeader: options.firstRowIsHeader, complete: upload.file.bytes <= PREVIEW_BYTES });
      } finally {
        await rm(upload.file.path, { force: true });
      }
    },
  });

  api.route({
    method: 'get',
    path: '/customers/export',
    summary: "Export customers as CSV in the tenant's encoding; past the maximum rows per file, a ZIP of numbered CSV files",
    description:
      'The filters of `GET /customers`. `encoding` and `maxRowsPerFile` default to the data settings (`GET /data-settings`). ' +
      'The export is a snapshot of the customers that existed when it started. Cells that a spreadsheet would run as formulas (`=`, `+`, `-`, `@`) get a leading apostrophe. ' +
      "Customers of closed packages are hidden like everywhere else; a tenant administrator may ask for them with `includeClosed=true` (an archive of a closed package without reopening it), and the audit log records the filters.",
    tags,
    access: 'authenticated',
    query: z.object({
      ...customerFilterShape,
      dataSourceId: z.string().optional(),
      includeClosed: z.enum(['true', 'false']).optional().describe('Customers of closed packages too (tenant administrators only; 403 for others)'),
      ...exportQueryShape,
    }),
    responses: { 200: exportResponse },
    handler: async ({ principal, req, res, query }) => {
      requireSupervisor(principal);
      // Closing a package hides its data from everyone; only an administrator's explicit request exports it.
      if (query.includeClosed === 'true') requireManager(principal);
      const tenantId = await tenantOf(storage, principal, req);
      const { packageId, mask, encoding, maxRowsPerFile, includeClosed, ...filters } = query;
      const at = ctx.switchboard.clock.now();
      const source = await customerExportSource(storage, tenantId, {
        search: {
          ...Object.fromEntries(Object.entries(filters).filter(([, v]) => v !== undefined)),
          ...(packageId === undefined ? {} : { packageId: packageId === 'default' ? null : packageId }),
          ...(includeClosed === 'true' ? { includeClosed: true } : {}),
        },
        until: at,
        role: principal!.role,
        mask: mask === 'true',
      });
      await sendExport(ctx, { req, res, principal: principal!, tenantId, at, encoding, maxRowsPerFile, resource: 'customers', filters: query }, source);
    },
  });

  api.route({
    method: 'get',
    path: '/pre-dial-entries',
    summary: 'The pre-dial list (§3.2 "Import pre-dial"): customers waiting to be dialled, oldest first',
    tags,
    access: 'authenticated',
    query: z.object({
      packageId: z.string().optional().describe("A package id, or 'default'"),
      importJobId: z.string().optional(),
      limit: z.coerce.number().int().min(1).max(1000).default(100),
      offset: z.coerce.number().int().min(0).default(0),
    }),
    responses: {
      200: {
        description: 'One page',
        schema: z.object({
          items: z.array(z.object({ id: z.string(), packageId: z.string().nullable(), customerId: z.string(), number: z.string(), taskId: z.string().nullable(), importJobId: z.string().nullable(), createdAt: z.number().int() })),
          total: z.number().int(),
        }),
      },
    },
    handler: async ({ principal, req, query }) => {
      requireSupervisor(principal);
      const tenantId = await tenantOf(storage, principal, req);
      const filter = {
        ...(query.packageId === undefined ? {} : { packageId: query.packageId === 'default' ? null : query.packageId }),
        ...(query.importJobId === undefined ? {} : { importJobId: query.importJobId }),
      };
      const [items, total] = await Promise.all([storage.preDial.list(tenantId, { ...filter, limit: query.limit, offset: query.offset }), storage.preDial.count(tenantId, filter)]);
      return { items: items.map(({ tenantId: _t, ...entry }) => entry), total };
    },
  });

}

function parseOptions(text: string | undefined): Omit<CustomerImportOptions, 'source'> & z.output<typeof importFieldsSchema> {
  let json: unknown = {};
  if (text !== undefined && text.trim() !== '') {
    try {
      json = JSON.parse(text);
    } catch {
      throw new ValidationError('The options part is not JSON', [{ path: 'body.options', message: 'JSON expected' }]);
    }
  }
  const parsed = importFieldsSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({ path: ['body', 'options', ...i.path.map(String)].join('.'), message: i.message }));
    throw new ValidationError(`Invalid import options: ${issues[0]?.path}: ${issues[0]?.message}`, issues);
  }
  return parsed.data;
}
