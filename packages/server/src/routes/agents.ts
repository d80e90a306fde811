import { z } from 'zod';
import {
  ValidationError,
  agentBatchSchema,
  agentNumberSchema,
  agentPatchSchema,
  newAgentSchema,
  newPauseReasonSchema,
  type Agent,
  type AgentPatch, AgentDirectory } from '@switchboard/core';
import { hashPassword } from '../auth/passwords.js';
import { reply, type Api } from '../http/api.js';
import type { AppContext } from '../context.js';
import { requireManager, tenantOf } from './tenant-scope.js';

export const agentSchema = z.object({
  id: z.string(),
  tenantId: z.string(),
  number: z.string(),
  firstName: z.string(),
  lastName: z.string(),
  role: z.string(),
  department: z.string().nullable(),
  userId: z.string().nullable().describe("The agent's web login, when it has one"),
  phonePinSet: z.boolean().describe('Whether phone check-in with a PIN is on (the PIN itself is never shown)'),
  clickToCallOnly: z.boolean(),
  enabled: z.boolean(),
  displayNumbers: z.array(z.string()),
  workWithBrowser: z.boolean(),
  defaultOutboundCallFile: z.string().nullable(),
  phoneTemplate: z.string().nullable(),
  phoneMac: z.string().nullable(),
  lastLoginAt: z.number().int().nullable(),
  createdAt: z.number().int(),
  updatedAt: z.number().int(),
});

/** Hashes stay inside Switchboard: the API shows whether a PIN is set, never the hash. */
export const publicAgent = ({ phonePinHash, ...rest }: Agent): z.infer<typeof agentSchema> => ({ ...rest, phonePinSet: phonePinHash !== null });

const pauseReasonSchema = z.object({
  id: z.string(),
  tenantId: z.string(),
  name: z.string(),
  productive: z.boolean(),
  enabled: z.boolean(),
  createdAt: z.number().int(),
  updatedAt: z.number().int(),
});

export const agentParams = z.object({ number: agentNumberSchema });

/** The SIP domain (realm) of a tenant's phones: `<slug>.sip.switchboard.local`. */
export async function tenantSipDomain(ctx: AppContext, tenantId: string): Promise<string> {
  const tenant = await ctx.switchboard.storage.tenants.get(tenantId);
  return `${tenant.slug}.sip.switchboard.local`;
}

export function agentDirectory(ctx: AppContext): AgentDirectory {
  return new AgentDirectory({ storage: ctx.switchboard.storage, hashPassword, sipDomain: (tenantId) => tenantSipDomain(ctx, tenantId) });
}

/** Agents (manual §3.1.2) and pause reasons (§3.7.9) of the caller's tenant. */
export function agentRoutes(api: Api, ctx: AppContext): void {
  const directory = agentDirectory(ctx);
  const { storage, acd } = ctx.switchboard;
  const tags = ['Agents'];
  // The raw body: the model's patch schemas fill defaults in, so only the fields the caller named are passed on.
  const rawPatch = (body: unknown) => body as AgentPatch;

  api.route({
    method: 'get',
    path: '/agents',
    summary: "List the tenant's agents",
    tags,
    access: 'authenticated',
    query: z.object({
      search: z.string().max(16).optional().describe('Agent number prefix'),
      limit: z.coerce.number().int().min(1).max(1000).default(100),
      offset: z.coerce.number().int().min(0).default(0),
    }),
    responses: { 200: { description: 'One page of agents by number', schema: z.object({ items: z.array(agentSchema), total: z.number().int() }) } },
    handler: async ({ principal, req, query }) => {
      const tenantId = await tenantOf(storage, principal, req);
      const search = query.search ? { search: query.search } : {};
      const [items, total] = await Promise.all([directory.list(tenantId, { ...search, limit: query.limit, offset: query.offset }), storage.agents.count(tenantId, search)]);
      return { items: items.map(publicAgent), total };
    },
  });

  api.route({
    method: 'post',
    path: '/agents',
    summary: 'Create an agent with its SIP account (and web login when webPassword is given)',
    tags,
    access: 'authenticated',
    body: newAgentSchema,
    responses: { 201: { description: 'Created', schema: agentSchema } },
    handler: async ({ principal, req, body }) => {
      requireManager(principal);
      const tenantId = await tenantOf(storage, principal, req);
      const agent = await directory.create(tenantId, body);
      await acd.reloadAgent(tenantId, agent.number);
      return reply(201, publicAgent(agent));
    },
  });

  api.route({
    method: 'post',
    path: '/agents/batch',
    summary: 'Batch add: count agents numbered from firstNumber; numbers taken are skipped',
    tags,
    access: 'authenticated',
    body: agentBatchSchema,
    responses: { 201: { description: 'Created and skipped', schema: z.object({ created: z.array(agentSchema), skipped: z.array(z.string()) }) } },
    handler: async ({ principal, req, body }) => {
      requireManager(principal);
      const tenantId = await tenantOf(storage, principal, req);
      const result = await directory.batchAdd(tenantId, body);
      for (const agent of result.created) await acd.reloadAgent(tenantId, agent.number);
      return reply(201, { created: result.created.map(publicAgent), skipped: result.skipped });
    },
  });

  api.route({
    method: 'patch',
    path: '/agents/batch',
    summary: 'Batch edit: the same change to every agent named',
    description: 'All or nothing: an unknown number fails the whole batch (404 naming the missing numbers).',
    tags,
    access: 'authenticated',
    body: z.object({ numbers: z.array(agentNumberSchema).min(1).max(1000), patch: agentPatchSchema }),
    responses: { 200: { description: 'The agents now', schema: z.object({ items: z.array(agentSchema) }) } },
    handler: async ({ principal, req, body }) => {
      requireManager(principal);
      const tenantId = await tenantOf(storage, principal, req);
      const raw = (req.body as { patch: unknown }).patch;
      const updated = await directory.batchEdit(tenantId, body.numbers, rawPatch(raw));
      for (const agent of updated) await acd.reloadAgent(tenantId, agent.number);
      return { items: updated.map(publicAgent) };
    },
  });

  api.route({
    method: 'get',
    path: '/agents/{number}',
    summary: 'Get an agent',
    tags,
    access: 'authenticated',
    params: agentParams,
    responses: { 200: { description: 'The agent', schema: agentSchema } },
    handler: async ({ principal, req, params }) => publicAgent(await directory.get(await tenantOf(storage, principal, req), params.number)),
  });

  api.route({
    method: 'patch',
    path: '/agents/{number}',
    summary: 'Change an agent; its SIP account and web login follow',
    tags,
    access: 'authenticated',
    params: agentParams,
    body: agentPatchSchema,
    responses: { 200: { description: 'The agent now', schema: agentSchema } },
    handler: async ({ principal, req, params }) => {
      requireManager(principal);
      const tenantId = await tenantOf(storage, principal, req);
      const agent = await directory.update(tenantId, params.number, rawPatch(req.body));
      await acd.reloadAgent(tenantId, agent.number);
      return publicAgent(agent);
    },
  });

  api.route({
    method: 'delete',
    path: '/agents/{number}',
    summary: 'Delete an agent with its SIP account, web login and group memberships',
    tags,
    access: 'authenticated',
    params: agentParams,
    responses: { 204: { description: 'Deleted' } },
    handler: async ({ principal, req, params }) => {
      requireManager(principal);
      const tenantId = await tenantOf(storage, principal, req);
      const agent = await directory.get(tenantId, params.number);
      const groups = await storage.agentGroups.listGroupsOfAgent(tenantId, agent.id);
      await directory.delete(tenantId, params.number);
      await acd.reloadAgent(tenantId, params.number);
      // Its groups lost a member.
      for (const group of groups) await acd.reloadGroup(tenantId, group.number);
      return undefined;
    },
  });

  // ── pause reasons ─────────────────────────────────────────────────────────────

  const pauseTags = ['Pause reasons'];
  const idParams = z.object({ id: z.string().min(1) });

  api.route({
    method: 'get',
    path: '/pause-reasons',
    summary: "The tenant's pause reasons",
    tags: pauseTags,
    access: 'authenticated',
    query: z.object({ enabledOnly: z.enum(['true', 'false']).optional() }),
    responses: { 200: { description: 'By name', schema: z.object({ items: z.array(pauseReasonSchema) }) } },
    handler: async ({ principal, req, query }) => ({
      items: await storage.pauseReasons.list(await tenantOf(storage, principal, req), { enabledOnly: query.enabledOnly === 'true' }),
    }),
  });

  api.route({
    method: 'post',
    path: '/pause-reasons',
    summary: 'Add a pause reason',
    tags: pauseTags,
    access: 'authenticated',
    body: newPauseReasonSchema,
    responses: { 201: { description: 'Created', schema: pauseReasonSchema } },
    handler: async ({ principal, req, body }) => {
      requireManager(principal);
      return reply(201, await storage.pauseReasons.create(await tenantOf(storage, principal, req), body));
    },
  });

  api.route({
    method: 'patch',
    path: '/pause-reasons/{id}',
    summary: 'Change a pause reason',
    tags: pauseTags,
    access: 'authenticated',
    params: idParams,
    body: z.object({ name: z.string().trim().min(1).max(100).optional(), productive: z.boolean().optional(), enabled: z.boolean().optional() }),
    responses: { 200: { description: 'The reason now', schema: pauseReasonSchema } },
    handler: async ({ principal, req, params, body }) => {
      requireManager(principal);
      const patch = Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined));
      if (Object.keys(patch).length === 0) throw new ValidationError('Nothing to change', [{ path: 'body', message: 'give name, productive or enabled' }]);
      return storage.pauseReasons.update(await tenantOf(storage, principal, req), params.id, patch);
    },
  });

  api.route({
    method: 'delete',
    path: '/pause-reasons/{id}',
    summary: 'Delete a pause reason',
    tags: pauseTags,
    access: 'authenticated',
    params: idParams,
    responses: { 204: { description: 'Deleted' } },
    handler: async ({ principal, req, params }) => {
      requireManager(principal);
      await storage.pauseReasons.delete(await tenantOf(storage, principal, req), params.id);
      return undefined;
    },
  });
}
