import type { RequestHandler } from 'express';

/**
 * CORS for the origins a host CRM embeds the widgets from. Only listed origins
 * get the headers; credentials travel in `Authorization`, never in cookies, so
 * `Allow-Credentials` is not needed.
 */
export function cors(allowedOrigins: readonly string[]): RequestHandler {
  const allowed = new Set(allowedOrigins);
  const any = allowed.has('*');
  return (req, res, next) => {
    const origin = req.get('origin');
    if (origin && (any || allowed.has(origin))) {
      res.setHeader('Access-Control-Allow-Origin', any ? '*' : origin);
      res.vary('Origin');
      res.setHeader('Access-Control-Expose-Headers', 'Content-Type, Retry-After');
      if (req.method === 'OPTIONS' && req.get('access-control-request-method')) {
        res.setHeader('Access-Control-Allow-Methods', 'GET, POST, PUT, PATCH, DELETE');
        res.setHeader('Access-Control-Allow-Headers', 'Authorization, Content-Type, X-API-Key');
        res.setHeader('Access-Control-Max-Age', '600');
        res.status(204).end();
        return;
      }
    }
    next();
  };
}
