import type { NewAgentGroup, NewAgentRecord, Switchboard, Tenant } from '@switchboard/core';
import { trafficGeneratorOf } from '../simulator/traffic.js';
import { seedDemoCrm } from './crm-seed.js';
import { seedDemoRouting } from './routing-seed.js';

export const DEMO_TENANT_SLUG = 'demo';
/** The demo agents' phone extensions on the simulated PBX: the agent numbers 1001–1010. */
export const DEMO_EXTENSIONS = ['1001', '1002', '1003', '1004', '1005', '1006', '1007', '1008', '1009', '1010'];

const DEMO_NAMES = ['Ava Reed', 'Ben Ortiz', 'Chloe Park', 'Dan Moss', 'Ella Fox', 'Finn Hale', 'Grace Kim', 'Hugo Lane', 'Iris Vale', 'Jack Wu'];
export const DEMO_PAUSE_REASONS = [
  { name: 'Break', productive: false },
  { name: 'Lunch', productive: false },
  { name: 'Training', productive: true },
];
const DEMO_GROUPS: NewAgentGroup[] = [
  {
    name: 'Sales',
    number: '600',
    members: [
      ...DEMO_EXTENSIONS.slice(0, 5).map((agentNumber) => ({ agentNumber, kind: 'static' as const })),
      { agentNumber: '1006', kind: 'dynamic', priority: 2 },
    ],
    wrapUpSec: 5,
    queue: { strategy: 'longest-idle', maxWaitSec: 300 },
  },
  {
    name: 'Support',
    number: '601',
    members: DEMO_EXTENSIONS.slice(5).map((agentNumber) => ({ agentNumber, kind: 'static' as const })),
    wrapUpSec: 10,
    queue: { strategy: 'round-robin', maxWaitSec: 600 },
  },
];
/** Calls per hour into each demo group. */
export const DEMO_TRAFFIC = [
  { groupNumber: '600', callsPerHour: 60 },
  { groupNumber: '601', callsPerHour: 40 },
];

export interface SeedDemoOptions {
  /** Start simulated callers into the demo queues (with the simulator and the real clock: on a virtual clock the user drives time). */
  traffic?: boolean;
}

/**
 * The demo tenant a fresh `npm start` shows: ten agents in two queues, pause reasons, the
 * agents logged in, the inbound routing, the CRM (a customer package with 3,000 customers)
 * and (with `traffic`) simulated callers. Idempotent: running it again
 * creates nothing twice. Each engine adds its demo data here as it arrives.
 */
export async function seedDemo(switchboard: Switchboard, options: SeedDemoOptions = {}): Promise<Tenant> {
  const { tenants, agents, agentGroups, pauseReasons } = switchboard.storage;
  const existing = await tenants.getBySlug(DEMO_TENANT_SLUG).catch(() => undefined);
  const tenant = existing ?? (await tenants.create({ slug: DEMO_TENANT_SLUG, name: 'Demo Contact Center', timeZone: 'America/New_York', defaultCountry: 'US' }));
  // The agents' phones: they ring for two to six seconds, then answer.
  for (const extension of DEMO_EXTENSIONS) {
    if (!switchboard.simulator?.getExtension(extension)) switchboard.simulator?.setExtension(extension, { answer: { kind: 'uniform', minMs: 2_000, maxMs: 6_000 } });
  }

  // The agents. On the simulator their phones are its extensions, so they get no SIP accounts
  // (create agents through the API, or give them a SIP password, to register real phones).
  await agents.createMany(
    tenant.id,
    DEMO_EXTENSIONS.map((number, i): NewAgentRecord => {
      const [firstName = '', lastName = ''] = DEMO_NAMES[i]!.split(' ');
      return {
        number,
        firstName,
        lastName,
        role: 'agent',
        department: i < 5 ? 'Sales' : 'Support',
        userId: null,
        phonePinHash: null,
        clickToCallOnly: false,
        enabled: true,
        displayNumbers: [],
        workWithBrowser: true,
        defaultOutboundCallFile: null,
        phoneTemplate: null,
        phoneMac: null,
        lastLoginAt: null,
      };
    }),
  );
  for (const group of DEMO_GROUPS) {
    if (!(await agentGroups.findByNumber(tenant.id, group.number))) await agentGroups.create(tenant.id, group);
  }
  for (const reason of DEMO_PAUSE_REASONS) {
    if (!(await pauseReasons.findByName(tenant.id, reason.name))) await pauseReasons.create(tenant.id, reason);
  }

  // Everyone at work: static members are checked in on login; 1006 also checks in to Sales.
  const { acd } = switchboard;
  await acd.tenant(tenant.id);
  for (const number of DEMO_EXTENSIONS) {
    await acd.reloadAgent(tenant.id, number);
    await acd.login(tenant.id, number, 'web', 'system');
  }
  await acd.checkIn(tenant.id, '1006', '600', 'system');
  await seedDemoRouting(switchboard, tenant.id);
  // The Sales agents (the static members and 1006) own some of the demo customers.
  await seedDemoCrm(switchboard, tenant.id, DEMO_EXTENSIONS.slice(0, 6));

  if (options.traffic && switchboard.simulator) {
    trafficGeneratorOf(switchboard).start({
      tenantId: tenant.id,
      queues: DEMO_TRAFFIC,
      patience: { kind: 'uniform', minMs: 30_000, maxMs: 180_000 },
      talk: { kind: 'lognormal', meanMs: 120_000, sdMs: 60_000, maxMs: 900_000 },
    });
  }
  return tenant;
}
