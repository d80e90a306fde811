import type { Switchboard, Tenant } from '@switchboard/core';

export const DEMO_TENANT_SLUG = 'demo';
/** The demo agents' phone extensions on the simulated PBX. */
export const DEMO_EXTENSIONS = ['1001', '1002', '1003', '1004', '1005'];

/**
 * The demo tenant a fresh `npm start` shows. Idempotent: running it again
 * changes nothing. Each engine adds its demo data here (agents, queues,
 * routes, customers) as it arrives.
 */
export async function seedDemo(switchboard: Switchboard): Promise<Tenant> {
  const { tenants } = switchboard.storage;
  const existing = await tenants.getBySlug(DEMO_TENANT_SLUG).catch(() => undefined);
  const tenant = existing ?? (await tenants.create({ slug: DEMO_TENANT_SLUG, name: 'Demo Contact Center', timeZone: 'America/New_York', defaultCountry: 'US' }));
  // The agents' phones: they ring for one to four seconds, then answer.
  for (const extension of DEMO_EXTENSIONS) {
    if (!switchboard.simulator?.getExtension(extension)) switchboard.simulator?.setExtension(extension, { answer: { kind: 'uniform', minMs: 1_000, maxMs: 4_000 } });
  }
  return tenant;
}
