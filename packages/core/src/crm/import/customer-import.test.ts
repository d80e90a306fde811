import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import iconv from 'iconv-lite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SystemClock } from '../../clock/system-clock.js';
import { Compliance } from '../../compliance/compliance.js';
import { JobRunner } from '../../jobs/job-runner.js';
import { silentLogger, type Logger } from '../../logging/logger.js';
import type { Job, JobError } from '../../jobs/model.js';
import { agentRecord } from '../../storage/repositories/agent-fixtures.js';
import { storageTargets, useStorage } from '../../storage/test-support.js';
import { CustomerService } from '../customers.js';
import { CUSTOMER_IMPORT_JOB, CustomerImports, customerImportOptionsSchema, type CustomerImportOptions } from './customer-import.js';

async function* chunks(bytes: Uint8Array, size = 1000): AsyncIterable<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

describe.each(storageTargets())('customer import on $name', (target) => {
  const db = useStorage(target, { tenants: ['a', 'b'] });
  const files = new Map<string, Uint8Array>();
  let runner: JobRunner;
  let imports: CustomerImports;
  let compliance: Compliance;
  let packageId: string;

  beforeEach(async () => {
    await db.storage.tenants.update(db.tenants.a, { defaultCountry: 'FR', timeZone: 'Europe/Paris' });
    packageId = (await db.storage.customerPackages.create(db.tenants.a, { displayName: 'Leads', key: 'LEADS' })).id;
    await db.storage.customFields.create(db.tenants.a, { packageId, name: 'company', displayName: 'Company', type: 'input' });
    await db.storage.customFields.create(db.tenants.a, { packageId, name: 'budget', displayName: 'Budget', type: 'number' });
    compliance = new Compliance({ storage: db.storage });
    runner = new JobRunner({ storage: db.storage, clock: db.clock, pollMs: 0 });
    imports = new CustomerImports({ storage: db.storage, clock: db.clock, jobs: runner, screen: compliance.screen, highlights: compliance.highlights, openSource: (source) => chunks(files.get(source.path)!) });
    await runner.start();
  });
  afterEach(() => runner.close());

  async function importFile(content: string | Uint8Array, options: Omit<CustomerImportOptions, 'source'> = {}, tenantId = db.tenants.a): Promise<Job> {
    const path = `mem:${files.size}`;
    files.set(path, typeof content === 'string' ? Buffer.from(content, 'utf8') : content);
    const job = await imports.start(tenantId, { packageId, ...options, source: { path } }, { fileName: 'leads.csv', createdBy: 'boss' });
    await runner.idle();
    return db.storage.jobs.get(tenantId, job.id);
  }
  const errorsOf = async (job: Job): Promise<JobError[]> => {
    const out: JobError[] = [];
    for await (const error of db.storage.jobs.streamErrors(job.tenantId, job.id)) out.push(error);
    return out;
  };
  const customers = async () => (await new CustomerService(db.storage, db.clock).search(db.tenants.a, { packageId, limit: 1000 })).items.sort((x, y) => x.name.localeCompare(y.name));

  it('imports a file: columns matched by name, a data source with the time and a colour, tags, the agent; bad rows reported by line while good rows land', async () => {
    await db.storage.agents.create(db.tenants.a, agentRecord('1001'));
    const vip = await db.storage.customerTags.create(db.tenants.a, { name: 'VIP', color: '#ff0000' });
    const csv = [
      'Name,Mobile,E-mail,Company,Budget,Tags,Shoe size',
      'Ann Lee,06 12 34 56 78,ann@example.com,Acme,1200,vip|new,42',
      'Bob,not a number,bob@example,Globex,lots,,43',
      '"Cy, Jr.",+33698765432,,"Initech ""Labs""",7,,',
      '',
      "Dee,'+33611111111,dee@example.com,=cmd(),,,",
      'Eve,0622222222,eve@example.com,Umbrella,3,,,,surplus',
    ].join('\r\n');
    const job = await importFile(csv, { tagIds: [vip.id], agentNumber: '1001', importToPreDial: false });
    expect(job).toMatchObject({ status: 'done', total: 5, processed: 5, succeeded: 3, failed: 2, fileName: 'leads.csv', createdBy: 'boss' });
    expect(job.result).toMatchObject({ created: 3, updated: 0, failed: 2, encoding: 'utf-8', delimiter: ',', ignoredColumns: ['Shoe size'] });
    expect(await errorsOf(job)).toEqual([
      { line: 3, reason: expect.stringMatching(/phones\.0: a phone number expected.*custom\.budget: a number expected/), cells: ['Bob', 'not a number', 'bob@example', 'Globex', 'lots', '', '43'] },
      { line: 7, reason: '9 cells, but the header has 7 columns', cells: ['Eve', '0622222222', 'eve@example.com', 'Umbrella', '3', '', '', '', 'surplus'] },
    ]);
    const [ann, cy, dee] = await customers();
    const source = (await db.storage.dataSources.list(db.tenants.a))[0]!;
    expect(source).toMatchObject({ name: expect.stringMatching(/^leads\.csv \d{4}-\d{2}-\d{2} \d{2}:\d{2}$/), color: '#1677ff' });
    const tags = new Map((await db.storage.customerTags.list(db.tenants.a)).map((t) => [t.name, t.id]));
    expect(ann).toMatchObject({ name: 'Ann Lee', phones: ['+33612345678'], email: 'ann@example.com', custom: { company: 'Acme', budget: 1200 }, dataSourceId: source.id, agentNumber: '1001', allocatedAt: db.clock.now() });
    expect(ann!.tags.sort()).toEqual([tags.get('VIP'), tags.get('new')].sort());
    expect(cy).toMatchObject({ name: 'Cy, Jr.', phones: ['+33698765432'], email: null, custom: { company: 'Initech "Labs"', budget: 7 }, tags: [vip.id] });
    // A cell our export neutralised ('+33…) reads back as the number; a formula-looking value is kept as text.
    expect(dee).toMatchObject({ phones: ['+33611111111'], custom: { company: '=cmd()' } });
    expect(await db.storage.preDial.count(db.tenants.a)).toBe(0);
    // Nothing reached the other tenant.
    expect((await db.storage.customers.search(db.tenants.b, {})).total).toBe(0);
  });

  it('reads GBK and Shift_JIS files, detected or chosen', async () => {
    await db.storage.customFields.create(db.tenants.a, { packageId, name: 'kaisha', displayName: '会社', type: 'input' });
    await db.storage.customFields.create(db.tenants.a, { packageId, name: 'gongsi', displayName: '公司', type: 'input' });
    const gbk = await importFile(iconv.encode('姓名,手机号码,公司\n张伟,0612345678,北京科技有限公司\n王芳,0698765432,上海贸易\n', 'gbk'));
    expect(gbk).toMatchObject({ status: 'done', succeeded: 2, result: { encoding: 'gbk' } });
    const sjis = await importFile(iconv.encode('氏名,電話番号,会社\r\n山田太郎,0611111111,株式会社サンプル\r\n', 'shift_jis'), { encoding: 'shift_jis' });
    expect(sjis).toMatchObject({ status: 'done', succeeded: 1, result: { encoding: 'shift_jis' } });
    const bom = await importFile(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('name,phone\nZoë,0622222222\n')]));
    expect(bom.result).toMatchObject({ encoding: 'utf-8 (BOM)', columns: [{ header: 'name', field: 'name' }, { header: 'phone', field: 'phones' }] });
    expect(Object.fromEntries((await customers()).map((c) => [c.name, c.custom]))).toEqual({
      Zoë: {},
      张伟: { gongsi: '北京科技有限公司' },
      王芳: { gongsi: '上海贸易' },
      山田太郎: { kaisha: '株式会社サンプル' },
    });
  });

  describe('when a row repeats a number a customer has (§3.2 "When data is repeated" × "Import pre-dial")', () => {
    const file = ['name,phone,company', 'New One,0611111111,N1', 'Existing Again,0600000000,Changed', 'New Two,0622222222,N2', 'New One Again,0611111111,N1b'].join('\n');
    const cases = [
      { onDuplicate: 'update', importToPreDial: false, preDial: [], existing: { name: 'Existing Again', custom: { company: 'Changed' } } },
      { onDuplicate: 'update', importToPreDial: true, preDial: ['New One Again', 'New Two'], existing: { name: 'Existing Again' } },
      { onDuplicate: 'pre-dial', importToPreDial: false, preDial: ['Existing', 'New One'], existing: { name: 'Existing', custom: { company: 'Old' } } },
      { onDuplicate: 'pre-dial', importToPreDial: true, preDial: ['Existing', 'New One', 'New Two'], existing: { name: 'Existing' } },
    ] as const;
    it.each(cases)('$onDuplicate, import pre-dial $importToPreDial', async ({ onDuplicate, importToPreDial, preDial, existing }) => {
      const old = await new CustomerService(db.storage, db.clock).create(db.tenants.a, { packageId, name: 'Existing', phones: ['0600000000'], custom: { company: 'Old' } });
      const job = await importFile(file, { onDuplicate, importToPreDial, batchSize: 2 });
      expect(job).toMatchObject({ status: 'done', succeeded: 4, failed: 0, result: { created: 2, duplicates: 2, updated: onDuplicate === 'update' ? 2 : 0, preDial: preDial.length } });
      const all = await customers();
      expect(all).toHaveLength(3);
      expect(all.find((c) => c.id === old.id)).toMatchObject(existing);
      const entries = await db.storage.preDial.list(db.tenants.a, { importJobId: job.id });
      const names = new Map(all.map((c) => [c.id, c.name]));
      expect(entries.map((e) => names.get(e.customerId)).sort()).toEqual([...preDial].sort());
      expect(entries.every((e) => e.packageId === packageId && e.number.startsWith('+336'))).toBe(true);
    });
  });

  it('into a package without customers, looks up only the numbers it wrote: later batches still find earlier rows, and a number another writer adds meanwhile is a duplicate, not an error', async () => {
    const service = new CustomerService(db.storage, db.clock);
    const head = ['name,phone,company', 'First,0611111111,A', 'Second,0622222222,B', ''].join('\n');
    const tail = ['Third,0633333333,C', 'First Again,0611111111,A2', 'Meanwhile Again,0644444444,M2', 'Fourth,0655555555,D'].join('\n');
    let opened = 0;
    const source = async function* (): AsyncIterable<Uint8Array> {
      yield Buffer.from(head);
      // The first batch (two rows) is written by now; while the import waits for more of the file, another writer adds a customer with a number the file has further on.
      if (++opened === 2) await service.create(db.tenants.a, { packageId, name: 'Meanwhile', phones: ['0644444444'] });
      yield Buffer.from(tail);
    };
    const jobs = new JobRunner({ storage: db.storage, clock: db.clock, pollMs: 0 });
    const conflicts: unknown[] = [];
    const info = (fields: object | string, message?: unknown): void => {
      if (typeof fields === 'object' && typeof message === 'string' && message.startsWith('conflict in a batch')) conflicts.push((fields as { line?: number }).line);
    };
    const logger: Logger = { ...silentLogger, info, child: () => logger };
    const imports = new CustomerImports({ storage: db.storage, clock: db.clock, jobs, logger, openSource: () => source() });
    await jobs.start();
    try {
      const started = await imports.start(db.tenants.a, { source: { path: 'mem:meanwhile' }, packageId, batchSize: 2 }, { fileName: 'leads.csv' });
      await jobs.idle();
      const job = await db.storage.jobs.get(db.tenants.a, started.id);
      expect(job).toMatchObject({ status: 'done', succeeded: 6, failed: 0, result: { created: 4, duplicates: 2, updated: 2 } });
      const all = await customers();
      expect(all.map((c) => [c.name, c.phones, c.custom['company']])).toEqual([
        ['First Again', ['+33611111111'], 'A2'],
        ['Fourth', ['+33655555555'], 'D'],
        ['Meanwhile Again', ['+33644444444'], 'M2'],
        ['Second', ['+33622222222'], 'B'],
        ['Third', ['+33633333333'], 'C'],
      ]);
      // Only the batch with the other writer's number (lines 6–7) went row by row: "First Again" (line 5) was looked up, as a number the import had written.
      expect(conflicts).toEqual([7]);
    } finally {
      await jobs.close();
    }
  });

  it('strips a leading zero, enforces the required fields, fills from a dictionary, creates a field for an unknown column, and reads a file without a header', async () => {
    const dictionary = await db.storage.dictionaries.create(db.tenants.a, { name: 'Companies' });
    await db.storage.dictionaries.putEntries(db.tenants.a, dictionary.id, [{ key: 'Acme', data: { Company: 'Acme', Budget: '5000', Area: 'Lyon' } }], 'Company');
    const job = await importFile(['0612345678;Ann;Acme;;gold', '0698765432;;Globex;10;silver', '0611111111;Cy;Acme;20;'].join('\n'), {
      firstRowIsHeader: false,
      delimiter: 'auto',
      stripLeadingZero: true,
      requiredFields: ['name'],
      dictionaryIds: [dictionary.id],
      mapping: [
        { column: 0, field: 'phones' },
        { column: 1, field: 'name' },
        { column: 2, field: 'company' },
        { column: 3, field: 'budget' },
        { column: 4, field: null, newField: { name: 'level', displayName: 'Level', type: 'input' } },
      ],
    });
    expect(job).toMatchObject({ status: 'done', total: 3, succeeded: 2, failed: 1, result: { delimiter: ';' } });
    expect((await errorsOf(job)).map((e) => [e.line, e.reason])).toEqual([[2, 'name: required for this import']]);
    expect((await db.storage.customFields.list(db.tenants.a, packageId)).map((f) => f.name)).toContain('level');
    const [ann, cy] = await customers();
    // 612345678 in France is still +33612345678; the dictionary filled what the row left empty, not what it gave.
    expect(ann).toMatchObject({ phones: ['+33612345678'], area: 'Lyon', custom: { company: 'Acme', budget: 5000, level: 'gold' } });
    expect(cy).toMatchObject({ area: 'Lyon', custom: { company: 'Acme', budget: 20 } });
  });

  it('screens numbers against the do-not-call lists: skips those rows, or imports them but keeps them off the pre-dial list', async () => {
    await compliance.dnc.add(db.tenants.a, { customerPackageId: packageId, numbers: ['0699999999', '0688888888'], by: 'boss' });
    // The whole batch is screened at once: each row answers for its own numbers, wherever the blocked one is.
    const file = 'name,phone\nBlocked,06 99 99 99 99\nFine,0611111111\nNo number,\nSecond blocked,0622222222;0688888888\nTwo fine,0633333333;0644444444\n';
    const skipped = await importFile(file, { dnc: 'skip', importToPreDial: true });
    expect(skipped).toMatchObject({ succeeded: 3, failed: 2, result: { dncScreening: 'applied' } });
    expect(await errorsOf(skipped)).toMatchObject([
      { line: 2, reason: 'phones: +33699999999 must not be called (dnc)' },
      { line: 5, reason: 'phones: +33688888888 must not be called (dnc)' },
    ]);
    expect((await customers()).map((c) => c.name)).toEqual(['Fine', 'No number', 'Two fine']);
    const flagged = await importFile(file, { dnc: 'flag', importToPreDial: true });
    expect(flagged).toMatchObject({ succeeded: 5, failed: 0, result: { flagged: 2, preDial: 0, duplicates: 2 } });
    // A row without a number is no one's duplicate: a second customer.
    expect((await customers()).map((c) => c.name)).toEqual(['Blocked', 'Fine', 'No number', 'No number', 'Second blocked', 'Two fine']);
    expect((await db.storage.preDial.list(db.tenants.a)).map((e) => e.number).sort()).toEqual(['+33611111111', '+33633333333']);
  });

  it('a number it adds to a highlighted customer is refused by the screen as soon as its batch commits', async () => {
    const ann = await new CustomerService(db.storage, db.clock, compliance.highlights).create(db.tenants.a, { packageId, name: 'Ann', phones: ['0611111111'] });
    await compliance.screen.ready(db.tenants.a);
    await compliance.highlights.set(db.tenants.a, ann.id, true);
    const seen: boolean[] = [];
    const watch = (job: Job) => {
      if (job.kind === CUSTOMER_IMPORT_JOB) seen.push(compliance.highlights.isBlocked(db.tenants.a, packageId, '+33622222222'));
    };
    runner.events.on('job.progress', watch);
    // Cy is not highlighted: the numbers the import adds to her stay callable.
    await new CustomerService(db.storage, db.clock, compliance.highlights).create(db.tenants.a, { packageId, name: 'Cy', phones: ['0644444444'] });
    const job = await importFile('name,phone\nAnn,0611111111;0622222222\nBob,0633333333\nCy,0644444444;0655555555\n', { batchSize: 1 });
    runner.events.off('job.progress', watch);
    expect(job).toMatchObject({ status: 'done', succeeded: 3, result: { updated: 2 } });
    // Nothing reloaded the highlights here (the Switchboard does once a job ends): the import told them itself.
    expect(seen.at(-1)).toBe(true);
    expect(await compliance.mayCall(db.tenants.a, packageId, '+33622222222')).toBe(false);
    expect(await compliance.mayCall(db.tenants.a, packageId, '+33633333333')).toBe(true);
    expect(await compliance.mayCall(db.tenants.a, packageId, '+33655555555')).toBe(true);
    expect(compliance.highlights.size(db.tenants.a)).toBe(1);
  });

  it('a row whose numbers belong to different customers is an error naming how many; a row whose numbers all belong to one updates it', async () => {
    const service = new CustomerService(db.storage, db.clock);
    for (const [name, phone] of [['A', '0600000001'], ['B', '0600000002'], ['C', '0600000003']]) await service.create(db.tenants.a, { packageId, name, phones: [phone] });
    const csv = ['name,phone,company', 'Two,0600000001;0600000002,X', 'Three,0600000001;0600000003;0600000002,Y', 'Same,0600000003;0600000003,Z', 'Added,0600000002;0600000009,W'].join('\n');
    const job = await importFile(csv);
    expect(job).toMatchObject({ status: 'done', succeeded: 2, failed: 2, result: { created: 0, duplicates: 2, updated: 2 } });
    expect(await errorsOf(job)).toEqual([
      { line: 2, reason: 'phones: its numbers belong to 2 different customers', cells: ['Two', '0600000001;0600000002', 'X'] },
      { line: 3, reason: 'phones: its numbers belong to 3 different customers', cells: ['Three', '0600000001;0600000003;0600000002', 'Y'] },
    ]);
    const [a, b, c] = await customers();
    expect(a).toMatchObject({ name: 'A', phones: ['+33600000001'], custom: {} });
    expect(b).toMatchObject({ name: 'Added', phones: ['+33600000002', '+33600000009'], custom: { company: 'W' } });
    expect(c).toMatchObject({ name: 'Same', phones: ['+33600000003'], custom: { company: 'Z' } });
  });

  it('keeps the package rules: numbers globally unique across packages, unique key fields', async () => {
    const strict = await db.storage.customerPackages.create(db.tenants.a, { displayName: 'Strict', key: 'STRICT', phoneUniqueness: 'global' });
    await db.storage.customFields.create(db.tenants.a, { packageId: strict.id, name: 'contract', displayName: 'Contract', type: 'input' });
    await db.storage.customerPackages.update(db.tenants.a, strict.id, { uniqueKeyFields: ['contract'] });
    await new CustomerService(db.storage, db.clock).create(db.tenants.a, { packageId, phones: ['0600000000'] });
    await new CustomerService(db.storage, db.clock).create(db.tenants.a, { packageId: strict.id, phones: ['0611111111'], custom: { contract: 'C-1' } });
    const job = await importFile('phone,contract\n0600000000,C-9\n0622222222,C-1\n0633333333,C-2\n0644444444,C-2\n', { packageId: strict.id });
    expect(job).toMatchObject({ succeeded: 1, failed: 3 });
    expect((await errorsOf(job)).map((e) => [e.line, e.reason])).toEqual([
      [2, "phones: +33600000000 belongs to a customer of another package, and this package's numbers are globally unique"],
      [3, 'contract: another customer of the package has the value "C-1"'],
      [5, 'contract: another customer of the package has the value "C-2"'],
    ]);
  });

  it('an update giving a unique key field a value another customer has is reported naming the field; the other rows land', async () => {
    await db.storage.customFields.create(db.tenants.a, { packageId, name: 'contract', displayName: 'Contract', type: 'input' });
    await db.storage.customerPackages.update(db.tenants.a, packageId, { uniqueKeyFields: ['contract'] });
    const service = new CustomerService(db.storage, db.clock);
    await service.create(db.tenants.a, { packageId, name: 'X', phones: ['0611111111'], custom: { contract: 'C-1' } });
    await service.create(db.tenants.a, { packageId, name: 'Y', phones: ['0622222222'], custom: { contract: 'C-2' } });
    const job = await importFile('name,phone,contract\nX again,0611111111,C-2\nZ,0633333333,C-3\nY again,0622222222,C-2\n');
    expect(job).toMatchObject({ status: 'done', succeeded: 2, failed: 1 });
    expect((await errorsOf(job)).map((e) => [e.line, e.reason])).toEqual([[2, 'contract: another customer of the package has the value "C-2"']]);
    expect((await customers()).map((c) => [c.name, c.custom['contract']])).toEqual([
      ['X', 'C-1'],
      ['Y again', 'C-2'],
      ['Z', 'C-3'],
    ]);
  });

  it('keeps a custom field marked unique in the default package too: a new row, an update and a later row of the file repeating a value are errors', async () => {
    await db.storage.customFields.create(db.tenants.a, { packageId: null, name: 'vat', displayName: 'VAT', type: 'input', unique: true });
    const service = new CustomerService(db.storage, db.clock);
    await service.create(db.tenants.a, { name: 'Ann', phones: ['0611111111'], custom: { vat: 'FR1' } });
    await service.create(db.tenants.a, { name: 'Bob', phones: ['0622222222'], custom: { vat: 'FR2' } });
    const job = await importFile('name,phone,vat\nCy,0633333333,FR1\nBob again,0622222222,FR1\nDee,0644444444,FR4\nEve,0655555555,FR4\n', { packageId: null });
    expect(job).toMatchObject({ succeeded: 1, failed: 3 });
    expect((await errorsOf(job)).map((e) => [e.line, e.reason])).toEqual([
      [2, 'vat: another customer of the package has the value "FR1"'],
      [3, 'vat: another customer of the package has the value "FR1"'],
      [5, 'vat: another customer of the package has the value "FR4"'],
    ]);
    const all = (await new CustomerService(db.storage, db.clock).search(db.tenants.a, { packageId: null })).items;
    expect(Object.fromEntries(all.map((c) => [c.name, c.custom['vat']]))).toEqual({ Ann: 'FR1', Bob: 'FR2', Dee: 'FR4' });
  });

  it('looks a unique custom field named like a standard field (made before such names were refused) up by its custom value, not by the standard column', async () => {
    // Made under another name, then renamed behind the repository's back, as such a field was made before.
    const field = await db.storage.customFields.create(db.tenants.a, { packageId: null, name: 'zone', displayName: 'Zone', type: 'input', unique: true });
    const stored = (await db.storage.knex('custom_fields').where({ id: field.id }).first()) as { config: string };
    await db.storage.knex('custom_fields').where({ id: field.id }).update({ name: 'area', config: JSON.stringify({ ...(JSON.parse(stored.config) as object), name: 'area' }) });
    // Ann's standard area and her custom one differ: only the custom one is unique.
    await new CustomerService(db.storage, db.clock).create(db.tenants.a, { name: 'Ann', phones: ['0611111111'], area: 'North', custom: { area: 'A-1' } });

    const job = await importFile('name,phone,area\nBob,0622222222,A-1\nCy,0633333333,North\nDee,0644444444,B-7\nEve,0655555555,B-7\nAnn again,0611111111,A-9\n', { packageId: null });
    expect(job).toMatchObject({ status: 'done', succeeded: 3, failed: 2 });
    expect((await errorsOf(job)).map((e) => [e.line, e.reason])).toEqual([
      [2, 'custom.area: another customer of the package has the value "A-1"'],
      [5, 'custom.area: another customer of the package has the value "B-7"'],
    ]);
    const all = (await new CustomerService(db.storage, db.clock).search(db.tenants.a, { packageId: null })).items;
    expect(Object.fromEntries(all.map((c) => [c.name, c.custom['area']]))).toEqual({ 'Ann again': 'A-9', Cy: 'North', Dee: 'B-7' });
  });

  it("refuses a number that a package whose numbers are globally unique holds, whichever package the file goes to", async () => {
    const strict = await db.storage.customerPackages.create(db.tenants.a, { displayName: 'Strict', key: 'STRICT', phoneUniqueness: 'global' });
    await new CustomerService(db.storage, db.clock).create(db.tenants.a, { packageId: strict.id, phones: ['0611111111'] });
    const job = await importFile('name,phone\nAnn,0611111111\nBob,0622222222\n');
    expect(job).toMatchObject({ succeeded: 1, failed: 1 });
    expect((await errorsOf(job)).map((e) => [e.line, e.reason])).toEqual([[2, "phones: +33611111111 belongs to a customer of another package, and that package's numbers are globally unique"]]);
    expect((await customers()).map((c) => c.name)).toEqual(['Bob']);
  });

  it('new rows without a required custom field are errors, rows updating a customer who has it are not; new customers get the default options and address', async () => {
    await db.storage.customFields.create(db.tenants.a, { packageId, name: 'owner', displayName: 'Owner', type: 'input', required: true });
    await db.storage.customFields.create(db.tenants.a, { packageId, name: 'level', displayName: 'Level', type: 'options', options: ['bronze', 'gold'], defaultOptions: ['bronze'], required: true });
    await db.storage.customFields.create(db.tenants.a, { packageId, name: 'office', displayName: 'Office', type: 'address', defaultAddress: '1 Main Street' });
    await new CustomerService(db.storage, db.clock).create(db.tenants.a, { packageId, name: 'Ann', phones: ['0611111111'], custom: { owner: 'Zoe', level: 'gold', office: 'Lyon' } });
    const job = await importFile('name,phone,owner,company\nAnn again,0611111111,,Acme\nBob,0622222222,,Globex\nCy,0633333333,Max,Initech\n');
    expect(job).toMatchObject({ succeeded: 2, failed: 1, result: { created: 1, updated: 1 } });
    expect((await errorsOf(job)).map((e) => [e.line, e.reason])).toEqual([[3, 'custom.owner: required']]);
    const [ann, cy] = await customers();
    expect(ann).toMatchObject({ name: 'Ann again', custom: { owner: 'Zoe', level: 'gold', office: 'Lyon', company: 'Acme' } });
    expect(cy).toMatchObject({ name: 'Cy', custom: { owner: 'Max', level: 'bronze', office: '1 Main Street', company: 'Initech' } });
  });

  it("strips a leading zero where the numbering plan would read the number otherwise: a US trunk-prefixed number finds the customer who has it", async () => {
    await db.storage.tenants.update(db.tenants.a, { defaultCountry: 'US' });
    const ann = await new CustomerService(db.storage, db.clock).create(db.tenants.a, { packageId, name: 'Ann', phones: ['(212) 555-1234'] });
    expect(ann.phones).toEqual(['+12125551234']);
    const kept = await importFile('name,phone\nAnn as dialled,02125551234\n');
    expect(kept.result).toMatchObject({ created: 1, duplicates: 0 });
    expect((await customers()).map((c) => c.phones)).toEqual([['+12125551234'], ['02125551234']]);
    const stripped = await importFile('name,phone\nAnn stripped,02125551235;02125551234\n', { stripLeadingZero: true });
    expect(stripped.result).toMatchObject({ created: 0, duplicates: 1, updated: 1 });
    expect((await db.storage.customers.get(db.tenants.a, ann.id)).phones).toEqual(['+12125551234', '+12125551235']);
  });

  it('refuses options naming what the tenant does not have, and a closed package', async () => {
    await expect(imports.start(db.tenants.a, { source: { path: 'x' }, packageId, tagIds: ['nope'], agentNumber: '9999', mapping: [{ column: 0, field: 'colour' }], firstRowIsHeader: true })).rejects.toMatchObject({
      code: 'VALIDATION',
      issues: [
        { path: 'tagIds', message: 'no tag nope' },
        { path: 'agentNumber', message: 'no such agent' },
        { path: 'mapping.0.field', message: expect.stringContaining('no field colour') },
      ],
    });
    await expect(imports.start(db.tenants.a, { source: { path: 'x' }, firstRowIsHeader: false })).rejects.toThrow(/choose which column goes where/);
    await db.storage.customerPackages.update(db.tenants.a, packageId, { status: 'closed' });
    await expect(imports.start(db.tenants.a, { source: { path: 'x' }, packageId })).rejects.toThrow(/closed/);
  });

  it('a job stopped mid-way goes back to the queue and another runner finishes it from its last committed batch, importing no row twice', async () => {
    const rows = Array.from({ length: 60 }, (_, i) => `Customer ${i},06${String(10_000_000 + i)},${i % 10 === 9 ? 'bad' : i}`);
    const path = 'mem:big';
    files.set(path, Buffer.from(['name,phone,budget', ...rows].join('\n')));
    const progress: number[] = [];
    runner.events.on('job.progress', (job) => {
      progress.push(job.processed);
      if (job.processed >= 20) void runner.close();
    });
    const started = await imports.start(db.tenants.a, { source: { path }, packageId, batchSize: 10, importToPreDial: true });
    await runner.idle();
    const stopped = await db.storage.jobs.get(db.tenants.a, started.id);
    expect(stopped.status).toBe('queued');
    expect(stopped.processed).toBeGreaterThanOrEqual(20);
    expect(stopped.processed).toBeLessThan(60);

    const next = new JobRunner({ storage: db.storage, clock: db.clock, pollMs: 0 });
    new CustomerImports({ storage: db.storage, clock: db.clock, jobs: next, openSource: (source) => chunks(files.get(source.path)!, 7) });
    await next.start();
    await next.idle();
    await next.close();
    const done = await db.storage.jobs.get(db.tenants.a, started.id);
    expect(done).toMatchObject({ status: 'done', total: 60, processed: 60, succeeded: 54, failed: 6, result: { created: 54, preDial: 54 } });
    expect((await customers()).length).toBe(54);
    expect(await db.storage.preDial.count(db.tenants.a)).toBe(54);
    expect((await errorsOf(done)).map((e) => e.line)).toEqual([11, 21, 31, 41, 51, 61]);
    expect(progress[0]).toBe(0);
  });

  it('cancelling stops a job at its next batch; what it committed stays', async () => {
    const rows = Array.from({ length: 50 }, (_, i) => `C${i},06${String(20_000_000 + i)}`);
    const path = 'mem:cancel';
    files.set(path, Buffer.from(['name,phone', ...rows].join('\n')));
    runner.events.on('job.progress', (job) => {
      if (job.processed >= 10) void runner.cancel(job.tenantId, job.id);
    });
    const job = await imports.start(db.tenants.a, { source: { path }, packageId, batchSize: 10 });
    await runner.idle();
    const cancelled = await db.storage.jobs.get(db.tenants.a, job.id);
    expect(cancelled.status).toBe('cancelled');
    expect(cancelled.finishedAt).not.toBeNull();
    expect((await customers()).length).toBe(cancelled.succeeded);
    expect(cancelled.succeeded).toBeLessThan(50);
    expect(await runner.cancel(db.tenants.a, job.id)).toBe(false);
  });
});

describe('customer import killed with SIGKILL mid-way (SQLite file)', () => {
  it('is taken over on the next start and finishes from its last committed line: every row once', async () => {
    const sqlite = storageTargets().find((t) => t.name === 'sqlite')!;
    const database = await sqlite.durable();
    const dir = await mkdtemp(join(tmpdir(), 'switchboard-import-kill-'));
    const clock = new SystemClock();
    const storage = await database.open({ clock });
    try {
      const tenant = await storage.tenants.create({ slug: 'k', name: 'K', defaultCountry: 'FR' });
      const pkg = await storage.customerPackages.create(tenant.id, { displayName: 'Leads', key: 'LEADS' });
      const rows = 8_000;
      const lines = ['name,phone'];
      for (let i = 0; i < rows; i++) lines.push(i % 100 === 99 ? `Bad ${i},nope` : `Customer ${i},06${String(30_000_000 + i)}`);
      const path = join(dir, 'big.csv');
      await writeFile(path, lines.join('\n'));
      const job = await storage.jobs.create(tenant.id, { kind: CUSTOMER_IMPORT_JOB, fileName: 'big.csv', options: customerImportOptionsSchema.parse({ source: { path }, packageId: pkg.id, batchSize: 50, importToPreDial: true }) });
      const filename = (storage.knex.client as { config: { connection: { filename: string } } }).config.connection.filename;

      const root = fileURLToPath(new URL('../../../../../', import.meta.url));
      const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./test-support/import-child.ts', import.meta.url)), filename], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
      let seen = 0;
      for (let waited = 0; seen < 1_000; waited += 20) {
        if (waited > 60_000) throw new Error(`the child made no progress: ${stderr}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
        seen = (await storage.jobs.get(tenant.id, job.id)).processed;
      }
      child.kill('SIGKILL');
      expect(await exited).toBe('SIGKILL');
      const killed = await storage.jobs.get(tenant.id, job.id);
      expect(killed.status).toBe('running');
      expect(killed.processed).toBeLessThan(rows);

      const runner = new JobRunner({ storage, clock, pollMs: 0 });
      new CustomerImports({ storage, clock, jobs: runner });
      await runner.start();
      await runner.idle();
      await runner.close();
      const done = await storage.jobs.get(tenant.id, job.id);
      expect(done).toMatchObject({ status: 'done', total: rows, processed: rows, succeeded: rows - 80, failed: 80, result: { created: rows - 80, preDial: rows - 80 } });
      const count = async (sql: string) => Number(((await storage.knex.raw(sql)) as Array<{ n: number }>)[0]!.n);
      expect(await count('select count(*) as n from customers')).toBe(rows - 80);
      expect(await count('select count(distinct number) as n from customer_phones')).toBe(rows - 80);
      expect(await count('select count(*) as n from pre_dial_entries')).toBe(rows - 80);
      expect(await count('select count(*) as n from job_errors')).toBe(80);
    } finally {
      await storage.close();
      await database.dispose();
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
