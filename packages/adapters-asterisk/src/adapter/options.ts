import { exponentialBackoff, parseOrThrow, silentLogger, SystemClock, type Clock, type Logger, type Random, type ReconnectPolicy } from '@switchboard/core';
import { z } from 'zod';
import type { AriMediaOptions } from '../media.js';
import { isDialTemplate } from '../originate.js';

/** How the AsteriskAdapter reaches Asterisk and dials. */
export interface AsteriskAdapterOptions {
  /** Asterisk's HTTP server (http.conf), e.g. `http://127.0.0.1:8088`. ARI is under `/ari`. */
  url: string;
  /** The ARI user (ari.conf). */
  username: string;
  password: string;
  /** The Stasis application the dialplan sends calls to. Default `switchboard`. */
  app?: string;
  clock?: Clock;
  logger?: Logger;
  /** Jitter of the default reconnect backoff. */
  random?: Random;
  /** When to try again after the WebSocket dropped. Default: exponential backoff from 250 ms to 30 s, forever. */
  reconnect?: ReconnectPolicy;
  /** How long Asterisk may take to answer one request. Default 5 s. */
  replyTimeoutMs?: number;
  /** How an extension is dialled. Default `PJSIP/{extension}`; tests use `Local/{extension}@switchboard-test`. */
  extensionEndpoint?: string;
  /**
   * Trunks by core name: a dial string with `{number}` (`PJSIP/{number}@pstn`,
   * `Local/{number}@switchboard-test`), or a PJSIP endpoint name.
   */
  trunks?: Record<string, string>;
  /** The trunk for external numbers that name none. Default: the first of `trunks`. */
  defaultTrunk?: string;
  /** `Call-Info` header asking a phone to answer by itself. Default `<sip:127.0.0.1>;answer-after=0`. */
  autoAnswerCallInfo?: string;
  /** Where media files are and which tones exist (see `mediaRefToAri`). */
  media?: AriMediaOptions;
}

const dialTemplate = (placeholder: '{extension}' | '{number}') =>
  z.string().refine((value) => isDialTemplate(value, placeholder), `a dial string such as PJSIP/${placeholder} (technology/resource, with ${placeholder})`);

const trunkValue = z
  .string()
  .refine((value) => (value.includes('{number}') ? isDialTemplate(value, '{number}') : /^[A-Za-z0-9_.+-]+$/.test(value)), 'a dial string with {number}, or a PJSIP endpoint name');

const optionsSchema = z
  .object({
    url: z.url({ protocol: /^https?$/, error: 'an http:// or https:// URL' }),
    username: z.string().min(1),
    password: z.string(),
    app: z
      .string()
      .regex(/^[A-Za-z0-9_.+-]+$/, 'letters, digits, _ . + -')
      .default('switchboard'),
    replyTimeoutMs: z.number().int().positive().max(600_000).default(5_000),
    extensionEndpoint: dialTemplate('{extension}').default('PJSIP/{extension}'),
    trunks: z.record(z.string().regex(/^[A-Za-z0-9_.+-]+$/, 'a trunk name: letters, digits, _ . + -'), trunkValue).default({}),
    defaultTrunk: z.string().optional(),
    autoAnswerCallInfo: z
      .string()
      .regex(/^[^\r\n]+$/, 'one header value')
      .default('<sip:127.0.0.1>;answer-after=0'),
    media: z
      .object({ soundsDir: z.string().optional(), toneZone: z.string().optional(), toneNames: z.array(z.string()).optional() })
      .default({}),
  })
  .superRefine((value, ctx) => {
    if (value.defaultTrunk !== undefined && !Object.hasOwn(value.trunks, value.defaultTrunk)) {
      ctx.addIssue({ code: 'custom', path: ['defaultTrunk'], message: `is not one of the trunks (${Object.keys(value.trunks).join(', ') || 'none configured'})` });
    }
  });

export interface ResolvedAsteriskOptions {
  url: string;
  username: string;
  password: string;
  app: string;
  clock: Clock;
  logger: Logger;
  reconnect: ReconnectPolicy;
  replyTimeoutMs: number;
  extensionEndpoint: string;
  trunks: Record<string, string>;
  defaultTrunk: string | undefined;
  autoAnswerCallInfo: string;
  media: AriMediaOptions;
}

/** Validates the options (a ValidationError names every bad field) and fills the defaults. */
export function resolveAsteriskOptions(options: AsteriskAdapterOptions): ResolvedAsteriskOptions {
  const { clock, logger, random, reconnect, ...plain } = options;
  const parsed = parseOrThrow(optionsSchema, plain, 'Asterisk adapter options');
  return {
    ...parsed,
    defaultTrunk: parsed.defaultTrunk ?? Object.keys(parsed.trunks)[0],
    clock: clock ?? new SystemClock(),
    logger: (logger ?? silentLogger).child({ component: 'asterisk-adapter' }),
    reconnect: reconnect ?? exponentialBackoff({ initialMs: 250, maxMs: 30_000 }, random),
    media: parsed.media as AriMediaOptions,
  };
}
