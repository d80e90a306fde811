/**
 * A customer import as a contact center runs one: a customer package with two custom
 * fields, a do-not-call list, and a CSV file with what real lists contain — numbers written
 * four ways, a number repeated, a number on the do-not-call list, a bad amount, an
 * impossible date. The import runs as a background job; the good rows land, each bad row
 * is reported with its line and reason, and the repeated number updates its customer.
 *
 *   npm start --workspace examples/crm-import
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSwitchboard, type Customer, type JobError } from '@switchboard/core';

const CSV = [
  'Name,Phone,E-mail,Company,Budget,Signup date',
  'Ann Lee,(212) 555-0101,ann@example.com,Acme,1200,2026-03-01',
  'Bob Ray,212-555-0102,bob@example.com,Globex,800,2026-03-02',
  'Cy Doe,+1 212 555 0103,cy@example.com,Initech,lots,2026-03-03',
  'Di Fox,2125550104,di@example.com,Umbrella,300,2026-02-30',
  'Ed Kim,212 555 0105,ed@example.com,Hooli,450,2026-03-05',
  'Ann Lee,+12125550101,ann.lee@example.com,Acme Corp,1500,2026-03-01',
].join('\r\n');

export interface ImportOutcome {
  result: Record<string, unknown>;
  errors: JobError[];
  customers: Customer[];
}

export async function main(print: (line: string) => void = console.log): Promise<ImportOutcome> {
  const dir = await mkdtemp(join(tmpdir(), 'switchboard-crm-import-'));
  const sb = await createSwitchboard({ clock: 'system' });
  try {
    const tenant = await sb.storage.tenants.create({ slug: 'demo', name: 'Demo', defaultCountry: 'US' });
    const pkg = await sb.storage.customerPackages.create(tenant.id, { displayName: 'Leads', key: 'LEADS' });
    await sb.storage.customFields.create(tenant.id, { packageId: pkg.id, name: 'company', displayName: 'Company', type: 'input' });
    await sb.storage.customFields.create(tenant.id, { packageId: pkg.id, name: 'budget', displayName: 'Budget', type: 'number' });
    await sb.storage.customFields.create(tenant.id, { packageId: pkg.id, name: 'signup_date', displayName: 'Signup date', type: 'date' });
    // Ed asked not to be called: the import skips his row and says why.
    await sb.storage.dnc.import(tenant.id, [{ line: 1, number: '+12125550105', reason: 'asked not to be called' }], { customerPackageId: pkg.id, by: 'example' });

    const file = join(dir, 'leads.csv');
    await writeFile(file, CSV);
    // Columns are matched to fields by their headers; a repeated number updates its customer.
    const job = await sb.crm.imports.start(tenant.id, { source: { path: file }, packageId: pkg.id, dnc: 'skip', onDuplicate: 'update' }, { fileName: 'leads.csv' });
    await sb.jobs.idle();

    const done = await sb.storage.jobs.get(tenant.id, job.id);
    const result = (done.result ?? {}) as Record<string, unknown>;
    print(`import ${done.status}: ${done.processed} rows, ${String(result['created'])} created, ${String(result['updated'])} updated, ${done.failed} refused`);
    const errors: JobError[] = [];
    for await (const error of sb.storage.jobs.streamErrors(tenant.id, job.id)) {
      errors.push(error);
      print(`  line ${error.line}: ${error.reason}`);
    }
    const { items: customers } = await sb.crm.customers.search(tenant.id, { packageId: pkg.id, limit: 100 });
    for (const c of customers.sort((a, b) => a.name.localeCompare(b.name))) {
      print(`  ${c.name.padEnd(8)} ${c.phones.join(', ').padEnd(14)} ${String(c.email).padEnd(22)} ${JSON.stringify(c.custom)}`);
    }
    return { result, errors, customers };
  } finally {
    await sb.close();
    await rm(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
