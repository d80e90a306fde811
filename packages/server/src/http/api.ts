import { Router, type Request, type RequestHandler, type Response } from 'express';
import { parseOrThrow } from '@switchboard/core';
import { z, type ZodType } from 'zod';
import type { Principal } from '../auth/principal.js';
import { problemSchema } from './problem.js';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** Who may call a route: anyone, any signed-in principal, or a platform administrator. */
export type Access = 'public' | 'authenticated' | 'platform-admin';

export interface RouteInput<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  principal: Principal | undefined;
  req: Request;
  res: Response;
}

/** A reply with a status other than 200. */
export class Reply {
  constructor(
    readonly status: number,
    readonly body?: unknown,
  ) {}
}

export const reply = (status: number, body?: unknown) => new Reply(status, body);

/** A handler returns the body (status 200), a `reply(status, body)`, or `undefined` (204). */
export type RouteResult = unknown;

export interface RouteSpec<P extends ZodType, Q extends ZodType, B extends ZodType> {
  method: HttpMethod;
  /** OpenAPI-style path under the API base, e.g. `/simulator/agents/{agentNumber}`. */
  path: string;
  summary: string;
  description?: string;
  tags: string[];
  access: Access;
  params?: P;
  query?: Q;
  body?: B;
  /**
   * A body that is not JSON, such as a file upload: described in the OpenAPI document under its
   * content type (with `encoding` per part); the handler reads and checks the request itself.
   */
  upload?: { contentType: 'multipart/form-data'; schema: ZodType; encoding?: Record<string, { contentType: string }> };
  /** Success responses by status; each error status is described by the Problem schema. */
  responses: Record<number, { description: string; schema?: ZodType; contentType?: string }>;
  handler: (input: RouteInput<z.output<P>, z.output<Q>, z.output<B>>) => Promise<RouteResult> | RouteResult;
}

type AnyRoute = RouteSpec<ZodType, ZodType, ZodType>;

export interface ApiOptions {
  /** Resolves the caller from the request, or throws UnauthenticatedError. */
  authenticate: (req: Request) => Promise<Principal>;
  /** Throws ForbiddenError when the principal may not use a route of this access level. */
  authorize: (principal: Principal, access: Access) => void;
  /** Called after each successful mutating request (POST, PUT, PATCH, DELETE) by a principal: the audit log. */
  onMutation?: (event: { principal: Principal; method: HttpMethod; path: string; params: Record<string, unknown>; status: number; ip: string | undefined }) => Promise<void>;
}

const toExpressPath = (path: string) => path.replace(/\{([A-Za-z0-9_]+)\}/g, ':$1');

/**
 * The one place routes are declared: each route's zod schemas validate its
 * request and also describe it in the OpenAPI document, so the two never drift.
 */
export class Api {
  private readonly routes: AnyRoute[] = [];

  constructor(private readonly options: ApiOptions) {}

  route<P extends ZodType = ZodType, Q extends ZodType = ZodType, B extends ZodType = ZodType>(spec: RouteSpec<P, Q, B>): void {
    this.routes.push(spec as unknown as AnyRoute);
  }

  /** An Express router with every declared route, validating and authenticating each. */
  router(): Router {
    const router = Router();
    for (const route of this.routes) router[route.method](toExpressPath(route.path), this.handle(route));
    return router;
  }

  private handle(route: AnyRoute): RequestHandler {
    return async (req, res) => {
      const principal = route.access === 'public' ? undefined : await this.options.authenticate(req);
      if (principal) this.options.authorize(principal, route.access);
      res.locals['principal'] = principal;
      const params = route.params ? parseOrThrow(route.params, req.params, 'path parameters', 'path') : {};
      const query = route.query ? parseOrThrow(route.query, req.query, 'query', 'query') : {};
      const body = route.body ? parseOrThrow(route.body, req.body ?? {}, 'body', 'body') : undefined;
      const result = await route.handler({ params, query, body, principal, req, res });
      if (res.headersSent) return;
      const shaped = result === undefined ? new Reply(204) : result instanceof Reply ? result : new Reply(200, result);
      if (principal && route.method !== 'get' && this.options.onMutation) {
        await this.options.onMutation({ principal, method: route.method, path: route.path, params: params as Record<string, unknown>, status: shaped.status, ip: req.ip });
      }
      if (shaped.body === undefined) res.status(shaped.status).end();
      else res.status(shaped.status).json(shaped.body);
    };
  }

  /** The OpenAPI 3.1 document of every declared route. */
  openapi(info: { title: string; version: string; description?: string }, basePath: string): Record<string, unknown> {
    const paths: Record<string, Record<string, unknown>> = {};
    const schemas: Record<string, unknown> = {};
    const jsonSchema = (schema: ZodType, io: 'input' | 'output') => {
      const out = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any', reused: 'inline' }) as Record<string, unknown>;
      delete out['$schema'];
      return out;
    };
    schemas['Problem'] = jsonSchema(problemSchema, 'output');
    const problemResponse = (description: string) => ({
      description,
      content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
    });

    for (const route of this.routes) {
      const operation: Record<string, unknown> = {
        operationId: operationId(route),
        summary: route.summary,
        ...(route.description ? { description: route.description } : {}),
        tags: route.tags,
        security: route.access === 'public' ? [] : [{ bearerAuth: [] }, { apiKeyAuth: [] }],
      };
      const parameters: unknown[] = [];
      for (const [where, schema] of [['path', route.params], ['query', route.query]] as const) {
        if (!schema) continue;
        const object = jsonSchema(schema, 'input') as { properties?: Record<string, unknown>; required?: string[] };
        for (const [name, property] of Object.entries(object.properties ?? {})) {
          parameters.push({ name, in: where, required: where === 'path' || (object.required ?? []).includes(name), schema: property });
        }
      }
      if (parameters.length > 0) operation['parameters'] = parameters;
      if (route.body) {
        operation['requestBody'] = { required: true, content: { 'application/json': { schema: jsonSchema(route.body, 'input') } } };
      }
      if (route.upload) {
        const { contentType, schema, encoding } = route.upload;
        operation['requestBody'] = { required: true, content: { [contentType]: { schema: jsonSchema(schema, 'input'), ...(encoding ? { encoding } : {}) } } };
      }
      const responses: Record<string, unknown> = {};
      for (const [status, response] of Object.entries(route.responses)) {
        const type = response.contentType ?? 'application/json';
        responses[status] = response.schema
          ? { description: response.description, content: { [type]: { schema: jsonSchema(response.schema, 'output') } } }
          : response.contentType
            ? { description: response.description, content: { [type]: { schema: { type: 'string' } } } }
            : { description: response.description };
      }
      if (route.params || route.query || route.body || route.upload) responses['400'] = problemResponse('Invalid request: the `errors` list names each bad field');
      if (route.access !== 'public') responses['401'] = problemResponse('Missing, invalid or expired credentials');
      if (route.access === 'platform-admin') responses['403'] = problemResponse('Not a platform administrator');
      operation['responses'] = responses;
      const path = basePath + route.path;
      (paths[path] ??= {})[route.method] = operation;
    }

    return {
      openapi: '3.1.0',
      info,
      servers: [{ url: '/' }],
      paths,
      components: {
        schemas,
        securitySchemes: {
          bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT or API key', description: 'An access token from POST /api/v1/auth/login, or an API key' },
          apiKeyAuth: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
        },
      },
    };
  }
}

function operationId(route: AnyRoute): string {
  const words = route.path
    .split('/')
    .filter(Boolean)
    .map((part) => part.replace(/[{}]/g, '').replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase()));
  return [route.method, ...words].map((w, i) => (i === 0 ? w : w.charAt(0).toUpperCase() + w.slice(1))).join('');
}
