import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { declaredUpload, startTestServer, tenantWithUser } from '../test-support/test-server.js';
import { attachmentDisposition } from './customer-attachments.js';

type Server = Awaited<ReturnType<typeof startTestServer>>;

const MAX_BYTES = 4096;
const PDF = Buffer.from('%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n', 'latin1');

describe('customer attachments over HTTP', () => {
  let s: Server;
  let token: string;
  let agentToken: string;
  let otherAgentToken: string;
  let supervisorToken: string;
  let otherTenantToken: string;

  const upload = async (file: { bytes: Uint8Array; filename: string; type?: string } | undefined, as = token) => {
    const form = new FormData();
    if (file) form.append('file', new Blob([new Uint8Array(file.bytes)], { type: file.type ?? 'application/octet-stream' }), file.filename);
    const response = await fetch(`${s.url}/api/v1/customer-attachments`, { method: 'POST', headers: { authorization: `Bearer ${as}` }, body: form });
    return { status: response.status, type: response.headers.get('content-type') ?? '', body: await response.json() };
  };
  const download = (id: string, as = token) => fetch(`${s.url}/api/v1/customer-attachments/${id}/content`, { headers: { authorization: `Bearer ${as}` } });
  /** The status of the metadata and of the download, as `as` reads them. */
  const readable = async (id: string, as = token) => [(await s.call('GET', `/api/v1/customer-attachments/${id}`, { token: as })).status, (await download(id, as)).status];
  const stored = async () => Number(((await s.switchboard.storage.knex('customer_attachments').count({ n: '*' })) as Array<{ n: number | string }>)[0]!.n);

  beforeAll(async () => {
    s = await startTestServer({ clock: 'virtual', demo: 'false', attachmentMaxBytes: String(MAX_BYTES) });
    ({ token } = await tenantWithUser(s, 'acme'));
    ({ token: agentToken } = await tenantWithUser(s, 'acme', { username: '1001', password: 'agent-password-123', role: 'agent' }));
    ({ token: otherAgentToken } = await tenantWithUser(s, 'acme', { username: '1002', password: 'agent-password-123', role: 'agent' }));
    ({ token: supervisorToken } = await tenantWithUser(s, 'acme', { username: 'sue', password: 'supervisor-password-123', role: 'supervisor' }));
    ({ token: otherTenantToken } = await tenantWithUser(s, 'globex'));
    for (const as of [token, otherTenantToken]) {
      const field = await s.call('POST', '/api/v1/custom-fields', { token: as, body: { name: 'contract', displayName: 'Contract', type: 'attachment' } });
      expect(field.status).toBe(201);
    }
  });
  afterAll(() => s.close());

  it('uploads a file, a customer holds its id in an attachment field, and the download gives the same bytes back', async () => {
    const created = await upload({ bytes: PDF, filename: 'Contrat signé (v2).pdf', type: 'text/html' });
    expect(created).toMatchObject({
      status: 201,
      body: { id: expect.any(String), fileName: 'Contrat signé (v2).pdf', contentType: 'application/pdf', sizeBytes: PDF.length, sha256: expect.stringMatching(/^[0-9a-f]{64}$/), createdBy: 'boss' },
    });
    expect(created.body.tenantId).toBeUndefined();
    const id = created.body.id as string;
    expect((await s.call('GET', `/api/v1/customer-attachments/${id}`, { token })).body).toEqual(created.body);

    const customer = await s.call('POST', '/api/v1/customers', { token, body: { name: 'Ann', custom: { contract: [id] } } });
    expect(customer).toMatchObject({ status: 201, body: { custom: { contract: [id] } } });
    expect((await s.call('GET', `/api/v1/customers/${customer.body.id}`, { token })).body.custom).toEqual({ contract: [id] });

    const response = await download(id);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/pdf');
    expect(response.headers.get('content-length')).toBe(String(PDF.length));
    expect(response.headers.get('content-disposition')).toBe(`attachment; filename="Contrat sign_ (v2).pdf"; filename*=UTF-8''Contrat%20sign%C3%A9%20%28v2%29.pdf`);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(Buffer.compare(Buffer.from(await response.arrayBuffer()), PDF)).toBe(0);
  });

  it('serves an uploaded HTML page as a plain-text download, never inline', async () => {
    const html = Buffer.from('<!doctype html><html><body><script>alert(document.cookie)</script></body></html>');
    const created = await upload({ bytes: html, filename: 'page.html', type: 'text/html' });
    expect(created.body.contentType).toBe('text/plain; charset=utf-8');
    const response = await download(created.body.id);
    expect(response.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(response.headers.get('content-disposition')).toMatch(/^attachment; /);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox");
    expect(await response.text()).toBe(html.toString());
  });

  it('refuses a customer write naming an unknown attachment with a 400 that names the field and the id', async () => {
    const created = await s.call('POST', '/api/v1/customers', { token, body: { name: 'Bob', custom: { contract: ['no-such-file'] } } });
    expect(created).toMatchObject({ status: 400, type: expect.stringContaining('application/problem+json'), body: { code: 'VALIDATION', detail: expect.stringContaining('custom.contract: no such attachment: no-such-file') } });
    expect(created.body.errors).toEqual([{ path: 'custom.contract', message: 'no such attachment: no-such-file (upload the file first)' }]);
    expect((await s.call('GET', '/api/v1/customers?q=Bob', { token })).body.total).toBe(0);

    const bob = await s.call('POST', '/api/v1/customers', { token, body: { name: 'Bob' } });
    const patched = await s.call('PATCH', `/api/v1/customers/${bob.body.id}`, { token, body: { custom: { contract: ['no-such-file'] } } });
    expect(patched).toMatchObject({ status: 400, body: { errors: [{ path: 'custom.contract', message: expect.stringContaining('no-such-file') }] } });
    expect((await s.call('GET', `/api/v1/customers/${bob.body.id}`, { token })).body.custom).toEqual({});
  });

  it('refuses a file over the limit with 413, storing nothing, and keeps serving', async () => {
    const before = await stored();
    const refused = await upload({ bytes: Buffer.alloc(MAX_BYTES + 1, 0x61), filename: 'big.txt' });
    expect(refused).toMatchObject({ status: 413, body: { title: 'Payload too large', detail: `The file is larger than the limit of ${MAX_BYTES} bytes` } });
    // Declared too large up front: refused before the body is read.
    expect((await declaredUpload(`${s.url}/api/v1/customer-attachments`, token, MAX_BYTES + 2 * 1024 * 1024)).status).toBe(413);
    expect(await stored()).toBe(before);
    expect((await upload({ bytes: Buffer.alloc(MAX_BYTES, 0x61), filename: 'fits.txt' })).status).toBe(201);
    expect((await upload(undefined)).body).toMatchObject({ status: 400, detail: expect.stringContaining('No file') });
    expect((await s.call('POST', '/api/v1/customer-attachments', { token, body: { file: 'x' } })).status).toBe(415);
  });

  it('refuses to delete an attachment a customer holds (409), deletes it once the customer drops it (204)', async () => {
    const id = (await upload({ bytes: PDF, filename: 'kept.pdf' })).body.id as string;
    const ann = await s.call('POST', '/api/v1/customers', { token, body: { name: 'Held by Ann', custom: { contract: [id] } } });
    const refused = await s.call('DELETE', `/api/v1/customer-attachments/${id}`, { token });
    expect(refused).toMatchObject({ status: 409, body: { code: 'CONFLICT', detail: expect.stringContaining(`customer "Held by Ann" (${ann.body.id}, field contract)`) } });
    expect((await download(id)).status).toBe(200);

    expect((await s.call('PATCH', `/api/v1/customers/${ann.body.id}`, { token, body: { custom: { contract: [] } } })).status).toBe(200);
    expect((await s.call('DELETE', `/api/v1/customer-attachments/${id}`, { token })).status).toBe(204);
    expect((await s.call('GET', `/api/v1/customer-attachments/${id}`, { token })).status).toBe(404);
    expect((await download(id)).status).toBe(404);
    // And it can no longer be put in a customer.
    expect((await s.call('PATCH', `/api/v1/customers/${ann.body.id}`, { token, body: { custom: { contract: [id] } } })).status).toBe(400);
  });

  it('another tenant can neither read, download, delete nor use it (404 / 400)', async () => {
    const id = (await upload({ bytes: PDF, filename: 'private.pdf' })).body.id as string;
    expect((await s.call('GET', `/api/v1/customer-attachments/${id}`, { token: otherTenantToken })).status).toBe(404);
    expect((await download(id, otherTenantToken)).status).toBe(404);
    expect((await s.call('DELETE', `/api/v1/customer-attachments/${id}`, { token: otherTenantToken })).status).toBe(404);
    const used = await s.call('POST', '/api/v1/customers', { token: otherTenantToken, body: { name: 'Thief', custom: { contract: [id] } } });
    expect(used).toMatchObject({ status: 400, body: { errors: [{ path: 'custom.contract', message: expect.stringContaining(id) }] } });
    expect((await download(id)).status).toBe(200);
  });

  it('agents, who may edit customers, upload; an upload no customer holds yet is read by its uploader, supervisors and administrators; only the uploader or a supervisor deletes', async () => {
    const created = await upload({ bytes: Buffer.from('call notes\n'), filename: 'notes.txt' }, agentToken);
    expect(created).toMatchObject({ status: 201, body: { createdBy: '1001', contentType: 'text/plain; charset=utf-8' } });
    const id = created.body.id as string;
    expect(await (await download(id, agentToken)).text()).toBe('call notes\n');
    expect(await readable(id, supervisorToken)).toEqual([200, 200]);
    expect(await readable(id)).toEqual([200, 200]);
    // Another agent: as if there were no such file, on every route (404, never 403).
    expect(await readable(id, otherAgentToken)).toEqual([404, 404]);
    expect((await s.call('DELETE', `/api/v1/customer-attachments/${id}`, { token: otherAgentToken })).status).toBe(404);
    expect((await s.call('DELETE', `/api/v1/customer-attachments/${id}`, { token: agentToken })).status).toBe(204);
    const bosses = (await upload({ bytes: PDF, filename: 'b.pdf' })).body.id as string;
    expect((await s.call('DELETE', `/api/v1/customer-attachments/${bosses}`, { token: agentToken })).status).toBe(404);
    // Held by a customer allocated to agent 1001: it reads the file, but may not delete it.
    const customer = await s.call('POST', '/api/v1/customers', { token, body: { name: 'Allocated', agentNumber: '1001', custom: { contract: [bosses] } } });
    expect(customer.status).toBe(201);
    expect(await readable(bosses, agentToken)).toEqual([200, 200]);
    expect((await s.call('DELETE', `/api/v1/customer-attachments/${bosses}`, { token: agentToken })).status).toBe(403);
    expect((await s.call('PATCH', `/api/v1/customers/${customer.body.id}`, { token, body: { custom: { contract: [] } } })).status).toBe(200);
    expect((await s.call('DELETE', `/api/v1/customer-attachments/${bosses}`, { token: supervisorToken })).status).toBe(204);
    // Signed-out callers get nothing.
    expect((await fetch(`${s.url}/api/v1/customer-attachments/${bosses}/content`)).status).toBe(401);
  });

  it('an attachment a customer holds is read as that customer is: by an agent through its own customers, not through a field hidden from its role, by nobody while the package is closed', async () => {
    const own = (await upload({ bytes: PDF, filename: 'own.pdf' })).body.id as string;
    const customer = await s.call('POST', '/api/v1/customers', { token, body: { name: 'Mine', agentNumber: '1001', custom: { contract: [own] } } });
    expect(await readable(own, agentToken)).toEqual([200, 200]);
    expect(await readable(own, otherAgentToken)).toEqual([404, 404]);
    expect(await readable(own, supervisorToken)).toEqual([200, 200]);
    // Allocated to the other agent: the file follows the customer.
    expect((await s.call('PATCH', `/api/v1/customers/${customer.body.id}`, { token, body: { agentNumber: '1002' } })).status).toBe(200);
    expect(await readable(own, agentToken)).toEqual([404, 404]);
    expect(await readable(own, otherAgentToken)).toEqual([200, 200]);

    // A field hidden from agents: its files too; a field they may view: its files too.
    const secretField = await s.call('POST', '/api/v1/custom-fields', { token, body: { name: 'secret', displayName: 'Secret', type: 'attachment', permissions: { agent: 'hidden' } } });
    expect(secretField.status).toBe(201);
    const secret = (await upload({ bytes: PDF, filename: 'secret.pdf' }, agentToken)).body.id as string;
    expect((await s.call('POST', '/api/v1/customers', { token, body: { name: 'Secretive', agentNumber: '1001', custom: { secret: [secret] } } })).status).toBe(201);
    expect(await readable(secret, agentToken)).toEqual([404, 404]);
    expect(await readable(secret, supervisorToken)).toEqual([200, 200]);
    expect((await s.call('PATCH', `/api/v1/custom-fields/${secretField.body.id}`, { token, body: { permissions: { agent: 'view' } } })).status).toBe(200);
    expect(await readable(secret, agentToken)).toEqual([200, 200]);

    // A closed package hides its customers' files from everyone, its uploader and administrators too; reopened, they are back.
    const pkg = await s.call('POST', '/api/v1/customer-packages', { token, body: { displayName: 'Archive', key: 'ARCHIVE' } });
    expect((await s.call('POST', '/api/v1/custom-fields', { token, body: { packageId: pkg.body.id, name: 'scan', displayName: 'Scan', type: 'attachment' } })).status).toBe(201);
    const archived = (await upload({ bytes: PDF, filename: 'archived.pdf' })).body.id as string;
    expect((await s.call('POST', '/api/v1/customers', { token, body: { packageId: pkg.body.id, name: 'Archived', agentNumber: '1001', custom: { scan: [archived] } } })).status).toBe(201);
    expect(await readable(archived, agentToken)).toEqual([200, 200]);
    expect((await s.call('PATCH', `/api/v1/customer-packages/${pkg.body.id}`, { token, body: { status: 'closed' } })).status).toBe(200);
    for (const as of [token, supervisorToken, agentToken]) expect(await readable(archived, as)).toEqual([404, 404]);
    expect((await s.call('DELETE', `/api/v1/customer-attachments/${archived}`, { token })).status).toBe(404);
    expect((await s.call('PATCH', `/api/v1/customer-packages/${pkg.body.id}`, { token, body: { status: 'open' } })).status).toBe(200);
    expect(await readable(archived)).toEqual([200, 200]);
    expect(await readable(archived, agentToken)).toEqual([200, 200]);
  });

  it('describes the upload, metadata, download and delete in the OpenAPI document', async () => {
    const doc = (await s.call('GET', '/api/v1/openapi.json')).body;
    const post = doc.paths['/api/v1/customer-attachments'].post;
    const form = post.requestBody.content['multipart/form-data'];
    expect(form.schema.properties.file).toMatchObject({ type: 'string', format: 'binary' });
    expect(form.schema.required).toEqual(['file']);
    expect(Object.keys(post.responses)).toEqual(expect.arrayContaining(['201', '413', '415']));
    expect(post.responses['201'].content['application/json'].schema.properties).toHaveProperty('sha256');
    expect(doc.paths['/api/v1/customer-attachments/{id}'].get.responses['200']).toBeDefined();
    expect(doc.paths['/api/v1/customer-attachments/{id}'].delete.responses).toHaveProperty('409');
    expect(doc.paths['/api/v1/customer-attachments/{id}/content'].get.responses['200'].content['application/octet-stream']).toBeDefined();
    // Not readable by the caller: 404, on every route by id.
    for (const operation of [doc.paths['/api/v1/customer-attachments/{id}'].get, doc.paths['/api/v1/customer-attachments/{id}/content'].get, doc.paths['/api/v1/customer-attachments/{id}'].delete]) {
      expect(operation.responses['404'].description).toMatch(/none the caller may read/);
    }
  });
});

describe('the download Content-Disposition', () => {
  it('gives an ASCII fallback and the UTF-8 name percent-encoded per RFC 8187', () => {
    expect(attachmentDisposition('report.pdf')).toBe(`attachment; filename="report.pdf"; filename*=UTF-8''report.pdf`);
    expect(attachmentDisposition('合同 "final".pdf')).toBe(`attachment; filename="__ _final_.pdf"; filename*=UTF-8''%E5%90%88%E5%90%8C%20%22final%22.pdf`);
    expect(attachmentDisposition("it's (1)*.txt")).toBe(`attachment; filename="it's (1)*.txt"; filename*=UTF-8''it%27s%20%281%29%2A.txt`);
  });
});
