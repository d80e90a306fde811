import { ValidationError, type Endpoint, type OriginateRequest } from '@switchboard/core';

export interface AriOriginateOptions {
  /** The Stasis application the channel enters once answered (the adapter's app). */
  app: string;
  /** Stasis arguments (StasisStart `args`, comma separated). */
  appArgs?: string[];
  /** The trunk for external numbers whose endpoint names no trunk. */
  defaultTrunk?: string;
  /**
   * Core trunk name → how a number is dialled through it: a dial string with
   * `{number}` (`PJSIP/{number}@carrier`, `Local/{number}@outbound`), or just a
   * PJSIP endpoint name (`carrier` means `PJSIP/{number}@carrier`). A trunk not
   * listed is used as the PJSIP endpoint name.
   */
  trunks?: Record<string, string>;
  /** How an extension is dialled: a dial string with `{extension}`. Default `PJSIP/{extension}`. */
  extensionEndpoint?: string;
  /** `Call-Info` value asking a phone to answer by itself. Default `<sip:127.0.0.1>;answer-after=0`. */
  autoAnswerCallInfo?: string;
}

/** `POST /channels`: query parameters and the JSON body. */
export interface AriOriginateParams {
  query: {
    endpoint: string;
    app: string;
    appArgs?: string;
    callerId?: string;
    /** Seconds; ARI's default would be 30. */
    timeout: number;
    channelId: string;
  };
  body: { variables: Record<string, string> };
}

const TOKEN = /^[A-Za-z0-9_.+-]+$/;
const NUMBER = /^\+?[0-9*]+$/;
const CALLER_NUMBER = /^[A-Za-z0-9+*#._-]{1,64}$/;
const CHANNEL_ID = /^[A-Za-z0-9_.-]{1,120}$/;
/** Plain variable names only: a name ending in `)` would write a dialplan function (FILE(), DB(), SHELL …). */
const VAR_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function invalid(path: string, message: string): never {
  throw new ValidationError(`Invalid originate request: ${path} ${message}`, [{ path, message }]);
}

/**
 * A dial-string template: a channel technology, `/`, and a resource with the
 * placeholder. `&` (several endpoints) and `,` (ARI lists) are refused.
 */
const DIAL_TEMPLATE = /^[A-Za-z][A-Za-z0-9_]*\/[A-Za-z0-9_.@:;+{}/-]+$/;

/** Whether `template` is a usable dial string with `placeholder` in it. */
export function isDialTemplate(template: string, placeholder: '{extension}' | '{number}'): boolean {
  return DIAL_TEMPLATE.test(template) && template.includes(placeholder) && template.replaceAll(placeholder, '').indexOf('{') < 0 && !template.replaceAll(placeholder, '').includes('}');
}

/**
 * The ARI endpoint of a core Endpoint: the extension template (`PJSIP/1001` by
 * default), or the trunk's template for a number (`PJSIP/<number>@<trunk endpoint>`
 * when the trunk is given as a PJSIP endpoint name).
 */
export function ariEndpoint(to: Endpoint, options: Pick<AriOriginateOptions, 'defaultTrunk' | 'trunks' | 'extensionEndpoint'>): string {
  if (to.kind === 'extension') {
    if (!TOKEN.test(to.extension)) invalid('to.extension', 'is not a PJSIP endpoint name');
    const template = options.extensionEndpoint ?? 'PJSIP/{extension}';
    if (!isDialTemplate(template, '{extension}')) invalid('options.extensionEndpoint', 'must be a dial string with {extension}');
    return template.replaceAll('{extension}', to.extension);
  }
  if (!NUMBER.test(to.number)) invalid('to.number', 'must be digits, optionally with a leading +');
  const trunk = to.trunk ?? options.defaultTrunk;
  if (trunk === undefined) invalid('to.trunk', 'is missing and no default trunk is configured');
  const endpoint = options.trunks?.[trunk] ?? trunk;
  if (endpoint.includes('{number}')) {
    if (!isDialTemplate(endpoint, '{number}')) invalid('to.trunk', 'has a dial string that is not a valid template');
    return endpoint.replaceAll('{number}', to.number);
  }
  if (!TOKEN.test(endpoint)) invalid('to.trunk', 'is not a PJSIP endpoint name');
  return `PJSIP/${to.number}@${endpoint}`;
}

/** `"Name" <number>` as ast_callerid_parse reads it (quotes and backslashes in the name escaped). */
export function ariCallerId(callerId: { number: string; name?: string }): string {
  if (!CALLER_NUMBER.test(callerId.number)) invalid('callerId.number', 'is not a caller-id number');
  // eslint-disable-next-line no-control-regex
  if (callerId.name !== undefined && /[\u0000-\u001f\u007f]/.test(callerId.name)) invalid('callerId.name', 'contains a control character');
  if (callerId.name === undefined || callerId.name === '') return `<${callerId.number}>`;
  return `"${callerId.name.replace(/[\\"]/g, (c) => `\\${c}`)}" <${callerId.number}>`;
}

/**
 * An OriginateRequest → `POST /channels` with `channelId` = callId (events can
 * be matched before the reply), `app` (the channel enters Stasis when
 * answered; the app is subscribed to it from creation, so ChannelStateChange,
 * Dial and ChannelDestroyed arrive before that), `timeout` in whole seconds
 * (rounded up; default 60), caller id as `"Name" <number>`, and the variables
 * in the body, with `PJSIP_HEADER(add,Call-Info)` for auto-answer (set before
 * the INVITE is sent, as ARI sets variables between creating and dialling).
 */
export function originateParams(request: OriginateRequest, options: AriOriginateOptions): AriOriginateParams {
  if (request.callId === undefined) invalid('callId', 'is required: the adapter generates it before building the request');
  if (!CHANNEL_ID.test(request.callId)) invalid('callId', 'has characters Asterisk cannot take in a channel id');
  if (!TOKEN.test(options.app)) invalid('options.app', 'is not a Stasis application name');
  const timeoutMs = request.timeoutMs ?? 60_000;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) invalid('timeoutMs', 'must be positive');

  const endpoint = ariEndpoint(request.to, options);
  const variables: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.variables ?? {})) {
    if (!VAR_NAME.test(name)) invalid(`variables.${name}`, 'must be a plain channel variable name');
    variables[name] = value;
  }
  if (request.autoAnswer) variables['PJSIP_HEADER(add,Call-Info)'] = options.autoAnswerCallInfo ?? '<sip:127.0.0.1>;answer-after=0';

  for (const arg of options.appArgs ?? []) if (arg.includes(',')) invalid('options.appArgs', 'cannot contain commas (Stasis splits on them)');

  return {
    query: {
      endpoint,
      app: options.app,
      ...(options.appArgs && options.appArgs.length > 0 ? { appArgs: options.appArgs.join(',') } : {}),
      ...(request.callerId ? { callerId: ariCallerId(request.callerId) } : {}),
      timeout: Math.ceil(timeoutMs / 1000),
      channelId: request.callId,
    },
    body: { variables },
  };
}
