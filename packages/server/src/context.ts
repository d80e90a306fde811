import type { Switchboard } from '@switchboard/core';
import type { AuthService } from './auth/auth-service.js';
import type { Logger } from '@switchboard/core';

/** What route handlers get to work with. */
export interface AppContext {
  switchboard: Switchboard;
  auth: AuthService;
  logger: Logger;
  clockMode: 'real' | 'virtual';
  version: string;
  /** Browser origins allowed to call the API (CORS). */
  corsOrigins: readonly string[];
  /** Dialplan context that calls from agents' phones start in (FreeSWITCH user_context, Asterisk endpoint context). */
  sipContext: string;
  /** Where customer import uploads wait for their job (kept until it ends, so a restart can finish it); default: `imports` beside a SQLite file, else the system's temp folder. */
  importDir?: string;
  /** Largest import file an upload may carry, in bytes; default 20 MiB. */
  importMaxBytes?: number;
}
