import { ValidationError } from '@switchboard/core';
import { describe, expect, it } from 'vitest';
import { ariCallerId, originateParams } from './originate.js';
import { parseCallerId } from './test-support/callerid.js';

const options = { app: 'switchboard', appArgs: ['outbound'], defaultTrunk: 'carrier1', trunks: { main: 'carrier-main' } };

describe('originateParams', () => {
  it('builds POST /channels for an extension', () => {
    expect(
      originateParams(
        { callId: 'c0ffee-1', to: { kind: 'extension', extension: '1001' }, callerId: { number: '+14155550100', name: 'Acme' }, timeoutMs: 25_000, variables: { SB_TENANT: 't7' } },
        options,
      ),
    ).toEqual({
      query: { endpoint: 'PJSIP/1001', app: 'switchboard', appArgs: 'outbound', callerId: '"Acme" <+14155550100>', timeout: 25, channelId: 'c0ffee-1' },
      body: { variables: { SB_TENANT: 't7' } },
    });
  });

  it('dials numbers through the trunk endpoint and defaults the timeout to 60 s (ARI would use 30)', () => {
    const p = (trunk?: string) => originateParams({ callId: 'a', to: { kind: 'external', number: '+442071234567', ...(trunk ? { trunk } : {}) }, timeoutMs: 1500 }, options).query;
    expect(p().endpoint).toBe('PJSIP/+442071234567@carrier1');
    expect(p('main').endpoint).toBe('PJSIP/+442071234567@carrier-main');
    expect(p().timeout).toBe(2);
    expect(originateParams({ callId: 'a', to: { kind: 'extension', extension: '1' } }, options).query.timeout).toBe(60);
    expect(() => originateParams({ callId: 'a', to: { kind: 'external', number: '1' } }, { app: 'x' })).toThrow(ValidationError);
  });

  it('dials through dial-string templates: the extension template and trunks with {number}', () => {
    const templated = { app: 'switchboard', extensionEndpoint: 'Local/{extension}@switchboard-test', trunks: { test: 'Local/{number}@switchboard-test', pstn: 'PJSIP/{number}@carrier' }, defaultTrunk: 'pstn' };
    const endpoint = (to: Parameters<typeof originateParams>[0]['to']) => originateParams({ callId: 'a', to }, templated).query.endpoint;
    expect(endpoint({ kind: 'extension', extension: 'answer' })).toBe('Local/answer@switchboard-test');
    expect(endpoint({ kind: 'external', number: '+15550100', trunk: 'test' })).toBe('Local/+15550100@switchboard-test');
    expect(endpoint({ kind: 'external', number: '5550100' })).toBe('PJSIP/5550100@carrier');
    expect(() => originateParams({ callId: 'a', to: { kind: 'extension', extension: '1001' } }, { app: 'x', extensionEndpoint: 'PJSIP/1001' })).toThrow(ValidationError);
    expect(() => originateParams({ callId: 'a', to: { kind: 'external', number: '1', trunk: 't' } }, { app: 'x', trunks: { t: 'PJSIP/{number}&PJSIP/2' } })).toThrow(ValidationError);
  });

  it('adds the Call-Info header for auto-answer through PJSIP_HEADER', () => {
    expect(originateParams({ callId: 'a', to: { kind: 'extension', extension: '1001' }, autoAnswer: true }, options).body.variables).toEqual({
      'PJSIP_HEADER(add,Call-Info)': '<sip:127.0.0.1>;answer-after=0',
    });
    expect(
      originateParams({ callId: 'a', to: { kind: 'extension', extension: '1001' }, autoAnswer: true }, { ...options, autoAnswerCallInfo: '<sip:pbx.example.com>;answer-after=0' }).body.variables,
    ).toEqual({ 'PJSIP_HEADER(add,Call-Info)': '<sip:pbx.example.com>;answer-after=0' });
  });

  it('refuses variable names that would write dialplan functions, and other unsafe input', () => {
    const base = { callId: 'a', to: { kind: 'extension' as const, extension: '1001' } };
    expect(() => originateParams({ ...base, variables: { 'FILE(/etc/passwd)': 'x' } }, options)).toThrow(ValidationError);
    expect(() => originateParams({ ...base, variables: { 'SHELL(id)': 'x' } }, options)).toThrow(ValidationError);
    expect(() => originateParams({ to: base.to }, options)).toThrow(ValidationError);
    expect(() => originateParams({ ...base, to: { kind: 'extension', extension: '1001&PJSIP/1002' } }, options)).toThrow(ValidationError);
    expect(() => originateParams({ ...base, timeoutMs: -1 }, options)).toThrow(ValidationError);
    expect(() => originateParams(base, { ...options, appArgs: ['a,b'] })).toThrow(ValidationError);
  });
});

describe('ariCallerId', () => {
  it('is read back by ast_callerid_parse as the same name and number', () => {
    for (const name of ['Acme', 'O"Brien \\ Co', 'Smith, John <Sales>', '  spaced  '.trim(), 'Zoë 李雷']) {
      expect(parseCallerId(ariCallerId({ number: '+14155550100', name })), name).toEqual({ name, number: '+14155550100' });
    }
    expect(ariCallerId({ number: '1001' })).toBe('<1001>');
    expect(() => ariCallerId({ number: '<1001>' })).toThrow(ValidationError);
  });
});
