import type { Request } from 'express';
import { ForbiddenError, ValidationError, type Storage } from '@switchboard/core';
import { PLATFORM_ADMIN, type Principal } from '../auth/principal.js';

/** Tenant roles, from most to least: an administrator manages configuration, a supervisor watches and steers agents. */
export const TENANT_ADMIN = 'tenant_admin';
export const SUPERVISOR = 'supervisor';

/** The header a platform administrator sends to act inside one tenant (its id or slug). */
export const TENANT_HEADER = 'x-switchboard-tenant';

/**
 * The tenant a request acts in: the caller's own; a platform administrator names one with the
 * `X-Switchboard-Tenant` header. Nothing else ever crosses tenants.
 */
export async function tenantOf(storage: Storage, principal: Principal | undefined, req: Request): Promise<string> {
  if (!principal) throw new ForbiddenError('This needs a signed-in user');
  if (principal.tenantId !== null) return principal.tenantId;
  if (principal.role !== PLATFORM_ADMIN) throw new ForbiddenError('This needs a user of a tenant');
  const named = req.get(TENANT_HEADER)?.trim();
  if (!named) throw new ValidationError(`Platform users name the tenant in the ${TENANT_HEADER} header`, [{ path: `header.${TENANT_HEADER}`, message: 'required' }]);
  const tenant = (await storage.tenants.get(named).catch(() => undefined)) ?? (await storage.tenants.getBySlug(named));
  return tenant.id;
}

export const isManager = (principal: Principal | undefined) => principal?.role === TENANT_ADMIN || principal?.role === PLATFORM_ADMIN;
export const isSupervisor = (principal: Principal | undefined) => isManager(principal) || principal?.role === SUPERVISOR;

/**
 * The customers the caller works (§3.3.3): an agent only those allocated to it (its agent
 * number is its username), supervisors and administrators every customer of the tenant. A
 * filter for searches; reads by id answer 404 outside it.
 */
export function customerScopeOf(principal: Principal | undefined): { agentNumber?: string } {
  if (!principal) throw new ForbiddenError('This needs a signed-in user');
  return isSupervisor(principal) ? {} : { agentNumber: principal.username };
}

export function requireManager(principal: Principal | undefined): void {
  if (!isManager(principal)) throw new ForbiddenError('This needs a tenant administrator');
}

export function requireSupervisor(principal: Principal | undefined): void {
  if (!isSupervisor(principal)) throw new ForbiddenError('This needs a supervisor or a tenant administrator');
}
