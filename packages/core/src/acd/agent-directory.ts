import { z } from 'zod';
import { ConflictError, NotFoundError, ValidationError, isSwitchboardError } from '../errors/errors.js';
import { parseOrThrow } from '../errors/zod.js';
import type { AgentListOptions, NewAgentRecord } from '../storage/repositories/agents.js';
import type { SipAccount } from '../storage/repositories/sip-accounts.js';
import type { UserPatch } from '../storage/repositories/users.js';
import type { Storage, StorageRepositories } from '../storage/storage.js';
import {
  agentBatchSchema,
  agentNumberSchema,
  agentPatchSchema,
  newAgentSchema,
  type Agent,
  type AgentBatch,
  type AgentPatch,
  type NewAgent,
} from './model.js';
import { presentFields } from './patch.js';
import { hashPin, verifyPin } from './pin.js';

export interface AgentDirectoryOptions {
  storage: Storage;
  /** Hashes web login passwords (the server's argon2id). Without it, agents get no web login. */
  hashPassword?: (password: string) => Promise<string>;
  /** The SIP domain (realm) the tenant's phones register to. */
  sipDomain: (tenantId: string) => string | Promise<string>;
}

type AgentFields = z.output<typeof newAgentSchema>;
type Given = Partial<z.output<typeof agentPatchSchema>>;
/** Hashes are made before a transaction opens: a slow hash must not hold the database (SQLite has one connection). */
interface Secrets {
  passwordHash: string | undefined;
  pinHash: string | null | undefined;
}

const numbersSchema = z.array(agentNumberSchema).min(1).max(1000);

/**
 * The agents of a tenant as an administrator manages them (manual §3.1.2): each agent comes
 * with its SIP account (the phone registers with the agent number) and, given a web
 * password, a web login user; the three change together, in one transaction. The ACD
 * engine reloads agents from storage when they change, so nothing is emitted here.
 */
export class AgentDirectory {
  private readonly storage: Storage;
  private readonly hashPassword: ((password: string) => Promise<string>) | undefined;
  private readonly sipDomain: (tenantId: string) => string | Promise<string>;

  constructor(options: AgentDirectoryOptions) {
    this.storage = options.storage;
    this.hashPassword = options.hashPassword;
    this.sipDomain = options.sipDomain;
  }

  get(tenantId: string, agentNumber: string): Promise<Agent> {
    return this.storage.agents.getByNumber(tenantId, agentNumber);
  }

  list(tenantId: string, options?: AgentListOptions): Promise<Agent[]> {
    return this.storage.agents.list(tenantId, options);
  }

  /** A taken number is a ConflictError naming the field `number`. */
  async create(tenantId: string, input: NewAgent): Promise<Agent> {
    const values = parseOrThrow(newAgentSchema, input, 'agent');
    const domain = await this.sipDomain(tenantId);
    const secrets = await this.secrets(values);
    return this.storage.transaction(async (tx) => {
      if ((await tx.agents.findByNumber(tenantId, values.number)) !== undefined) throw numberTaken(values.number);
      const userId = await this.createAccounts(tx, tenantId, values.number, values, domain, secrets.passwordHash);
      return tx.agents.create(tenantId, record(values.number, values, userId, secrets.pinHash ?? null));
    });
  }

  /** Changes what the patch names; the SIP account and the web login follow (password, role, enabled, name). */
  async update(tenantId: string, agentNumber: string, patch: AgentPatch): Promise<Agent> {
    const given = this.parsePatch(patch);
    const domain = await this.sipDomain(tenantId);
    const secrets = await this.secrets(given);
    return this.storage.transaction(async (tx) => {
      const agent = await tx.agents.getByNumber(tenantId, agentNumber);
      const updated = await tx.agents.update(tenantId, agent.id, agentChanges(given, secrets));
      const account = needsSip(given) ? await findSipAccount(tx, tenantId, agentNumber, domain) : undefined;
      return this.follow(tx, tenantId, updated, account, given, secrets, domain);
    });
  }

  /**
   * Batch add (manual §3.1.2 ④): agents numbered firstNumber, firstNumber+1, … keeping the digit
   * width (0100 → 0101); numbers that exist are skipped and reported, the rest are made at once.
   */
  async batchAdd(tenantId: string, input: AgentBatch): Promise<{ created: Agent[]; skipped: string[] }> {
    const { firstNumber, count, ...values } = parseOrThrow(agentBatchSchema, input, 'agent batch');
    const numbers = numberRange(firstNumber, count);
    const domain = await this.sipDomain(tenantId);
    // One hash for the batch: every agent of it gets the same password and PIN by definition, so
    // equal hashes tell nothing new, and 1000 slow hashes would take minutes.
    const secrets = await this.secrets(values);
    return this.storage.transaction(async (tx) => {
      const existing = new Set((await tx.agents.listByNumbers(tenantId, numbers)).map((agent) => agent.number));
      const records: NewAgentRecord[] = [];
      // SIP accounts and users have no batch insert of their own yet: those are one statement per agent.
      for (const number of numbers.filter((n) => !existing.has(n))) {
        const userId = await this.createAccounts(tx, tenantId, number, values, domain, secrets.passwordHash);
        records.push(record(number, values, userId, secrets.pinHash ?? null));
      }
      const { created } = await tx.agents.createMany(tenantId, records);
      return { created, skipped: numbers.filter((n) => existing.has(n)) };
    });
  }

  /** Batch edit: the same change to every agent named; an unknown number is a NotFoundError listing them all, and nothing changes. */
  async batchEdit(tenantId: string, agentNumbers: readonly string[], patch: AgentPatch): Promise<Agent[]> {
    const numbers = [...new Set(parseOrThrow(numbersSchema, agentNumbers, 'agent numbers', 'agentNumbers'))];
    const given = this.parsePatch(patch);
    const domain = await this.sipDomain(tenantId);
    const secrets = await this.secrets(given);
    return this.storage.transaction(async (tx) => {
      const agents = await tx.agents.listByNumbers(tenantId, numbers);
      if (agents.length !== numbers.length) {
        const found = new Set(agents.map((agent) => agent.number));
        const missing = numbers.filter((n) => !found.has(n));
        throw new NotFoundError('Agents', missing.join(', '), { details: { field: 'agentNumbers', missing } });
      }
      const updated = await tx.agents.updateMany(tenantId, agents.map((agent) => agent.id), agentChanges(given, secrets));
      if (!needsSip(given) && !needsUser(given)) return updated;
      // One read of the tenant's SIP accounts rather than one lookup per agent.
      const accounts = needsSip(given) ? new Map((await tx.sipAccounts.list(tenantId)).map((a) => [a.username, a])) : new Map<string, SipAccount>();
      const result: Agent[] = [];
      for (const agent of updated) result.push(await this.follow(tx, tenantId, agent, accounts.get(agent.number), given, secrets, domain));
      return result;
    });
  }

  /** Removes the agent, its group memberships and leaderships, its SIP account and its web login, together. */
  async delete(tenantId: string, agentNumber: string): Promise<void> {
    const domain = await this.sipDomain(tenantId);
    await this.storage.transaction(async (tx) => {
      const agent = await tx.agents.getByNumber(tenantId, agentNumber);
      await tx.agents.delete(tenantId, agent.id);
      const account = await findSipAccount(tx, tenantId, agentNumber, domain);
      if (account !== undefined) await tx.sipAccounts.delete(tenantId, account.id);
      if (agent.userId !== null) await tx.users.delete(tenantId, agent.userId);
    });
  }

  /** Phone check-in: true only for an enabled agent with a PIN set, and that PIN given. */
  async verifyPhonePin(tenantId: string, agentNumber: string, pin: string): Promise<boolean> {
    const agent = await this.storage.agents.findByNumber(tenantId, agentNumber);
    if (agent === undefined || !agent.enabled || agent.phonePinHash === null) return false;
    return verifyPin(pin, agent.phonePinHash);
  }

  private parsePatch(patch: AgentPatch): Given {
    return presentFields(parseOrThrow(agentPatchSchema, patch, 'agent change'), patch);
  }

  private async secrets(values: { webPassword?: string | undefined; phonePin?: string | null | undefined }): Promise<Secrets> {
    if (values.webPassword !== undefined && this.hashPassword === undefined) {
      throw new ValidationError('Web logins are not available here: no password hasher is configured', [
        { path: 'webPassword', message: 'leave it out, or configure hashPassword' },
      ]);
    }
    const passwordHash = values.webPassword === undefined ? undefined : await this.hashPassword?.(values.webPassword);
    const pinHash = values.phonePin === undefined || values.phonePin === null ? values.phonePin : await hashPin(values.phonePin);
    return { passwordHash, pinHash };
  }

  /** The SIP account and (with a password hash) the web user of a new agent; returns the user's id. */
  private async createAccounts(
    tx: StorageRepositories,
    tenantId: string,
    number: string,
    values: Omit<AgentFields, 'number'>,
    domain: string,
    passwordHash: string | undefined,
  ): Promise<string | null> {
    const name = displayName(number, values);
    await asNumberConflict(number, () =>
      tx.sipAccounts.create(tenantId, { username: number, domain, password: values.sipPassword, displayName: name, enabled: values.enabled }),
    );
    if (passwordHash === undefined) return null;
    const user = await asNumberConflict(number, () =>
      tx.users.create(tenantId, { username: number, displayName: name, passwordHash, role: values.role, status: values.enabled ? 'active' : 'disabled' }),
    );
    return user.id;
  }

  /** Makes the SIP account and the web user of an updated agent follow the change; returns the agent as stored. */
  private async follow(
    tx: StorageRepositories,
    tenantId: string,
    agent: Agent,
    account: SipAccount | undefined,
    given: Given,
    secrets: Secrets,
    domain: string,
  ): Promise<Agent> {
    const renamed = given.firstName !== undefined || given.lastName !== undefined;
    const name = displayName(agent.number, agent);
    if (account !== undefined) {
      await tx.sipAccounts.update(tenantId, account.id, { password: given.sipPassword, enabled: given.enabled, displayName: renamed ? name : undefined });
    } else if (given.sipPassword !== undefined) {
      // The agent lost its SIP account (removed by hand): a new SIP password gives it one again.
      await asNumberConflict(agent.number, () =>
        tx.sipAccounts.create(tenantId, { username: agent.number, domain, password: given.sipPassword ?? '', displayName: name, enabled: agent.enabled }),
      );
    }
    if (agent.userId !== null) {
      const changes: UserPatch = {};
      if (given.role !== undefined) changes.role = agent.role;
      if (given.enabled !== undefined) changes.status = agent.enabled ? 'active' : 'disabled';
      if (renamed) changes.displayName = name;
      if (Object.keys(changes).length > 0) await tx.users.update(tenantId, agent.userId, changes);
      if (secrets.passwordHash !== undefined) await tx.users.setPassword(tenantId, agent.userId, secrets.passwordHash);
      return agent;
    }
    if (secrets.passwordHash === undefined) return agent;
    const user = await asNumberConflict(agent.number, () =>
      tx.users.create(tenantId, { username: agent.number, displayName: name, passwordHash: secrets.passwordHash ?? '', role: agent.role, status: agent.enabled ? 'active' : 'disabled' }),
    );
    return tx.agents.update(tenantId, agent.id, { userId: user.id });
  }
}

function record(number: string, values: Omit<AgentFields, 'number'>, userId: string | null, phonePinHash: string | null): NewAgentRecord {
  return {
    number,
    firstName: values.firstName,
    lastName: values.lastName,
    role: values.role,
    department: values.department,
    userId,
    phonePinHash,
    clickToCallOnly: values.clickToCallOnly,
    enabled: values.enabled,
    displayNumbers: values.displayNumbers,
    workWithBrowser: values.workWithBrowser,
    defaultOutboundCallFile: values.defaultOutboundCallFile,
    phoneTemplate: values.phoneTemplate,
    phoneMac: values.phoneMac,
    lastLoginAt: null,
  };
}

/** The agent row's part of a patch: everything but the passwords, with the PIN hashed (null turns phone check-in off). */
function agentChanges(given: Given, secrets: Secrets): Partial<Omit<NewAgentRecord, 'number'>> {
  const { sipPassword: _sip, webPassword: _web, phonePin: _pin, ...fields } = given;
  return secrets.pinHash === undefined ? fields : { ...fields, phonePinHash: secrets.pinHash };
}

const needsSip = (given: Given): boolean =>
  given.sipPassword !== undefined || given.enabled !== undefined || given.firstName !== undefined || given.lastName !== undefined;
const needsUser = (given: Given): boolean =>
  needsSip(given) || given.webPassword !== undefined || given.role !== undefined;

/** What phones and the web show for the agent: the names, or the number when there are none. */
function displayName(number: string, names: { firstName: string; lastName: string }): string {
  return `${names.firstName} ${names.lastName}`.trim() || number;
}

const numberTaken = (number: string, cause?: unknown): ConflictError =>
  new ConflictError(`Agent number ${number} is already taken`, { cause, details: { field: 'number', number } });

/** A SIP user or web login already named like the agent means the number is taken: say so in the agent's words. */
async function asNumberConflict<T>(number: string, create: () => Promise<T>): Promise<T> {
  try {
    return await create();
  } catch (error) {
    if (isSwitchboardError(error) && error.code === 'CONFLICT') throw numberTaken(number, error);
    throw error;
  }
}

/** The agent's SIP account: at the tenant's domain, or (the domain changed since) among the tenant's accounts. */
async function findSipAccount(tx: StorageRepositories, tenantId: string, number: string, domain: string): Promise<SipAccount | undefined> {
  const account = await tx.sipAccounts.findForDirectory(domain, number);
  if (account?.tenantId === tenantId) return account;
  return (await tx.sipAccounts.list(tenantId)).find((a) => a.username === number);
}

/** `count` consecutive numbers from `first`, zero-padded to its width; BigInt because 16 digits exceed 2^53. */
function numberRange(first: string, count: number): string[] {
  const start = BigInt(first);
  const numbers = Array.from({ length: count }, (_, i) => (start + BigInt(i)).toString().padStart(first.length, '0'));
  const last = numbers.at(-1) ?? first;
  if (last.length > 16) {
    throw new ValidationError(`The batch runs past the largest agent number (16 digits) at ${last}`, [{ path: 'count', message: 'too many for this first number' }]);
  }
  return numbers;
}
