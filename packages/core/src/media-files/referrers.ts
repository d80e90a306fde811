import type { Referrer } from '../routing/routing-graph.js';
import type { StorageRepositories } from '../storage/storage.js';
import { loadRoutingConfig } from '../routing/tenant-routing.js';
import { fileMediaRefs } from './media-refs.js';

/** A place that plays a media file: the routing graph's Referrer (kind, id, name, field) and the file's name. */
export interface MediaFileUse extends Referrer {
  mediaName: string;
}

/**
 * Every place in the tenant's configuration that plays a media file: routing objects (DIDs,
 * incoming routes, IVR menus, voice broadcasts, ring groups, time conditions), agent groups'
 * queue settings (hold and waiting music, announcements, the agent-number voices) and the
 * routing settings (the blacklist treatment). Kinds and ids are the routing graph's, so a
 * refusal reads like the routing objects' own (`ivr "Main" (prompts.0.media)`).
 */
export async function mediaFileUses(storage: StorageRepositories, tenantId: string): Promise<MediaFileUse[]> {
  const config = await loadRoutingConfig(storage, tenantId);
  const uses: MediaFileUse[] = [];
  const collect = (kind: string, id: string, name: string, config: unknown) => {
    for (const ref of fileMediaRefs(config)) uses.push({ kind, id, name, field: ref.path, mediaName: ref.name });
  };
  const objects: Array<[string, ReadonlyArray<{ id: string; name: string }>]> = [
    ['did', config.dids],
    ['route', config.routes],
    ['ivr', config.ivrs],
    ['voice-broadcast', config.broadcasts],
    ['ring-group', config.ringGroups],
    ['condition', config.conditions],
  ];
  for (const [kind, records] of objects) for (const record of records) collect(kind, record.id, record.name, record);
  for (const group of config.agentGroups) collect('agent-group', group.number, group.name, { queue: group.queue });
  collect('settings', 'routing', 'routing settings', config.settings);
  return uses;
}

/** The places that play the media file called `name` (names are compared exactly, as the media server does). */
export async function mediaFileReferrers(storage: StorageRepositories, tenantId: string, name: string): Promise<Referrer[]> {
  return (await mediaFileUses(storage, tenantId)).filter((use) => use.mediaName === name).map(({ kind, id, name: holder, field }) => ({ kind, id, name: holder, field }));
}
