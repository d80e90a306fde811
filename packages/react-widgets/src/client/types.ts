// Shapes of the server's HTTP API, written here on purpose: the widgets talk to the
// server like any other client and never import its code (DESIGN.md §1).

/** The stable error codes of the API. Unknown future codes still type-check as strings. */
export type ErrorCode =
  | 'VALIDATION'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'ILLEGAL_STATE'
  | 'RATE_LIMITED'
  | 'MEDIA'
  | 'UNAVAILABLE'
  | 'TIMEOUT'
  | 'INTERNAL';

/** One invalid field of a request, e.g. `{ path: 'body.username', message: 'Too small…' }`. */
export interface FieldIssue {
  path: string;
  message: string;
}

/** An RFC 9457 problem document (`application/problem+json`), as every error response carries it. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ErrorCode | (string & {});
  instance?: string;
  errors?: FieldIssue[];
}

/** `GET /healthz` */
export interface HealthStatus {
  status: 'ok';
  /** The server's version, e.g. `0.1.0`. */
  version: string;
}

/** `POST /api/v1/auth/login` body. Platform users omit `tenant`. */
export interface LoginRequest {
  username: string;
  password: string;
  /** The tenant's slug, for a tenant user. */
  tenant?: string;
}

export interface SwitchboardUser {
  id: string;
  username: string;
  displayName: string;
  role: string;
  /** `null` for a platform user. */
  tenantId: string | null;
}

/** `POST /api/v1/auth/login` response. */
export interface LoginResponse {
  token: string;
  tokenType: 'Bearer';
  /** When the token stops working, epoch milliseconds. */
  expiresAt: number;
  user: SwitchboardUser;
}

/** `GET /api/v1/auth/me` response. */
export interface CurrentUser extends SwitchboardUser {
  /** How the request was authenticated. */
  via: 'token' | 'api-key';
}

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
