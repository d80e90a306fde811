import type { Request } from 'express';
import { ForbiddenError, UnauthenticatedError, ValidationError, type Logger, type Storage, type User } from '@switchboard/core';
import { generateApiKey, parseApiKey, secretMatches } from './api-keys.js';
import { LoginThrottle } from './login-throttle.js';
import { generatePassword, hashPassword, verifyPassword } from './passwords.js';
import { PLATFORM_ADMIN, type Principal } from './principal.js';
import { TokenIssuer } from './tokens.js';
import type { Access } from '../http/api.js';

export interface LoginResult {
  token: string;
  tokenType: 'Bearer';
  expiresAt: number;
  user: PublicUser;
}

export interface PublicUser {
  id: string;
  username: string;
  displayName: string;
  role: string;
  tenantId: string | null;
}

export const publicUser = (user: User): PublicUser => ({
  id: user.id,
  username: user.username,
  displayName: user.displayName,
  role: user.role,
  tenantId: user.tenantId,
});

/** The platform setting that keeps the generated token secret across restarts. */
const JWT_SECRET_SETTING = 'auth.jwt_secret';

/**
 * Logins, access tokens and API keys. Passwords are argon2id hashes; tokens are
 * short-lived JWTs; API keys are checked by prefix and a constant-time compare.
 */
export class AuthService {
  private readonly throttle = new LoginThrottle();
  // A hash of a random password, verified when the username is unknown, so a
  // wrong username takes as long as a wrong password and reveals nothing.
  private decoyHash: Promise<string> | undefined;

  private constructor(
    private readonly storage: Storage,
    private readonly tokens: TokenIssuer,
    private readonly logger: Logger,
  ) {}

  static async create(storage: Storage, options: { jwtSecret?: string | undefined; tokenTtlSeconds: number; logger: Logger }): Promise<AuthService> {
    let secret = options.jwtSecret ?? (await storage.settings.get<string>(JWT_SECRET_SETTING));
    if (!secret) {
      secret = Buffer.from(crypto.getRandomValues(new Uint8Array(48))).toString('base64url');
      await storage.settings.set(JWT_SECRET_SETTING, secret);
    }
    return new AuthService(storage, new TokenIssuer(secret, options.tokenTtlSeconds), options.logger);
  }

  /**
   * On first start (no user at all) creates the platform administrator `admin`.
   * Returns the password when it was generated, so the caller can show it once.
   */
  async bootstrapAdmin(password?: string): Promise<{ username: string; password: string; generated: boolean } | undefined> {
    if ((await this.storage.users.countAll()) > 0) return undefined;
    const chosen = password ?? generatePassword();
    await this.storage.users.create(null, { username: 'admin', displayName: 'Administrator', passwordHash: await hashPassword(chosen), role: PLATFORM_ADMIN });
    return { username: 'admin', password: chosen, generated: password === undefined };
  }

  async login(input: { username: string; password: string; tenant?: string | undefined }, ip: string): Promise<LoginResult> {
    const throttleKey = `${ip}|${input.tenant ?? ''}|${input.username.toLowerCase()}`;
    this.throttle.check(throttleKey);
    const tenantId = input.tenant === undefined ? null : await this.tenantIdOf(input.tenant);
    const user = tenantId === undefined ? undefined : await this.storage.users.findByUsername(tenantId, input.username);
    const ok = user ? await verifyPassword(user.passwordHash, input.password) : await verifyPassword(await this.decoy(), input.password);
    if (!user || !ok || user.status !== 'active') {
      this.throttle.fail(throttleKey);
      throw new UnauthenticatedError('Invalid username or password');
    }
    this.throttle.succeed(throttleKey);
    await this.storage.users.recordLogin(user.tenantId, user.id);
    const { token, expiresAt } = await this.tokens.issue({ sub: user.id, tid: user.tenantId, role: user.role });
    return { token, tokenType: 'Bearer', expiresAt, user: publicUser(user) };
  }

  /**
   * "Log in as" (manual §3.13.1): a supervisor gets an access token for an agent's web
   * login, to work as that agent. The route that calls this is audited like every
   * mutation, and the actor is logged here too.
   */
  async issueFor(actor: Principal, user: User): Promise<LoginResult> {
    if (user.status !== 'active') throw new UnauthenticatedError('That login is disabled');
    const { token, expiresAt } = await this.tokens.issue({ sub: user.id, tid: user.tenantId, role: user.role });
    this.logger.info({ actor: actor.userId, as: user.id, tenantId: user.tenantId }, 'logged in as another user');
    return { token, tokenType: 'Bearer', expiresAt, user: publicUser(user) };
  }

  /** Resolves the caller from `Authorization: Bearer <token or API key>` or `X-API-Key`. */
  async authenticate(req: Request): Promise<Principal> {
    const header = req.get('authorization');
    const apiKeyHeader = req.get('x-api-key');
    let credential: string | undefined;
    if (header) {
      const bearer = /^Bearer\s+(\S+)$/i.exec(header);
      // Media servers (FreeSWITCH xml_curl) can only send Basic credentials: an API key as the password.
      const basic = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(header);
      const basicPassword = basic ? Buffer.from(basic[1]!, 'base64').toString('utf8').split(':').slice(1).join(':') : undefined;
      if (bearer) credential = bearer[1];
      else if (basicPassword?.startsWith('sbk_')) credential = basicPassword;
      else throw new UnauthenticatedError('Use "Authorization: Bearer <token>", or Basic with an API key as the password');
    } else if (apiKeyHeader) {
      credential = apiKeyHeader.trim();
    }
    if (!credential) throw new UnauthenticatedError('Log in first: send "Authorization: Bearer <token>" or an "X-API-Key" header');
    if (credential.startsWith('sbk_')) return this.authenticateApiKey(credential);
    const claims = await this.tokens.verify(credential);
    const user = await this.activeUser(claims.tid, claims.sub);
    return { userId: user.id, username: user.username, tenantId: user.tenantId, role: user.role, via: 'token' };
  }

  authorize(principal: Principal, access: Access): void {
    if (access === 'platform-admin' && principal.role !== PLATFORM_ADMIN) throw new ForbiddenError('This needs a platform administrator');
  }

  async changePassword(principal: Principal, currentPassword: string, newPassword: string): Promise<void> {
    const user = await this.activeUser(principal.tenantId, principal.userId);
    if (!(await verifyPassword(user.passwordHash, currentPassword))) {
      throw new ValidationError('The current password is wrong', [{ path: 'body.currentPassword', message: 'does not match' }]);
    }
    await this.storage.users.setPassword(user.tenantId, user.id, await hashPassword(newPassword));
  }

  async createApiKey(principal: Principal, input: { name: string; expiresAt?: number | undefined }) {
    const generated = generateApiKey();
    const stored = await this.storage.apiKeys.create(principal.tenantId, {
      userId: principal.userId,
      name: input.name,
      prefix: generated.prefix,
      secretHash: generated.secretHash,
      expiresAt: input.expiresAt ?? null,
    });
    return { key: generated.key, apiKey: stored };
  }

  private async authenticateApiKey(key: string): Promise<Principal> {
    const parsed = parseApiKey(key);
    const stored = parsed && (await this.storage.apiKeys.findByPrefix(parsed.prefix));
    if (!parsed || !stored || !secretMatches(parsed.secret, stored.secretHash)) throw new UnauthenticatedError('The API key is invalid');
    if (stored.revokedAt !== null) throw new UnauthenticatedError('The API key has been revoked');
    if (stored.expiresAt !== null && stored.expiresAt <= Date.now()) throw new UnauthenticatedError('The API key has expired');
    const user = await this.activeUser(stored.tenantId, stored.userId);
    void this.storage.apiKeys.touchLastUsed(stored.id).catch((error: unknown) => this.logger.warn({ err: error }, 'could not record API key use'));
    return { userId: user.id, username: user.username, tenantId: user.tenantId, role: user.role, via: 'api-key', apiKeyId: stored.id };
  }

  private async activeUser(tenantId: string | null, userId: string): Promise<User> {
    const user = await this.storage.users.findById(tenantId, userId);
    if (!user || user.status !== 'active') throw new UnauthenticatedError('The account is disabled or no longer exists');
    return user;
  }

  private async tenantIdOf(slug: string): Promise<string | undefined> {
    const tenant = await this.storage.tenants.getBySlug(slug).catch(() => undefined);
    return tenant?.status === 'active' ? tenant.id : undefined;
  }

  private decoy(): Promise<string> {
    return (this.decoyHash ??= hashPassword(generatePassword()));
  }
}
