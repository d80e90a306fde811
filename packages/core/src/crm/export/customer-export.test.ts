import { inflateRawSync, crc32 } from 'node:zlib';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { storageTargets, useStorage } from '../../storage/test-support.js';
import { CustomerService } from '../customers.js';
import { exportCsv, type ExportSource } from './csv-export.js';
import { customerExportSource } from './customer-export.js';

async function collect(body: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of body) parts.push(Buffer.from(chunk));
  return Buffer.concat(parts);
}

/** The entries of a ZIP archive, read from its central directory; checks each CRC. */
function unzip(archive: Buffer): Array<{ name: string; data: Buffer }> {
  const end = archive.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const count = archive.readUInt16LE(end + 10);
  let at = archive.readUInt32LE(end + 16);
  const out: Array<{ name: string; data: Buffer }> = [];
  for (let i = 0; i < count; i++) {
    expect(archive.readUInt32LE(at)).toBe(0x02014b50);
    const [crc, compressed, size, nameLength, local] = [archive.readUInt32LE(at + 16), archive.readUInt32LE(at + 20), archive.readUInt32LE(at + 24), archive.readUInt16LE(at + 28), archive.readUInt32LE(at + 42)];
    const name = archive.subarray(at + 46, at + 46 + nameLength).toString('utf8');
    const dataAt = local + 30 + archive.readUInt16LE(local + 26) + archive.readUInt16LE(local + 28);
    const data = inflateRawSync(archive.subarray(dataAt, dataAt + compressed));
    expect(data.length).toBe(size);
    expect(crc32(data)).toBe(crc);
    out.push({ name, data });
    at += 46 + nameLength;
  }
  return out;
}

describe('CSV exports', () => {
  const source = (rows: number): ExportSource<number> => ({
    name: 'numbers',
    columns: [
      { header: 'n', value: (n) => n },
      { header: 'text', value: (n) => (n % 2 === 0 ? `=SUM(A${n})` : `名前 ${n}`) },
    ],
    count: async () => rows,
    async *records() {
      for (let n = 1; n <= rows; n++) yield n;
    },
  });

  it('writes one file when the rows fit, cells that would run as formulas neutralised, in the encoding asked for', async () => {
    const file = await exportCsv(source(3), { encoding: 'gbk', maxRowsPerFile: 100, at: new Date() });
    expect(file).toMatchObject({ filename: 'numbers.csv', contentType: 'text/csv; charset=GBK', rows: 3, files: 1 });
    expect(iconv.decode(await collect(file.body), 'gbk')).toBe("n,text\r\n1,名前 1\r\n2,'=SUM(A2)\r\n3,名前 3\r\n");
    const bom = await collect((await exportCsv(source(1), { encoding: 'utf-8-bom', maxRowsPerFile: 100, at: new Date() })).body);
    expect(bom.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
  });

  it('splits past the maximum rows per file into a ZIP of numbered files, each with the header', async () => {
    const file = await exportCsv(source(250), { encoding: 'shift_jis', maxRowsPerFile: 100, at: new Date(Date.UTC(2026, 10, 22, 10, 30)) });
    expect(file).toMatchObject({ filename: 'numbers.zip', contentType: 'application/zip', rows: 250, files: 3 });
    const entries = unzip(await collect(file.body));
    expect(entries.map((e) => e.name)).toEqual(['numbers-001.csv', 'numbers-002.csv', 'numbers-003.csv']);
    const texts = entries.map((e) => iconv.decode(e.data, 'shift_jis').trim().split('\r\n'));
    expect(texts.map((lines) => lines.length)).toEqual([101, 101, 51]);
    expect(texts.every((lines) => lines[0] === 'n,text')).toBe(true);
    expect(texts[2]!.at(-1)).toBe("250,'=SUM(A250)");
    // Exactly as many rows as there are: no empty last file.
    expect(unzip(await collect((await exportCsv(source(200), { encoding: 'utf-8', maxRowsPerFile: 100, at: new Date() })).body)).map((e) => e.name)).toEqual(['numbers-001.csv', 'numbers-002.csv']);
  });
});

describe.each(storageTargets())('customer export on $name', (target) => {
  const db = useStorage(target, { tenants: ['a', 'b'] });

  it('exports the customers page: standard fields, names of tags and data sources, custom fields the role may see, masked numbers when asked, a snapshot', async () => {
    await db.storage.tenants.update(db.tenants.a, { defaultCountry: 'FR', timeZone: 'Europe/Paris' });
    const pkg = await db.storage.customerPackages.create(db.tenants.a, { displayName: 'Leads', key: 'LEADS' });
    await db.storage.customFields.create(db.tenants.a, { packageId: pkg.id, name: 'company', displayName: 'Company', type: 'input' });
    await db.storage.customFields.create(db.tenants.a, { packageId: pkg.id, name: 'margin', displayName: 'Margin', type: 'number', permissions: { agent: 'hidden' } });
    await db.storage.customFields.create(db.tenants.a, { packageId: pkg.id, name: 'products', displayName: 'Products', type: 'options', options: ['a', 'b'], multiple: true });
    const tag = await db.storage.customerTags.create(db.tenants.a, { name: 'VIP' });
    const source = await db.storage.dataSources.create(db.tenants.a, { name: 'Fair 2026', color: '#00ff00' });
    const service = new CustomerService(db.storage, db.clock);
    await service.create(db.tenants.a, { packageId: pkg.id, name: '=HYPERLINK("x")', phones: ['0612345678', '0145678901'], tags: [tag.id], dataSourceId: source.id, custom: { company: '@Acme', margin: 12, products: ['a', 'b'] } });
    await service.create(db.tenants.a, { packageId: pkg.id, name: 'Bob', phones: ['0698765432'] });
    await service.create(db.tenants.b, { name: 'Other tenant' });
    const until = db.clock.now();
    await db.clock.advance(1000);
    await service.create(db.tenants.a, { packageId: pkg.id, name: 'Too late' });

    const exported = await exportCsv(await customerExportSource(db.storage, db.tenants.a, { search: { packageId: pkg.id }, until, role: 'agent', mask: true }), { encoding: 'utf-8', maxRowsPerFile: 1000, at: new Date() });
    const lines = (await collect(exported.body)).toString('utf8').trim().split('\r\n');
    expect(exported.rows).toBe(2);
    expect(lines[0]).toBe('ID,Package,Name,Phones,E-mail,Gender,Age,Address,Area,Notes,Tags,Data source,Task,Agent,Allocated at,Total calls,Last call result,Funnel stage,No call,Created at,Updated at,Company,Products');
    const ann = lines.find((l) => l.includes('HYPERLINK'))!;
    expect(ann).toContain(`,Leads,"'=HYPERLINK(""x"")",'+336****5678;+331****8901,`);
    expect(ann).toContain(',VIP,Fair 2026,');
    expect(ann.endsWith(",'@Acme,a|b")).toBe(true);
    expect(lines.join('\n')).not.toContain('Too late');
    expect(lines.join('\n')).not.toContain('Other tenant');
  });
});
