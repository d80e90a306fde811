import { z } from 'zod';
import { funnelStageSchema, NotFoundError, patchOf, type FunnelStage } from '@switchboard/core';
import { reply, type Api } from '../http/api.js';
import type { AppContext } from '../context.js';
import { checkPackage, idParams, managerDeleteRoute, packageQuery } from './crm-params.js';
import { isSupervisor, requireManager, tenantOf } from './tenant-scope.js';

const tags = ['Sales funnel'];
const statuses = funnelStageSchema.shape.status.unwrap().options;

export const funnelStageOut = z.object({
  id: z.string(),
  packageId: z.string().nullable(),
  name: z.string(),
  score: z.number().int(),
  status: z.enum(statuses),
  /** What the score means (§3.15.2). */
  outcome: z.enum(['success', 'follow-up', 'failure']).describe('score above 0: success; 0: follow-up; below 0: failure'),
  createdAt: z.number().int(),
  updatedAt: z.number().int(),
});

function view({ tenantId: _t, ...stage }: FunnelStage): z.infer<typeof funnelStageOut> {
  return { ...stage, outcome: stage.score > 0 ? 'success' : stage.score === 0 ? 'follow-up' : 'failure' };
}

/**
 * Sales funnel stages (manual §3.15.2): per customer package, a name, a score and a status —
 * `enabled`, `hidden` (agents do not see it), `closed` (nobody can choose it). Every signed-in
 * user reads them (agents the enabled ones only); tenant administrators change them.
 */
export function funnelStageRoutes(api: Api, ctx: AppContext): void {
  const { storage } = ctx.switchboard;

  api.route({
    method: 'get',
    path: '/funnel-stages',
    summary: 'Sales funnel stages by package, best score first (agents: the enabled ones; none of a closed package)',
    tags,
    access: 'authenticated',
    query: z.object({ packageId: packageQuery, status: z.enum(statuses).optional() }),
    responses: { 200: { description: 'The stages', schema: z.object({ items: z.array(funnelStageOut) }) } },
    handler: async ({ principal, req, query }) => {
      const tenantId = await tenantOf(storage, principal, req);
      const stages = await storage.funnelStages.list(tenantId, query.packageId, { agentView: !isSupervisor(principal), ...(query.status ? { status: query.status } : {}) });
      return { items: stages.map(view) };
    },
  });

  api.route({
    method: 'post',
    path: '/funnel-stages',
    summary: 'Add a sales funnel stage to a package (names are unique in a package)',
    tags,
    access: 'authenticated',
    body: funnelStageSchema,
    responses: { 201: { description: 'Created', schema: funnelStageOut } },
    handler: async ({ principal, req, body }) => {
      requireManager(principal);
      const tenantId = await tenantOf(storage, principal, req);
      await checkPackage(storage, tenantId, body.packageId, 'body.packageId');
      return reply(201, view(await storage.funnelStages.create(tenantId, body)));
    },
  });

  api.route({
    method: 'get',
    path: '/funnel-stages/{id}',
    summary: 'A sales funnel stage (404 for one of a closed package)',
    tags,
    access: 'authenticated',
    params: idParams,
    responses: { 200: { description: 'The stage', schema: funnelStageOut } },
    handler: async ({ principal, req, params }) => {
      const stage = await storage.funnelStages.get(await tenantOf(storage, principal, req), params.id);
      if (!isSupervisor(principal) && stage.status !== 'enabled') throw new NotFoundError('Sales funnel stage', params.id);
      return view(stage);
    },
  });

  api.route({
    method: 'patch',
    path: '/funnel-stages/{id}',
    summary: 'Change a sales funnel stage: name, score, status (its package stays)',
    tags,
    access: 'authenticated',
    params: idParams,
    body: patchOf(funnelStageSchema.omit({ packageId: true })),
    responses: { 200: { description: 'The stage now', schema: funnelStageOut } },
    handler: async ({ principal, req, params, body }) => {
      requireManager(principal);
      return view(await storage.funnelStages.update(await tenantOf(storage, principal, req), params.id, body));
    },
  });

  managerDeleteRoute(api, storage, { path: '/funnel-stages', summary: 'Delete a sales funnel stage nothing uses; one used by call results, contact records or customers is refused (409) naming them: close it instead', tags, remove: (tenantId, id) => storage.funnelStages.delete(tenantId, id) });
}
