import { z } from 'zod';
import { NotFoundError, currentValues, customerInputSchema, customerPackageSchema, customFieldSchema, maskNumber, newCustomFieldSchema, patchOf, type Customer, type Storage } from '@switchboard/core';
import type { Principal } from '../auth/principal.js';
import { reply, type Api } from '../http/api.js';
import type { AppContext } from '../context.js';
import { customerScopeOf, isSupervisor, requireManager, requireSupervisor, tenantOf } from './tenant-scope.js';

const stamps = { id: z.string(), createdAt: z.number().int(), updatedAt: z.number().int() };
const packageOut = customerPackageSchema.extend(stamps);
const fieldOut = customFieldSchema.extend(stamps);
export const customerOut = z.object({
  id: z.string(),
  packageId: z.string().nullable(),
  name: z.string(),
  phones: z.array(z.string()),
  email: z.string().nullable(),
  gender: z.enum(['male', 'female', 'other']).nullable(),
  age: z.number().int().nullable(),
  address: z.string().nullable(),
  area: z.string().nullable(),
  notes: z.string().nullable(),
  custom: z.record(z.string(), z.unknown()),
  tags: z.array(z.string()),
  dataSourceId: z.string().nullable(),
  taskId: z.string().nullable(),
  agentNumber: z.string().nullable(),
  allocatedAt: z.number().int().nullable(),
  totalCalls: z.number().int(),
  lastCallResult: z.string().nullable(),
  funnelStage: z.string().nullable(),
  noCall: z.boolean().describe('The "highlight" no-call flag (§3.3 3.3): set and cleared with PUT / DELETE /customers/{id}/highlight'),
  createdAt: z.number().int(),
  updatedAt: z.number().int(),
});
const idParams = z.object({ id: z.string().min(1).max(64) });
/** The filters of a customer search; the export takes the same ones. */
export const customerFilterShape = {
  packageId: z.string().optional().describe("A package id, or 'default' for the default package; all packages when absent"),
  q: z.string().max(100).optional(),
  taskId: z.string().optional(),
  agentNumber: z.string().optional(),
  funnelStage: z.string().optional(),
  callResult: z.string().optional(),
  tag: z.string().optional(),
  mask: z.enum(['true', 'false']).optional(),
};

/**
 * Customer packages, custom fields and customers (manual §3.2.1, §3.2.2, §3.3.3). Agents
 * see only their own customers' data their role may see: fields hidden from the role are
 * left out, and numbers are masked when `mask=true` (a task that masks numbers asks so).
 */
export function customerRoutes(api: Api, ctx: AppContext): void {
  const { storage, compliance } = ctx.switchboard;
  // The Switchboard's own service: its writes reach the compliance screen's highlighted customers.
  const customers = ctx.switchboard.crm.customers;
  const highlights = compliance.highlights;

  api.route({
    method: 'get',
    path: '/customer-packages',
    summary: 'Customer packages (closed ones with `includeClosed=true`: the only place a closed package is seen until it is reopened)',
    tags: ['Customers'],
    access: 'authenticated',
    query: z.object({ includeClosed: z.enum(['true', 'false']).optional() }),
    responses: { 200: { description: 'The packages', schema: z.object({ items: z.array(packageOut) }) } },
    handler: async ({ principal, req, query }) => ({ items: await storage.customerPackages.list(await tenantOf(storage, principal, req), { includeClosed: query.includeClosed === 'true' }) }),
  });

  api.route({
    method: 'post',
    path: '/customer-packages',
    summary: 'Create a customer package; its index and unique key fields become database indexes',
    tags: ['Customers'],
    access: 'authenticated',
    body: customerPackageSchema,
    responses: { 201: { description: 'Created', schema: packageOut } },
    handler: async ({ principal, req }) => {
      requireManager(principal);
      const tenantId = await tenantOf(storage, principal, req);
      const created = await storage.customerPackages.create(tenantId, req.body);
      highlights.packageChanged(tenantId, created);
      return reply(201, created);
    },
  });

  api.route({
    method: 'patch',
    path: '/customer-packages/{id}',
    summary: 'Change a customer package (closing it hides its data everywhere)',
    description:
      "Closing hides the package's customers, custom fields, funnel stages, contact records, successful customers, pop-up warnings and pre-dial entries from every list, search, get and change by id (404) for everyone, until it is reopened; nothing is deleted. " +
      'Refused (409, naming a few) while customers repeat a value of a field made a unique key, or while customers of other packages hold numbers of this package when it is made globally unique.',
    tags: ['Customers'],
    access: 'authenticated',
    params: idParams,
    body: patchOf(customerPackageSchema),
    responses: { 200: { description: 'The package now', schema: packageOut } },
    handler: async ({ principal, req, params }) => {
      requireManager(principal);
      const tenantId = await tenantOf(storage, principal, req);
      const saved = await storage.customerPackages.update(tenantId, params.id, req.body as Record<string, unknown>);
      // Closing hides the package's highlighted customers from the screen too; its phone uniqueness scopes their numbers.
      highlights.packageChanged(tenantId, saved);
      return saved;
    },
  });

  api.route({
    method: 'delete',
    path: '/customer-packages/{id}',
    summary: 'Delete an empty customer package (one with customers can only be closed)',
    tags: ['Customers'],
    access: 'authenticated',
    params: idParams,
    responses: { 204: { description: 'Deleted' } },
    handler: async ({ principal, req, params }) => {
      requireManager(principal);
      const tenantId = await tenantOf(storage, principal, req);
      const pkg = await storage.customerPackages.getById(tenantId, params.id);
      await storage.customerPackages.delete(tenantId, params.id);
      highlights.packageChanged(tenantId, pkg, true);
      return undefined;
    },
  });

  api.route({
    method: 'get',
    path: '/custom-fields',
    summary: "A package's custom fields in display order (no packageId: the default package; none of a closed package)",
    tags: ['Customers'],
    access: 'authenticated',
    query: z.object({ packageId: z.string().optional(), search: z.string().max(100).optional() }),
    responses: { 200: { description: 'The fields', schema: z.object({ items: z.array(fieldOut) }) } },
    handler: async ({ principal, req, query }) => ({
      items: await storage.customFields.list(await tenantOf(storage, principal, req), query.packageId ?? null, query.search ? { search: query.search } : {}),
    }),
  });

  api.route({
    method: 'post',
    path: '/custom-fields',
    summary: 'Add a custom field to a package; a unique one becomes a unique index of a stored package (409 while customers repeat a value)',
    tags: ['Customers'],
    access: 'authenticated',
    body: newCustomFieldSchema,
    responses: { 201: { description: 'Created', schema: fieldOut } },
    handler: async ({ principal, req }) => {
      requireManager(principal);
      return reply(201, await storage.customFields.create(await tenantOf(storage, principal, req), req.body));
    },
  });

  api.route({
    method: 'patch',
    path: '/custom-fields/{id}',
    summary: 'Change a custom field (its name and package stay: stored values are keyed by them); made unique: 409 while customers repeat a value',
    description: 'The parts given replace the stored ones, the others stay; the field as changed is checked whole (an options field needs options, default options must be among them …). 404 for a field of a closed package.',
    tags: ['Customers'],
    access: 'authenticated',
    params: idParams,
    // The core's own schema, so the document cannot drift from what is checked; name and package never change (stored values are keyed by them).
    body: patchOf(customFieldSchema).omit({ name: true, packageId: true }),
    responses: { 200: { description: 'The field now', schema: fieldOut } },
    handler: async ({ principal, req, params, body }) => {
      requireManager(principal);
      return storage.customFields.update(await tenantOf(storage, principal, req), params.id, body);
    },
  });

  api.route({
    method: 'delete',
    path: '/custom-fields/{id}',
    summary: "Delete a custom field: its values stay on customers but are no field any more (not shown, not checked)",
    tags: ['Customers'],
    access: 'authenticated',
    params: idParams,
    responses: { 204: { description: 'Deleted' } },
    handler: async ({ principal, req, params }) => {
      requireManager(principal);
      await storage.customFields.delete(await tenantOf(storage, principal, req), params.id);
      return undefined;
    },
  });

  /** Agents reach only the customers allocated to them; others are "not found" to them. */
  const reachable = async (tenantId: string, principal: Principal | undefined, id: string): Promise<Customer> => {
    const customer = await storage.customers.get(tenantId, id);
    const { agentNumber } = customerScopeOf(principal);
    if (agentNumber !== undefined && customer.agentNumber !== agentNumber) throw new NotFoundError('Customer', id);
    return customer;
  };

  const view = (tenantId: string, role: string, customer: Customer, mask: boolean) => customerView(storage, tenantId, role, customer, mask);

  api.route({
    method: 'get',
    path: '/customers',
    summary: 'Search customers: global search (name, phone, e-mail, area, address, notes, the custom fields each package marks for it) and filters; closed packages\' customers are hidden',
    tags: ['Customers'],
    access: 'authenticated',
    query: z.object({
      ...customerFilterShape,
      limit: z.coerce.number().int().min(1).max(1000).default(100),
      offset: z.coerce.number().int().min(0).default(0),
    }),
    responses: { 200: { description: 'One page', schema: z.object({ items: z.array(customerOut), total: z.number().int() }) } },
    handler: async ({ principal, req, query }) => {
      const tenantId = await tenantOf(storage, principal, req);
      const { packageId, mask, ...filters } = query;
      // Agents see the customers allocated to them; supervisors and administrators see all.
      const own = customerScopeOf(principal);
      const found = await customers.search(tenantId, {
        ...Object.fromEntries(Object.entries(filters).filter(([, v]) => v !== undefined)),
        ...(packageId === undefined ? {} : { packageId: packageId === 'default' ? null : packageId }),
        ...own,
      }, { role: principal!.role });
      return { total: found.total, items: await Promise.all(found.items.map((c) => view(tenantId, principal!.role, c, mask === 'true'))) };
    },
  });

  api.route({
    method: 'post',
    path: '/customers',
    summary: 'Create a customer: numbers normalised and checked against the package rule, custom values by their field types',
    description:
      'Empty custom fields take their defaults (default options, default address). Tags and the data source must exist (400). ' +
      "409 for a number another customer of the package has, a number held across packages where either package's numbers are globally unique, or a value of a unique field (unique key or custom field marked unique) another customer of the package has.",
    tags: ['Customers'],
    access: 'authenticated',
    body: customerInputSchema,
    responses: { 201: { description: 'Created', schema: customerOut } },
    handler: async ({ principal, req }) => {
      const tenantId = await tenantOf(storage, principal, req);
      return reply(201, await view(tenantId, principal!.role, await customers.create(tenantId, req.body, { role: principal!.role }), false));
    },
  });

  api.route({
    method: 'get',
    path: '/customers/{id}',
    summary: 'A customer (404 for one of a closed package)',
    tags: ['Customers'],
    access: 'authenticated',
    params: idParams,
    query: z.object({ mask: z.enum(['true', 'false']).optional() }),
    responses: { 200: { description: 'The customer', schema: customerOut } },
    handler: async ({ principal, req, params, query }) => {
      const tenantId = await tenantOf(storage, principal, req);
      return view(tenantId, principal!.role, await reachable(tenantId, principal, params.id), query.mask === 'true');
    },
  });

  api.route({
    method: 'patch',
    path: '/customers/{id}',
    summary: 'Change a customer: fields given replace the stored ones; custom values merge by field',
    description:
      'The fields of a create, every one optional: those left out keep their value. The customer as changed is checked like a new one (numbers, the package rules, unique fields), ' +
      'custom values only for the fields named. The highlight, call counters, last call result and funnel stage are not changed here. 404 for a customer of a closed package (and, for an agent, one not allocated to it).',
    tags: ['Customers'],
    access: 'authenticated',
    params: idParams,
    body: patchOf(customerInputSchema),
    responses: { 200: { description: 'The customer now', schema: customerOut } },
    handler: async ({ principal, req, params, body }) => {
      const tenantId = await tenantOf(storage, principal, req);
      await reachable(tenantId, principal, params.id);
      return view(tenantId, principal!.role, await customers.update(tenantId, params.id, body, { role: principal!.role }), false);
    },
  });

  api.route({
    method: 'delete',
    path: '/customers/{id}',
    summary: 'Delete a customer',
    tags: ['Customers'],
    access: 'authenticated',
    params: idParams,
    responses: { 204: { description: 'Deleted' } },
    handler: async ({ principal, req, params }) => {
      requireManager(principal);
      await customers.remove(await tenantOf(storage, principal, req), params.id);
      return undefined;
    },
  });

  for (const highlighted of [true, false]) {
    api.route({
      method: highlighted ? 'put' : 'delete',
      path: '/customers/{id}/highlight',
      summary: highlighted
        ? 'Highlight a customer (§3.3 3.3): a no-call flag on the customer; their numbers are refused by every outbound path, though on no DNC list'
        : 'Remove the highlight (§3.3 3.4 "Remove highlighting"); DNC entries of the same numbers stay in force',
      description:
        'The highlight and DNC list entries are two kinds of no-call, set and removed independently: either alone keeps a number from being called ' +
        '(POST /dnc/screen names which: `dnc` or `highlighted-customer`). A highlight counts in the customer\'s own package, across packages where numbers are globally unique, ' +
        'and not while the package is closed. Idempotent.',
      tags: ['Customers'],
      access: 'authenticated',
      params: idParams,
      responses: { 200: { description: 'The customer now', schema: customerOut } },
      handler: async ({ principal, req, params }) => {
        requireSupervisor(principal);
        return highlights.set(await tenantOf(storage, principal, req), params.id, highlighted);
      },
    });
  }

  api.route({
    method: 'post',
    path: '/customers/allocation',
    summary: 'Allocate customers (§3.3.3): release to the pool, assign to a task, or assign to an agent',
    tags: ['Customers'],
    access: 'authenticated',
    body: z.object({
      ids: z.array(z.string().min(1)).min(1).max(100_000),
      to: z.discriminatedUnion('kind', [
        z.object({ kind: z.literal('pool') }),
        z.object({ kind: z.literal('task'), taskId: z.string().min(1) }),
        z.object({ kind: z.literal('agent'), agentNumber: z.string().regex(/^[0-9]{2,16}$/), taskId: z.string().min(1).optional() }),
      ]),
    }),
    responses: { 200: { description: 'How many changed', schema: z.object({ allocated: z.number().int() }) } },
    handler: async ({ principal, req, body }) => {
      if (!isSupervisor(principal)) requireManager(principal);
      const to = body.to.kind === 'pool' ? { taskId: null, agentNumber: null } : body.to.kind === 'task' ? { taskId: body.to.taskId, agentNumber: null } : { taskId: body.to.taskId ?? null, agentNumber: body.to.agentNumber };
      return { allocated: await storage.customers.allocate(await tenantOf(storage, principal, req), body.ids, to) };
    },
  });
}

/**
 * What a principal may see of a customer: the values of the package's fields (a deleted
 * field's values stay stored but are no field), without those hidden from the role, and
 * masked numbers when asked.
 */
export async function customerView<C extends Customer>(storage: Storage, tenantId: string, role: string, customer: C, mask: boolean): Promise<C> {
  const fields = (await storage.customFields.list(tenantId, customer.packageId)).filter((f) => f.permissions[role] !== 'hidden');
  const custom = currentValues(fields, customer.custom);
  return { ...customer, custom, phones: mask ? customer.phones.map(maskNumber) : customer.phones };
}
