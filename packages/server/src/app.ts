import express, { type Express } from 'express';
import { pinoHttp } from 'pino-http';
import type { Logger as PinoLogger } from 'pino';
import { Api } from './http/api.js';
import { cors } from './http/cors.js';
import { docsPage } from './http/docs-page.js';
import { errorMiddleware, notFoundHandler } from './http/problem.js';
import type { AppContext } from './context.js';
import { acdCommandRoutes } from './routes/acd-commands.js';
import { agentGroupRoutes } from './routes/agent-groups.js';
import { callRecordRoutes } from './routes/call-records.js';
import { customerRoutes } from './routes/customers.js';
import { customerAttachmentRoutes } from './routes/customer-attachments.js';
import { customerImportRoutes } from './routes/customer-imports.js';
import { crmCatalogRoutes } from './routes/crm-catalog.js';
import { funnelStageRoutes } from './routes/funnel-stages.js';
import { callResultRoutes } from './routes/call-results.js';
import { contactRecordRoutes } from './routes/contact-records.js';
import { popupWarningRoutes } from './routes/popup-warnings.js';
import { successfulCustomerRoutes } from './routes/successful-customers.js';
import { jobRoutes } from './routes/jobs.js';
import { dncRoutes } from './routes/dnc.js';
import { routingRoutes } from './routes/routing.js';
import { agentRoutes } from './routes/agents.js';
import { authRoutes } from './routes/auth.js';
import { healthRoutes } from './routes/health.js';
import { mediaRoutes } from './routes/media.js';
import { mediaFileRoutes } from './routes/media-files.js';
import { simulatorRoutes } from './routes/simulator.js';
import { simulatorTrafficRoutes } from './routes/simulator-traffic.js';
import { tenantRoutes } from './routes/tenants.js';

export const API_BASE = '/api/v1';

export interface CreateAppOptions {
  /** Request logs go here (pino); none when absent. */
  httpLogger?: PinoLogger;
  /** Extra routes a host mounts under the API base before the built-in ones, with the same auth. */
  extend?: (api: Api, ctx: AppContext) => void;
}

/** The Express application: health, the REST API with its OpenAPI document, and the API reference page. */
export function createApp(ctx: AppContext, options: CreateAppOptions = {}): Express {
  const app = express();
  app.disable('x-powered-by');
  // Behind one reverse proxy on the same host, req.ip is the client's address.
  app.set('trust proxy', 'loopback');
  if (options.httpLogger) app.use(pinoHttp({ logger: options.httpLogger, autoLogging: { ignore: (req) => req.url === '/healthz' || req.url === '/readyz' } }));

  healthRoutes(app as unknown as express.Router, ctx);

  const api = new Api({
    authenticate: (req) => ctx.auth.authenticate(req),
    authorize: (principal, access) => ctx.auth.authorize(principal, access),
    onMutation: async (event) => {
      await ctx.switchboard.storage.auditLog.append({
        tenantId: event.principal.tenantId,
        actorType: event.principal.via === 'api-key' ? 'api_key' : 'user',
        actorId: event.principal.apiKeyId ?? event.principal.userId,
        action: `${event.method.toUpperCase()} ${event.path}`,
        resource: event.path.split('/')[1] || 'api',
        resourceId: typeof event.params['id'] === 'string' ? event.params['id'] : null,
        details: { status: event.status, params: event.params },
        ip: event.ip ?? null,
      });
    },
  });
  options.extend?.(api, ctx);
  authRoutes(api, ctx);
  tenantRoutes(api, ctx);
  simulatorRoutes(api, ctx);
  simulatorTrafficRoutes(api, ctx);
  mediaRoutes(api, ctx);
  agentRoutes(api, ctx);
  agentGroupRoutes(api, ctx);
  acdCommandRoutes(api, ctx);
  routingRoutes(api, ctx);
  callRecordRoutes(api, ctx);
  // Before customerRoutes: `/customers/export` is not a customer id.
  customerImportRoutes(api, ctx);
  customerRoutes(api, ctx);
  customerAttachmentRoutes(api, ctx);
  crmCatalogRoutes(api, ctx);
  funnelStageRoutes(api, ctx);
  callResultRoutes(api, ctx);
  contactRecordRoutes(api, ctx);
  popupWarningRoutes(api, ctx);
  successfulCustomerRoutes(api, ctx);
  jobRoutes(api, ctx);
  dncRoutes(api, ctx);
  mediaFileRoutes(api, ctx);

  const openapi = api.openapi(
    {
      title: 'Switchboard API',
      version: ctx.version,
      description: 'The REST API of the Switchboard contact-center server. Log in at `POST /api/v1/auth/login`, then send `Authorization: Bearer <token>`.',
    },
    API_BASE,
  );
  if (ctx.corsOrigins.length > 0) app.use(API_BASE, cors(ctx.corsOrigins));
  app.use(API_BASE, express.json({ limit: '1mb' }));
  // mod_xml_curl posts form fields.
  app.use(`${API_BASE}/media/freeswitch`, express.urlencoded({ extended: false, limit: '64kb' }));
  app.get(`${API_BASE}/openapi.json`, (_req, res) => {
    res.json(openapi);
  });
  app.use(API_BASE, api.router());
  app.use('/docs', docsPage(`${API_BASE}/openapi.json`));
  app.get('/', (_req, res) => {
    res.json({ name: 'Switchboard', version: ctx.version, docs: '/docs', openapi: `${API_BASE}/openapi.json`, health: '/healthz' });
  });

  app.use(notFoundHandler);
  app.use(errorMiddleware((error, message) => ctx.logger.error({ err: error }, message)));
  return app;
}
