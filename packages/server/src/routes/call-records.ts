import { z } from 'zod';
import { callTypes, cdrCsvRows, cdrFilterSchema, hangupReasons, normalizeNumber, NotFoundError } from '@switchboard/core';
import { reply, type Api } from '../http/api.js';
import { streamDownload } from '../http/download.js';
import type { AppContext } from '../context.js';
import { requireManager, requireSupervisor, tenantOf } from './tenant-scope.js';

const blacklistEntrySchema = z.object({
  id: z.string(),
  number: z.string(),
  status: z.enum(['enabled', 'disabled', 'pending', 'rejected']),
  reason: z.string(),
  source: z.enum(['tenant', 'agent']),
  createdBy: z.string(),
  reviewedBy: z.string().nullable(),
  reviewedAt: z.number().int().nullable(),
  createdAt: z.number().int(),
  updatedAt: z.number().int(),
});

const cdrSchema = z.object({
  id: z.string(),
  callId: z.string(),
  callType: z.enum(callTypes),
  direction: z.enum(['inbound', 'outbound']),
  originalCallerNumber: z.string(),
  originalCallerName: z.string(),
  callerNumber: z.string(),
  callerName: z.string(),
  originalAccessNumber: z.string(),
  accessNumber: z.string(),
  originalCalledNumber: z.string(),
  calledNumber: z.string(),
  didId: z.string().nullable(),
  didName: z.string().nullable(),
  agentNumber: z.string().nullable(),
  groupNumber: z.string().nullable(),
  department: z.string().nullable(),
  taskId: z.string().nullable(),
  customerPackageId: z.string().nullable(),
  weekday: z.number().int(),
  holiday: z.boolean(),
  hour: z.number().int(),
  startedAt: z.number().int(),
  answeredAt: z.number().int().nullable(),
  endedAt: z.number().int(),
  ringMs: z.number().int(),
  talkMs: z.number().int(),
  totalMs: z.number().int(),
  holdCount: z.number().int(),
  holdMs: z.number().int(),
  dtmfInput: z.string(),
  transferType: z.enum(['blind', 'attended']).nullable(),
  transferredTo: z.string().nullable(),
  hangupReason: z.enum(hangupReasons),
  hangupParty: z.enum(['caller', 'callee', 'system']),
  sipCode: z.number().int().nullable(),
  sipDescription: z.string().nullable(),
  route: z.array(z.string()),
});

/** Numbers as the blacklist page takes them (§3.7.5): separated by commas or line breaks; spaces inside a number are kept. */
const numbersSchema = z.union([z.array(z.string()), z.string()]).transform((value) => (Array.isArray(value) ? value : value.split(/[\r\n,;]+/)).map((n) => n.trim()).filter((n) => n !== ''));
const idParams = z.object({ id: z.string().min(1).max(64) });
/** Query strings carry numbers as text. */
const cdrQuery = cdrFilterSchema.extend({ from: z.coerce.number().int().optional(), to: z.coerce.number().int().optional() });

/** The blacklist with its review and record (manual §3.7.5), and the call history (§3.3.4). */
export function callRecordRoutes(api: Api, ctx: AppContext): void {
  const { storage, routing } = ctx.switchboard;

  api.route({
    method: 'get',
    path: '/blacklist',
    summary: 'Blacklisted numbers, newest first; `status=pending` is the review list',
    tags: ['Blacklist'],
    access: 'authenticated',
    query: z.object({
      status: z.enum(['enabled', 'disabled', 'pending', 'rejected']).optional(),
      search: z.string().max(40).optional(),
      limit: z.coerce.number().int().min(1).max(1000).default(100),
      offset: z.coerce.number().int().min(0).default(0),
    }),
    responses: { 200: { description: 'One page', schema: z.object({ items: z.array(blacklistEntrySchema) }) } },
    handler: async ({ principal, req, query }) => {
      const tenantId = await tenantOf(storage, principal, req);
      return { items: await storage.blacklist.list(tenantId, Object.fromEntries(Object.entries(query).filter(([, v]) => v !== undefined))) };
    },
  });

  api.route({
    method: 'post',
    path: '/blacklist',
    summary: 'Blacklist numbers (in force at once); numbers already listed or unreadable are reported, the rest land',
    tags: ['Blacklist'],
    access: 'authenticated',
    body: z.object({ numbers: numbersSchema, status: z.enum(['enabled', 'disabled']).default('enabled'), reason: z.string().max(500).default('') }),
    responses: {
      201: {
        description: 'What was added and what was not',
        schema: z.object({ added: z.array(blacklistEntrySchema), skipped: z.array(z.object({ number: z.string(), reason: z.string() })) }),
      },
    },
    handler: async ({ principal, req, body }) => {
      requireSupervisor(principal);
      const tenantId = await tenantOf(storage, principal, req);
      const tenant = await storage.tenants.get(tenantId);
      const unreadable = body.numbers.filter((n) => !/^\+?[0-9][0-9 ().-]{1,30}$/.test(n)).map((number) => ({ number, reason: 'not a phone number' }));
      const numbers = body.numbers.filter((n) => !unreadable.some((u) => u.number === n)).map((n) => normalizeNumber(n, tenant.defaultCountry));
      const result = await storage.blacklist.add(tenantId, { numbers, status: body.status, reason: body.reason, by: principal!.username });
      return reply(201, { added: result.added, skipped: [...unreadable, ...result.skipped] });
    },
  });

  api.route({
    method: 'post',
    path: '/blacklist/submissions',
    summary: 'An agent asks for a number to be blacklisted, with a reason; it takes effect only once reviewed',
    tags: ['Blacklist'],
    access: 'authenticated',
    body: z.object({ number: z.string().trim().regex(/^\+?[0-9][0-9 ().-]{1,30}$/), reason: z.string().trim().min(1).max(500) }),
    responses: { 201: { description: 'Waiting for review', schema: blacklistEntrySchema } },
    handler: async ({ principal, req, body }) => {
      const tenantId = await tenantOf(storage, principal, req);
      const tenant = await storage.tenants.get(tenantId);
      return reply(201, await storage.blacklist.submit(tenantId, { number: normalizeNumber(body.number, tenant.defaultCountry), reason: body.reason, by: principal!.username }));
    },
  });

  api.route({
    method: 'post',
    path: '/blacklist/{id}/review',
    summary: 'Approve (in force from now) or reject an agent submission',
    tags: ['Blacklist'],
    access: 'authenticated',
    params: idParams,
    body: z.object({ approve: z.boolean() }),
    responses: { 200: { description: 'The entry now', schema: blacklistEntrySchema } },
    handler: async ({ principal, req, params, body }) => {
      requireSupervisor(principal);
      return storage.blacklist.review(await tenantOf(storage, principal, req), params.id, { approve: body.approve, by: principal!.username });
    },
  });

  api.route({
    method: 'patch',
    path: '/blacklist/{id}',
    summary: 'Enable or disable a reviewed entry',
    tags: ['Blacklist'],
    access: 'authenticated',
    params: idParams,
    body: z.object({ enabled: z.boolean() }),
    responses: { 200: { description: 'The entry now', schema: blacklistEntrySchema } },
    handler: async ({ principal, req, params, body }) => {
      requireSupervisor(principal);
      return storage.blacklist.setEnabled(await tenantOf(storage, principal, req), params.id, body.enabled, principal!.username);
    },
  });

  api.route({
    method: 'delete',
    path: '/blacklist/{id}',
    summary: 'Remove a number from the blacklist (the record keeps that it was there)',
    tags: ['Blacklist'],
    access: 'authenticated',
    params: idParams,
    responses: { 204: { description: 'Removed' } },
    handler: async ({ principal, req, params }) => {
      requireManager(principal);
      await storage.blacklist.remove(await tenantOf(storage, principal, req), params.id, principal!.username);
      return undefined;
    },
  });

  api.route({
    method: 'get',
    path: '/blacklist/records',
    summary: 'The record of every addition, review and change of the blacklist, newest first',
    tags: ['Blacklist'],
    access: 'authenticated',
    query: z.object({ limit: z.coerce.number().int().min(1).max(1000).default(100), offset: z.coerce.number().int().min(0).default(0) }),
    responses: {
      200: {
        description: 'One page',
        schema: z.object({ items: z.array(z.object({ id: z.string(), number: z.string(), action: z.string(), status: z.string(), reason: z.string(), by: z.string(), at: z.number().int() })) }),
      },
    },
    handler: async ({ principal, req, query }) => ({ items: await storage.blacklist.records(await tenantOf(storage, principal, req), query) }),
  });

  api.route({
    method: 'get',
    path: '/cdrs',
    summary: 'Call history (manual §3.3.4), newest first, filtered; `number` matches any of the numbers',
    tags: ['Call history'],
    access: 'authenticated',
    query: cdrQuery.extend({ limit: z.coerce.number().int().min(1).max(1000).default(100), cursor: z.string().optional() }),
    responses: { 200: { description: 'One page', schema: z.object({ items: z.array(cdrSchema), nextCursor: z.string().nullable() }) } },
    handler: async ({ principal, req, query }) => {
      const tenantId = await tenantOf(storage, principal, req);
      requireSupervisor(principal);
      await routing.flush();
      return storage.cdrs.query(tenantId, withoutUndefined(query));
    },
  });

  api.route({
    method: 'get',
    path: '/cdrs/export',
    summary: 'Call history as CSV (oldest first, streamed), with the same filters',
    tags: ['Call history'],
    access: 'authenticated',
    query: cdrQuery,
    responses: { 200: { description: 'CSV', contentType: 'text/csv' } },
    handler: async ({ principal, req, res, query }) => {
      const tenantId = await tenantOf(storage, principal, req);
      requireSupervisor(principal);
      await routing.flush();
      const tenant = await storage.tenants.get(tenantId);
      await streamDownload(res, { filename: 'call-history.csv', type: 'text/csv; charset=utf-8' }, cdrCsvRows(storage.cdrs.stream(tenantId, withoutUndefined(query)), tenant.timeZone), ctx.logger);
    },
  });

  api.route({
    method: 'get',
    path: '/cdrs/{callId}',
    summary: "One call's record, by its call id",
    tags: ['Call history'],
    access: 'authenticated',
    params: z.object({ callId: z.string().min(1).max(64) }),
    responses: { 200: { description: 'The record', schema: cdrSchema } },
    handler: async ({ principal, req, params }) => {
      const tenantId = await tenantOf(storage, principal, req);
      await routing.flush();
      const cdr = await storage.cdrs.findByCallId(tenantId, params.callId);
      if (!cdr) throw new NotFoundError('Call record', params.callId);
      return cdr;
    },
  });
}

function withoutUndefined<T extends Record<string, unknown>>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
