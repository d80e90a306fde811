import { z } from 'zod';
import { NotFoundError, ValidationError, distributionSchema, groupNumberSchema } from '@switchboard/core';
import { reply, type Api } from '../http/api.js';
import type { AppContext } from '../context.js';
import { trafficGeneratorOf } from '../simulator/traffic.js';
import { requireSupervisor, tenantOf } from './tenant-scope.js';

const trafficStatusSchema = z.object({
  tenantId: z.string(),
  startedAt: z.number().int(),
  endsAt: z.number().int().nullable(),
  queues: z.array(z.object({ groupNumber: z.string(), callsPerHour: z.number(), placed: z.number().int(), failed: z.number().int() })),
});

/** Simulated callers into the tenant's queues: Poisson arrivals per group (only with the simulated PBX). */
export function simulatorTrafficRoutes(api: Api, ctx: AppContext): void {
  const tags = ['Simulator'];
  const { storage } = ctx.switchboard;

  api.route({
    method: 'post',
    path: '/simulator/traffic',
    summary: "Start simulated callers into the tenant's agent groups",
    description:
      'Per group, callers arrive at random (a Poisson process) at `callsPerHour` on average; each waits up to a `patience` and talks for a `talk` drawn from the distributions. Replaces traffic already running for the tenant.',
    tags,
    access: 'authenticated',
    body: z.object({
      queues: z.array(z.object({ groupNumber: groupNumberSchema, callsPerHour: z.number().positive().max(100_000) })).min(1).max(100),
      patience: distributionSchema,
      talk: distributionSchema,
      durationMs: z.number().int().min(1).max(31 * 86_400_000).optional().describe('Stop after this long; runs until stopped when absent'),
    }),
    responses: { 201: { description: 'Running', schema: trafficStatusSchema } },
    handler: async ({ principal, req, body }) => {
      requireSupervisor(principal);
      const generator = trafficGeneratorOf(ctx.switchboard);
      const tenantId = await tenantOf(storage, principal, req);
      const unknown: Array<{ path: string; message: string }> = [];
      for (const [i, queue] of body.queues.entries()) {
        if (!(await storage.agentGroups.findByNumber(tenantId, queue.groupNumber))) unknown.push({ path: `body.queues.${i}.groupNumber`, message: `no agent group ${queue.groupNumber}` });
      }
      if (unknown.length > 0) throw new ValidationError('Simulated traffic goes to agent groups of the tenant', unknown);
      return reply(201, generator.start({ tenantId, ...body }));
    },
  });

  api.route({
    method: 'get',
    path: '/simulator/traffic',
    summary: "The tenant's simulated traffic: rates and calls placed so far",
    tags,
    access: 'authenticated',
    responses: { 200: { description: 'Running', schema: trafficStatusSchema } },
    handler: async ({ principal, req }) => {
      const tenantId = await tenantOf(storage, principal, req);
      const status = trafficGeneratorOf(ctx.switchboard).status(tenantId);
      if (!status) throw new NotFoundError('Simulated traffic', tenantId);
      return status;
    },
  });

  api.route({
    method: 'delete',
    path: '/simulator/traffic',
    summary: 'Stop simulated callers (calls already placed play out)',
    tags,
    access: 'authenticated',
    responses: { 204: { description: 'Stopped' } },
    handler: async ({ principal, req }) => {
      requireSupervisor(principal);
      const tenantId = await tenantOf(storage, principal, req);
      if (!trafficGeneratorOf(ctx.switchboard).stop(tenantId)) throw new NotFoundError('Simulated traffic', tenantId);
      return undefined;
    },
  });
}
