import { SwitchboardApiError } from './errors.js';
import type { CurrentUser, ErrorCode, HealthStatus, HttpMethod, LoginRequest, LoginResponse, Problem } from './types.js';

export interface SwitchboardClientOptions {
  /**
   * Where the Switchboard server is, e.g. `https://pbx.example.com` or, behind a reverse
   * proxy, `https://crm.example.com/switchboard`. Paths are appended to it as they are.
   * In a browser, `''` means the page's own origin.
   */
  baseUrl: string;
  /** An access token (or API key) to send as `Authorization: Bearer …`; `login()` sets it too. */
  token?: string;
  /** The fetch to use; default the global one (browsers, Node 20). */
  fetch?: typeof fetch;
  /**
   * Called when the server answers 401 to a request other than `login()`: the token is
   * missing, expired or revoked. A host sends the user to its login here. The request
   * still fails with the SwitchboardApiError.
   */
  onUnauthenticated?: (error: SwitchboardApiError) => void;
  /** Give up on a request after this long, failing with code `TIMEOUT`. Default 30 000; 0 waits forever. */
  timeoutMs?: number;
}

export interface RequestOptions {
  /** Cancels the request; the promise then rejects with the signal's reason (an `AbortError`). */
  signal?: AbortSignal;
  /** Extra request headers. */
  headers?: Record<string, string>;
}

const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * A typed client of the Switchboard server's HTTP API, built on `fetch` so it runs in
 * browsers and in Node 20 alike. Every failure is a {@link SwitchboardApiError}.
 */
export class SwitchboardClient {
  readonly baseUrl: string;
  private currentToken: string | undefined;
  private readonly fetchImpl: typeof fetch;
  private readonly onUnauthenticated: ((error: SwitchboardApiError) => void) | undefined;
  private readonly timeoutMs: number;

  constructor(options: SwitchboardClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.currentToken = options.token;
    // Looked up on each call and never called as a method of another object:
    // browsers throw "Illegal invocation" for a detached window.fetch.
    this.fetchImpl = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.onUnauthenticated = options.onUnauthenticated;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  /** The access token sent with each request, if any. */
  get token(): string | undefined {
    return this.currentToken;
  }

  /** Uses `token` from now on (e.g. one the host obtained itself); `undefined` forgets it. */
  setToken(token: string | undefined): void {
    this.currentToken = token;
  }

  /** Logs in and keeps the returned token for the following requests. */
  async login(credentials: LoginRequest, options?: RequestOptions): Promise<LoginResponse> {
    const result = await this.send<LoginResponse>('POST', '/api/v1/auth/login', credentials, options, { notifyUnauthenticated: false, authenticate: false });
    this.currentToken = result.token;
    return result;
  }

  /**
   * Forgets the token. Access tokens are stateless and short-lived, so there is nothing
   * to revoke on the server; the token simply stops being sent.
   */
  logout(): void {
    this.currentToken = undefined;
  }

  /** The signed-in user. */
  me(options?: RequestOptions): Promise<CurrentUser> {
    return this.request<CurrentUser>('GET', '/api/v1/auth/me', undefined, options);
  }

  /** Liveness of the server and its version (`GET /healthz`, no auth needed). */
  health(options?: RequestOptions): Promise<HealthStatus> {
    return this.request<HealthStatus>('GET', '/healthz', undefined, options);
  }

  /**
   * Any API call. `path` is appended to the base URL as it is, e.g. `/api/v1/tenants`.
   * `body` is sent as JSON. Resolves to the parsed JSON (undefined for 204).
   */
  request<T = unknown>(method: HttpMethod, path: string, body?: unknown, options?: RequestOptions): Promise<T> {
    return this.send<T>(method, path, body, options, { notifyUnauthenticated: true, authenticate: true });
  }

  private async send<T>(
    method: HttpMethod,
    path: string,
    body: unknown,
    options: RequestOptions | undefined,
    behaviour: { notifyUnauthenticated: boolean; authenticate: boolean },
  ): Promise<T> {
    const what = `${method} ${path}`;
    const headers: Record<string, string> = { accept: 'application/json, application/problem+json', ...options?.headers };
    if (behaviour.authenticate && this.currentToken) headers['authorization'] = `Bearer ${this.currentToken}`;
    if (body !== undefined) headers['content-type'] = 'application/json';

    const abort = linkedAbort(options?.signal, this.timeoutMs);
    try {
      let response: Response;
      let text: string;
      try {
        response = await this.fetchImpl(`${this.baseUrl}${path}`, {
          method,
          headers,
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
          signal: abort.signal,
        });
        text = await response.text();
      } catch (error) {
        if (options?.signal?.aborted) throw options.signal.reason;
        if (abort.timedOut()) {
          throw new SwitchboardApiError(noResponse('TIMEOUT', `The Switchboard server at ${this.where()} did not answer ${what} within ${this.timeoutMs} ms`), what, { cause: error });
        }
        throw new SwitchboardApiError(noResponse('UNAVAILABLE', `Could not reach the Switchboard server at ${this.where()}: ${describe(error)}`), what, { cause: error });
      }

      if (response.ok) return parseSuccess<T>(response, text, what);

      const error = new SwitchboardApiError(parseProblem(response, text, what), what);
      if (response.status === 401 && behaviour.notifyUnauthenticated && this.onUnauthenticated) {
        const notify = this.onUnauthenticated;
        try {
          notify(error);
        } catch (hostError) {
          // A bug in the host's callback must not hide the API error, nor vanish.
          queueMicrotask(() => {
            throw hostError;
          });
        }
      }
      throw error;
    } finally {
      abort.dispose();
    }
  }

  private where(): string {
    return this.baseUrl === '' ? 'this origin' : this.baseUrl;
  }
}

function parseSuccess<T>(response: Response, text: string, what: string): T {
  if (text === '') return undefined as T;
  if (!isJson(response)) return text as T;
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    throw new SwitchboardApiError(
      { type: typeOf('INTERNAL'), title: 'Unreadable response', status: response.status, code: 'INTERNAL', detail: `${what} answered ${response.status} with a body that is not valid JSON` },
      what,
      { cause: error },
    );
  }
}

/** The server's problem document, or the best equivalent when something else (a proxy, a CDN) answered. */
function parseProblem(response: Response, text: string, what: string): Problem {
  if (isJson(response) && text !== '') {
    try {
      const body: unknown = JSON.parse(text);
      if (isProblemLike(body)) {
        return {
          type: typeof body.type === 'string' ? body.type : typeOf(body.code),
          title: typeof body.title === 'string' ? body.title : response.statusText,
          // The HTTP status is what happened; a body could have been written by anyone.
          status: response.status,
          code: body.code,
          detail: typeof body.detail === 'string' ? body.detail : `${what} failed with ${response.status}`,
          ...(typeof body.instance === 'string' ? { instance: body.instance } : {}),
          ...(Array.isArray(body.errors) ? { errors: body.errors.filter(isFieldIssue) } : {}),
        };
      }
    } catch {
      // Not JSON after all: fall through to the status-based problem below.
    }
  }
  const code = codeForStatus(response.status);
  const plain = /^text\/plain\b/i.test(response.headers.get('content-type') ?? '') && text.length > 0 && text.length <= 300 ? `: ${text.trim()}` : '';
  return {
    type: typeOf(code),
    title: response.statusText || `HTTP ${response.status}`,
    status: response.status,
    code,
    detail: `${what} failed with HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}${plain}`,
  };
}

/** For a response without a problem document: the code the server would have used for this status. */
function codeForStatus(status: number): ErrorCode {
  switch (status) {
    case 400:
    case 413:
    case 415:
    case 422:
      return 'VALIDATION';
    case 401:
      return 'UNAUTHENTICATED';
    case 403:
      return 'FORBIDDEN';
    case 404:
    case 410:
      return 'NOT_FOUND';
    case 408:
    case 504:
      return 'TIMEOUT';
    case 409:
      return 'CONFLICT';
    case 429:
      return 'RATE_LIMITED';
    case 502:
    case 503:
      // A proxy in front of a server that is down or restarting.
      return 'UNAVAILABLE';
    default:
      return 'INTERNAL';
  }
}

function noResponse(code: 'UNAVAILABLE' | 'TIMEOUT', detail: string): Problem {
  return { type: typeOf(code), title: code === 'TIMEOUT' ? 'Timed out' : 'Service unavailable', status: 0, code, detail };
}

const typeOf = (code: string) => `urn:switchboard:problem:${code.toLowerCase().replace(/_/g, '-')}`;

const isJson = (response: Response) => /[/+]json\b/i.test(response.headers.get('content-type') ?? '');

function isProblemLike(body: unknown): body is Partial<Problem> & { code: string; errors?: unknown[] } {
  return typeof body === 'object' && body !== null && typeof (body as { code?: unknown }).code === 'string';
}

function isFieldIssue(issue: unknown): issue is { path: string; message: string } {
  return typeof issue === 'object' && issue !== null && typeof (issue as { path?: unknown }).path === 'string' && typeof (issue as { message?: unknown }).message === 'string';
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  // Node's fetch hides the reason (ECONNREFUSED …) in `cause`.
  const cause = (error as { cause?: unknown }).cause;
  return cause instanceof Error && cause.message ? `${error.message} (${cause.message})` : error.message;
}

/** One signal that fires when the caller aborts or the time limit passes. */
function linkedAbort(outer: AbortSignal | undefined, timeoutMs: number) {
  const controller = new AbortController();
  let timedOut = false;
  const onAbort = () => controller.abort(outer?.reason);
  if (outer?.aborted) controller.abort(outer.reason);
  else outer?.addEventListener('abort', onAbort, { once: true });
  const timer =
    timeoutMs > 0
      ? setTimeout(() => {
          timedOut = true;
          controller.abort(new Error(`timed out after ${timeoutMs} ms`));
        }, timeoutMs)
      : undefined;
  return {
    signal: controller.signal,
    timedOut: () => timedOut,
    dispose: () => {
      if (timer !== undefined) clearTimeout(timer);
      outer?.removeEventListener('abort', onAbort);
    },
  };
}
