import { z } from 'zod';
import { contactHistoryExportSource, contactRecordFilterSchema, contactSubmissionSchema, NotFoundError, type Storage } from '@switchboard/core';
import type { Principal } from '../auth/principal.js';
import { reply, type Api } from '../http/api.js';
import { exportQueryShape, exportResponse, sendExport } from '../http/export-download.js';
import type { AppContext } from '../context.js';
import { agentNumberOf, defined, idParams, packageQuery, timeQuery } from './crm-params.js';
import { isSupervisor, requireSupervisor, tenantOf } from './tenant-scope.js';

const tags = ['Contact history'];

const contactRecordOut = z.object({
  id: z.string(),
  packageId: z.string().nullable(),
  customerId: z.string(),
  customerName: z.string(),
  kind: z.enum(['call', 'submission']).describe('call: written when an agent connected with the customer; submission: an agent saved a result'),
  callId: z.string().nullable(),
  agentNumber: z.string().nullable(),
  phoneNumber: z.string().nullable(),
  callStatus: z.enum(['answered', 'unanswered']).nullable(),
  callResultId: z.string().nullable(),
  funnelStageId: z.string().nullable(),
  score: z.number().int().nullable().describe("the stage's score when submitted"),
  notes: z.string().nullable(),
  dataSourceId: z.string().nullable(),
  appointmentAt: z.number().int().nullable(),
  qcRequired: z.boolean(),
  qcResult: z.string().nullable(),
  qcNotes: z.string().nullable(),
  qcFirstAt: z.number().int().nullable(),
  qcLastAt: z.number().int().nullable(),
  createdAt: z.number().int(),
  updatedAt: z.number().int(),
});

/** The contact history page's filters as a query string carries them. */
const filterQuery = contactRecordFilterSchema.omit({ visibleTo: true }).extend({
  packageId: packageQuery,
  from: timeQuery('created at or after'),
  to: timeQuery('created before'),
});

/**
 * Contact history (manual §3.3.5): a record for every connected call with a known customer,
 * and one for every submission — an agent saving a call result, funnel stage, notes and
 * appointment (`ContactService.submit` checks it against the result, the stage and the
 * fields required on success). Agents see the records of the customers allocated to them and
 * their own calls and submissions; supervisors see all and export them.
 */
export function contactRecordRoutes(api: Api, ctx: AppContext): void {
  const { storage, crm } = ctx.switchboard;
  const scope = (principal: Principal | undefined) => (isSupervisor(principal) ? {} : { visibleTo: principal!.username });

  api.route({
    method: 'get',
    path: '/contact-records',
    summary: 'Contact history, newest first, filtered; page on with `cursor` (the previous page\'s `nextCursor`); none of a closed package',
    tags,
    access: 'authenticated',
    query: filterQuery.extend({ limit: z.coerce.number().int().min(1).max(1000).default(100), cursor: z.string().max(200).optional() }),
    responses: { 200: { description: 'One page', schema: z.object({ items: z.array(contactRecordOut), nextCursor: z.string().nullable() }) } },
    handler: async ({ principal, req, query }) => {
      const tenantId = await tenantOf(storage, principal, req);
      await crm.connectedCalls.flush();
      const page = await storage.contactRecords.query(tenantId, { ...defined(query), ...scope(principal) });
      return { items: page.items.map(({ tenantId: _t, ...record }) => record), nextCursor: page.nextCursor };
    },
  });

  api.route({
    method: 'post',
    path: '/contact-records',
    summary: 'Submit a contact: call result, funnel stage, notes, appointment — checked against the result (call status, task, mandatory appointment), the stage and the fields required on success',
    description:
      'The agent is the signed-in agent. An agent submits for a customer allocated to them, or one they had the call `callId` with. ' +
      'A stage left out is the one the call result implies. The customer then shows this result and stage; a stage scoring above 0 makes it a successfully submitted customer.',
    tags,
    access: 'authenticated',
    body: contactSubmissionSchema,
    responses: { 201: { description: 'The contact record written', schema: contactRecordOut } },
    handler: async ({ principal, req, body }) => {
      const tenantId = await tenantOf(storage, principal, req);
      const agentNumber = await agentNumberOf(storage, tenantId, principal!);
      if (!isSupervisor(principal)) await checkReachable(storage, tenantId, principal!.username, body.customerId, body.callId);
      const record = await crm.contacts.submit(tenantId, agentNumber, body, { agentView: !isSupervisor(principal) });
      const { tenantId: _t, ...entry } = await storage.contactRecords.get(tenantId, record.id);
      return reply(201, entry);
    },
  });

  api.route({
    method: 'get',
    path: '/contact-records/export',
    summary: "Export the contact history as CSV in the tenant's encoding, oldest first; past the maximum rows per file, a ZIP of numbered CSV files",
    description:
      'The filters of `GET /contact-records`; `mask=true` hides the middle digits of numbers. `encoding` and `maxRowsPerFile` default to the data settings (`GET /data-settings`). ' +
      'A snapshot of the records that existed when it started. Cells that a spreadsheet would run as formulas (`=`, `+`, `-`, `@`) get a leading apostrophe.',
    tags,
    access: 'authenticated',
    query: filterQuery.extend({ mask: z.enum(['true', 'false']).optional(), ...exportQueryShape }),
    responses: { 200: exportResponse },
    handler: async ({ principal, req, res, query }) => {
      requireSupervisor(principal);
      const tenantId = await tenantOf(storage, principal, req);
      await crm.connectedCalls.flush();
      const { mask, encoding, maxRowsPerFile, ...filter } = query;
      const at = ctx.switchboard.clock.now();
      const source = await contactHistoryExportSource(storage, tenantId, { filter: defined(filter), until: at, mask: mask === 'true' });
      await sendExport(ctx, { req, res, principal: principal!, tenantId, at, encoding, maxRowsPerFile, resource: 'contact-records', filters: query }, source);
    },
  });

  api.route({
    method: 'get',
    path: '/contact-records/{id}',
    summary: 'A contact record',
    tags,
    access: 'authenticated',
    params: idParams,
    responses: { 200: { description: 'The record', schema: contactRecordOut } },
    handler: async ({ principal, req, params }) => {
      const { tenantId: _t, ...record } = await storage.contactRecords.get(await tenantOf(storage, principal, req), params.id, scope(principal));
      return record;
    },
  });
}

/** An agent submits for the customers allocated to them, or one they had this call with; others are "not found" to them. */
async function checkReachable(storage: Storage, tenantId: string, agentNumber: string, customerId: string, callId: string | null | undefined): Promise<void> {
  const customer = await storage.customers.get(tenantId, customerId);
  if (customer.agentNumber === agentNumber) return;
  if (callId) {
    const calls = await storage.contactRecords.query(tenantId, { customerId, callId, agentNumber, kind: 'call', limit: 1 });
    if (calls.items.length > 0) return;
  }
  throw new NotFoundError('Customer', customerId);
}
