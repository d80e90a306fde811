import { z } from 'zod';
import {
  exponentialBackoff,
  MediaError,
  parseOrThrow,
  silentLogger,
  SystemClock,
  ValidationError,
  type Clock,
  type Endpoint,
  type Logger,
  type Random,
  type ReconnectPolicy,
} from '@switchboard/core';
import type { FreeSwitchMediaOptions } from './media.js';

/** Extension and number tokens that may be put in a dial string: no separators FreeSWITCH parses. */
const EXTENSION = /^[A-Za-z0-9_.+-]+$/;
const NUMBER = /^\+?[A-Za-z0-9*._-]+$/;

const hasFn = (name: string) => (value: unknown) => typeof value === 'object' && value !== null && typeof (value as Record<string, unknown>)[name] === 'function';

const dialTemplate = (placeholder: string) =>
  z
    .string()
    .min(1)
    .refine((t) => t.includes(`{${placeholder}}`), `must contain {${placeholder}}`)
    .refine((t) => !/[\s{}]/.test(t.replaceAll(/\{(extension|number|domain)\}/g, '')), 'cannot contain blanks or other braces');

const optionsSchema = z
  .object({
    host: z.string().min(1).default('127.0.0.1'),
    port: z.number().int().min(1).max(65_535).default(8021),
    password: z.string().min(1).default('ClueCon'),
    clock: z.custom<Clock>(hasFn('setTimer'), 'must be a Clock').optional(),
    logger: z.custom<Logger>(hasFn('child'), 'must be a Logger').optional(),
    random: z.custom<Random>(hasFn('next'), 'must be a Random').optional(),
    reconnect: z.custom<ReconnectPolicy>(hasFn('delayMs'), 'must be a ReconnectPolicy').optional(),
    replyTimeoutMs: z.number().int().positive().default(5_000),
    /** SIP domain of the directory users, for `{domain}` in `extensionDialString`. */
    domain: z.string().regex(/^[A-Za-z0-9_.:-]+$/, 'must be a host name').optional(),
    /** How an extension is dialled: `{extension}` and `{domain}` are filled in. */
    extensionDialString: dialTemplate('extension').default('user/{extension}@{domain}'),
    /** Trunk name → dial string with `{number}`, e.g. `sofia/gateway/pstn/{number}`. */
    trunks: z.record(z.string().regex(/^[A-Za-z0-9_.-]+$/), dialTemplate('number')).default({}),
    /** The trunk for external numbers that name none. Default: the first trunk. */
    defaultTrunk: z.string().optional(),
    inbound: z
      .object({
        /** Only parked inbound legs from these dialplan contexts are calls for core. Default: any context. */
        contexts: z.array(z.string().min(1)).optional(),
      })
      .default({}),
    soundsDir: z.string().startsWith('/', 'must be an absolute path').default('/usr/share/freeswitch/sounds/switchboard'),
    recordingsDir: z.string().startsWith('/', 'must be an absolute path').default('/var/lib/freeswitch/recordings/switchboard'),
    fileExtension: z.string().regex(/^[A-Za-z0-9]+$/).optional(),
    language: z.string().regex(/^[A-Za-z0-9_-]+$/).optional(),
    tts: z.object({ engine: z.string().min(1), voice: z.string().min(1).optional() }).optional(),
    tones: z.record(z.string(), z.string()).optional(),
    /** Played to a held leg that is in no bridge, and when hold names no music. */
    holdMusic: z.string().regex(/^\S+$/).default('local_stream://moh'),
    /** What a blindly transferred party hears while the target rings (TGML). */
    ringback: z.string().regex(/^\S+$/).default('tone_stream://%(2000,4000,440,480);loops=-1'),
    /** Formats startRecording accepts: mp3 needs mod_shout loaded. */
    recordingFormats: z.array(z.enum(['wav', 'mp3'])).min(1).default(['wav', 'mp3']),
  })
  .superRefine((o, ctx) => {
    if (o.extensionDialString.includes('{domain}') && o.domain === undefined) {
      ctx.addIssue({ code: 'custom', path: ['domain'], message: 'is required by extensionDialString (it contains {domain})' });
    }
    if (o.defaultTrunk !== undefined && !Object.hasOwn(o.trunks, o.defaultTrunk)) {
      ctx.addIssue({ code: 'custom', path: ['defaultTrunk'], message: 'names no configured trunk' });
    }
  });

export type FreeSwitchAdapterOptions = z.input<typeof optionsSchema>;

export interface ResolvedOptions {
  host: string;
  port: number;
  password: string;
  clock: Clock;
  logger: Logger;
  reconnect: ReconnectPolicy;
  replyTimeoutMs: number;
  inboundContexts: string[] | undefined;
  media: FreeSwitchMediaOptions;
  holdMusic: string;
  ringback: string;
  recordingFormats: ReadonlyArray<'wav' | 'mp3'>;
  /** An endpoint → its dial string (without variables). */
  dialString(to: Endpoint): string;
}

/** Validates the adapter's options (a ValidationError names every bad field) and fills in defaults. */
export function resolveOptions(input: FreeSwitchAdapterOptions): ResolvedOptions {
  const o = parseOrThrow(optionsSchema, input, 'FreeSWITCH adapter options');
  const trunkNames = Object.keys(o.trunks);
  const defaultTrunk = o.defaultTrunk ?? trunkNames[0];
  const invalid = (path: string, message: string): never => {
    throw new ValidationError(`Invalid endpoint: ${path} ${message}`, [{ path, message }]);
  };
  return {
    host: o.host,
    port: o.port,
    password: o.password,
    clock: o.clock ?? new SystemClock(),
    logger: (o.logger ?? silentLogger).child({ component: 'freeswitch-adapter' }),
    reconnect: o.reconnect ?? exponentialBackoff({}, o.random),
    replyTimeoutMs: o.replyTimeoutMs,
    inboundContexts: o.inbound.contexts,
    media: {
      soundsDir: o.soundsDir,
      recordingsDir: o.recordingsDir,
      ...(o.fileExtension ? { fileExtension: o.fileExtension } : {}),
      ...(o.language ? { language: o.language } : {}),
      ...(o.tts ? { tts: o.tts.voice ? { engine: o.tts.engine, voice: o.tts.voice } : { engine: o.tts.engine } } : {}),
      ...(o.tones ? { tones: o.tones } : {}),
    },
    holdMusic: o.holdMusic,
    ringback: o.ringback,
    recordingFormats: o.recordingFormats,
    dialString(to) {
      if (to.kind === 'extension') {
        if (!EXTENSION.test(to.extension)) invalid('to.extension', 'has characters a dial string cannot carry');
        return o.extensionDialString.replaceAll('{extension}', to.extension).replaceAll('{domain}', o.domain ?? '');
      }
      if (!NUMBER.test(to.number)) invalid('to.number', 'has characters a dial string cannot carry');
      const trunk = to.trunk ?? defaultTrunk;
      if (trunk === undefined) return invalid('to.trunk', 'is missing and no trunk is configured');
      const template = o.trunks[trunk];
      if (template === undefined) throw new MediaError(`Unknown trunk "${trunk}"`, { details: { trunk } });
      return template.replaceAll('{number}', to.number);
    },
  };
}
