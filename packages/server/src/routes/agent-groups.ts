import { z } from 'zod';
import { RoutingStore, agentGroupPatchSchema, groupNumberSchema, newAgentGroupSchema, queueSettingsSchema, ringStrategies, type AgentGroupPatch } from '@switchboard/core';
import { reply, type Api } from '../http/api.js';
import type { AppContext } from '../context.js';
import { requireManager, tenantOf } from './tenant-scope.js';

export const agentGroupSchema = z.object({
  id: z.string(),
  tenantId: z.string(),
  name: z.string(),
  number: z.string(),
  members: z.array(z.object({ agentId: z.string(), agentNumber: z.string(), kind: z.enum(['static', 'dynamic']), priority: z.number().int(), position: z.number().int() })),
  leaders: z.array(z.string()),
  autoEndTalkSec: z.number().int(),
  wrapUpSec: z.number().int(),
  autoAnswer: z.object({ queue: z.boolean(), preDial: z.boolean(), clickToDial: z.boolean() }),
  queue: queueSettingsSchema,
  createdAt: z.number().int(),
  updatedAt: z.number().int(),
});

const groupParams = z.object({ number: groupNumberSchema });

/** Agent groups and their queues (manual §3.1.3) of the caller's tenant. */
export function agentGroupRoutes(api: Api, ctx: AppContext): void {
  const { storage, acd, routing } = ctx.switchboard;
  const tags = ['Agent groups'];
  // A queue's destinations are part of the routing graph: checked like any routing object's.
  const routingStore = new RoutingStore(storage, routing);

  api.route({
    method: 'get',
    path: '/agent-groups',
    summary: "List the tenant's agent groups",
    tags,
    access: 'authenticated',
    query: z.object({
      search: z.string().max(100).optional().describe('Part of the name'),
      limit: z.coerce.number().int().min(1).max(1000).default(100),
      offset: z.coerce.number().int().min(0).default(0),
    }),
    responses: { 200: { description: 'Groups', schema: z.object({ items: z.array(agentGroupSchema) }) } },
    handler: async ({ principal, req, query }) => {
      const tenantId = await tenantOf(storage, principal, req);
      return { items: await storage.agentGroups.list(tenantId, { ...(query.search ? { search: query.search } : {}), limit: query.limit, offset: query.offset }) };
    },
  });

  api.route({
    method: 'post',
    path: '/agent-groups',
    summary: 'Create an agent group with its queue',
    description: `Strategies: ${ringStrategies.join(', ')}.`,
    tags,
    access: 'authenticated',
    body: newAgentGroupSchema,
    responses: { 201: { description: 'Created', schema: agentGroupSchema } },
    handler: async ({ principal, req, body }) => {
      requireManager(principal);
      const tenantId = await tenantOf(storage, principal, req);
      // Checked and saved as one change of the tenant's routing graph, like the routing objects.
      const group = await routingStore.serially(tenantId, async () => {
        await routingStore.checkAgentGroupDestinations(tenantId, { number: body.number, name: body.name, queue: body.queue });
        return storage.agentGroups.create(tenantId, body);
      });
      await acd.reloadGroup(tenantId, group.number);
      routing.reload(tenantId);
      return reply(201, group);
    },
  });

  api.route({
    method: 'get',
    path: '/agent-groups/{number}',
    summary: 'Get an agent group',
    tags,
    access: 'authenticated',
    params: groupParams,
    responses: { 200: { description: 'The group', schema: agentGroupSchema } },
    handler: async ({ principal, req, params }) => storage.agentGroups.getByNumber(await tenantOf(storage, principal, req), params.number),
  });

  api.route({
    method: 'patch',
    path: '/agent-groups/{number}',
    summary: 'Change an agent group; queue settings are merged, members and leaders given replace the lists',
    tags,
    access: 'authenticated',
    params: groupParams,
    body: agentGroupPatchSchema,
    responses: { 200: { description: 'The group now', schema: agentGroupSchema } },
    handler: async ({ principal, req, params }) => {
      requireManager(principal);
      const tenantId = await tenantOf(storage, principal, req);
      const group = await routingStore.serially(tenantId, async () => {
        const current = await storage.agentGroups.getByNumber(tenantId, params.number);
        // The raw body: the parsed one has every default filled in, which would reset fields not named.
        const patch = req.body as AgentGroupPatch;
        const queue = queueSettingsSchema.safeParse({ ...current.queue, ...(patch.queue ?? {}) });
        if (queue.success) await routingStore.checkAgentGroupDestinations(tenantId, { number: current.number, name: patch.name ?? current.name, queue: queue.data });
        return storage.agentGroups.update(tenantId, current.id, patch);
      });
      await acd.reloadGroup(tenantId, group.number);
      routing.reload(tenantId);
      return group;
    },
  });

  api.route({
    method: 'delete',
    path: '/agent-groups/{number}',
    summary: 'Delete an agent group with its members',
    tags,
    access: 'authenticated',
    params: groupParams,
    responses: { 204: { description: 'Deleted' } },
    handler: async ({ principal, req, params }) => {
      requireManager(principal);
      const tenantId = await tenantOf(storage, principal, req);
      await routingStore.serially(tenantId, async () => {
        const current = await storage.agentGroups.getByNumber(tenantId, params.number);
        await routingStore.assertNotReferred(tenantId, `agent-group:${current.number}`);
        await storage.agentGroups.delete(tenantId, current.id);
      });
      await acd.reloadGroup(tenantId, params.number);
      routing.reload(tenantId);
      return undefined;
    },
  });
}
