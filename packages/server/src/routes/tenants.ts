import { z } from 'zod';
import { reply, type Api } from '../http/api.js';
import type { AppContext } from '../context.js';

export const tenantSchema = z.object({
  id: z.string(),
  slug: z.string(),
  name: z.string(),
  timeZone: z.string(),
  defaultCountry: z.string(),
  status: z.enum(['active', 'suspended']),
  createdAt: z.number().int(),
  updatedAt: z.number().int(),
});

const tenantInput = z.object({
  slug: z.string().min(1).max(63).describe('lowercase letters, digits and hyphens'),
  name: z.string().trim().min(1).max(200),
  timeZone: z.string().min(1).optional().describe('IANA time zone, default UTC'),
  defaultCountry: z.string().length(2).optional().describe('ISO 3166-1 alpha-2, default US'),
});

/** Tenants are provisioned by the platform operator (DESIGN.md §2). */
export function tenantRoutes(api: Api, ctx: AppContext): void {
  api.route({
    method: 'get',
    path: '/platform/tenants',
    summary: 'List tenants',
    tags: ['Platform'],
    access: 'platform-admin',
    responses: { 200: { description: 'All tenants', schema: z.object({ items: z.array(tenantSchema) }) } },
    handler: async () => ({ items: await ctx.switchboard.storage.tenants.list() }),
  });

  api.route({
    method: 'post',
    path: '/platform/tenants',
    summary: 'Create a tenant',
    tags: ['Platform'],
    access: 'platform-admin',
    body: tenantInput,
    responses: { 201: { description: 'Created', schema: tenantSchema } },
    handler: async ({ body }) => reply(201, await ctx.switchboard.storage.tenants.create(body)),
  });

  api.route({
    method: 'get',
    path: '/platform/tenants/{id}',
    summary: 'Get a tenant',
    tags: ['Platform'],
    access: 'platform-admin',
    params: z.object({ id: z.string().min(1) }),
    responses: { 200: { description: 'The tenant', schema: tenantSchema } },
    handler: ({ params }) => ctx.switchboard.storage.tenants.get(params.id),
  });

  api.route({
    method: 'patch',
    path: '/platform/tenants/{id}',
    summary: 'Change a tenant',
    tags: ['Platform'],
    access: 'platform-admin',
    params: z.object({ id: z.string().min(1) }),
    body: tenantInput.partial().extend({ status: z.enum(['active', 'suspended']).optional() }),
    responses: { 200: { description: 'The changed tenant', schema: tenantSchema } },
    handler: ({ params, body }) => ctx.switchboard.storage.tenants.update(params.id, body),
  });
}
