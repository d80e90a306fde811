import { z } from 'zod';
import {
  HANGUP_CAUSE_NAMES,
  IllegalStateError,
  NotFoundError,
  VirtualClock,
  distributionSchema,
  partyScriptSchema,
  type HangupCause,
  type SimulatedPbx,
} from '@switchboard/core';
import { reply, type Api } from '../http/api.js';
import type { AppContext } from '../context.js';

const endpointSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('extension'), extension: z.string() }),
  z.object({ kind: z.literal('external'), number: z.string(), trunk: z.string().optional() }),
]);

const traceEntrySchema = z.object({
  at: z.number().int(),
  callId: z.string(),
  kind: z.enum(['command', 'event', 'party']),
  name: z.string(),
  detail: z.record(z.string(), z.unknown()).optional(),
});

const callRecordSchema = z.object({
  callId: z.string(),
  direction: z.enum(['inbound', 'outbound']),
  from: endpointSchema,
  to: endpointSchema,
  trunk: z.string().optional(),
  callerId: z.object({ number: z.string(), name: z.string().optional() }),
  variables: z.record(z.string(), z.string()),
  state: z.enum(['ringing', 'early', 'answered', 'ended']),
  createdAt: z.number().int(),
  answeredAt: z.number().int().optional(),
  endedAt: z.number().int().optional(),
  hangup: z.object({ cause: z.string(), side: z.enum(['remote', 'local', 'unknown']), sipCode: z.number().int().optional() }).optional(),
  bridgedTo: z.string().optional(),
  held: z.boolean(),
  trace: z.array(traceEntrySchema).optional(),
});

const number = z.string().trim().regex(/^\+?[0-9*#]{1,32}$/, 'digits, optionally with a leading +');

const placeCallSchema = z.object({
  from: z.union([
    number.describe('The caller number, on the default trunk'),
    z.object({ number, name: z.string().max(100).optional(), trunk: z.string().optional() }),
    z.object({ extension: z.string().min(1).describe('An agent phone dialling') }),
  ]),
  to: number.describe('The number dialled: a DID, an extension or a feature code'),
  delayMs: z.number().int().min(0).max(7 * 86_400_000).optional().describe('Place the call this long from now'),
  script: partyScriptSchema.optional().describe('How the caller behaves: patience, talk time, keys pressed'),
  variables: z.record(z.string(), z.string()).optional(),
});

const agentPhoneSchema = z.object({
  answer: z
    .union([z.literal('auto'), z.literal('manual'), z.number().int().min(0), distributionSchema])
    .optional()
    .describe('auto: at once; manual: until answered here; or a delay in ms / a distribution'),
  dnd: z.boolean().optional(),
  registered: z.boolean().optional(),
  reject: z.boolean().optional(),
  honourAutoAnswer: z.boolean().optional(),
});

/**
 * The simulated PBX as a product feature (DESIGN.md §10): place scripted
 * calls, move virtual time, and script the agents' phones.
 */
export function simulatorRoutes(api: Api, ctx: AppContext): void {
  const pbx = (): SimulatedPbx => {
    const sim = ctx.switchboard.simulator;
    if (!sim) throw new IllegalStateError('The simulator is not running: this server uses a real media server (--media)');
    return sim;
  };
  const record = (callId: string, withTrace: boolean) => {
    const call = pbx().call(callId);
    if (!call) throw new NotFoundError('Simulated call', callId);
    return withTrace ? call : { ...call, trace: undefined };
  };

  api.route({
    method: 'get',
    path: '/simulator',
    summary: 'The simulation now: clock, live calls, trunks',
    tags: ['Simulator'],
    access: 'authenticated',
    responses: {
      200: {
        description: 'Status',
        schema: z.object({
          clock: z.enum(['real', 'virtual']),
          now: z.number().int(),
          liveCalls: z.number().int(),
          trunks: z.array(z.object({ name: z.string(), channels: z.number().int(), inUse: z.number().int() })),
        }),
      },
    },
    handler: () => ({ clock: ctx.clockMode, now: ctx.switchboard.clock.now(), liveCalls: pbx().liveCallCount, trunks: pbx().trunkUsage() }),
  });

  api.route({
    method: 'post',
    path: '/simulator/calls',
    summary: 'Place a scripted call into the PBX',
    description: 'A customer calls a number (or an agent phone dials one). The script says when the caller gives up or hangs up and which keys they press.',
    tags: ['Simulator'],
    access: 'authenticated',
    body: placeCallSchema,
    responses: { 201: { description: 'Placed', schema: z.object({ callId: z.string(), at: z.number().int() }) } },
    handler: ({ body }) => {
      const from = typeof body.from === 'string' ? { number: body.from } : body.from;
      const callId = pbx().placeCall({ ...body, from } as Parameters<SimulatedPbx['placeCall']>[0]);
      return reply(201, { callId, at: ctx.switchboard.clock.now() + (body.delayMs ?? 0) });
    },
  });

  api.route({
    method: 'get',
    path: '/simulator/calls',
    summary: 'Every simulated call so far',
    tags: ['Simulator'],
    access: 'authenticated',
    query: z.object({
      state: z.enum(['live', 'ended', 'all']).default('all'),
      limit: z.coerce.number().int().min(1).max(1_000).default(100),
    }),
    responses: { 200: { description: 'Calls, newest first', schema: z.object({ items: z.array(callRecordSchema) }) } },
    handler: ({ query }) => {
      const calls = pbx()
        .calls()
        .filter((c) => query.state === 'all' || (query.state === 'live') === (c.state !== 'ended'))
        .reverse()
        .slice(0, query.limit)
        .map((c) => ({ ...c, trace: undefined }));
      return { items: calls };
    },
  });

  api.route({
    method: 'get',
    path: '/simulator/calls/{callId}',
    summary: 'One simulated call with its full trace',
    tags: ['Simulator'],
    access: 'authenticated',
    params: z.object({ callId: z.string().min(1) }),
    responses: { 200: { description: 'The call', schema: callRecordSchema } },
    handler: ({ params }) => record(params.callId, true),
  });

  // The simulator acting as the party on a leg: hang up, answer, press keys.
  const partyAction = <B extends z.ZodType>(action: string, summary: string, body: B, act: (callId: string, body: z.output<B>) => void) =>
    api.route({
      method: 'post',
      path: `/simulator/calls/{callId}/${action}`,
      summary,
      tags: ['Simulator'],
      access: 'authenticated',
      params: z.object({ callId: z.string().min(1) }),
      body,
      responses: { 204: { description: 'Done' } },
      handler: ({ params, body: input }) => {
        record(params.callId, false);
        act(params.callId, input);
        return undefined;
      },
    });
  partyAction('hangup', 'The party on this leg hangs up now', z.object({ cause: z.enum(HANGUP_CAUSE_NAMES as [HangupCause, ...HangupCause[]]).optional() }), (id, b) => pbx().hangupParty(id, b.cause));
  partyAction('answer', 'The party on this ringing leg answers (the demo softphone)', z.object({}), (id) => pbx().answerParty(id));
  partyAction('dtmf', 'The party on this leg presses keys', z.object({ digits: z.string().regex(/^[0-9*#A-D]{1,64}$/, 'digits are 0-9, *, #, A-D') }), (id, b) => pbx().pressDigits(id, b.digits));

  api.route({
    method: 'put',
    path: '/simulator/numbers/{number}',
    summary: 'Script how an outside number behaves when called',
    description: 'Whether it answers (with a probability, after a delay), is busy, never answers or fails with a SIP code; how long it talks; which keys it presses.',
    tags: ['Simulator'],
    access: 'authenticated',
    params: z.object({ number }),
    body: partyScriptSchema,
    responses: { 204: { description: 'Scripted' } },
    handler: ({ params, body }) => {
      pbx().scriptNumber(params.number, body);
      return undefined;
    },
  });

  api.route({
    method: 'post',
    path: '/simulator/advance',
    summary: 'Move virtual time forward',
    description: 'Only with `--clock virtual`. Everything due in the interval happens, in order, before the reply.',
    tags: ['Simulator'],
    access: 'authenticated',
    body: z.object({ ms: z.number().int().min(0).max(31 * 86_400_000) }),
    responses: { 200: { description: 'The new time', schema: z.object({ now: z.number().int(), liveCalls: z.number().int() }) } },
    handler: async ({ body }) => {
      const clock = ctx.switchboard.clock;
      if (!(clock instanceof VirtualClock)) throw new IllegalStateError('Time moves by itself with the real clock: start the server with --clock virtual');
      pbx();
      await clock.advance(body.ms);
      return { now: clock.now(), liveCalls: pbx().liveCallCount };
    },
  });

  api.route({
    method: 'post',
    path: '/simulator/agents/{agentNumber}',
    summary: "Script an agent's phone",
    description: 'Registers the phone when it is new. Fields left out keep their value.',
    tags: ['Simulator'],
    access: 'authenticated',
    params: z.object({ agentNumber: z.string().regex(/^[0-9A-Za-z_.-]{1,32}$/, 'letters, digits, _ . -') }),
    body: agentPhoneSchema,
    responses: { 200: { description: 'The phone now', schema: agentPhoneSchema.required().extend({ agentNumber: z.string() }) } },
    handler: ({ params, body }) => {
      const patch = Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined));
      pbx().setExtension(params.agentNumber, patch);
      return { agentNumber: params.agentNumber, ...pbx().getExtension(params.agentNumber)! };
    },
  });
}
