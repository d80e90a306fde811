import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ConflictError, NotFoundError, ValidationError } from '../errors/errors.js';
import { JobRunner } from '../jobs/job-runner.js';
import type { JobError } from '../jobs/model.js';
import { CustomerAttachmentRepository } from '../storage/repositories/customer-attachments.js';
import { storageTargets, useStorage } from '../storage/test-support.js';
import { CustomerAttachments, DEFAULT_ATTACHMENT_MAX_BYTES, contentTypeOf, sanitizeFileName, type AttachmentReader } from './attachments.js';
import { CustomerService } from './customers.js';
import { CustomerImports } from './import/customer-import.js';

const PDF = Buffer.from('%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n', 'latin1');
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52]);
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe('an attachment content type, judged from its bytes', () => {
  it('knows PDF, PNG, JPEG, GIF and WebP by signature, UTF-8 text as plain text, the rest as octet-stream', () => {
    expect(contentTypeOf(PDF)).toBe('application/pdf');
    expect(contentTypeOf(PNG)).toBe('image/png');
    expect(contentTypeOf(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10]))).toBe('image/jpeg');
    expect(contentTypeOf(Buffer.from('GIF89a\x01\x00', 'latin1'))).toBe('image/gif');
    expect(contentTypeOf(Buffer.from('GIF87a\x01\x00', 'latin1'))).toBe('image/gif');
    expect(contentTypeOf(Buffer.from('RIFF\x24\x00\x00\x00WEBPVP8 ', 'latin1'))).toBe('image/webp');
    expect(contentTypeOf(Buffer.from('Notes: called back, 日本語 ok\r\n\tsecond line\n'))).toBe('text/plain; charset=utf-8');
    // HTML and SVG are text: served as text, never rendered.
    expect(contentTypeOf(Buffer.from('<html><script>alert(1)</script></html>'))).toBe('text/plain; charset=utf-8');
    expect(contentTypeOf(Buffer.from([0x48, 0x69, 0x00, 0x21]))).toBe('application/octet-stream');
    expect(contentTypeOf(Buffer.from([0x48, 0xc3, 0x28]))).toBe('application/octet-stream'); // not UTF-8
    expect(contentTypeOf(Buffer.from('%PD'))).toBe('text/plain; charset=utf-8');
    expect(contentTypeOf(PNG.subarray(0, 7))).toBe('application/octet-stream');
  });
});

describe('an attachment file name, made safe', () => {
  it('keeps the last path segment, drops controls and disguising characters, replaces what file systems refuse', () => {
    expect(sanitizeFileName('C:\\Users\\ann\\Contrat signé.pdf')).toBe('Contrat signé.pdf');
    expect(sanitizeFileName('../../etc/passwd')).toBe('passwd');
    expect(sanitizeFileName('invoice\u202Efdp.exe')).toBe('invoicefdp.exe');
    expect(sanitizeFileName('a\r\nb\u0000c.txt')).toBe('abc.txt');
    expect(sanitizeFileName('what?<is>"this"|*.txt')).toBe('what__is__this___.txt');
    expect(sanitizeFileName('  many   spaces .txt. . ')).toBe('many spaces .txt');
    expect(sanitizeFileName('.hidden')).toBe('hidden');
    expect(sanitizeFileName('合同 2024.pdf')).toBe('合同 2024.pdf');
    expect(sanitizeFileName('e\u0301.txt')).toBe('\u00e9.txt'); // NFC
    expect(sanitizeFileName('...')).toBe('attachment');
    expect(sanitizeFileName('')).toBe('attachment');
    const long = sanitizeFileName(`${'x'.repeat(300)}.pdf`);
    expect(long).toHaveLength(200);
    expect(long.endsWith('.pdf')).toBe(true);
  });
});

describe.each(storageTargets())('customer attachments on $name', (target) => {
  const db = useStorage(target, { tenants: ['a', 'b'] });
  const attachments = (maxBytes?: number) => new CustomerAttachments(db.storage, maxBytes === undefined ? {} : { maxBytes });
  const customers = () => new CustomerService(db.storage, db.clock);

  /** A package with an attachment field `contract` and a text field `company`; the default package of tenant a gets `photo` too. */
  async function packageWithAttachmentField() {
    const pkg = await db.storage.customerPackages.create(db.tenants.a, { displayName: 'Leads', key: 'LEADS' });
    await db.storage.customFields.create(db.tenants.a, { packageId: pkg.id, name: 'contract', displayName: 'Contract', type: 'attachment' });
    await db.storage.customFields.create(db.tenants.a, { packageId: pkg.id, name: 'company', displayName: 'Company', type: 'input' });
    await db.storage.customFields.create(db.tenants.a, { packageId: null, name: 'photo', displayName: 'Photo', type: 'attachment' });
    return pkg.id;
  }

  it('stores an upload with its bytes, size, SHA-256, a type judged from the bytes and a safe name; other tenants cannot read it', async () => {
    const stored = await attachments().upload(db.tenants.a, { fileName: 'scans/contract.txt', createdBy: 'boss' }, PDF);
    expect(stored).toEqual({
      id: expect.any(String),
      tenantId: db.tenants.a,
      fileName: 'contract.txt',
      contentType: 'application/pdf',
      sizeBytes: PDF.length,
      sha256: sha256(PDF),
      createdAt: db.clock.now(),
      createdBy: 'boss',
    });
    expect(await attachments().get(db.tenants.a, stored.id)).toEqual(stored);
    const { attachment, bytes } = await attachments().content(db.tenants.a, stored.id);
    expect(attachment).toEqual(stored);
    expect(Buffer.compare(bytes, PDF)).toBe(0);
    await expect(attachments().get(db.tenants.b, stored.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(attachments().content(db.tenants.b, stored.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(db.storage.customerAttachments.content(db.tenants.b, stored.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(attachments().delete(db.tenants.b, stored.id)).rejects.toBeInstanceOf(NotFoundError);
    expect(await db.storage.customerAttachments.listByIds(db.tenants.b, [stored.id])).toEqual([]);
    // A file of every byte value comes back exactly (a blob / bytea, not text).
    const binary = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    const raw = await attachments().upload(db.tenants.a, { fileName: 'raw.bin' }, binary);
    expect(raw).toMatchObject({ contentType: 'application/octet-stream', createdBy: null, sizeBytes: 256 });
    expect(Buffer.compare((await attachments().content(db.tenants.a, raw.id)).bytes, binary)).toBe(0);
  });

  it('refuses a file over the limit (default 10 MiB) and an empty one, storing nothing', async () => {
    expect(attachments().maxBytes).toBe(DEFAULT_ATTACHMENT_MAX_BYTES);
    expect(DEFAULT_ATTACHMENT_MAX_BYTES).toBe(10 * 1024 * 1024);
    const tooLarge = (await attachments(100).upload(db.tenants.a, { fileName: 'big.txt' }, Buffer.alloc(101, 0x61)).catch((e: unknown) => e)) as ValidationError;
    expect(tooLarge).toBeInstanceOf(ValidationError);
    expect(tooLarge.details).toEqual({ reason: 'too-large', maxBytes: 100 });
    expect(tooLarge.message).toMatch(/101 bytes, more than the limit of 100/);
    await expect(attachments().upload(db.tenants.a, { fileName: 'default.bin' }, Buffer.alloc(DEFAULT_ATTACHMENT_MAX_BYTES + 1))).rejects.toThrow(/too large/);
    await expect(attachments().upload(db.tenants.a, { fileName: 'empty.txt' }, Buffer.alloc(0))).rejects.toThrow(/empty/);
    expect(await db.storage.knex('customer_attachments').count({ n: '*' })).toEqual([{ n: 0 }]);
    expect(await db.storage.knex('customer_attachment_contents').count({ n: '*' })).toEqual([{ n: 0 }]);
    await expect(attachments(100).upload(db.tenants.a, { fileName: 'fits.txt' }, Buffer.alloc(100, 0x61))).resolves.toMatchObject({ sizeBytes: 100 });
    expect(() => attachments(0)).toThrow(ValidationError);
  });

  it('assertExist names every id that is no attachment of the tenant', async () => {
    const mine = await attachments().upload(db.tenants.a, { fileName: 'a.pdf' }, PDF);
    const theirs = await attachments().upload(db.tenants.b, { fileName: 'b.pdf' }, PDF);
    await expect(attachments().assertExist(db.tenants.a, [mine.id, mine.id])).resolves.toBeUndefined();
    await expect(attachments().assertExist(db.tenants.a, [])).resolves.toBeUndefined();
    const error = (await attachments().assertExist(db.tenants.a, [mine.id, theirs.id, 'nope']).catch((e: unknown) => e)) as ValidationError;
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.message).toBe(`No such attachment: ${theirs.id}, nope`);
    expect(error.details).toEqual({ missing: [theirs.id, 'nope'] });
    expect(error.issues).toEqual([
      { path: 'attachments', message: `no attachment ${theirs.id}` },
      { path: 'attachments', message: 'no attachment nope' },
    ]);
  });

  it('a customer write naming an unknown attachment is refused with the field and the id; known ones are stored', async () => {
    const packageId = await packageWithAttachmentField();
    const contract = await attachments().upload(db.tenants.a, { fileName: 'contract.pdf' }, PDF);
    const foreign = await attachments().upload(db.tenants.b, { fileName: 'foreign.pdf' }, PDF);

    const refused = (await customers().create(db.tenants.a, { packageId, name: 'Ann', custom: { contract: [contract.id, 'missing-1'], company: 7 } }).catch((e: unknown) => e)) as ValidationError;
    expect(refused).toBeInstanceOf(ValidationError);
    expect(refused.issues).toEqual([{ path: 'custom.contract', message: 'no such attachment: missing-1 (upload the file first)' }]);
    expect(refused.message).toContain('custom.contract: no such attachment: missing-1');
    // Another tenant's attachment is unknown here too.
    await expect(customers().create(db.tenants.a, { packageId, custom: { contract: foreign.id } })).rejects.toThrow(`no such attachment: ${foreign.id}`);
    expect((await customers().search(db.tenants.a, { packageId })).total).toBe(0);

    const ann = await customers().create(db.tenants.a, { packageId, name: 'Ann', custom: { contract: contract.id, company: 'Acme' } });
    expect(ann.custom).toEqual({ contract: [contract.id], company: 'Acme' });
    // A change naming an unknown attachment is refused and changes nothing; other changes pass.
    await expect(customers().update(db.tenants.a, ann.id, { name: 'Ann Lee', custom: { contract: ['gone'] } })).rejects.toThrow(/custom\.contract: no such attachment: gone/);
    expect(await db.storage.customers.get(db.tenants.a, ann.id)).toMatchObject({ name: 'Ann', custom: { contract: [contract.id] } });
    expect((await customers().update(db.tenants.a, ann.id, { name: 'Ann Lee' })).custom).toEqual({ contract: [contract.id], company: 'Acme' });
    // The default package's attachment field is checked as well.
    await expect(customers().create(db.tenants.a, { custom: { photo: ['nope'] } })).rejects.toThrow(/custom\.photo: no such attachment: nope/);
  });

  it('refuses to delete an attachment a customer holds, naming the customer; once dropped it goes with its bytes', async () => {
    const packageId = await packageWithAttachmentField();
    const contract = await attachments().upload(db.tenants.a, { fileName: 'contract.pdf' }, PDF);
    const photo = await attachments().upload(db.tenants.a, { fileName: 'photo.png' }, PNG);
    const ann = await customers().create(db.tenants.a, { packageId, name: 'Ann', custom: { contract: [contract.id] } });
    const bob = await customers().create(db.tenants.a, { name: 'Bob', custom: { photo: [photo.id, contract.id] } });
    // The id as text in a field that is no attachment field is no reference.
    await customers().create(db.tenants.a, { packageId, name: 'Cy', custom: { company: photo.id } });

    expect((await attachments().usage(db.tenants.a, contract.id)).sort((x, y) => x.customerName.localeCompare(y.customerName))).toEqual([
      { customerId: ann.id, customerName: 'Ann', field: 'contract' },
      { customerId: bob.id, customerName: 'Bob', field: 'photo' },
    ]);
    const refused = (await attachments().delete(db.tenants.a, contract.id).catch((e: unknown) => e)) as ConflictError;
    expect(refused).toBeInstanceOf(ConflictError);
    expect(refused.message).toMatch(/Cannot delete attachment "contract\.pdf": still held by customer "(Ann|Bob)"/);
    expect(refused.details?.['referrers']).toHaveLength(2);

    await customers().update(db.tenants.a, ann.id, { custom: { contract: [] } });
    await expect(attachments().delete(db.tenants.a, contract.id)).rejects.toThrow(/still held by customer "Bob" \(.+, field photo\)/);
    await customers().update(db.tenants.a, bob.id, { custom: { photo: [photo.id] } });
    await attachments().delete(db.tenants.a, contract.id);
    await expect(attachments().get(db.tenants.a, contract.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(db.storage.customerAttachments.content(db.tenants.a, contract.id)).rejects.toBeInstanceOf(NotFoundError);

    // Cy's text mentions the photo but does not hold it; Bob does.
    expect(await attachments().usage(db.tenants.a, photo.id)).toEqual([{ customerId: bob.id, customerName: 'Bob', field: 'photo' }]);
    await customers().remove(db.tenants.a, bob.id);
    await attachments().delete(db.tenants.a, photo.id);
    expect(await db.storage.customerAttachments.listByIds(db.tenants.a, [contract.id, photo.id])).toEqual([]);
  });

  it('refuses to delete an attachment a customer of a closed package holds: reopening finds it still there', async () => {
    const packageId = await packageWithAttachmentField();
    const contract = await attachments().upload(db.tenants.a, { fileName: 'contract.pdf' }, PDF);
    const ann = await customers().create(db.tenants.a, { packageId, name: 'Ann', custom: { contract: [contract.id] } });
    await db.storage.customerPackages.update(db.tenants.a, packageId, { status: 'closed' });

    expect(await attachments().usage(db.tenants.a, contract.id)).toEqual([{ customerId: ann.id, customerName: 'Ann', field: 'contract' }]);
    await expect(attachments().delete(db.tenants.a, contract.id)).rejects.toThrow(/still held by customer "Ann"/);
    await db.storage.customerPackages.update(db.tenants.a, packageId, { status: 'open' });
    expect((await attachments().get(db.tenants.a, contract.id)).fileName).toBe('contract.pdf');
  });

  it('is read as the customers holding it are: an agent through its own customers, through fields not hidden from its role, nobody through a closed package; unheld, by its uploader and those who read every customer', async () => {
    const packageId = await packageWithAttachmentField();
    const secret = await db.storage.customFields.create(db.tenants.a, { packageId: null, name: 'secret', displayName: 'Secret', type: 'attachment', permissions: { agent: 'hidden' } });
    const ann: AttachmentReader = { role: 'agent', username: '1001', agentNumber: '1001' };
    const bob: AttachmentReader = { role: 'agent', username: '1002', agentNumber: '1002' };
    const sue: AttachmentReader = { role: 'supervisor', username: 'sue' };
    const reads = async (id: string, reader: AttachmentReader) => {
      const [meta, content] = await Promise.allSettled([attachments().get(db.tenants.a, id, reader), attachments().content(db.tenants.a, id, reader)]);
      for (const refused of [meta, content].filter((r) => r.status === 'rejected')) expect(refused.reason).toBeInstanceOf(NotFoundError);
      return [meta.status === 'fulfilled', content.status === 'fulfilled'];
    };

    // Uploaded by agent 1001, held by no customer yet: its uploader and the supervisor read it, the other agent does not.
    const contract = await attachments().upload(db.tenants.a, { fileName: 'contract.pdf', createdBy: '1001' }, PDF);
    expect([await reads(contract.id, ann), await reads(contract.id, sue), await reads(contract.id, bob)]).toEqual([[true, true], [true, true], [false, false]]);
    // Held by a customer allocated to agent 1002: it follows the customer, not the uploader.
    const held = await customers().create(db.tenants.a, { packageId, name: 'Held', agentNumber: '1002', custom: { contract: [contract.id] } });
    expect([await reads(contract.id, ann), await reads(contract.id, sue), await reads(contract.id, bob)]).toEqual([[false, false], [true, true], [true, true]]);
    // Without a reader, no rule: the store's own reads (a delete's check).
    expect((await attachments().get(db.tenants.a, contract.id)).id).toBe(contract.id);

    // Through a field hidden from agents: only those whose role may see the field.
    const hidden = await attachments().upload(db.tenants.a, { fileName: 'hidden.pdf', createdBy: '1002' }, PDF);
    await customers().create(db.tenants.a, { name: 'Secretive', agentNumber: '1002', custom: { secret: [hidden.id] } });
    expect([await reads(hidden.id, bob), await reads(hidden.id, sue)]).toEqual([[false, false], [true, true]]);
    await db.storage.customFields.update(db.tenants.a, secret.id, { permissions: { agent: 'view' } });
    expect(await reads(hidden.id, bob)).toEqual([true, true]);

    // A closed package hides its customers' attachments from everyone; reopened, they are back.
    await db.storage.customerPackages.update(db.tenants.a, packageId, { status: 'closed' });
    expect([await reads(contract.id, bob), await reads(contract.id, sue), await reads(contract.id, { ...sue, username: '1001' })]).toEqual([[false, false], [false, false], [false, false]]);
    await db.storage.customerPackages.update(db.tenants.a, packageId, { status: 'open' });
    expect(await reads(contract.id, bob)).toEqual([true, true]);
    // Once no customer holds it, it is its uploader's again.
    await customers().update(db.tenants.a, held.id, { custom: { contract: [] } });
    expect([await reads(contract.id, ann), await reads(contract.id, bob)]).toEqual([[true, true], [false, false]]);
  });

  describe('a delete at the same time as a customer write', () => {
    afterEach(() => vi.restoreAllMocks());

    /**
     * Runs `other` once the first of `methods` of the attachments' repository has answered,
     * then lets the caller go on after `other` settles or after a moment, whichever is first:
     * where the caller's transaction holds the attachment, `other` waits for it to end. The
     * outcome is checked, not the timing: the moment only gives `other` the chance to finish first.
     */
    function interleave(methods: ReadonlyArray<'listByIds' | 'lockByIds' | 'customersMentioning'>, other: () => Promise<unknown>): () => Promise<PromiseSettledResult<unknown>> {
      let running: Promise<unknown> | undefined;
      const spies = methods.map((method) => {
        const original = CustomerAttachmentRepository.prototype[method] as (...args: unknown[]) => Promise<unknown>;
        return vi.spyOn(CustomerAttachmentRepository.prototype, method).mockImplementationOnce(async function (this: CustomerAttachmentRepository, ...args: unknown[]) {
          const answer = await original.apply(this, args);
          for (const spy of spies) spy.mockRestore();
          running = other();
          await Promise.race([running.catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 200))]);
          return answer;
        } as never);
      });
      return async () => {
        if (running === undefined) throw new Error(`nothing called ${methods.join(' or ')}: the interleaving did not happen`);
        return (await Promise.allSettled([running]))[0]!;
      };
    }

    /** The ids customers' attachment fields hold (`contract`, `photo`) that are no attachment of the tenant: must be none. */
    async function danglingIds(): Promise<string[]> {
      const rows = (await db.storage.knex('customers').where({ tenant_id: db.tenants.a }).select('custom')) as Array<{ custom: string }>;
      const held = rows.flatMap((row) => {
        const custom = JSON.parse(row.custom) as Record<string, unknown>;
        return [custom['contract'], custom['photo']].flatMap((v) => (Array.isArray(v) ? (v as string[]) : []));
      });
      const stored = new Set(((await db.storage.knex('customer_attachments').whereIn('id', held.length > 0 ? held : ['']).select('id')) as Array<{ id: string }>).map((r) => r.id));
      return held.filter((id) => !stored.has(id));
    }

    it('a delete between the check of a customer write and its save: the save is refused', async () => {
      const packageId = await packageWithAttachmentField();
      const ann = await customers().create(db.tenants.a, { packageId, name: 'Ann' });
      for (const write of [
        (id: string) => customers().create(db.tenants.a, { packageId, name: 'Bob', custom: { contract: [id] } }),
        (id: string) => customers().update(db.tenants.a, ann.id, { custom: { contract: [id] } }),
      ]) {
        const contract = await attachments().upload(db.tenants.a, { fileName: 'contract.pdf' }, PDF);
        const deleted = interleave(['listByIds'], () => attachments().delete(db.tenants.a, contract.id));
        const refused = (await write(contract.id).catch((e: unknown) => e)) as ValidationError;
        expect((await deleted()).status).toBe('fulfilled');
        expect(refused).toBeInstanceOf(ValidationError);
        expect(refused.issues).toEqual([{ path: 'custom.contract', message: `no such attachment: ${contract.id} (upload the file first)` }]);
        expect(await danglingIds()).toEqual([]);
      }
      expect((await customers().search(db.tenants.a, { packageId })).items.map((c) => [c.name, c.custom])).toEqual([['Ann', {}]]);
    });

    it("a delete while a customer's save holds the attachment waits for it, then finds the customer holding it", async () => {
      const packageId = await packageWithAttachmentField();
      const contract = await attachments().upload(db.tenants.a, { fileName: 'contract.pdf' }, PDF);
      const deleted = interleave(['lockByIds'], () => attachments().delete(db.tenants.a, contract.id));
      const bob = await customers().create(db.tenants.a, { packageId, name: 'Bob', custom: { contract: [contract.id] } });
      const outcome = await deleted();
      expect(outcome.status).toBe('rejected');
      expect((outcome as PromiseRejectedResult).reason).toBeInstanceOf(ConflictError);
      expect((outcome as PromiseRejectedResult).reason.message).toMatch(/still held by customer "Bob"/);
      expect((await db.storage.customers.get(db.tenants.a, bob.id)).custom).toEqual({ contract: [contract.id] });
      expect(await danglingIds()).toEqual([]);
    });

    it('a customer write while a delete holds the attachment waits for it, then finds the attachment gone', async () => {
      const packageId = await packageWithAttachmentField();
      const contract = await attachments().upload(db.tenants.a, { fileName: 'contract.pdf' }, PDF);
      // The delete has found no customer holding the attachment; the write comes now.
      const written = interleave(['customersMentioning'], () => customers().create(db.tenants.a, { packageId, name: 'Bob', custom: { contract: [contract.id] } }));
      await attachments().delete(db.tenants.a, contract.id);
      const outcome = await written();
      expect(outcome.status).toBe('rejected');
      expect((outcome as PromiseRejectedResult).reason).toBeInstanceOf(ValidationError);
      expect((outcome as PromiseRejectedResult).reason.message).toContain(`custom.contract: no such attachment: ${contract.id}`);
      expect((await customers().search(db.tenants.a, { packageId })).total).toBe(0);
      expect(await danglingIds()).toEqual([]);
    });
  });

  describe('in an import', () => {
    const files = new Map<string, Uint8Array>();
    let runner: JobRunner;
    let imports: CustomerImports;
    beforeEach(async () => {
      runner = new JobRunner({ storage: db.storage, clock: db.clock, pollMs: 0 });
      imports = new CustomerImports({
        storage: db.storage,
        clock: db.clock,
        jobs: runner,
        openSource: async function* (source) {
          yield files.get(source.path)!;
        },
      });
      await runner.start();
    });
    afterEach(() => runner.close());

    it('refuses rows whose attachment column names no attachment, with the line and the reason; the others land', async () => {
      const packageId = await packageWithAttachmentField();
      const contract = await attachments().upload(db.tenants.a, { fileName: 'contract.pdf' }, PDF);
      const foreign = await attachments().upload(db.tenants.b, { fileName: 'foreign.pdf' }, PDF);
      const path = `mem:${files.size}`;
      files.set(path, Buffer.from(['Name,Mobile,Contract,Company', `Ann,0612345678,${contract.id},Acme`, 'Bob,0612345679,not-uploaded,Globex', `Cy,0612345680,${foreign.id},Initech`, 'Dee,0612345681,,Umbrella'].join('\n')));
      const started = await imports.start(db.tenants.a, { packageId, source: { path } });
      await runner.idle();
      const job = await db.storage.jobs.get(db.tenants.a, started.id);
      expect(job).toMatchObject({ status: 'done', processed: 4, succeeded: 2, failed: 2 });
      const errors: JobError[] = [];
      for await (const error of db.storage.jobs.streamErrors(db.tenants.a, job.id)) errors.push(error);
      expect(errors).toEqual([
        { line: 3, reason: 'custom.contract: no such attachment: not-uploaded (an import cannot carry files: upload them first and give their ids)', cells: ['Bob', '0612345679', 'not-uploaded', 'Globex'] },
        { line: 4, reason: expect.stringContaining(`custom.contract: no such attachment: ${foreign.id}`), cells: ['Cy', '0612345680', foreign.id, 'Initech'] },
      ]);
      const stored = (await customers().search(db.tenants.a, { packageId })).items.sort((x, y) => x.name.localeCompare(y.name));
      expect(stored.map((c) => [c.name, c.custom])).toEqual([
        ['Ann', { contract: [contract.id], company: 'Acme' }],
        ['Dee', { company: 'Umbrella' }],
      ]);
    });

    it('a delete while a batch is written waits for its transaction, then finds the imported customer holding the attachment', async () => {
      const packageId = await packageWithAttachmentField();
      const contract = await attachments().upload(db.tenants.a, { fileName: 'contract.pdf' }, PDF);
      let deleted: Promise<unknown> | undefined;
      // Whichever lookup checks the batch's attachments: the delete starts right after it.
      for (const method of ['listByIds', 'lockByIds'] as const) {
        const original = CustomerAttachmentRepository.prototype[method] as (...args: unknown[]) => Promise<unknown>;
        vi.spyOn(CustomerAttachmentRepository.prototype, method).mockImplementation(async function (this: CustomerAttachmentRepository, ...args: unknown[]) {
          const answer = await original.apply(this, args);
          if (deleted === undefined) {
            deleted = attachments().delete(db.tenants.a, contract.id);
            await Promise.race([deleted.catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 200))]);
          }
          return answer;
        } as never);
      }
      try {
        const path = `mem:${files.size}`;
        files.set(path, Buffer.from(['Name,Mobile,Contract', `Ann,0612345678,${contract.id}`].join('\n')));
        const started = await imports.start(db.tenants.a, { packageId, source: { path } });
        await runner.idle();
        expect(deleted).toBeDefined();
        await expect(deleted).rejects.toThrow(/still held by customer "Ann"/);
        expect(await db.storage.jobs.get(db.tenants.a, started.id)).toMatchObject({ status: 'done', succeeded: 1, failed: 0 });
        const [ann] = (await customers().search(db.tenants.a, { packageId })).items;
        expect(ann!.custom).toEqual({ contract: [contract.id] });
        expect((await db.storage.customerAttachments.listByIds(db.tenants.a, [contract.id])).map((a) => a.id)).toEqual([contract.id]);
      } finally {
        vi.restoreAllMocks();
      }
    });
  });
});
