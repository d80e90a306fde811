// The public API of @switchboard/server.
export { createApp, API_BASE, type CreateAppOptions } from './app.js';
export { startServer, type RunningServer, type StartServerOptions } from './server.js';
export { loadConfig, serverConfigSchema, CONFIG_ENV, type ServerConfig, type ServerConfigInput } from './config.js';
export { Api, reply, Reply, type Access, type RouteSpec, type RouteInput, type HttpMethod } from './http/api.js';
export { problem, problemSchema, STATUS_OF, type Problem } from './http/problem.js';
export { AuthService, type LoginResult, type PublicUser } from './auth/auth-service.js';
export type { Principal } from './auth/principal.js';
export { seedDemo, DEMO_TENANT_SLUG, DEMO_EXTENSIONS } from './demo/seed.js';
export type { AppContext } from './context.js';
export { VERSION } from './version.js';
