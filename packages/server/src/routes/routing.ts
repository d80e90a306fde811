import { z, type ZodObject, type ZodRawShape } from 'zod';
import {
  didSchema,
  incomingRouteSchema,
  monthOf,
  ivrMenuSchema,
  parseRegionCsv,
  patchOf,
  ringGroupSchema,
  routingSettingsSchema,
  RoutingStore,
  timeConditionSchema,
  voiceBroadcastSchema,
  type RoutingObjectKind,
} from '@switchboard/core';
import { reply, type Api } from '../http/api.js';
import type { AppContext } from '../context.js';
import { requireManager, tenantOf } from './tenant-scope.js';

const stamps = { id: z.string(), createdAt: z.number().int(), updatedAt: z.number().int() };
const referrerSchema = z.object({ kind: z.string(), id: z.string(), name: z.string(), field: z.string() });
const idParams = z.object({ id: z.string().min(1).max(64) });

interface Kind {
  path: RoutingObjectKind;
  tag: string;
  one: string;
  section: string;
  schema: ZodObject<ZodRawShape>;
}

const KINDS: Kind[] = [
  { path: 'dids', tag: 'DIDs', one: 'DID', section: '§3.5.1', schema: didSchema as unknown as ZodObject<ZodRawShape> },
  { path: 'incoming-routes', tag: 'Incoming routes', one: 'incoming route', section: '§3.6.1', schema: incomingRouteSchema as unknown as ZodObject<ZodRawShape> },
  { path: 'ivr-menus', tag: 'IVR menus', one: 'IVR menu', section: '§3.6.2', schema: ivrMenuSchema as unknown as ZodObject<ZodRawShape> },
  { path: 'voice-broadcasts', tag: 'Voice broadcasts', one: 'voice broadcast', section: '§3.6.3', schema: voiceBroadcastSchema as unknown as ZodObject<ZodRawShape> },
  { path: 'ring-groups', tag: 'Ring groups', one: 'ring group', section: '§3.7.4', schema: ringGroupSchema as unknown as ZodObject<ZodRawShape> },
  { path: 'time-conditions', tag: 'Time conditions', one: 'time condition', section: '§3.7.8', schema: timeConditionSchema as unknown as ZodObject<ZodRawShape> },
];

/** DIDs' usage this month in the tenant's zone (§3.5.1: incoming calls, minutes, last use). */
const didUsageSchema = z.object({ callsThisMonth: z.number().int(), minutesThisMonth: z.number(), lastUsedAt: z.number().int().nullable() });

/**
 * The routing objects of the caller's tenant (manual §3.5–3.7), each with list / create /
 * get / change / delete / usage. Saves go through the RoutingStore: a destination must
 * name an object that exists, no loop may run without caller input, internal numbers are
 * unique, and what is still referred to cannot be deleted (409 listing the referrers).
 */
export function routingRoutes(api: Api, ctx: AppContext): void {
  const { storage, routing } = ctx.switchboard;
  const store = new RoutingStore(storage, routing);

  for (const kind of KINDS) {
    const tags = [kind.tag];
    const out = kind.path === 'dids' ? kind.schema.extend({ ...stamps, usage: didUsageSchema }) : kind.schema.extend(stamps);
    const withUsage = async (tenantId: string, items: Array<Record<string, unknown> & { id: string }>) => {
      if (kind.path !== 'dids') return items;
      const tenant = await storage.tenants.get(tenantId);
      const month = monthOf(ctx.switchboard.clock.now(), tenant.timeZone);
      await routing.flush();
      const usage = await storage.cdrs.didUsage(tenantId, items.map((i) => i.id), month.from, month.to);
      return items.map((item) => {
        const u = usage.get(item.id)!;
        return { ...item, usage: { callsThisMonth: u.calls, minutesThisMonth: Math.round(u.talkMs / 600) / 100, lastUsedAt: u.lastUsedAt } };
      });
    };

    api.route({
      method: 'get',
      path: `/${kind.path}`,
      summary: `List the tenant's ${kind.one}s (manual ${kind.section})`,
      tags,
      access: 'authenticated',
      query: z.object({ search: z.string().max(100).optional().describe('Part of the name') }),
      responses: { 200: { description: 'All of them, by name', schema: z.object({ items: z.array(out) }) } },
      handler: async ({ principal, req, query }) => {
        const tenantId = await tenantOf(storage, principal, req);
        const items = (await store.list(kind.path, tenantId, query.search)) as Array<Record<string, unknown> & { id: string }>;
        return { items: await withUsage(tenantId, items) };
      },
    });

    api.route({
      method: 'post',
      path: `/${kind.path}`,
      summary: `Create a ${kind.one}`,
      tags,
      access: 'authenticated',
      body: kind.schema,
      responses: { 201: { description: 'Created', schema: kind.schema.extend(stamps) } },
      handler: async ({ principal, req }) => {
        requireManager(principal);
        const tenantId = await tenantOf(storage, principal, req);
        return reply(201, await store.create(kind.path, tenantId, req.body));
      },
    });

    api.route({
      method: 'get',
      path: `/${kind.path}/{id}`,
      summary: `Get a ${kind.one}`,
      tags,
      access: 'authenticated',
      params: idParams,
      responses: { 200: { description: `The ${kind.one}`, schema: out } },
      handler: async ({ principal, req, params }) => {
        const tenantId = await tenantOf(storage, principal, req);
        const [item] = await withUsage(tenantId, [(await store.get(kind.path, tenantId, params.id)) as Record<string, unknown> & { id: string }]);
        return item;
      },
    });

    api.route({
      method: 'patch',
      path: `/${kind.path}/{id}`,
      summary: `Change a ${kind.one}: the fields given replace the stored ones`,
      tags,
      access: 'authenticated',
      params: idParams,
      body: patchOf(kind.schema),
      responses: { 200: { description: `The ${kind.one} now`, schema: kind.schema.extend(stamps) } },
      handler: async ({ principal, req, params }) => {
        requireManager(principal);
        const tenantId = await tenantOf(storage, principal, req);
        // The raw body: only the fields the caller named change.
        return store.update(kind.path, tenantId, params.id, req.body as Record<string, unknown>);
      },
    });

    api.route({
      method: 'delete',
      path: `/${kind.path}/{id}`,
      summary: `Delete a ${kind.one}; refused (409, listing them) while something still refers to it`,
      tags,
      access: 'authenticated',
      params: idParams,
      responses: { 204: { description: 'Deleted' } },
      handler: async ({ principal, req, params }) => {
        requireManager(principal);
        await store.delete(kind.path, await tenantOf(storage, principal, req), params.id);
        return undefined;
      },
    });

    api.route({
      method: 'get',
      path: `/${kind.path}/{id}/usage`,
      summary: `What refers to this ${kind.one} (a condition's "usage")`,
      tags,
      access: 'authenticated',
      params: idParams,
      responses: { 200: { description: 'The referrers', schema: z.object({ items: z.array(referrerSchema) }) } },
      handler: async ({ principal, req, params }) => ({ items: await store.usage(kind.path, await tenantOf(storage, principal, req), params.id) }),
    });
  }

  api.route({
    method: 'get',
    path: '/routing-settings',
    summary: "The tenant's call settings: blacklist treatment, holidays, ring timeouts (manual §3.15.1)",
    tags: ['Routing settings'],
    access: 'authenticated',
    responses: { 200: { description: 'The settings', schema: routingSettingsSchema } },
    handler: async ({ principal, req }) => store.settings(await tenantOf(storage, principal, req)),
  });

  api.route({
    method: 'patch',
    path: '/routing-settings',
    summary: 'Change call settings: the fields given replace the stored ones',
    tags: ['Routing settings'],
    access: 'authenticated',
    body: patchOf(routingSettingsSchema),
    responses: { 200: { description: 'The settings now', schema: routingSettingsSchema } },
    handler: async ({ principal, req }) => {
      requireManager(principal);
      return store.putSettings(await tenantOf(storage, principal, req), req.body);
    },
  });

  api.route({
    method: 'get',
    path: '/region-prefixes',
    summary: 'The number-prefix → region table used by region matching (§3.6.1)',
    tags: ['Routing settings'],
    access: 'authenticated',
    responses: { 200: { description: 'The table', schema: z.object({ items: z.array(z.object({ prefix: z.string(), region: z.string() })) }) } },
    handler: async ({ principal, req }) => ({ items: await storage.routingSettings.regions(await tenantOf(storage, principal, req)) }),
  });

  api.route({
    method: 'put',
    path: '/region-prefixes',
    summary: 'Replace the region table from CSV text (`prefix,region` per line); bad lines are reported with their number, good ones land',
    tags: ['Routing settings'],
    access: 'authenticated',
    body: z.object({ csv: z.string().max(20 * 1024 * 1024) }),
    responses: { 200: { description: 'What was loaded', schema: z.object({ loaded: z.number().int(), errors: z.array(z.object({ line: z.number().int(), reason: z.string() })) }) } },
    handler: async ({ principal, req, body }) => {
      requireManager(principal);
      const tenantId = await tenantOf(storage, principal, req);
      const { entries, errors } = parseRegionCsv(body.csv);
      const loaded = await storage.routingSettings.replaceRegions(tenantId, entries);
      routing.reload(tenantId);
      return { loaded, errors };
    },
  });
}
