import { z } from 'zod';
import { callResultSchema, patchOf, ValidationError, type CallResult, type Storage } from '@switchboard/core';
import { reply, type Api } from '../http/api.js';
import type { AppContext } from '../context.js';
import { defined, idParams, managerDeleteRoute } from './crm-params.js';
import { requireManager, tenantOf } from './tenant-scope.js';

const tags = ['Sales funnel'];

const callResultOut = z.object({
  id: z.string(),
  name: z.string(),
  callStatus: z.enum(['answered', 'unanswered', 'any']),
  funnelStageId: z.string().nullable(),
  taskIds: z.array(z.string()),
  mandatoryAppointment: z.boolean(),
  createdBy: z.string(),
  createdAt: z.number().int(),
  updatedAt: z.number().int(),
});

const view = ({ tenantId: _t, ...result }: CallResult) => result;

/** A stage of the tenant's own, or a 400 naming the field (the foreign key alone would accept another tenant's). */
async function checkStage(storage: Storage, tenantId: string, stageId: string | null | undefined): Promise<void> {
  if (stageId && !(await storage.funnelStages.find(tenantId, stageId))) {
    throw new ValidationError(`The tenant has no sales funnel stage ${stageId}`, [{ path: 'body.funnelStageId', message: 'no such sales funnel stage' }]);
  }
}

/**
 * Call results (manual §3.3.4 "Call Results"): what an agent may pick after a call — the call
 * status it applies to (answered, unanswered, any), the funnel stage it implies, the tasks it
 * applies to (none: every task) and whether an appointment is mandatory. Every signed-in user
 * reads them; tenant administrators change them.
 */
export function callResultRoutes(api: Api, ctx: AppContext): void {
  const { storage } = ctx.switchboard;

  api.route({
    method: 'get',
    path: '/call-results',
    summary: 'Call results by name; filters for what an agent may pick (task, call status) and by stage',
    tags,
    access: 'authenticated',
    query: z.object({
      search: z.string().max(100).optional().describe('part of the name'),
      taskId: z.string().min(1).optional().describe('the results that apply to this task (those for every task included)'),
      callStatus: z.enum(['answered', 'unanswered']).optional().describe('the results usable after a call of this status (those for any status included)'),
      funnelStageId: z.string().min(1).optional(),
    }),
    responses: { 200: { description: 'The call results', schema: z.object({ items: z.array(callResultOut) }) } },
    handler: async ({ principal, req, query }) => ({ items: (await storage.callResults.list(await tenantOf(storage, principal, req), defined(query))).map(view) }),
  });

  api.route({
    method: 'post',
    path: '/call-results',
    summary: 'Add a call result (names are unique in the tenant)',
    tags,
    access: 'authenticated',
    body: callResultSchema,
    responses: { 201: { description: 'Created', schema: callResultOut } },
    handler: async ({ principal, req, body }) => {
      requireManager(principal);
      const tenantId = await tenantOf(storage, principal, req);
      await checkStage(storage, tenantId, body.funnelStageId);
      return reply(201, view(await storage.callResults.create(tenantId, body, principal!.username)));
    },
  });

  api.route({
    method: 'get',
    path: '/call-results/{id}',
    summary: 'A call result',
    tags,
    access: 'authenticated',
    params: idParams,
    responses: { 200: { description: 'The call result', schema: callResultOut } },
    handler: async ({ principal, req, params }) => view(await storage.callResults.getById(await tenantOf(storage, principal, req), params.id)),
  });

  api.route({
    method: 'patch',
    path: '/call-results/{id}',
    summary: 'Change a call result',
    tags,
    access: 'authenticated',
    params: idParams,
    body: patchOf(callResultSchema),
    responses: { 200: { description: 'The call result now', schema: callResultOut } },
    handler: async ({ principal, req, params, body }) => {
      requireManager(principal);
      const tenantId = await tenantOf(storage, principal, req);
      await checkStage(storage, tenantId, body.funnelStageId);
      return view(await storage.callResults.update(tenantId, params.id, defined(body)));
    },
  });

  managerDeleteRoute(api, storage, { path: '/call-results', summary: 'Delete a call result; contact records that name it keep its id', tags, remove: (tenantId, id) => storage.callResults.delete(tenantId, id) });
}
