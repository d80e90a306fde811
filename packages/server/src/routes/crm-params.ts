import { z } from 'zod';
import { ValidationError, type Storage } from '@switchboard/core';
import type { Principal } from '../auth/principal.js';
import type { Api } from '../http/api.js';
import { isSupervisor, requireManager, tenantOf } from './tenant-scope.js';

/** Request pieces the CRM routes share. */

export const idParams = z.object({ id: z.string().min(1).max(64) });

/** In a query: a package's id, or `default` for the tenant's default package; absent: every package. */
export const packageQuery = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .optional()
  .transform((value) => (value === 'default' ? null : value))
  .describe('a customer package id, or `default` for the default package; every package when absent');

/** In a body: a package's id, or null / absent for the tenant's default package. */
export const packageBody = z.string().trim().min(1).max(64).nullable().default(null).describe('a customer package id; null: the default package');

/** A time in a query string: epoch milliseconds. */
export const timeQuery = (what: string) => z.coerce.number().int().min(0).optional().describe(`${what} (epoch ms)`);

/** A page of a list read by offset. */
export const offsetPage = {
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  offset: z.coerce.number().int().min(0).default(0),
};

/** The tenant's package, or a 400 naming the field (null, the default package, always exists). */
export async function checkPackage(storage: Storage, tenantId: string, packageId: string | null | undefined, path: string): Promise<void> {
  if (packageId === null || packageId === undefined) return;
  if (!(await storage.customerPackages.findById(tenantId, packageId))) {
    throw new ValidationError(`The tenant has no customer package ${packageId}`, [{ path, message: 'no such customer package' }]);
  }
}

/**
 * The agent number of the signed-in user: the agent whose web login it is (a user named by the
 * agent number), or — for an agent user with no agent record — its name, which the customer
 * routes read as its number too. A supervisor or administrator who is no agent has none.
 */
export async function agentNumberOf(storage: Storage, tenantId: string, principal: Principal): Promise<string | null> {
  const agent = await storage.agents.findByNumber(tenantId, principal.username);
  if (agent) return agent.userId === principal.userId ? agent.number : null;
  return isSupervisor(principal) ? null : principal.username;
}

/** The object without its undefined fields (optional query parameters left out). */
export function defined<T extends Record<string, unknown>>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** `DELETE <path>/{id}` of a tenant's object that administrators manage: 204, or the repository's refusal. */
export function managerDeleteRoute(api: Api, storage: Storage, route: { path: string; summary: string; tags: string[]; remove: (tenantId: string, id: string) => Promise<unknown> }): void {
  api.route({
    method: 'delete',
    path: `${route.path}/{id}`,
    summary: route.summary,
    tags: route.tags,
    access: 'authenticated',
    params: idParams,
    responses: { 204: { description: 'Deleted' } },
    handler: async ({ principal, req, params }) => {
      requireManager(principal);
      await route.remove(await tenantOf(storage, principal, req), params.id);
      return undefined;
    },
  });
}
