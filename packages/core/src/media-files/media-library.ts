import type { MediaRef } from '../media/media-ref.js';
import type { StorageRepositories } from '../storage/storage.js';
import type { MediaFileObserver } from './media-file-store.js';
import type { MediaFile } from './model.js';

/** Where a tenant's uploaded media files live under the media servers' sounds directory. */
export const TENANT_MEDIA_DIR = 'tenants';

/** Tenant ids become a path segment: storage makes UUIDs, and anything else that could leave the folder is refused. */
const SAFE_SEGMENT = /^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$/;

/** Whether a tenant's media files can be published under its id (UUIDs and similar can). */
export function isPublishableTenantId(tenantId: string): boolean {
  return SAFE_SEGMENT.test(tenantId);
}

/**
 * The name the media servers play a tenant's uploaded file by: `tenants/<tenantId>/<name>`,
 * relative to their sounds directory (FreeSWITCH adds `.wav`; Asterisk picks the format).
 */
export function tenantMediaName(tenantId: string, name: string): string {
  return `${TENANT_MEDIA_DIR}/${tenantId}/${name}`;
}

/**
 * Turns the MediaRefs a tenant configured into what the media server plays. Engines ask it
 * at every place they hand a configured MediaRef to the media adapter.
 */
export interface MediaRefResolver {
  resolve(tenantId: string, ref: MediaRef): MediaRef;
  resolveList(tenantId: string, refs: readonly MediaRef[]): MediaRef[];
}

/** Plays every ref as configured: engines built without a media library (tests, embedded use without uploads). */
export const configuredMediaRefs: MediaRefResolver = {
  resolve: (_tenantId, ref) => ref,
  resolveList: (_tenantId, refs) => [...refs],
};

/**
 * Each tenant's uploaded media-file names, in memory: loaded once from storage at start and
 * kept current by the MediaFileStore it observes (uploads, renames, deletes in this
 * process). It gives every tenant its own namespace on the media server: a `file` ref that
 * names one of the tenant's uploads plays `tenants/<tenantId>/<name>`, where the
 * MediaPublisher writes it, so two tenants' "welcome" never meet. Every other ref — a
 * system prompt provisioned on the media server (`agent-pause-done`), a file the tenant
 * has not uploaded, a tone, digits — is returned unchanged.
 */
export class MediaLibrary implements MediaRefResolver, MediaFileObserver {
  /** tenantId → file name → duration (ms). */
  private readonly files = new Map<string, Map<string, number>>();

  constructor(private readonly storage: StorageRepositories) {}

  /** Reads every tenant's names from storage (again: what another process changed becomes visible). */
  async load(): Promise<void> {
    const entries = await this.storage.mediaFiles.index();
    this.files.clear();
    for (const entry of entries) this.add(entry.tenantId, entry.name, entry.durationMs);
  }

  /** Whether the tenant has uploaded a media file of that name. */
  has(tenantId: string, name: string): boolean {
    return this.files.get(tenantId)?.has(name) ?? false;
  }

  /** The tenant's uploaded names, sorted. */
  names(tenantId: string): string[] {
    return [...(this.files.get(tenantId)?.keys() ?? [])].sort();
  }

  resolve(tenantId: string, ref: MediaRef): MediaRef {
    if (ref.kind !== 'file' || !this.has(tenantId, ref.name) || !isPublishableTenantId(tenantId)) return ref;
    return { kind: 'file', name: tenantMediaName(tenantId, ref.name) };
  }

  resolveList(tenantId: string, refs: readonly MediaRef[]): MediaRef[] {
    return refs.map((ref) => this.resolve(tenantId, ref));
  }

  /** How long an uploaded file plays, by the name the media server knows it by (`tenants/<tenantId>/<name>`): the simulator plays it that long. */
  durationOf(mediaServerName: string): number | undefined {
    const parts = mediaServerName.split('/');
    if (parts.length !== 3 || parts[0] !== TENANT_MEDIA_DIR) return undefined;
    return this.files.get(parts[1]!)?.get(parts[2]!);
  }

  // ── MediaFileObserver ────────────────────────────────────────────────────────

  added(file: MediaFile): void {
    this.add(file.tenantId, file.name, file.durationMs);
  }

  renamed(file: MediaFile, previousName: string): void {
    this.files.get(file.tenantId)?.delete(previousName);
    this.add(file.tenantId, file.name, file.durationMs);
  }

  removed(file: MediaFile): void {
    const names = this.files.get(file.tenantId);
    names?.delete(file.name);
    if (names?.size === 0) this.files.delete(file.tenantId);
  }

  private add(tenantId: string, name: string, durationMs: number): void {
    let names = this.files.get(tenantId);
    if (!names) this.files.set(tenantId, (names = new Map()));
    names.set(name, durationMs);
  }
}
