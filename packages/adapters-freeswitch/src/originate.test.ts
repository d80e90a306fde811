import { ValidationError } from '@switchboard/core';
import { describe, expect, it } from 'vitest';
import { escapeOriginateValue, freeSwitchDialString, originateDialString } from './originate.js';
import { parseOriginate, separate } from './test-support/freeswitch-parsing.js';

const options = { domain: 'pbx.example.com', defaultGateway: 'carrier1', gateways: { main: 'carrier-main' } };

describe('the parsing model used by these tests', () => {
  it('reads the documented quoted form as FreeSWITCH does', () => {
    // mod_commands docs: originate {origination_caller_id_name='Foo Bar',ignore_early_media=true}user/1000 &park()
    const parsed = parseOriginate("{origination_caller_id_name='Foo Bar',ignore_early_media=true}user/1000 &park()");
    expect(parsed.variables).toEqual({ origination_caller_id_name: 'Foo Bar', ignore_early_media: 'true' });
    expect(parsed.dialString).toBe('user/1000');
    // An escaped comma stays in the value; an unescaped one splits.
    expect(parseOriginate('{a=x\\\\,y,b=z}user/1 &park()').variables).toEqual({ a: 'x,y', b: 'z' });
    expect(parseOriginate('{a=x,y}user/1 &park()').variables).toEqual({ a: 'x' });
  });
});

describe('originateDialString', () => {
  it('builds the documented originate form with park', () => {
    const args = originateDialString(
      { callId: 'c0ffee-1', to: { kind: 'extension', extension: '1001' }, callerId: { number: '+14155550100', name: 'Acme' }, timeoutMs: 25_000 },
      options,
    );
    expect(args).toBe(
      '{origination_uuid=c0ffee-1,originate_timeout=26,ignore_early_media=true,hangup_after_bridge=false,park_after_bridge=true,' +
        'origination_caller_id_number=+14155550100,origination_caller_id_name=Acme}user/1001@pbx.example.com &park()',
    );
  });

  it('defaults the ring timeout to 60 s, rounds partial seconds up and adds the second FreeSWITCH may cut short', () => {
    expect(parseOriginate(originateDialString({ callId: 'a', to: { kind: 'extension', extension: '1' } }, options)).variables.originate_timeout).toBe('61');
    expect(parseOriginate(originateDialString({ callId: 'a', to: { kind: 'extension', extension: '1' }, timeoutMs: 1500 }, options)).variables.originate_timeout).toBe('3');
  });

  it('asks for auto-answer with sip_auto_answer (Call-Info answer-after=0 from mod_sofia)', () => {
    const parsed = parseOriginate(originateDialString({ callId: 'a', to: { kind: 'extension', extension: '1001' }, autoAnswer: true }, options));
    expect(parsed.variables.sip_auto_answer).toBe('true');
  });

  it('dials external numbers through the trunk gateway, the mapped name, or the default gateway', () => {
    const dial = (trunk?: string) =>
      parseOriginate(originateDialString({ callId: 'a', to: { kind: 'external', number: '+442071234567', ...(trunk ? { trunk } : {}) } }, options)).dialString;
    expect(dial()).toBe('sofia/gateway/carrier1/+442071234567');
    expect(dial('main')).toBe('sofia/gateway/carrier-main/+442071234567');
    expect(dial('other')).toBe('sofia/gateway/other/+442071234567');
    expect(() => freeSwitchDialString({ kind: 'external', number: '123' }, { domain: 'd' })).toThrow(ValidationError);
  });

  it('can dial extensions through a sofia profile instead of user/', () => {
    expect(freeSwitchDialString({ kind: 'extension', extension: '1001' }, { ...options, extensionProfile: 'internal' })).toBe('sofia/internal/1001%pbx.example.com');
  });

  it('runs another application when asked (a supervisor leg eavesdrops)', () => {
    const args = originateDialString({ callId: 'sup-1', to: { kind: 'extension', extension: '2000' } }, { ...options, application: { name: 'eavesdrop', args: 'agent-leg-uuid' } });
    expect(parseOriginate(args).application).toBe('&eavesdrop(agent-leg-uuid)');
  });

  it('carries variable values with commas, quotes, blanks and backslashes intact through the three splits', () => {
    const tricky: Record<string, string> = {
      comma: 'Smith, John',
      quote: "O'Brien",
      quotes: "it's 'quoted' and \"double\"",
      blanks: '  padded both ends  ',
      backslash: 'C:\\path\\n not a newline',
      equals: 'a=b=c',
      header: '<sip:10.0.0.1>;answer-after=0',
      escapes: '\\s \\, \\\\ \\\'',
      unicode: 'Zoë 李雷',
    };
    const args = originateDialString(
      { callId: 'x', to: { kind: 'extension', extension: '1001' }, callerId: { number: '100', name: "D'Angelo, \"DJ\"" }, variables: { ...tricky, empty: '' } },
      options,
    );
    const parsed = parseOriginate(args);
    for (const [name, value] of Object.entries(tricky)) expect(parsed.variables[name], name).toBe(value);
    expect(parsed.variables.origination_caller_id_name).toBe("D'Angelo, \"DJ\"");
    // FreeSWITCH would drop `empty=`; the builder leaves it out.
    expect(parsed.variables).not.toHaveProperty('empty');
    expect(args).not.toContain('empty=');
    expect(parsed.dialString).toBe('user/1001@pbx.example.com');
    expect(parsed.application).toBe('&park()');
    // The whole command stays one blank-separated token before the application.
    expect(separate(args, ' ', 10)).toHaveLength(2);
  });

  it('refuses values FreeSWITCH cannot carry or would expand', () => {
    expect(() => escapeOriginateValue('${system(rm -rf /)}')).toThrow(ValidationError);
    expect(() => escapeOriginateValue('a}b')).toThrow(ValidationError);
    expect(() => escapeOriginateValue('line\nbreak')).toThrow(ValidationError);
  });

  it('refuses reserved or malformed variable names, a missing call id and unsafe endpoints', () => {
    const base = { callId: 'a', to: { kind: 'extension' as const, extension: '1001' } };
    expect(() => originateDialString({ ...base, variables: { origination_uuid: 'evil' } }, options)).toThrow(ValidationError);
    expect(() => originateDialString({ ...base, variables: { 'bad name': 'x' } }, options)).toThrow(ValidationError);
    expect(() => originateDialString({ to: base.to }, options)).toThrow(ValidationError);
    expect(() => originateDialString({ ...base, to: { kind: 'extension', extension: '1001,user/1002' } }, options)).toThrow(ValidationError);
    expect(() => originateDialString({ ...base, to: { kind: 'external', number: '123|456' } }, options)).toThrow(ValidationError);
    expect(() => originateDialString({ ...base, callerId: { number: '1 2' } }, options)).toThrow(ValidationError);
    expect(() => originateDialString({ ...base, timeoutMs: 0 }, options)).toThrow(ValidationError);
  });
});
