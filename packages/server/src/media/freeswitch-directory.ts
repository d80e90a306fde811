import type { SipAccount } from '@switchboard/core';

/** XML text and attribute escaping. */
export function xmlEscape(value: string): string {
  return value.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);
}

export interface DirectoryOptions {
  /** The dialplan context calls from this phone start in. */
  userContext: string;
}

/** The answer xml_curl gets when Switchboard has nothing for it: FreeSWITCH then falls back to its own files. */
export const NOT_FOUND_XML = '<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n<document type="freeswitch/xml">\n  <section name="result">\n    <result status="not found"/>\n  </section>\n</document>\n';

/**
 * One user of FreeSWITCH's directory, as mod_xml_curl expects it: the digest
 * secret as `a1-hash` (no clear password leaves Switchboard), the dial-string
 * that makes `user/1001@domain` reach the registered phone, and variables
 * tying calls from the phone to its tenant.
 */
export function directoryUserXml(account: SipAccount, options: DirectoryOptions): string {
  const v = (name: string, value: string) => `          <variable name="${name}" value="${xmlEscape(value)}"/>`;
  return [
    '<?xml version="1.0" encoding="UTF-8" standalone="no"?>',
    '<document type="freeswitch/xml">',
    '  <section name="directory">',
    `    <domain name="${xmlEscape(account.domain)}">`,
    '      <params>',
    '        <param name="dial-string" value="{^^:sip_invite_domain=${dialed_domain}:presence_id=${dialed_user}@${dialed_domain}}${sofia_contact(*/${dialed_user}@${dialed_domain})}"/>',
    '      </params>',
    `      <user id="${xmlEscape(account.username)}">`,
    '        <params>',
    `          <param name="a1-hash" value="${account.ha1}"/>`,
    '        </params>',
    '        <variables>',
    v('user_context', options.userContext),
    v('effective_caller_id_name', account.displayName),
    v('effective_caller_id_number', account.username),
    v('sb_tenant_id', account.tenantId),
    v('sb_sip_account_id', account.id),
    '        </variables>',
    '      </user>',
    '    </domain>',
    '  </section>',
    '</document>',
    '',
  ].join('\n');
}
