import { z } from 'zod';
import { ConflictError, NotFoundError, jobErrorReport, jobStatuses, publicJob, type Job } from '@switchboard/core';
import type { Principal } from '../auth/principal.js';
import type { Api } from '../http/api.js';
import { streamBytes } from '../http/download.js';
import type { AppContext } from '../context.js';
import { isSupervisor, tenantOf } from './tenant-scope.js';

const tags = ['Background jobs'];
const idParams = z.object({ id: z.string().min(1).max(64) });

export const jobOut = z.object({
  id: z.string(),
  tenantId: z.string(),
  kind: z.string().describe('`customer-import`, …'),
  status: z.enum(jobStatuses),
  fileName: z.string(),
  options: z.record(z.string(), z.unknown()),
  total: z.number().int().nullable().describe('Records to process; null until counted'),
  processed: z.number().int(),
  succeeded: z.number().int(),
  failed: z.number().int(),
  result: z.record(z.string(), z.unknown()).nullable(),
  error: z.string().nullable(),
  createdBy: z.string().nullable(),
  createdAt: z.number().int(),
  updatedAt: z.number().int(),
  startedAt: z.number().int().nullable(),
  finishedAt: z.number().int().nullable(),
});

/**
 * Background jobs (manual §3.15.3): their status and counts, the error file of the records
 * they could not process, cancelling and deleting. Supervisors see every job of the
 * tenant; other users the jobs they started.
 */
export function jobRoutes(api: Api, ctx: AppContext): void {
  const { storage, jobs } = ctx.switchboard;

  /** A job of the caller's tenant that the caller may see; others are "not found". */
  const visible = async (principal: Principal | undefined, tenantId: string, id: string): Promise<Job> => {
    const job = await storage.jobs.get(tenantId, id);
    if (!isSupervisor(principal) && job.createdBy !== principal?.username) throw new NotFoundError('Job', id);
    return job;
  };

  api.route({
    method: 'get',
    path: '/jobs',
    summary: 'Background jobs, newest first (search by id or file name)',
    tags,
    access: 'authenticated',
    query: z.object({
      kind: z.string().max(40).optional(),
      status: z.enum(jobStatuses).optional(),
      search: z.string().max(100).optional(),
      limit: z.coerce.number().int().min(1).max(500).default(50),
      offset: z.coerce.number().int().min(0).default(0),
    }),
    responses: { 200: { description: 'One page', schema: z.object({ items: z.array(jobOut), total: z.number().int() }) } },
    handler: async ({ principal, req, query }) => {
      const tenantId = await tenantOf(storage, principal, req);
      const page = await storage.jobs.list(tenantId, Object.fromEntries(Object.entries(query).filter(([, v]) => v !== undefined)));
      const items = isSupervisor(principal) ? page.items : page.items.filter((j) => j.createdBy === principal?.username);
      return { items: items.map(publicJob), total: isSupervisor(principal) ? page.total : items.length };
    },
  });

  api.route({
    method: 'get',
    path: '/jobs/{id}',
    summary: 'A background job: status, total / processed / succeeded / failed, its result once done',
    tags,
    access: 'authenticated',
    params: idParams,
    responses: { 200: { description: 'The job', schema: jobOut } },
    handler: async ({ principal, req, params }) => publicJob(await visible(principal, await tenantOf(storage, principal, req), params.id)),
  });

  api.route({
    method: 'get',
    path: '/jobs/{id}/errors.csv',
    summary: "The records a job could not process: line, reason and the record's cells (in the tenant's export encoding)",
    description: 'Available while the job runs. The columns after `line` and `reason` are those of the imported file, so the rows can be corrected and imported again.',
    tags,
    access: 'authenticated',
    params: idParams,
    responses: { 200: { description: 'CSV', contentType: 'text/csv' } },
    handler: async ({ principal, req, res, params }) => {
      const tenantId = await tenantOf(storage, principal, req);
      const job = await visible(principal, tenantId, params.id);
      const { exportEncoding } = await storage.crmSettings.get(tenantId);
      const file = await jobErrorReport(storage, job, exportEncoding);
      res.status(200).attachment(file.filename).type(file.contentType).set('X-Total-Rows', String(file.rows));
      await streamBytes(res, file.body, ctx.logger);
    },
  });

  api.route({
    method: 'post',
    path: '/jobs/{id}/cancel',
    summary: 'Cancel a queued or running job; what it committed stays (409 when it has finished)',
    tags,
    access: 'authenticated',
    params: idParams,
    responses: { 200: { description: 'The job now', schema: jobOut } },
    handler: async ({ principal, req, params }) => {
      const tenantId = await tenantOf(storage, principal, req);
      const job = await visible(principal, tenantId, params.id);
      if (!(await jobs.cancel(tenantId, job.id))) throw new ConflictError(`Job ${job.id} has already ended (${job.status})`);
      return publicJob(await storage.jobs.get(tenantId, job.id));
    },
  });

  api.route({
    method: 'delete',
    path: '/jobs/{id}',
    summary: 'Delete a job and its error records (a running one is cancelled first)',
    tags,
    access: 'authenticated',
    params: idParams,
    responses: { 204: { description: 'Deleted' } },
    handler: async ({ principal, req, params }) => {
      const tenantId = await tenantOf(storage, principal, req);
      const job = await visible(principal, tenantId, params.id);
      if (job.status === 'queued' || job.status === 'running') await jobs.cancel(tenantId, job.id);
      await storage.jobs.delete(tenantId, job.id);
      return undefined;
    },
  });
}
