import { ValidationError, type Endpoint, type OriginateRequest } from '@switchboard/core';

export interface FreeSwitchOriginateOptions {
  /** SIP domain of the directory users: an extension is dialled as `user/<ext>@<domain>`. */
  domain: string;
  /**
   * Dial extensions through this sofia profile (`sofia/<profile>/<ext>%<domain>`, the
   * registered contact) instead of the `user/` endpoint (which also applies the
   * directory user's dial-string).
   */
  extensionProfile?: string;
  /** Gateway for external numbers whose endpoint names no trunk. */
  defaultGateway?: string;
  /** Core trunk name → FreeSWITCH gateway name; a trunk not listed is used as the gateway name. */
  gateways?: Record<string, string>;
  /** What the leg runs once answered. Default `park` (core then drives it). */
  application?: { name: string; args?: string };
}

/** Variables the adapter sets itself; a request may not override them. */
const RESERVED = new Set([
  'origination_uuid',
  'origination_caller_id_number',
  'origination_caller_id_name',
  'originate_timeout',
  'ignore_early_media',
  'hangup_after_bridge',
  'park_after_bridge',
  'sip_auto_answer',
]);

const VAR_NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
const DIAL_TOKEN = /^[A-Za-z0-9_.+-]+$/;
const HOST = /^[A-Za-z0-9_.:-]+$/;
const NUMBER = /^\+?[0-9*]+$/;
const CALLER_NUMBER = /^[A-Za-z0-9+*#._-]{1,64}$/;
const CALL_ID = /^[A-Za-z0-9_.-]{1,128}$/;

function invalid(path: string, message: string): never {
  throw new ValidationError(`Invalid originate request: ${path} ${message}`, [{ path, message }]);
}

/**
 * Escapes a channel-variable value for `originate {name=value,…}`. The value is
 * split three times before it reaches the channel — the API's blank split
 * (`originate <url> <app>`), the `{…}` list's `,` split and the `name=value`
 * split — and each pass strips unescaped single quotes and turns `\x` into `x`
 * (`\s` into a space). So escaping is applied innermost first: `\` and `'`
 * at every level, `,` for the list, spaces for the blank split (and at the
 * ends, which every pass trims). Braces are refused: FreeSWITCH finds the end
 * of `{…}` by counting them without regard to escapes, and `${…}` in a value
 * would be expanded when the variable is used.
 */
export function escapeOriginateValue(value: string, path = 'value'): string {
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(value)) invalid(path, 'contains a control character');
  if (/[{}]/.test(value)) invalid(path, 'contains { or }, which FreeSWITCH cannot take in an originate variable');
  const slashQuote = (s: string) => s.replace(/[\\']/g, (c) => `\\${c}`);
  // `name=value` pass: also protect leading/trailing spaces, which it trims.
  const level2 = slashQuote(value).replace(/^ +| +$/g, (spaces) => '\\s'.repeat(spaces.length));
  // `{a,b}` pass.
  const level1 = slashQuote(level2).replace(/,/g, '\\,');
  // Blank split of the API command.
  return slashQuote(level1).replace(/ /g, '\\s');
}

/** The dial string of an endpoint, without variables. */
export function freeSwitchDialString(to: Endpoint, options: FreeSwitchOriginateOptions): string {
  if (!HOST.test(options.domain)) invalid('options.domain', 'is not a host name');
  if (to.kind === 'extension') {
    if (!DIAL_TOKEN.test(to.extension)) invalid('to.extension', 'has characters a dial string cannot carry');
    if (options.extensionProfile !== undefined) {
      if (!DIAL_TOKEN.test(options.extensionProfile)) invalid('options.extensionProfile', 'is not a profile name');
      return `sofia/${options.extensionProfile}/${to.extension}%${options.domain}`;
    }
    return `user/${to.extension}@${options.domain}`;
  }
  if (!NUMBER.test(to.number)) invalid('to.number', 'must be digits, optionally with a leading + (and *)');
  const trunk = to.trunk ?? options.defaultGateway;
  if (trunk === undefined) invalid('to.trunk', 'is missing and no default gateway is configured');
  const gateway = options.gateways?.[trunk] ?? trunk;
  if (!DIAL_TOKEN.test(gateway)) invalid('to.trunk', 'is not a gateway name');
  return `sofia/gateway/${gateway}/${to.number}`;
}

/**
 * An OriginateRequest → the arguments of `bgapi originate …`:
 * `{origination_uuid=…,…}<dial string> &park()`.
 *
 * - `origination_uuid` = request.callId (required: the adapter picks it before
 *   sending so that events racing the reply can be matched);
 * - caller id → `origination_caller_id_number` / `_name`;
 * - timeoutMs → `originate_timeout` in whole seconds, rounded up, plus one
 *   (default 60 s → 61): FreeSWITCH compares whole seconds of the wall clock
 *   (`elapsed >= timelimit_sec` in switch_ivr_originate.c), so N fires after
 *   N−1 to N s. The adapter ends the ringing itself at exactly timeoutMs;
 *   this is the backstop,
 *   with `ignore_early_media=true` so a 183 does not end the ringing timeout;
 * - `hangup_after_bridge=false`, `park_after_bridge=true`: a bridge ending
 *   never hangs this leg up (core decides what the survivor does);
 * - autoAnswer → `sip_auto_answer=true` (mod_sofia adds `Call-Info:
 *   <sip:profile-ip>;answer-after=0` and `intercom=true`);
 * - request.variables follow, escaped; empty values are left out (FreeSWITCH
 *   ignores `name=` anyway, and an unset variable reads as empty).
 */
export function originateDialString(request: OriginateRequest, options: FreeSwitchOriginateOptions): string {
  return originateArguments(request, freeSwitchDialString(request.to, options), options.application);
}

/**
 * The arguments of `originate` for a dial string the caller built (the
 * adapter's dial-string templates): `{variables}<dialString> &<app>(<args>)`,
 * with the variables documented at `originateDialString`.
 */
export function originateArguments(request: OriginateRequest, dialString: string, application: { name: string; args?: string } = { name: 'park' }): string {
  if (request.callId === undefined) invalid('callId', 'is required: the adapter generates it before building the command');
  if (!CALL_ID.test(request.callId)) invalid('callId', 'has characters FreeSWITCH cannot take in a uuid');
  const timeoutMs = request.timeoutMs ?? 60_000;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) invalid('timeoutMs', 'must be positive');
  if (/[\s{}]/.test(dialString) || dialString === '') invalid('to', 'gives a dial string with blanks or braces');

  const vars: Array<[string, string]> = [
    ['origination_uuid', request.callId],
    ['originate_timeout', String(Math.ceil(timeoutMs / 1000) + 1)],
    ['ignore_early_media', 'true'],
    ['hangup_after_bridge', 'false'],
    ['park_after_bridge', 'true'],
  ];
  if (request.callerId !== undefined) {
    if (!CALLER_NUMBER.test(request.callerId.number)) invalid('callerId.number', 'is not a caller-id number');
    vars.push(['origination_caller_id_number', request.callerId.number]);
    if (request.callerId.name !== undefined && request.callerId.name !== '') vars.push(['origination_caller_id_name', request.callerId.name]);
  }
  if (request.autoAnswer) vars.push(['sip_auto_answer', 'true']);
  for (const [name, value] of Object.entries(request.variables ?? {})) {
    if (!VAR_NAME.test(name)) invalid(`variables.${name}`, 'is not a channel variable name');
    if (RESERVED.has(name)) invalid(`variables.${name}`, 'is set by the adapter');
    // FreeSWITCH drops `name=` (its `=` split yields one part), so an empty value is simply left out.
    if (value !== '') vars.push([name, value]);
  }

  const app = application;
  if (!/^[a-z_][a-z0-9_]*$/.test(app.name)) invalid('options.application.name', 'is not an application name');
  if (app.args !== undefined && !/^[^\s()'\\{}]*$/.test(app.args)) invalid('options.application.args', 'cannot contain blanks, quotes, braces or parentheses');

  const list = vars.map(([name, value]) => `${name}=${escapeOriginateValue(value, `variables.${name}`)}`).join(',');
  return `{${list}}${dialString} &${app.name}(${app.args ?? ''})`;
}
