import { createHash } from 'node:crypto';
import { z } from 'zod';
import { ConflictError } from '../../errors/errors.js';
import { parseOrThrow } from '../../errors/zod.js';
import { TenantScopedRepository } from '../repository.js';
import { RowCodec, type Row } from '../row-codec.js';

/**
 * The SIP credentials of a phone (an agent's extension). The media servers
 * fetch them from Switchboard: FreeSWITCH through its xml_curl directory,
 * Asterisk through a generated pjsip.conf include.
 */
export interface SipAccount {
  id: string;
  tenantId: string;
  /** The SIP user name: the agent's number / extension. */
  username: string;
  /** The SIP domain (realm) the phone registers to; one per tenant is usual. */
  domain: string;
  displayName: string;
  /** MD5(username:domain:password), never the password itself. */
  ha1: string;
  enabled: boolean;
  createdAt: number;
  updatedAt: number;
}

export interface NewSipAccount {
  username: string;
  domain: string;
  password: string;
  /** Default: the username. */
  displayName?: string;
  enabled?: boolean;
}

/** The digest secret of SIP (RFC 2617 HA1), as FreeSWITCH `a1-hash` and Asterisk `md5_cred` expect it. */
export function sipHa1(username: string, domain: string, password: string): string {
  return createHash('md5').update(`${username}:${domain}:${password}`).digest('hex');
}

const username = z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'use 1-64 letters, digits, "_", "." or "-"');
const domain = z
  .string()
  .toLowerCase()
  .regex(/^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/, 'a host name such as tenant.example.com');
// Phones are attacked by password guessing from the internet within minutes of going online.
const password = z.string().min(8, 'use at least 8 characters').max(128);
const newSchema = z.object({ username, domain, password, displayName: z.string().trim().min(1).max(200).optional(), enabled: z.boolean().default(true) });

export class SipAccountRepository extends TenantScopedRepository<SipAccount> {
  protected readonly table = 'sip_accounts';
  protected readonly entityName = 'SIP account';
  protected readonly codec = new RowCodec<SipAccount>({
    id: 'text',
    tenantId: 'text',
    username: 'text',
    domain: 'text',
    displayName: 'text',
    ha1: 'text',
    enabled: 'boolean',
    createdAt: 'number',
    updatedAt: 'number',
  });

  async create(tenantId: string, input: NewSipAccount): Promise<SipAccount> {
    const values = parseOrThrow(newSchema, input, 'SIP account');
    return this.insertOne(
      tenantId,
      { username: values.username, domain: values.domain, displayName: values.displayName ?? values.username, ha1: sipHa1(values.username, values.domain, values.password), enabled: values.enabled },
      { conflict: (cause) => new ConflictError(`SIP user ${values.username}@${values.domain} already exists`, { cause, details: { field: 'username' } }) },
    );
  }

  /** The media server's lookup: by domain and user name, across tenants (the domain names the tenant). */
  async findForDirectory(domainName: string, user: string): Promise<SipAccount | undefined> {
    const row = (await this.run(() => this.ctx.db(this.table).where({ domain: domainName.toLowerCase(), username: user }).first())) as Row | undefined;
    return row === undefined ? undefined : this.codec.fromRow(row);
  }

  async list(tenantId: string): Promise<SipAccount[]> {
    const rows = (await this.run(() => this.scoped(tenantId).orderBy([{ column: 'domain' }, { column: 'username' }]))) as Row[];
    return rows.map((row) => this.codec.fromRow(row));
  }

  /** Every enabled account of every tenant, for a generated media-server configuration. */
  async listEnabled(): Promise<SipAccount[]> {
    const rows = (await this.run(() => this.ctx.db(this.table).where('enabled', true).orderBy([{ column: 'domain' }, { column: 'username' }]))) as Row[];
    return rows.map((row) => this.codec.fromRow(row));
  }

  async update(tenantId: string, id: string, patch: { password?: string; displayName?: string; enabled?: boolean }): Promise<SipAccount> {
    const values = parseOrThrow(z.object({ password: password.optional(), displayName: z.string().trim().min(1).max(200).optional(), enabled: z.boolean().optional() }), patch, 'SIP account change');
    const account = await this.getById(tenantId, id);
    const changes: Partial<SipAccount> = {};
    if (values.password !== undefined) changes.ha1 = sipHa1(account.username, account.domain, values.password);
    if (values.displayName !== undefined) changes.displayName = values.displayName;
    if (values.enabled !== undefined) changes.enabled = values.enabled;
    return this.updateOne(tenantId, id, changes);
  }

  async delete(tenantId: string, id: string): Promise<void> {
    await this.deleteOne(tenantId, id);
  }
}
