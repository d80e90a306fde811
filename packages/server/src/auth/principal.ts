/** Who is calling: a signed-in user, or an integration using one of that user's API keys. */
export interface Principal {
  userId: string;
  username: string;
  /** The tenant the caller belongs to; null for platform users. */
  tenantId: string | null;
  role: string;
  via: 'token' | 'api-key';
  apiKeyId?: string;
}

export const PLATFORM_ADMIN = 'platform_admin';
