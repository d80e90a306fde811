import { z } from 'zod';
import { successfulCustomerExportSource, type Storage, type SuccessfulSearch } from '@switchboard/core';
import type { Principal } from '../auth/principal.js';
import type { Api } from '../http/api.js';
import { exportQueryShape, exportResponse, sendExport } from '../http/export-download.js';
import type { AppContext } from '../context.js';
import { defined, offsetPage, packageQuery, timeQuery } from './crm-params.js';
import { customerOut, customerView } from './customers.js';
import { customerScopeOf, requireSupervisor, tenantOf } from './tenant-scope.js';

const tags = ['Customers'];

const successfulOut = customerOut.extend({
  submission: z
    .object({
      id: z.string().describe("the contact record's id"),
      agentNumber: z.string().nullable(),
      callResultId: z.string().nullable(),
      funnelStageId: z.string(),
      score: z.number().int().describe("the stage's score now"),
      notes: z.string().nullable(),
      qcResult: z.string().nullable(),
      qcNotes: z.string().nullable(),
      submittedAt: z.number().int(),
    })
    .describe('the latest submission that chose a funnel stage: the one that makes the customer successful'),
});

/** The page's filters (§3.3.2) as a query string carries them. */
const filterQuery = z.object({
  packageId: packageQuery,
  q: z.string().max(100).optional().describe('global search: name, phone, e-mail, area, address, notes and the custom fields marked for it (of every open package when none is given)'),
  taskId: z.string().min(1).optional().describe('the task the customer belongs to'),
  tag: z.string().min(1).optional(),
  dataSourceId: z.string().min(1).optional(),
  funnelStage: z.string().min(1).optional().describe('the stage of the successful submission'),
  callResult: z.string().min(1).optional().describe('the call result of the successful submission'),
  agentNumber: z.string().min(1).optional().describe('the agent who made the successful submission'),
  from: timeQuery('submitted at or after'),
  to: timeQuery('submitted before'),
  qcResult: z.string().min(1).max(100).optional().describe('the quality inspection result of the successful submission'),
  mask: z.enum(['true', 'false']).optional(),
});

/** The repository's search of the page's filters; agents see the customers allocated to them, as on the customers page. */
async function searchOf(storage: Storage, tenantId: string, principal: Principal | undefined, query: z.output<typeof filterQuery>): Promise<SuccessfulSearch> {
  const { packageId, agentNumber, from, to, mask: _mask, ...filters } = query;
  return {
    ...defined(filters),
    ...(packageId === undefined ? {} : { packageId }),
    ...defined({ submittedBy: agentNumber, submittedFrom: from, submittedTo: to }),
    // Without a package, the fields every open package marks for the global search.
    // Not those hidden from the caller's role: a match would tell the hidden value.
    globalSearchFields: filters.q?.trim() ? await storage.customFields.globalSearchFields(tenantId, packageId, principal?.role) : [],
    ...customerScopeOf(principal),
  };
}

/**
 * Successfully submitted customers (manual §3.3.2): the customers whose latest submission
 * that chose a sales funnel stage chose one scoring above 0, with that submission, latest
 * first; filtered by the customers' fields and by the submission (stage, call result, agent,
 * time, quality inspection). Supervisors export them as CSV.
 */
export function successfulCustomerRoutes(api: Api, ctx: AppContext): void {
  const { storage } = ctx.switchboard;

  api.route({
    method: 'get',
    path: '/successful-customers',
    summary: 'Successfully submitted customers: latest successful submission first, with the submission; none of a closed package',
    tags,
    access: 'authenticated',
    query: filterQuery.extend(offsetPage),
    responses: { 200: { description: 'One page', schema: z.object({ items: z.array(successfulOut), total: z.number().int() }) } },
    handler: async ({ principal, req, query }) => {
      const tenantId = await tenantOf(storage, principal, req);
      const found = await storage.customers.successful(tenantId, { ...(await searchOf(storage, tenantId, principal, query)), limit: query.limit, offset: query.offset });
      const items = await Promise.all(found.items.map((c) => customerView(storage, tenantId, principal!.role, c, query.mask === 'true')));
      return { total: found.total, items: items.map(({ tenantId: _t, ...customer }) => customer) };
    },
  });

  api.route({
    method: 'get',
    path: '/successful-customers/export',
    summary: "Export successfully submitted customers as CSV in the tenant's encoding; past the maximum rows per file, a ZIP of numbered CSV files",
    description:
      'The filters of `GET /successful-customers`. `encoding` and `maxRowsPerFile` default to the data settings (`GET /data-settings`). ' +
      'A snapshot as of when it started. Cells that a spreadsheet would run as formulas (`=`, `+`, `-`, `@`) get a leading apostrophe.',
    tags,
    access: 'authenticated',
    query: filterQuery.extend(exportQueryShape),
    responses: { 200: exportResponse },
    handler: async ({ principal, req, res, query }) => {
      requireSupervisor(principal);
      const tenantId = await tenantOf(storage, principal, req);
      const at = ctx.switchboard.clock.now();
      const { globalSearchFields: _g, ...search } = await searchOf(storage, tenantId, principal, query);
      const source = await successfulCustomerExportSource(storage, tenantId, { search, until: at, role: principal!.role, mask: query.mask === 'true' });
      await sendExport(ctx, { req, res, principal: principal!, tenantId, at, encoding: query.encoding, maxRowsPerFile: query.maxRowsPerFile, resource: 'successful-customers', filters: query }, source);
    },
  });
}
