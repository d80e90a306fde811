import { z } from 'zod';
import { ConflictError, NotFoundError } from '../../errors/errors.js';
import { parseOrThrow } from '../../errors/zod.js';
import { TenantScopedRepository, type TenantScope } from '../repository.js';
import { RowCodec, type Row } from '../row-codec.js';

export type UserStatus = 'active' | 'disabled';

/** Someone who logs in: a tenant's user, or (tenantId null) a platform user above all tenants. */
export interface User {
  id: string;
  tenantId: string | null;
  /** Stored lower-case: logins are case-insensitive. Unique within the tenant (or among platform users). */
  username: string;
  displayName: string;
  /** Hashed by the caller (the server uses argon2id); storage never sees a password. */
  passwordHash: string;
  role: string;
  status: UserStatus;
  lastLoginAt: number | null;
  createdAt: number;
  updatedAt: number;
}

export interface NewUser {
  username: string;
  /** Default: the username as given. */
  displayName?: string;
  passwordHash: string;
  role: string;
  /** Default `active`. */
  status?: UserStatus;
}

export interface UserPatch {
  displayName?: string;
  role?: string;
  status?: UserStatus;
}

const USERNAME = /^[^\s\p{Cc}]{1,128}$/u;

const username = z.string().trim().regex(USERNAME, 'use 1-128 characters without spaces');
const displayName = z.string().trim().min(1, 'required').max(200);
const role = z.string().trim().min(1, 'required').max(64);
const status = z.enum(['active', 'disabled']);
const passwordHash = z.string().min(1, 'required');

const newUserSchema = z.object({ username, displayName: displayName.optional(), passwordHash, role, status: status.default('active') });
const userPatchSchema = z.object({ displayName, role, status }).partial();

const normalizeUsername = (name: string): string => name.trim().toLowerCase();

export class UserRepository extends TenantScopedRepository<User, TenantScope> {
  protected readonly table = 'users';
  protected readonly entityName = 'User';
  protected readonly codec = new RowCodec<User>({
    id: 'text',
    tenantId: 'text',
    username: 'text',
    displayName: 'text',
    passwordHash: 'text',
    role: 'text',
    status: 'text',
    lastLoginAt: 'number',
    createdAt: 'number',
    updatedAt: 'number',
  });

  /** `tenantId` null creates a platform user. */
  async create(tenantId: TenantScope, input: NewUser): Promise<User> {
    const values = parseOrThrow(newUserSchema, input, 'user');
    const name = normalizeUsername(values.username);
    return this.insertOne(
      tenantId,
      {
        username: name,
        displayName: values.displayName ?? values.username,
        passwordHash: values.passwordHash,
        role: values.role,
        status: values.status,
        lastLoginAt: null,
      },
      {
        conflict: (cause) =>
          new ConflictError(`Username "${name}" is already taken${tenantId === null ? ' among platform users' : ' in this tenant'}`, {
            cause,
            details: { field: 'username', username: name },
          }),
        missingReference: (cause) => new NotFoundError('Tenant', tenantId ?? undefined, { cause }),
      },
    );
  }

  /** For login: undefined when there is no such user in that scope. */
  async findByUsername(tenantId: TenantScope, name: string): Promise<User | undefined> {
    const row = (await this.run(() => this.scoped(tenantId).where('username', normalizeUsername(name)).first())) as Row | undefined;
    return row === undefined ? undefined : this.codec.fromRow(row);
  }

  /** The users of one tenant (or the platform users), by username. */
  async list(tenantId: TenantScope): Promise<User[]> {
    const rows = (await this.run(() => this.scoped(tenantId).orderBy('username'))) as Row[];
    return rows.map((row) => this.codec.fromRow(row));
  }

  async update(tenantId: TenantScope, id: string, patch: UserPatch): Promise<User> {
    return this.updateOne(tenantId, id, parseOrThrow(userPatchSchema, patch, 'user'));
  }

  /** Deletes the user and (by cascade) their API keys. */
  async delete(tenantId: TenantScope, id: string): Promise<void> {
    await this.deleteOne(tenantId, id);
  }

  async setPassword(tenantId: TenantScope, id: string, newPasswordHash: string): Promise<void> {
    await this.updateOne(tenantId, id, { passwordHash: parseOrThrow(passwordHash, newPasswordHash, 'password hash') });
  }

  async recordLogin(tenantId: TenantScope, id: string): Promise<void> {
    await this.updateOne(tenantId, id, { lastLoginAt: this.ctx.clock.now() });
  }

  /** Users of every tenant and of the platform: zero means the first administrator is still to be created. */
  async countAll(): Promise<number> {
    const row = (await this.run(() => this.ctx.db('users').count({ count: '*' }).first())) as { count: number | string } | undefined;
    return Number(row?.count ?? 0);
  }
}
