import {
  SeededRandom,
  ValidationError,
  validateCustomValues,
  type CallResultInput,
  type CustomFieldInput,
  type CustomValue,
  type NewContactRecord,
  type NewCustomerValues,
  type Random,
  type Switchboard,
} from '@switchboard/core';
import { DEMO_AREA_CODES, DEMO_COMPANIES, DEMO_FIRST_NAMES, DEMO_LAST_NAMES, DEMO_STREETS } from './crm-seed-data.js';

/** The demo's customer package (§3.2.2), by its unique id. */
export const DEMO_PACKAGE_KEY = 'DEMO';
/** How many customers the demo package gets. */
export const DEMO_CUSTOMER_COUNT = 3_000;
/** The demo data is the same on every machine and every start: its own seed, not the simulation's. */
export const DEMO_CRM_SEED = 20_250_301;
const DAY_MS = 86_400_000;

const PRODUCTS = ['Cloud PBX', 'Contact center', 'Predictive dialer', 'Call recording', 'SMS campaigns', 'CRM integration', 'AI voice agent'];
const INDUSTRIES = ['Retail', 'Healthcare', 'Manufacturing', 'Finance', 'Technology', 'Hospitality', 'Education', 'Real estate', 'Logistics', 'Energy'];

const FIELDS: CustomFieldInput[] = [
  { name: 'company', displayName: 'Company', type: 'input', globalSearch: true, tag: 'B', displayOrder: 1 },
  { name: 'industry', displayName: 'Industry', type: 'options', options: INDUSTRIES, displayOrder: 2 },
  { name: 'product_interest', displayName: 'Product interest', type: 'options', options: PRODUCTS, multiple: true, tag: 'B', displayOrder: 3 },
  { name: 'contract_renewal', displayName: 'Contract renewal', type: 'date', displayOrder: 4 },
  // A won deal needs its value (§3.2.1 "required fields for success").
  { name: 'annual_value', displayName: 'Annual value (USD)', type: 'number', requiredOnSuccess: true, displayOrder: 5, permissions: { agent: 'view' } },
  { name: 'website', displayName: 'Website', type: 'link', displayOrder: 6 },
];

const TAGS = [
  { name: 'VIP', color: '#f5222d', description: 'Key accounts: handle with care' },
  { name: 'Newsletter', color: '#1677ff', description: 'Subscribed to the monthly newsletter' },
  { name: 'Follow-up', color: '#fa8c16', description: 'Promised a call back' },
  { name: 'Partner', color: '#722ed1', description: 'Resells our products' },
  { name: 'Churn risk', color: '#8c8c8c', description: 'Unhappy or shopping around' },
];

const DATA_SOURCES = [
  { name: 'Website form', color: '#52c41a', description: 'Contact requests from the website' },
  { name: 'Trade show 2025', color: '#13c2c2', description: 'Badge scans at the spring trade show' },
  { name: 'Referral', color: '#eb2f96', description: 'Introduced by existing customers' },
  { name: 'Purchased list', color: '#faad14', description: 'A bought list of small businesses' },
];

/** The sales funnel (§3.15.2): above 0 a success, 0 a follow-up, below 0 a failure. */
const STAGES = [
  { name: 'New lead', score: 0 },
  { name: 'Interested', score: 0 },
  { name: 'Quote sent', score: 0 },
  { name: 'Won', score: 10 },
  { name: 'Lost', score: -10 },
] as const;
type StageName = (typeof STAGES)[number]['name'];

/** Call results (§3.3.4) and the stage each implies; unanswered ones leave the stage as it was. */
const RESULTS: Array<Omit<CallResultInput, 'funnelStageId'> & { name: string; callStatus: 'answered' | 'unanswered' | 'any'; stage: StageName | null }> = [
  { name: 'Interested', callStatus: 'answered', stage: 'Interested' },
  { name: 'Quote requested', callStatus: 'answered', stage: 'Quote sent' },
  { name: 'Deal closed', callStatus: 'answered', stage: 'Won' },
  { name: 'Not interested', callStatus: 'answered', stage: 'Lost' },
  { name: 'Call back later', callStatus: 'answered', stage: null, mandatoryAppointment: true },
  { name: 'No answer', callStatus: 'unanswered', stage: null },
  { name: 'Voicemail', callStatus: 'unanswered', stage: null },
  { name: 'Wrong number', callStatus: 'any', stage: 'Lost' },
];

export interface DemoCrm {
  packageId: string;
  /** Customers the seed created now (0 when the package had customers already). */
  created: number;
  contactRecords: number;
}

/**
 * The demo's CRM: a customer package "Demo customers" with custom fields of several types,
 * tags, data sources, a sales funnel, call results tied to its stages, and a few thousand
 * generated customers (names, US numbers in the fictional 555-01XX range, companies, tags,
 * some allocated to the Sales agents, some with a contact history and a few highlighted as
 * no-call). Deterministic (its own seeded random) and idempotent: configuration that exists
 * (by name or key) is kept, and customers are generated only into an empty package — in one
 * transaction with their contact records, through the batched storage paths, so a start
 * pays a few hundred milliseconds for it, once.
 */
export async function seedDemoCrm(switchboard: Switchboard, tenantId: string, agentNumbers: readonly string[]): Promise<DemoCrm> {
  const { storage } = switchboard;
  const packages = await storage.customerPackages.list(tenantId, { includeClosed: true });
  const pkg =
    packages.find((p) => p.key === DEMO_PACKAGE_KEY) ??
    (await storage.customerPackages.create(tenantId, { displayName: 'Demo customers', key: DEMO_PACKAGE_KEY, phoneUniqueness: 'package', indexFields: ['company'] }));
  switchboard.compliance.highlights.packageChanged(tenantId, pkg);

  const fields = await storage.customFields.list(tenantId, pkg.id);
  for (const field of FIELDS) if (!fields.some((f) => f.name === field.name)) fields.push(await storage.customFields.create(tenantId, { ...field, packageId: pkg.id }));

  const ensureLabels = async (repository: typeof storage.customerTags, wanted: ReadonlyArray<{ name: string; color: string; description: string }>) => {
    const ids: string[] = [];
    for (const label of wanted) ids.push(((await repository.findByName(tenantId, label.name)) ?? (await repository.create(tenantId, label))).id);
    return ids;
  };
  const tagIds = await ensureLabels(storage.customerTags, TAGS);
  const sourceIds = await ensureLabels(storage.dataSources, DATA_SOURCES);

  const stages = await storage.funnelStages.list(tenantId, pkg.id);
  const stageIds = new Map<string, { id: string; score: number }>();
  for (const stage of STAGES) {
    const found = stages.find((s) => s.name === stage.name) ?? (await storage.funnelStages.create(tenantId, { packageId: pkg.id, ...stage }));
    stageIds.set(stage.name, { id: found.id, score: found.score });
  }
  const results = await storage.callResults.list(tenantId);
  const resultIds = new Map<string, string>();
  for (const { stage, ...result } of RESULTS) {
    const found = results.find((r) => r.name === result.name) ?? (await storage.callResults.create(tenantId, { ...result, funnelStageId: stage ? stageIds.get(stage)!.id : null }, 'system'));
    resultIds.set(result.name, found.id);
  }

  const existing = await storage.customers.search(tenantId, { packageId: pkg.id, limit: 1 });
  if (existing.total > 0) return { packageId: pkg.id, created: 0, contactRecords: 0 };

  const generated = generateDemoCustomers(new SeededRandom(DEMO_CRM_SEED), {
    packageId: pkg.id,
    now: switchboard.clock.now(),
    tagIds,
    sourceIds,
    agentNumbers,
    stage: (name) => stageIds.get(name)!,
    result: (name) => resultIds.get(name)!,
  });
  // The check every write path makes: a change of the fields above cannot slip bad values in.
  for (const { values } of generated) {
    const { issues } = validateCustomValues(fields, values.custom);
    if (issues.length > 0) throw new ValidationError(`The demo customer ${values.name} does not fit the demo's custom fields`, issues);
  }
  const contactRecords = await storage.transaction(async (tx) => {
    const ids = await tx.customers.insertBatch(tenantId, generated.map((g) => g.values));
    const records = generated.flatMap((g, i) => g.history.map((record) => ({ ...record, customerId: ids[i]! })));
    await tx.contactRecords.addMany(tenantId, records);
    return records.length;
  });
  // A screen already loaded for the tenant learns the highlighted customers.
  await switchboard.compliance.highlights.reload(tenantId);
  return { packageId: pkg.id, created: generated.length, contactRecords };
}

export interface GenerateOptions {
  packageId: string;
  now: number;
  tagIds: readonly string[];
  sourceIds: readonly string[];
  agentNumbers: readonly string[];
  stage: (name: StageName) => { id: string; score: number };
  result: (name: string) => string;
}

export interface Generated {
  values: NewCustomerValues & { createdAt: number };
  history: Array<Omit<NewContactRecord, 'customerId'> & { createdAt: number }>;
}

/** What happened on one call: its status, result and the stage it leads to. */
const OUTCOMES: Array<{ weight: number; status: 'answered' | 'unanswered'; result: string; stage: StageName | null }> = [
  { weight: 30, status: 'unanswered', result: 'No answer', stage: null },
  { weight: 12, status: 'unanswered', result: 'Voicemail', stage: null },
  { weight: 18, status: 'answered', result: 'Interested', stage: 'Interested' },
  { weight: 10, status: 'answered', result: 'Call back later', stage: null },
  { weight: 10, status: 'answered', result: 'Quote requested', stage: 'Quote sent' },
  { weight: 7, status: 'answered', result: 'Deal closed', stage: 'Won' },
  { weight: 10, status: 'answered', result: 'Not interested', stage: 'Lost' },
  { weight: 3, status: 'answered', result: 'Wrong number', stage: 'Lost' },
];
const OUTCOME_TOTAL = OUTCOMES.reduce((sum, o) => sum + o.weight, 0);

const NOTES: Record<string, string[]> = {
  Interested: ['Wants a demo next week', 'Asked for the price list', 'Comparing with their current provider', 'Interested, talking to their manager'],
  'Call back later': ['In a meeting, call back tomorrow', 'Asked to call after the holidays', 'Decision maker out this week'],
  'Quote requested': ['Quote for 25 seats sent', 'Sent a quote with the annual discount', 'Quote sent, follow up on Friday'],
  'Deal closed': ['Signed the annual contract', 'Closed: onboarding next Monday', 'Signed after the second demo'],
  'Not interested': ['Happy with their current provider', 'No budget this year', 'Not interested, do not push'],
  'Wrong number': ['Number belongs to someone else'],
};

/** The demo customers, from the seed alone: the same list on every run. */
export function generateDemoCustomers(random: Random, options: GenerateOptions): Generated[] {
  const { now } = options;
  // Fictional numbers (555-0101 to 555-0199 in each area code; 555-0100 is left to the demo's own lines), each used once, in a shuffled order.
  const numbers = random.shuffle(DEMO_AREA_CODES.flatMap((area, a) => Array.from({ length: 99 }, (_, line) => ({ number: `+1${area.code}55501${String(line + 1).padStart(2, '0')}`, a }))));
  let nextNumber = 0;
  const out: Generated[] = [];
  for (let i = 0; i < DEMO_CUSTOMER_COUNT; i++) {
    const female = random.chance(0.5);
    const first = random.pick(female ? DEMO_FIRST_NAMES.female : DEMO_FIRST_NAMES.male);
    const last = random.pick(DEMO_LAST_NAMES);
    const main = numbers[nextNumber++]!;
    const area = DEMO_AREA_CODES[main.a]!;
    const phones = [main.number];
    if (random.chance(0.15) && nextNumber < numbers.length) phones.push(numbers[nextNumber++]!.number);
    const company = `${random.pick(DEMO_COMPANIES.prefixes)} ${random.pick(DEMO_COMPANIES.suffixes)}`;
    const domain = `${company.toLowerCase().replace(/[^a-z]+/g, '')}.example`;
    const createdAt = now - random.int(1, 180) * DAY_MS - random.int(0, DAY_MS - 1);
    const custom: Record<string, CustomValue> = {
      company,
      industry: random.pick(INDUSTRIES),
      product_interest: random.shuffle(PRODUCTS).slice(0, random.int(1, 3)),
    };
    if (random.chance(0.6)) custom.contract_renewal = isoDate(now + random.int(15, 540) * DAY_MS);
    if (random.chance(0.5)) custom.annual_value = annualValue(random);
    if (random.chance(0.4)) custom.website = `https://www.${domain}`;
    const tags = random.chance(0.55) ? random.shuffle(options.tagIds).slice(0, random.int(1, 2)) : [];
    const agentNumber = options.agentNumbers.length > 0 && random.chance(0.3) ? random.pick(options.agentNumbers) : null;

    // A contact history for about a third: calls after the customer came in, the last one deciding the stage.
    const history: Generated['history'] = [];
    let lastResult: string | null = null;
    let stage: StageName | null = null;
    if (random.chance(0.35)) {
      const calls = random.int(1, 4);
      let at = createdAt;
      for (let c = 0; c < calls; c++) {
        // An hour to ten days after the previous call (or after the customer came in).
        at += random.int(1, 240) * 3_600_000;
        if (at >= now) break;
        const outcome = pickOutcome(random);
        // A result that implies no stage keeps the customer where they were: a new lead at first.
        const nextStage: StageName = outcome.stage ?? stage ?? 'New lead';
        const stageRef = nextStage ? options.stage(nextStage) : undefined;
        history.push({
          packageId: options.packageId,
          kind: 'submission',
          callId: null,
          agentNumber: agentNumber ?? (options.agentNumbers.length > 0 ? random.pick(options.agentNumbers) : null),
          phoneNumber: main.number,
          callStatus: outcome.status,
          callResultId: options.result(outcome.result),
          funnelStageId: stageRef?.id ?? null,
          score: stageRef?.score ?? null,
          notes: NOTES[outcome.result] ? random.pick(NOTES[outcome.result]!) : null,
          dataSourceId: null,
          appointmentAt: outcome.result === 'Call back later' ? at + random.int(1, 7) * DAY_MS : null,
          createdAt: at,
        });
        lastResult = outcome.result;
        stage = nextStage;
        // Once won or lost, calling stops.
        if (stage === 'Won' || stage === 'Lost') break;
      }
    }
    // A won deal has its value.
    if (stage === 'Won' && custom.annual_value === undefined) custom.annual_value = annualValue(random);
    const dataSourceId = random.pick(options.sourceIds);
    for (const record of history) record.dataSourceId = dataSourceId;
    out.push({
      values: {
        packageId: options.packageId,
        name: `${first} ${last}`,
        phones,
        email: random.chance(0.7) ? `${first}.${last}@${domain}`.toLowerCase().replace(/[^a-z0-9.@-]/g, '') : null,
        gender: female ? 'female' : 'male',
        age: random.chance(0.6) ? random.int(22, 70) : null,
        address: random.chance(0.5) ? `${random.int(1, 9_899)} ${random.pick(DEMO_STREETS)}` : null,
        area: area.city,
        notes: null,
        custom,
        tags,
        dataSourceId,
        taskId: null,
        agentNumber,
        allocatedAt: agentNumber ? createdAt + DAY_MS : null,
        totalCalls: history.length,
        lastCallResult: lastResult === null ? null : options.result(lastResult),
        funnelStage: stage === null ? null : options.stage(stage).id,
        // A few asked never to be called again: highlighted (§3.3 3.3), not on the DNC list.
        noCall: random.chance(0.01),
        createdAt,
      },
      history,
    });
  }
  return out;
}

function pickOutcome(random: Random): (typeof OUTCOMES)[number] {
  let roll = random.int(1, OUTCOME_TOTAL);
  for (const outcome of OUTCOMES) {
    roll -= outcome.weight;
    if (roll <= 0) return outcome;
  }
  return OUTCOMES[0]!;
}

/** Between 2,000 and 150,000 dollars, rounded to 500. */
const annualValue = (random: Random): number => random.int(4, 300) * 500;

function isoDate(at: number): string {
  return new Date(at).toISOString().slice(0, 10);
}
