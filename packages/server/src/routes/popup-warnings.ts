import { z } from 'zod';
import { NotFoundError, readPhoneNumber, ValidationError, type PopupWarning } from '@switchboard/core';
import { reply, type Api } from '../http/api.js';
import type { AppContext } from '../context.js';
import { checkPackage, defined, idParams, offsetPage, packageBody, packageQuery } from './crm-params.js';
import { isSupervisor, requireSupervisor, tenantOf } from './tenant-scope.js';

const tags = ['Pop-up warnings'];
const statuses = ['enabled', 'disabled', 'pending', 'rejected'] as const;

const warningOut = z.object({
  id: z.string(),
  packageId: z.string().nullable(),
  number: z.string(),
  content: z.string(),
  status: z.enum(statuses).describe('pending: an agent\'s, waiting for review; rejected: refused at review'),
  source: z.enum(['tenant', 'agent']),
  createdBy: z.string(),
  reviewedBy: z.string().nullable(),
  reviewedAt: z.number().int().nullable(),
  createdAt: z.number().int(),
  updatedAt: z.number().int(),
});
const listedOut = warningOut.extend({
  customer: z
    .object({ id: z.string(), name: z.string() })
    .nullable()
    .describe("The package's customer who has the number (§3.3.8 \"Customer Name\"), if any; for an agent, only a customer allocated to it"),
});
const addedOut = z.object({ added: z.array(warningOut), skipped: z.array(z.object({ number: z.string(), reason: z.string() })) });

/** Numbers as the page takes them (§3.3.8): a list, or text separated by commas or line breaks. */
const numbersSchema = z
  .union([z.array(z.string().max(40)).max(10_000), z.string().max(400_000)])
  .transform((value) => (Array.isArray(value) ? value : value.split(/[\r\n,;]+/)).map((n) => n.trim()).filter((n) => n !== ''))
  .refine((numbers) => numbers.length > 0, 'at least one number');
const contentSchema = z.string().trim().min(1).max(2000);

const view = ({ tenantId: _t, ...warning }: PopupWarning) => warning;

/**
 * Pop-up warnings (manual §3.3.8): a text that pops up on the agent's screen when it opens,
 * calls or is called by a number of a package. Supervisors and administrators add warnings in
 * force at once; an agent's (from the customer's notes) waits for their review, like a DNC
 * submission. Agents list their own submissions and look up what a number pops up.
 */
export function popupWarningRoutes(api: Api, ctx: AppContext): void {
  const { storage } = ctx.switchboard;

  /** Numbers normalised with the tenant's country; unreadable ones reported, not added. */
  const readNumbers = async (tenantId: string, numbers: string[]) => {
    const { defaultCountry } = await storage.tenants.get(tenantId);
    const read = numbers.map((written) => ({ written, number: readPhoneNumber(written, defaultCountry) }));
    return { numbers: read.flatMap((n) => (n.number ? [n.number] : [])), skipped: read.filter((n) => !n.number).map((n) => ({ number: n.written, reason: 'not a phone number' })) };
  };

  const add = async (tenantId: string, body: { packageId: string | null; numbers: string[]; content: string; status: 'enabled' | 'disabled' }, source: 'tenant' | 'agent', by: string) => {
    await checkPackage(storage, tenantId, body.packageId, 'body.packageId');
    const { numbers, skipped } = await readNumbers(tenantId, body.numbers);
    if (numbers.length === 0) throw new ValidationError('None of the numbers is a phone number', [{ path: 'body.numbers', message: 'no phone number' }]);
    const added = await storage.popupWarnings.add(tenantId, { packageId: body.packageId, numbers, content: body.content, status: body.status, source, by });
    return { added: added.map(view), skipped };
  };

  /** An agent reaches only the warnings it submitted. */
  const reachable = async (tenantId: string, principal: Parameters<typeof isSupervisor>[0], id: string) => {
    const warning = await storage.popupWarnings.get(tenantId, id);
    if (!isSupervisor(principal) && warning.createdBy !== principal?.username) throw new NotFoundError('Pop-up warning', id);
    return warning;
  };

  api.route({
    method: 'get',
    path: '/popup-warnings',
    summary: 'Pop-up warnings, newest first, by package, status (`pending` is the review list) and number digits; agents see their own submissions',
    tags,
    access: 'authenticated',
    query: z.object({ packageId: packageQuery, status: z.enum(statuses).optional(), search: z.string().max(40).optional(), ...offsetPage }),
    responses: { 200: { description: 'One page', schema: z.object({ items: z.array(listedOut) }) } },
    handler: async ({ principal, req, query }) => {
      const tenantId = await tenantOf(storage, principal, req);
      // An agent lists its own submissions, naming only its own customers.
      const own = isSupervisor(principal) ? {} : { createdBy: principal!.username, customersOf: principal!.username };
      return { items: (await storage.popupWarnings.list(tenantId, { ...defined(query), ...own })).map(({ tenantId: _t, ...warning }) => warning) };
    },
  });

  api.route({
    method: 'post',
    path: '/popup-warnings',
    summary: 'Add a pop-up warning for one or more numbers of a package, in force at once (unless disabled); unreadable numbers are reported',
    tags,
    access: 'authenticated',
    body: z.object({ packageId: packageBody, numbers: numbersSchema, content: contentSchema, status: z.enum(['enabled', 'disabled']).default('enabled') }),
    responses: { 201: { description: 'What was added and what was not', schema: addedOut } },
    handler: async ({ principal, req, body }) => {
      requireSupervisor(principal);
      return reply(201, await add(await tenantOf(storage, principal, req), body, 'tenant', principal!.username));
    },
  });

  api.route({
    method: 'post',
    path: '/popup-warnings/submissions',
    summary: "An agent's pop-up warning (from a customer's notes): it pops up only once a supervisor approved it",
    tags,
    access: 'authenticated',
    body: z.object({ packageId: packageBody, numbers: numbersSchema, content: contentSchema }),
    responses: { 201: { description: 'Waiting for review', schema: addedOut } },
    handler: async ({ principal, req, body }) => reply(201, await add(await tenantOf(storage, principal, req), { ...body, status: 'enabled' }, 'agent', principal!.username)),
  });

  api.route({
    method: 'get',
    path: '/popup-warnings/lookup',
    summary: "What pops up for a number of a package: the warnings in force (an agent's screen asks when it opens, calls or is called by the number)",
    tags,
    access: 'authenticated',
    query: z.object({ number: z.string().trim().min(1).max(40), packageId: packageQuery }),
    responses: { 200: { description: 'The warnings in force, oldest first', schema: z.object({ items: z.array(warningOut) }) } },
    handler: async ({ principal, req, query }) => {
      const tenantId = await tenantOf(storage, principal, req);
      const { numbers } = await readNumbers(tenantId, [query.number]);
      if (numbers.length === 0) throw new ValidationError('Not a phone number', [{ path: 'query.number', message: 'not a phone number' }]);
      return { items: (await storage.popupWarnings.forNumber(tenantId, query.packageId ?? null, numbers[0]!)).map(view) };
    },
  });

  api.route({
    method: 'get',
    path: '/popup-warnings/{id}',
    summary: 'A pop-up warning',
    tags,
    access: 'authenticated',
    params: idParams,
    responses: { 200: { description: 'The warning', schema: warningOut } },
    handler: async ({ principal, req, params }) => view(await reachable(await tenantOf(storage, principal, req), principal, params.id)),
  });

  api.route({
    method: 'post',
    path: '/popup-warnings/{id}/review',
    summary: "Approve (it pops up from now) or reject an agent's pop-up warning",
    tags,
    access: 'authenticated',
    params: idParams,
    body: z.object({ approve: z.boolean() }),
    responses: { 200: { description: 'The warning now', schema: warningOut } },
    handler: async ({ principal, req, params, body }) => {
      requireSupervisor(principal);
      return view(await storage.popupWarnings.review(await tenantOf(storage, principal, req), params.id, body.approve, principal!.username));
    },
  });

  api.route({
    method: 'patch',
    path: '/popup-warnings/{id}',
    summary: 'Change the content of a warning, or enable / disable a reviewed one',
    tags,
    access: 'authenticated',
    params: idParams,
    body: z.object({ content: contentSchema.optional(), enabled: z.boolean().optional() }),
    responses: { 200: { description: 'The warning now', schema: warningOut } },
    handler: async ({ principal, req, params, body }) => {
      requireSupervisor(principal);
      return view(await storage.popupWarnings.update(await tenantOf(storage, principal, req), params.id, defined(body)));
    },
  });

  api.route({
    method: 'delete',
    path: '/popup-warnings/{id}',
    summary: 'Delete a pop-up warning',
    tags,
    access: 'authenticated',
    params: idParams,
    responses: { 204: { description: 'Deleted' } },
    handler: async ({ principal, req, params }) => {
      requireSupervisor(principal);
      await storage.popupWarnings.delete(await tenantOf(storage, principal, req), params.id);
      return undefined;
    },
  });
}
