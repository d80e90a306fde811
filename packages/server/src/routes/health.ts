import type { Router } from 'express';
import type { AppContext } from '../context.js';

/** Liveness and readiness, outside /api/v1 and without auth, for load balancers and orchestrators. */
export function healthRoutes(router: Router, ctx: AppContext): void {
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok', version: ctx.version });
  });

  router.get('/readyz', async (_req, res) => {
    const checks: Record<string, 'ok' | string> = {};
    try {
      await ctx.switchboard.storage.ping();
      checks['storage'] = 'ok';
    } catch (error) {
      checks['storage'] = (error as Error).message;
    }
    checks['media'] = ctx.switchboard.media.isConnected() ? 'ok' : 'disconnected';
    const ready = Object.values(checks).every((v) => v === 'ok');
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not-ready', checks });
  });
}
