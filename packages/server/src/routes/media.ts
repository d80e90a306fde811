import type { Response } from 'express';
import { z } from 'zod';
import { reply, type Api } from '../http/api.js';
import type { AppContext } from '../context.js';
import { NOT_FOUND_XML, directoryUserXml } from '../media/freeswitch-directory.js';
import { renderPjsipInclude } from '../media/pjsip-config.js';

const sipAccountSchema = z.object({
  id: z.string(),
  tenantId: z.string(),
  username: z.string(),
  domain: z.string(),
  displayName: z.string(),
  enabled: z.boolean(),
  createdAt: z.number().int(),
  updatedAt: z.number().int(),
});

/** The HA1 stays inside Switchboard and the media servers' configuration; the API never shows it. */
const publicAccount = ({ ha1: _ha1, ...rest }: { ha1: string } & z.infer<typeof sipAccountSchema>) => rest;

/** Form fields mod_xml_curl posts (all optional: other sections and purposes are answered "not found"). */
const xmlCurlRequest = z.object({
  section: z.string().optional(),
  purpose: z.string().optional(),
  action: z.string().optional(),
  user: z.string().optional(),
  domain: z.string().optional(),
  key_value: z.string().optional(),
});

/** How the agents' phones reach the media servers (DESIGN.md §5; docs/freeswitch.md, docs/asterisk.md). */
export function mediaRoutes(api: Api, ctx: AppContext): void {
  const accounts = ctx.switchboard.storage.sipAccounts;

  const directory = async (fields: z.infer<typeof xmlCurlRequest>, res: Response) => {
    const domain = fields.domain ?? fields.key_value;
    const account = fields.section === 'directory' && fields.user && domain && !fields.purpose ? await accounts.findForDirectory(domain, fields.user) : undefined;
    res.type('text/xml').send(account?.enabled ? directoryUserXml(account, { userContext: ctx.sipContext }) : NOT_FOUND_XML);
  };
  for (const method of ['post', 'get'] as const) {
    api.route({
      method,
      path: '/media/freeswitch/directory',
      summary: `FreeSWITCH xml_curl directory (${method.toUpperCase()})`,
      description:
        'Point mod_xml_curl\'s directory binding here, with an API key of a platform administrator as the Basic password (`gateway-credentials`). A known, enabled phone gets its user entry with `a1-hash`; anything else "not found", so FreeSWITCH falls back to its own files.',
      tags: ['Media servers'],
      access: 'platform-admin',
      ...(method === 'post' ? { body: xmlCurlRequest } : { query: xmlCurlRequest }),
      responses: { 200: { description: 'A freeswitch/xml document', contentType: 'text/xml' } },
      handler: async ({ body, query, res }) => directory((method === 'post' ? body : query) as z.infer<typeof xmlCurlRequest>, res),
    });
  }

  api.route({
    method: 'get',
    path: '/media/asterisk/pjsip.conf',
    summary: 'A pjsip.conf include with every enabled phone',
    description: 'Fetch it into /etc/asterisk/pjsip_switchboard.conf, `#include` it from pjsip.conf and reload res_pjsip. Credentials are written as md5_cred.',
    tags: ['Media servers'],
    access: 'platform-admin',
    query: z.object({ transport: z.string().regex(/^[A-Za-z0-9_.-]+$/).default('transport-udp') }),
    responses: { 200: { description: 'pjsip.conf text', contentType: 'text/plain' } },
    handler: async ({ query, res }) => {
      res.type('text/plain').send(renderPjsipInclude(await accounts.listEnabled(), { context: ctx.sipContext, transport: query.transport, generatedAt: Date.now() }));
    },
  });

  const tenantParams = z.object({ tenantId: z.string().min(1) });
  const accountParams = tenantParams.extend({ id: z.string().min(1) });

  api.route({
    method: 'get',
    path: '/platform/tenants/{tenantId}/sip-accounts',
    summary: "List a tenant's SIP accounts",
    tags: ['Media servers'],
    access: 'platform-admin',
    params: tenantParams,
    responses: { 200: { description: 'Accounts', schema: z.object({ items: z.array(sipAccountSchema) }) } },
    handler: async ({ params }) => {
      await ctx.switchboard.storage.tenants.get(params.tenantId);
      return { items: (await accounts.list(params.tenantId)).map(publicAccount) };
    },
  });

  api.route({
    method: 'post',
    path: '/platform/tenants/{tenantId}/sip-accounts',
    summary: 'Create a SIP account (a phone) for a tenant',
    tags: ['Media servers'],
    access: 'platform-admin',
    params: tenantParams,
    body: z.object({
      username: z.string().describe("The SIP user name: the agent's number"),
      domain: z.string().describe('The SIP domain (realm) the phone registers to'),
      password: z.string().describe('At least 8 characters; stored only as its SIP digest'),
      displayName: z.string().optional(),
      enabled: z.boolean().optional(),
    }),
    responses: { 201: { description: 'Created', schema: sipAccountSchema } },
    handler: async ({ params, body }) => {
      await ctx.switchboard.storage.tenants.get(params.tenantId);
      return reply(201, publicAccount(await accounts.create(params.tenantId, body)));
    },
  });

  api.route({
    method: 'patch',
    path: '/platform/tenants/{tenantId}/sip-accounts/{id}',
    summary: 'Change a SIP account: password, name, enabled',
    tags: ['Media servers'],
    access: 'platform-admin',
    params: accountParams,
    body: z.object({ password: z.string().optional(), displayName: z.string().optional(), enabled: z.boolean().optional() }),
    responses: { 200: { description: 'The account now', schema: sipAccountSchema } },
    handler: async ({ params, body }) => publicAccount(await accounts.update(params.tenantId, params.id, body)),
  });

  api.route({
    method: 'delete',
    path: '/platform/tenants/{tenantId}/sip-accounts/{id}',
    summary: 'Delete a SIP account',
    tags: ['Media servers'],
    access: 'platform-admin',
    params: accountParams,
    responses: { 204: { description: 'Deleted' } },
    handler: async ({ params }) => {
      await accounts.delete(params.tenantId, params.id);
      return undefined;
    },
  });
}
