import { z } from 'zod';
import {
  ConflictError,
  ForbiddenError,
  ValidationError,
  agentEventTypes,
  destinationSchema,
  formatQueueLogLine,
  groupNumberSchema,
  type AgentEventType,
  type QueueLogEntry,
} from '@switchboard/core';
import type { Principal } from '../auth/principal.js';
import { reply, type Api } from '../http/api.js';
import { streamDownload } from '../http/download.js';
import type { AppContext } from '../context.js';
import { acdSnapshotSchema, agentSortOrders } from './acd-snapshot-schema.js';
import { agentParams } from './agents.js';
import { isSupervisor, requireSupervisor, tenantOf } from './tenant-scope.js';

const epochMs = z.coerce.number().int().min(0);
const splitCsv = z.string().transform((s) => s.split(',').map((v) => v.trim()).filter(Boolean));
const groupList = splitCsv.pipe(z.array(groupNumberSchema).min(1));
const eventList = splitCsv.pipe(z.array(z.enum(agentEventTypes)).min(1));

const agentEventSchema = z.object({
  id: z.string(),
  tenantId: z.string(),
  at: z.number().int(),
  agentNumber: z.string(),
  groupNumber: z.string().nullable(),
  event: z.enum(agentEventTypes),
  initiator: z.string(),
  cause: z.string().nullable(),
});

const queueLogEntrySchema = z.object({
  id: z.string(),
  tenantId: z.string(),
  at: z.number().int(),
  callId: z.string(),
  queue: z.string(),
  agent: z.string(),
  event: z.string(),
  data: z.array(z.string()),
});

/** Agent and supervisor commands, the real-time snapshot and the records (manual §3.13, §3.14). */
export function acdCommandRoutes(api: Api, ctx: AppContext): void {
  const { storage, acd } = ctx.switchboard;
  const tags = ['Agent commands'];

  /** The agent may command itself; supervisors and administrators may command any agent of their tenant. */
  const commandScope = async (principal: Principal | undefined, req: Parameters<typeof tenantOf>[2], agentNumber: string) => {
    const tenantId = await tenantOf(storage, principal, req);
    if (!isSupervisor(principal)) {
      const agent = await storage.agents.findByNumber(tenantId, agentNumber);
      if (!agent || agent.userId === null || agent.userId !== principal?.userId) throw new ForbiddenError(`Only agent ${agentNumber} or a supervisor may do this`);
    }
    return { tenantId, initiator: isSupervisor(principal) && principal ? `supervisor:${principal.userId}` : 'agent:web' };
  };

  const command = <B extends z.ZodType>(
    action: string,
    summary: string,
    body: B | undefined,
    run: (scope: { tenantId: string; initiator: string; number: string; body: z.output<B> }) => Promise<void>,
  ) =>
    api.route({
      method: 'post',
      path: `/agents/{number}/${action}`,
      summary,
      tags,
      access: 'authenticated',
      params: agentParams,
      ...(body ? { body } : {}),
      responses: { 204: { description: 'Done' } },
      handler: async ({ principal, req, params, body: input }) => {
        const scope = await commandScope(principal, req, params.number);
        await run({ ...scope, number: params.number, body: input as z.output<B> });
        return undefined;
      },
    });

  const group = z.object({ groupNumber: groupNumberSchema.optional().describe('One group; all of the agent’s groups when absent') });
  command('login', 'Log the agent in (web)', undefined, ({ tenantId, number, initiator }) => acd.login(tenantId, number, 'web', initiator));
  command('logout', 'Log the agent out', undefined, ({ tenantId, number, initiator }) => acd.logout(tenantId, number, initiator));
  command('check-in', 'Check the agent in to a group, or to all its groups', group, ({ tenantId, number, initiator, body }) => acd.checkIn(tenantId, number, body.groupNumber, initiator));
  command('check-out', 'Check the agent out of a group, or of all its groups', group, ({ tenantId, number, initiator, body }) => acd.checkOut(tenantId, number, body.groupNumber, initiator));
  command(
    'pause',
    'Pause the agent with a reason',
    z.object({ reason: z.string().trim().min(1).max(100).describe("An enabled pause reason of the tenant; free text when the tenant has none") }),
    async ({ tenantId, number, initiator, body }) => {
      const reasons = await storage.pauseReasons.list(tenantId);
      if (reasons.length > 0 && !reasons.some((r) => r.enabled && r.name === body.reason)) {
        const names = reasons.filter((r) => r.enabled).map((r) => r.name);
        throw new ValidationError(`"${body.reason}" is not a pause reason of this tenant`, [{ path: 'body.reason', message: `one of: ${names.join(', ')}` }]);
      }
      await acd.pause(tenantId, number, body.reason, initiator);
    },
  );
  command('unpause', 'Back to idle from paused, busy or wrap-up', undefined, ({ tenantId, number, initiator }) => acd.unpause(tenantId, number, initiator));
  command('end-wrap-up', 'End the after-call work now', undefined, ({ tenantId, number, initiator }) => acd.endWrapUp(tenantId, number, initiator));
  command('dnd', 'Do not disturb on or off', z.object({ on: z.boolean() }), ({ tenantId, number, initiator, body }) => acd.setDnd(tenantId, number, body.on, initiator));
  command('hold', "Put the customer of the agent's queue call on hold", undefined, ({ tenantId, number, initiator }) => acd.hold(tenantId, number, initiator));
  command('unhold', 'Take the customer off hold', undefined, ({ tenantId, number, initiator }) => acd.unhold(tenantId, number, initiator));
  command(
    'blind-transfer',
    "Hand the agent's caller to another agent, extension, outside number, queue or IVR without consulting (the routing settings' blindTransfer: ring timeout, call-back when unanswered, name prefix)",
    z.object({ destination: destinationSchema }),
    async ({ tenantId, number, body }) => {
      await ctx.switchboard.routing.blindTransfer(tenantId, number, body.destination);
    },
  );

  // ── supervisor actions ────────────────────────────────────────────────────────

  const supTags = ['Supervisor'];
  const supervisorScope = async (principal: Principal | undefined, req: Parameters<typeof tenantOf>[2]) => {
    requireSupervisor(principal);
    return { tenantId: await tenantOf(storage, principal, req), supervisorId: principal!.userId };
  };
  const supervisorAction = (action: string, summary: string, body: z.ZodType | undefined, run: (tenantId: string, number: string, supervisorId: string, body: { groupNumber?: string | undefined }) => Promise<void>) =>
    api.route({
      method: 'post',
      path: `/agents/{number}/supervisor/${action}`,
      summary,
      tags: supTags,
      access: 'authenticated',
      params: agentParams,
      ...(body ? { body } : {}),
      responses: { 204: { description: 'Done' } },
      handler: async ({ principal, req, params, body: input }) => {
        const { tenantId, supervisorId } = await supervisorScope(principal, req);
        await run(tenantId, params.number, supervisorId, (input ?? {}) as { groupNumber?: string });
        return undefined;
      },
    });
  supervisorAction('check-out', 'Check the agent out (of one group or all)', group, (t, n, s, b) => acd.supervisorCheckOut(t, n, s, b.groupNumber));
  supervisorAction('busy', 'Set the agent busy: no queue calls until it unpauses', undefined, (t, n, s) => acd.setBusy(t, n, s));
  supervisorAction('hangup', "End the agent's current call", undefined, (t, n) => acd.hangupAgentCall(t, n));
  for (const mode of ['listen', 'whisper', 'barge'] as const) {
    api.route({
      method: 'post',
      path: `/agents/{number}/supervisor/${mode}`,
      summary: `${mode === 'listen' ? 'Listen to' : mode === 'whisper' ? 'Whisper to the agent on' : 'Barge into'} the agent's call from the supervisor's phone`,
      tags: supTags,
      access: 'authenticated',
      params: agentParams,
      body: z.object({ extension: z.string().regex(/^[0-9A-Za-z_.-]{1,32}$/, 'letters, digits, _ . -').describe("The supervisor's phone extension") }),
      responses: { 201: { description: 'The monitor call', schema: z.object({ monitorCallId: z.string() }) } },
      handler: async ({ principal, req, params, body }) => {
        const { tenantId } = await supervisorScope(principal, req);
        const monitorCallId = await acd.monitor(tenantId, params.number, mode, { kind: 'extension', extension: body.extension });
        return reply(201, { monitorCallId });
      },
    });
  }

  api.route({
    method: 'post',
    path: '/agents/{number}/supervisor/login-as',
    summary: "Log in as the agent: an access token for the agent's web login (audited)",
    tags: supTags,
    access: 'authenticated',
    params: agentParams,
    responses: { 200: { description: 'A token that acts as the agent', schema: z.object({ token: z.string(), tokenType: z.literal('Bearer'), expiresAt: z.number() }).passthrough() } },
    handler: async ({ principal, req, params }) => {
      const { tenantId } = await supervisorScope(principal, req);
      const agent = await storage.agents.getByNumber(tenantId, params.number);
      if (!agent.userId) throw new ConflictError(`Agent ${params.number} has no web login`, { details: { field: 'number' } });
      const user = await storage.users.getById(tenantId, agent.userId);
      return ctx.auth.issueFor(principal!, user);
    },
  });

  // ── reading ───────────────────────────────────────────────────────────────────

  api.route({
    method: 'get',
    path: '/acd/snapshot',
    summary: 'Real-time figures of the groups and their agents',
    tags: ['Monitoring'],
    access: 'authenticated',
    query: z.object({
      groups: groupList.optional().describe('Comma-separated group numbers; all when absent'),
      sort: z.enum(agentSortOrders).optional().describe("Order of the agents: `state` (wrap-up, on call, on hold, paused, busy, idle, ringing, logged out), `number` (numeric), or `priority` (the agent's best tier in the listed groups, 1 first; agents in none last); `-reverse` reverses the order, ties stay in ascending agent number. Default `number`"),
    }),
    responses: { 200: { description: 'The snapshot', schema: acdSnapshotSchema } },
    handler: async ({ principal, req, query }) => {
      const tenantId = await tenantOf(storage, principal, req);
      return acd.snapshot(tenantId, { ...(query.groups ? { groups: query.groups } : {}), ...(query.sort ? { sort: query.sort } : {}) });
    },
  });

  api.route({
    method: 'get',
    path: '/agent-events',
    summary: 'Agent events (logins, check-ins, state changes), newest first',
    tags: ['Records'],
    access: 'authenticated',
    query: z.object({
      agentNumber: z.string().optional(),
      event: eventList.optional().describe('One event type or several, comma-separated'),
      from: epochMs.optional().describe('Epoch ms, inclusive'),
      to: epochMs.optional().describe('Epoch ms, exclusive'),
      limit: z.coerce.number().int().min(1).max(1000).default(100),
      cursor: z.string().optional().describe('nextCursor of the previous page'),
    }),
    responses: { 200: { description: 'One page', schema: z.object({ items: z.array(agentEventSchema), nextCursor: z.string().nullable() }) } },
    handler: async ({ principal, req, query }) => {
      const tenantId = await tenantOf(storage, principal, req);
      requireSupervisor(principal);
      await acd.flush();
      return storage.agentEvents.query(tenantId, defined({ ...query, event: query.event as AgentEventType[] | undefined }));
    },
  });

  const queueLogQuery = z.object({
    queue: groupNumberSchema.optional().describe('A group number'),
    from: epochMs.optional().describe('Epoch ms, inclusive'),
    to: epochMs.optional().describe('Epoch ms, exclusive'),
  });

  api.route({
    method: 'get',
    path: '/queue-log',
    summary: 'The queue log (Asterisk queue_log events), newest first',
    tags: ['Records'],
    access: 'authenticated',
    query: queueLogQuery.extend({ limit: z.coerce.number().int().min(1).max(1000).default(100), cursor: z.string().optional() }),
    responses: { 200: { description: 'One page', schema: z.object({ items: z.array(queueLogEntrySchema), nextCursor: z.string().nullable() }) } },
    handler: async ({ principal, req, query }) => {
      const tenantId = await tenantOf(storage, principal, req);
      requireSupervisor(principal);
      await acd.flush();
      return storage.queueLog.query(tenantId, defined(query));
    },
  });

  api.route({
    method: 'get',
    path: '/queue-log/export',
    summary: 'The queue log as an Asterisk queue_log file, oldest first',
    description: 'One `epoch|callid|queue|agent|event|data1|…` line per event, for tools that read Asterisk queue_log.',
    tags: ['Records'],
    access: 'authenticated',
    query: queueLogQuery,
    responses: { 200: { description: 'queue_log text', contentType: 'text/plain' } },
    handler: async ({ principal, req, res, query }) => {
      const tenantId = await tenantOf(storage, principal, req);
      requireSupervisor(principal);
      await acd.flush();
      const range = defined({ from: query.from, to: query.to });
      async function* lines(): AsyncIterable<string> {
        for await (const entry of storage.queueLog.stream(tenantId, range) as AsyncIterable<QueueLogEntry>) {
          if (query.queue === undefined || entry.queue === query.queue) yield `${formatQueueLogLine(entry)}\n`;
        }
      }
      await streamDownload(res, { filename: 'queue_log', type: 'text/plain; charset=utf-8' }, lines(), ctx.logger);
    },
  });
}

/** The object without its undefined values (exactOptionalPropertyTypes). */
function defined<T extends Record<string, unknown>>(value: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as { [K in keyof T]: Exclude<T[K], undefined> };
}
