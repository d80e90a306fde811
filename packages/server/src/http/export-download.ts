import type { Request, Response } from 'express';
import { z } from 'zod';
import { exportCsv, exportEncodings, type ExportSource } from '@switchboard/core';
import type { Principal } from '../auth/principal.js';
import type { AppContext } from '../context.js';
import { streamBytes } from './download.js';

/** The query options every CSV export takes; absent ones come from the tenant's data settings. */
export const exportQueryShape = {
  encoding: z.enum(exportEncodings).optional().describe("The file encoding; default: the data settings' export encoding"),
  maxRowsPerFile: z.coerce.number().int().min(100).max(10_000_000).optional().describe("Past this many rows, a ZIP of numbered CSV files; default: the data settings' maximum"),
};

export const exportResponse = { description: 'text/csv, or application/zip past the maximum rows per file', contentType: 'text/csv' };

export interface ExportRequest {
  req: Request;
  res: Response;
  principal: Principal;
  tenantId: string;
  /** When the export started (the snapshot's time, the file name's stamp). */
  at: number;
  encoding?: z.output<typeof exportQueryShape.encoding>;
  maxRowsPerFile?: number;
  /** What the audit log records: `EXPORT /<resource>` and the filters. */
  resource: string;
  filters: Record<string, unknown>;
}

/**
 * Streams an export (§3.15.1 "3 Data"): one CSV in the tenant's encoding, or a ZIP of files of
 * at most the tenant's maximum rows, named `<source>-YYYYMMDD-HHmm.csv|zip` (UTC); the
 * `X-Total-Rows` and `X-Files` headers say what is coming. Written to the audit log.
 */
export async function sendExport<T>(ctx: AppContext, request: ExportRequest, source: ExportSource<T>): Promise<void> {
  const { storage } = ctx.switchboard;
  const { req, res, principal, tenantId, at } = request;
  const settings = await storage.crmSettings.get(tenantId);
  const file = await exportCsv(source, { encoding: request.encoding ?? settings.exportEncoding, maxRowsPerFile: request.maxRowsPerFile ?? settings.exportMaxRowsPerFile, at: new Date(at) });
  const stamp = new Date(at).toISOString().slice(0, 16).replace(/[-:]/g, '').replace('T', '-');
  await storage.auditLog.append({
    tenantId,
    actorType: principal.via === 'api-key' ? 'api_key' : 'user',
    actorId: principal.apiKeyId ?? principal.userId,
    action: `EXPORT /${request.resource}`,
    resource: request.resource,
    details: { rows: file.rows, files: file.files, filters: request.filters },
    ip: req.ip ?? null,
  });
  res
    .status(200)
    .attachment(file.filename.replace(source.name, `${source.name}-${stamp}`))
    .type(file.contentType)
    .set('X-Total-Rows', String(file.rows))
    .set('X-Files', String(file.files));
  await streamBytes(res, file.body, ctx.logger);
}
