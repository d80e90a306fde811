import { NotFoundError, ValidationError } from '@switchboard/core';
import { z } from 'zod';
import { publicUser } from '../auth/auth-service.js';
import { reply, type Api } from '../http/api.js';
import type { AppContext } from '../context.js';

const userSchema = z.object({
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
  role: z.string(),
  tenantId: z.string().nullable(),
});

const apiKeySchema = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string(),
  createdAt: z.number().int(),
  lastUsedAt: z.number().int().nullable(),
  expiresAt: z.number().int().nullable(),
  revokedAt: z.number().int().nullable(),
});

export function authRoutes(api: Api, ctx: AppContext): void {
  api.route({
    method: 'post',
    path: '/auth/login',
    summary: 'Log in with a username and password',
    description: 'Returns a short-lived access token to send as `Authorization: Bearer <token>`. Platform users omit `tenant`.',
    tags: ['Auth'],
    access: 'public',
    body: z.object({
      username: z.string().min(1).max(128),
      password: z.string().min(1).max(1024),
      tenant: z.string().min(1).max(63).optional().describe('The tenant slug, for a tenant user'),
    }),
    responses: {
      200: {
        description: 'Logged in',
        schema: z.object({ token: z.string(), tokenType: z.literal('Bearer'), expiresAt: z.number().int().describe('Epoch ms'), user: userSchema }),
      },
    },
    handler: ({ body, req }) => ctx.auth.login(body, req.ip ?? 'unknown'),
  });

  api.route({
    method: 'get',
    path: '/auth/me',
    summary: 'Who am I',
    tags: ['Auth'],
    access: 'authenticated',
    responses: { 200: { description: 'The signed-in user', schema: userSchema.extend({ via: z.enum(['token', 'api-key']) }) } },
    handler: async ({ principal }) => {
      const user = await ctx.switchboard.storage.users.getById(principal!.tenantId, principal!.userId);
      return { ...publicUser(user), via: principal!.via };
    },
  });

  api.route({
    method: 'post',
    path: '/auth/password',
    summary: 'Change my password',
    tags: ['Auth'],
    access: 'authenticated',
    body: z.object({ currentPassword: z.string().min(1), newPassword: z.string().min(12, 'use at least 12 characters').max(1024) }),
    responses: { 204: { description: 'Changed' } },
    handler: async ({ principal, body }) => {
      await ctx.auth.changePassword(principal!, body.currentPassword, body.newPassword);
      return undefined;
    },
  });

  api.route({
    method: 'post',
    path: '/api-keys',
    summary: 'Create an API key for an integration',
    description: 'The key acts as the user who created it. It is returned once, in `key`; only its prefix is shown afterwards.',
    tags: ['Auth'],
    access: 'authenticated',
    body: z.object({ name: z.string().trim().min(1).max(200), expiresAt: z.number().int().positive().optional().describe('Epoch ms; default never') }),
    responses: { 201: { description: 'Created', schema: apiKeySchema.extend({ key: z.string() }) } },
    handler: async ({ principal, body }) => {
      if (body.expiresAt !== undefined && body.expiresAt <= Date.now()) {
        throw new ValidationError('expiresAt is in the past', [{ path: 'body.expiresAt', message: 'must be in the future' }]);
      }
      const { key, apiKey } = await ctx.auth.createApiKey(principal!, body);
      return reply(201, { ...toPublicKey(apiKey), key });
    },
  });

  api.route({
    method: 'get',
    path: '/api-keys',
    summary: 'List my API keys',
    tags: ['Auth'],
    access: 'authenticated',
    responses: { 200: { description: 'The keys (without secrets)', schema: z.object({ items: z.array(apiKeySchema) }) } },
    handler: async ({ principal }) => ({ items: (await ctx.switchboard.storage.apiKeys.list(principal!.tenantId, principal!.userId)).map(toPublicKey) }),
  });

  api.route({
    method: 'delete',
    path: '/api-keys/{id}',
    summary: 'Revoke an API key',
    tags: ['Auth'],
    access: 'authenticated',
    params: z.object({ id: z.string().min(1) }),
    responses: { 204: { description: 'Revoked' } },
    handler: async ({ principal, params }) => {
      const key = await ctx.switchboard.storage.apiKeys.findById(principal!.tenantId, params.id);
      if (!key || key.userId !== principal!.userId) throw new NotFoundError('API key', params.id);
      await ctx.switchboard.storage.apiKeys.revoke(principal!.tenantId, params.id);
      return undefined;
    },
  });
}

function toPublicKey(key: { id: string; name: string; prefix: string; createdAt: number; lastUsedAt: number | null; expiresAt: number | null; revokedAt: number | null }) {
  return { id: key.id, name: key.name, prefix: key.prefix, createdAt: key.createdAt, lastUsedAt: key.lastUsedAt, expiresAt: key.expiresAt, revokedAt: key.revokedAt };
}
