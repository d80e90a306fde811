import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customerInputSchema, customFieldSchema, customFieldTypes } from '@switchboard/core';
import { startTestServer, tenantWithUser } from '../test-support/test-server.js';

type Server = Awaited<ReturnType<typeof startTestServer>>;

describe('customers over HTTP', () => {
  let s: Server;
  let token: string;
  let agentToken: string;
  beforeAll(async () => {
    s = await startTestServer({ clock: 'virtual', seed: '7' });
    ({ token } = await tenantWithUser(s, 'acme', { tenant: { defaultCountry: 'FR' } }));
    ({ token: agentToken } = await tenantWithUser(s, 'acme', { username: '1001', password: 'agent-password-123', role: 'agent' }));
  });
  afterAll(() => s.close());

  it('packages, fields and customers: validated writes, search, allocation, masking and hidden fields for agents', async () => {
    const pkg = await s.call('POST', '/api/v1/customer-packages', { token, body: { displayName: 'Leads', key: 'LEADS', indexFields: ['company'] } });
    expect(pkg).toMatchObject({ status: 201, body: { key: 'LEADS', status: 'open', phoneUniqueness: 'package' } });
    const packageId = pkg.body.id as string;
    expect((await s.call('POST', '/api/v1/custom-fields', { token, body: { packageId, name: 'company', displayName: 'Company', type: 'input', required: true, globalSearch: true } })).status).toBe(201);
    expect((await s.call('POST', '/api/v1/custom-fields', { token, body: { packageId, name: 'margin', displayName: 'Margin', type: 'number', permissions: { agent: 'hidden' } } })).status).toBe(201);

    const bad = await s.call('POST', '/api/v1/customers', { token, body: { packageId, phones: ['not a number'], custom: { margin: 'high' } } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['custom.company', 'custom.margin', 'phones.0']);

    const ann = await s.call('POST', '/api/v1/customers', { token, body: { packageId, name: 'Ann', phones: ['06 12 34 56 78'], custom: { company: 'Acme', margin: 12 } } });
    expect(ann).toMatchObject({ status: 201, body: { phones: ['+33612345678'], custom: { company: 'Acme', margin: 12 } } });
    const dup = await s.call('POST', '/api/v1/customers', { token, body: { packageId, phones: ['+33612345678'], custom: { company: 'B' } } });
    expect(dup).toMatchObject({ status: 409, body: { code: 'CONFLICT' } });

    expect((await s.call('GET', `/api/v1/customers?packageId=${packageId}&q=acme`, { token })).body).toMatchObject({ total: 1, items: [{ name: 'Ann' }] });
    // The agent sees only customers allocated to them…
    expect((await s.call('GET', '/api/v1/customers', { token: agentToken })).body.total).toBe(0);
    expect((await s.call('GET', `/api/v1/customers/${ann.body.id}`, { token: agentToken })).status).toBe(404);
    expect((await s.call('POST', '/api/v1/customers/allocation', { token, body: { ids: [ann.body.id], to: { kind: 'agent', agentNumber: '1001' } } })).body).toEqual({ allocated: 1 });
    const seen = (await s.call('GET', '/api/v1/customers?mask=true', { token: agentToken })).body.items[0];
    // …masked when the task says so, and without the fields hidden from agents.
    expect(seen).toMatchObject({ name: 'Ann', phones: ['+336****5678'], agentNumber: '1001', custom: { company: 'Acme' } });
    expect(seen.custom.margin).toBeUndefined();
    // An agent may not write a field hidden from them.
    expect((await s.call('PATCH', `/api/v1/customers/${ann.body.id}`, { token: agentToken, body: { custom: { margin: 1 } } })).status).toBe(400);
    expect((await s.call('PATCH', `/api/v1/customers/${ann.body.id}`, { token: agentToken, body: { notes: 'called back' } })).body).toMatchObject({ notes: 'called back' });

    // Closing the package hides it from the list and refuses new customers.
    await s.call('PATCH', `/api/v1/customer-packages/${packageId}`, { token, body: { status: 'closed' } });
    expect((await s.call('GET', '/api/v1/customer-packages', { token })).body.items).toEqual([]);
    expect((await s.call('POST', '/api/v1/customers', { token, body: { packageId, custom: { company: 'C' } } })).status).toBe(409);
  });
  it('a closed package: its customers, fields, stages, contact records and successful customers are hidden from everyone, by list and by id, until it is reopened; an administrator may still export it on request', async () => {
    await tenantWithUser(s, 'acme', { username: 'sup', password: 'supervisor-password-1', role: 'supervisor' });
    const supervisorToken = await s.login('sup', 'supervisor-password-1', 'acme');
    const packageId = (await s.call('POST', '/api/v1/customer-packages', { token, body: { displayName: 'Archive', key: 'ARCHIVE' } })).body.id as string;
    const company = (await s.call('POST', '/api/v1/custom-fields', { token, body: { packageId, name: 'company', displayName: 'Company', type: 'input', globalSearch: true } })).body.id as string;
    const legacy = (await s.call('POST', '/api/v1/custom-fields', { token, body: { packageId, name: 'legacy', displayName: 'Legacy', type: 'input' } })).body.id as string;
    const won = (await s.call('POST', '/api/v1/funnel-stages', { token, body: { packageId, name: 'Won', score: 10 } })).body.id as string;
    const ann = (await s.call('POST', '/api/v1/customers', { token, body: { packageId, name: 'Archived Ann', phones: ['0677777777'], agentNumber: '1001', custom: { company: 'Archived Inc', legacy: 'old' } } })).body;
    const record = await s.call('POST', '/api/v1/contact-records', { token, body: { customerId: ann.id, funnelStageId: won } });
    expect(record.status).toBe(201);
    // A deleted field's value stays stored, but is no field of the customer any more.
    expect((await s.call('DELETE', `/api/v1/custom-fields/${legacy}`, { token })).status).toBe(204);
    expect((await s.call('GET', `/api/v1/customers/${ann.id}`, { token })).body.custom).toEqual({ company: 'Archived Inc' });

    const exported = async (query: string, as = token) => {
      const res = await fetch(`${s.url}/api/v1/customers/export?packageId=${packageId}&encoding=utf-8${query}`, { headers: { authorization: `Bearer ${as}` } });
      return res.status === 200 ? res.headers.get('x-total-rows') : res.status;
    };
    const visible = async () => ({
      get: (await s.call('GET', `/api/v1/customers/${ann.id}`, { token })).status,
      agentGet: (await s.call('GET', `/api/v1/customers/${ann.id}`, { token: agentToken })).status,
      patch: (await s.call('PATCH', `/api/v1/customers/${ann.id}`, { token, body: { notes: 'x' } })).status,
      list: (await s.call('GET', `/api/v1/customers?packageId=${packageId}`, { token })).body.total,
      search: (await s.call('GET', '/api/v1/customers?q=archived', { token })).body.total,
      fields: (await s.call('GET', `/api/v1/custom-fields?packageId=${packageId}`, { token })).body.items.length,
      stages: (await s.call('GET', `/api/v1/funnel-stages?packageId=${packageId}`, { token })).body.items.length,
      stage: (await s.call('GET', `/api/v1/funnel-stages/${won}`, { token })).status,
      records: (await s.call('GET', `/api/v1/contact-records?customerId=${ann.id}`, { token })).body.items.length,
      record: (await s.call('GET', `/api/v1/contact-records/${record.body.id}`, { token })).status,
      successful: (await s.call('GET', `/api/v1/successful-customers?packageId=${packageId}`, { token })).body.total,
      exported: await exported(''),
    });
    expect(await visible()).toEqual({ get: 200, agentGet: 200, patch: 200, list: 1, search: 1, fields: 1, stages: 1, stage: 200, records: 1, record: 200, successful: 1, exported: '1' });

    expect((await s.call('PATCH', `/api/v1/customer-packages/${packageId}`, { token, body: { status: 'closed' } })).status).toBe(200);
    expect(await visible()).toEqual({ get: 404, agentGet: 404, patch: 404, list: 0, search: 0, fields: 0, stages: 0, stage: 404, records: 0, record: 404, successful: 0, exported: '0' });
    // Every change by id is refused like a read: the package's data is not there (and stays as it was, below).
    for (const [method, path, body] of [
      ['PATCH', `/api/v1/custom-fields/${company}`, { displayName: 'Firm' }],
      ['DELETE', `/api/v1/custom-fields/${company}`, undefined],
      ['PATCH', `/api/v1/funnel-stages/${won}`, { score: 5 }],
      ['DELETE', `/api/v1/funnel-stages/${won}`, undefined],
      ['PUT', `/api/v1/customers/${ann.id}/highlight`, undefined],
      ['DELETE', `/api/v1/customers/${ann.id}`, undefined],
    ] as const) {
      expect({ method, path, ...(await s.call(method, path, { token, body })) }).toMatchObject({ method, path, status: 404, body: { code: 'NOT_FOUND' } });
    }
    // Only an administrator, asking for it, exports a closed package.
    expect(await exported('&includeClosed=true', supervisorToken)).toBe(403);
    expect(await exported('&includeClosed=true')).toBe('1');

    expect((await s.call('PATCH', `/api/v1/customer-packages/${packageId}`, { token, body: { status: 'open' } })).status).toBe(200);
    expect(await visible()).toEqual({ get: 200, agentGet: 200, patch: 200, list: 1, search: 1, fields: 1, stages: 1, stage: 200, records: 1, record: 200, successful: 1, exported: '1' });
    expect((await s.call('GET', `/api/v1/customers/${ann.id}`, { token })).body).toMatchObject({ name: 'Archived Ann', phones: ['+33677777777'], custom: { company: 'Archived Inc' }, funnelStage: won, noCall: false });
    expect((await s.call('GET', `/api/v1/custom-fields?packageId=${packageId}`, { token })).body.items).toMatchObject([{ id: company, displayName: 'Company' }]);
    expect((await s.call('GET', `/api/v1/funnel-stages/${won}`, { token })).body).toMatchObject({ score: 10 });
  });

  it('highlights a customer and removes the highlight; the screen refuses their numbers, independently of DNC entries (§3.3 3.3–3.4)', async () => {
    const screen = async (numbers: string[], customerPackageId: string | null = null) =>
      (await s.call('POST', '/api/v1/dnc/screen', { token, body: { customerPackageId, numbers } })).body as { mayCall: string[]; blocked: Array<{ number: string; by: string }> };
    const ann = (await s.call('POST', '/api/v1/customers', { token, body: { name: 'Highlighted Ann', phones: ['06 55 55 55 01', '06 55 55 55 02'] } })).body;
    expect(await screen(['+33655555501'])).toEqual({ mayCall: ['+33655555501'], blocked: [] });

    expect((await s.call('PUT', `/api/v1/customers/${ann.id}/highlight`, { token: agentToken })).status).toBe(403);
    const highlighted = await s.call('PUT', `/api/v1/customers/${ann.id}/highlight`, { token });
    expect(highlighted).toMatchObject({ status: 200, body: { id: ann.id, noCall: true } });
    expect((await s.call('PUT', `/api/v1/customers/${ann.id}/highlight`, { token })).body.noCall).toBe(true);
    expect((await s.call('GET', `/api/v1/customers/${ann.id}`, { token })).body.noCall).toBe(true);
    expect(await screen(['0655555501', '+33655555502'])).toEqual({
      mayCall: [],
      blocked: [
        { number: '0655555501', by: 'highlighted-customer' },
        { number: '+33655555502', by: 'highlighted-customer' },
      ],
    });
    // The highlight is no DNC entry; a DNC entry added and removed leaves it in force.
    expect((await s.call('GET', '/api/v1/dnc?search=655555501', { token })).body.items).toEqual([]);
    const entry = (await s.call('POST', '/api/v1/dnc', { token, body: { numbers: ['+33655555501'] } })).body.added[0];
    expect((await screen(['+33655555501'])).blocked).toEqual([{ number: '+33655555501', by: 'dnc' }]);
    expect((await s.call('DELETE', `/api/v1/dnc/${entry.id}`, { token })).status).toBe(204);
    expect((await screen(['+33655555501'])).blocked).toEqual([{ number: '+33655555501', by: 'highlighted-customer' }]);

    // Listed again, then the highlight removed: the DNC entry still refuses the number.
    await s.call('POST', '/api/v1/dnc', { token, body: { numbers: ['+33655555501'] } });
    const cleared = await s.call('DELETE', `/api/v1/customers/${ann.id}/highlight`, { token });
    expect(cleared).toMatchObject({ status: 200, body: { noCall: false } });
    expect(await screen(['+33655555501', '+33655555502'])).toEqual({ mayCall: ['+33655555502'], blocked: [{ number: '+33655555501', by: 'dnc' }] });

    // Edits through the API keep the flag and move the numbers it covers.
    await s.call('PUT', `/api/v1/customers/${ann.id}/highlight`, { token });
    expect((await s.call('PATCH', `/api/v1/customers/${ann.id}`, { token, body: { phones: ['0655555503'], noCall: false } })).body).toMatchObject({ phones: ['+33655555503'], noCall: true });
    expect((await screen(['+33655555502', '+33655555503'])).blocked).toEqual([{ number: '+33655555503', by: 'highlighted-customer' }]);
    // Another package's customer with the same number (numbers unique per package) is not affected.
    const other = (await s.call('POST', '/api/v1/customer-packages', { token, body: { displayName: 'Other', key: 'OTHER' } })).body;
    expect((await screen(['+33655555503'], other.id)).mayCall).toEqual(['+33655555503']);
    // Deleted: nothing left to refuse.
    expect((await s.call('DELETE', `/api/v1/customers/${ann.id}`, { token })).status).toBe(204);
    expect((await screen(['+33655555503'])).mayCall).toEqual(['+33655555503']);
    expect((await s.call('PUT', `/api/v1/customers/${ann.id}/highlight`, { token })).status).toBe(404);

    const doc = (await s.call('GET', '/api/v1/openapi.json')).body;
    expect(Object.keys(doc.paths['/api/v1/customers/{id}/highlight']).sort()).toEqual(['delete', 'put']);
  });

  it("documents every field a change of a custom field or of a customer takes, from the core's schemas, and checks a change against them", async () => {
    type Property = { type?: string; anyOf?: Array<{ type?: string }>; enum?: string[]; description?: string; additionalProperties?: unknown; propertyNames?: unknown };
    type Body = { type: string; properties: Record<string, Property>; required?: string[]; additionalProperties?: unknown };
    const doc = (await s.call('GET', '/api/v1/openapi.json')).body;
    const patchBody = (path: string) => doc.paths[path].patch.requestBody.content['application/json'].schema as Body;
    const nullable = (p: Property) => (p.anyOf ?? []).some((option) => option.type === 'null');

    // A custom field: what a create takes but its name and package (stored values are keyed by them), all optional, none defaulted.
    const field = patchBody('/api/v1/custom-fields/{id}');
    expect(field).toMatchObject({ type: 'object' });
    expect(field.required).toBeUndefined();
    expect(Object.keys(field.properties).sort()).toEqual(Object.keys(customFieldSchema.shape).filter((k) => k !== 'name' && k !== 'packageId').sort());
    for (const [name, property] of Object.entries(field.properties)) {
      expect({ name, description: typeof property.description, defaulted: 'default' in property }).toEqual({ name, description: 'string', defaulted: false });
    }
    expect(field.properties['type']).toMatchObject({ type: 'string', enum: [...customFieldTypes] });
    expect(field.properties['unique']).toMatchObject({ type: 'boolean' });
    expect(field.properties['permissions']).toMatchObject({ type: 'object', additionalProperties: { enum: ['edit', 'view', 'hidden'] } });

    // A customer: every standard field, its nullability, and the custom values as a record keyed by field name.
    const customer = patchBody('/api/v1/customers/{id}');
    expect(customer.required).toBeUndefined();
    expect(Object.keys(customer.properties).sort()).toEqual(Object.keys(customerInputSchema.shape).sort());
    for (const [name, property] of Object.entries(customer.properties)) {
      expect({ name, description: typeof property.description, defaulted: 'default' in property }).toEqual({ name, description: 'string', defaulted: false });
    }
    expect(Object.fromEntries(Object.entries(customer.properties).map(([name, p]) => [name, nullable(p)]))).toMatchObject({ name: false, phones: false, email: true, gender: true, age: true, notes: true, custom: false, tags: false, agentNumber: true });
    expect(customer.properties['phones']).toMatchObject({ type: 'array', maxItems: 10 });
    expect(customer.properties['custom']).toMatchObject({ type: 'object', propertyNames: { type: 'string' }, additionalProperties: {} });

    // The request is checked against what the document says, and a change leaves what it does not name as it was.
    const packageId = (await s.call('POST', '/api/v1/customer-packages', { token, body: { displayName: 'Documented', key: 'DOCUMENTED' } })).body.id as string;
    const created = (await s.call('POST', '/api/v1/custom-fields', { token, body: { packageId, name: 'region', displayName: 'Region', type: 'input', globalSearch: true, tag: 'B' } })).body;
    expect(await s.call('PATCH', `/api/v1/custom-fields/${created.id}`, { token, body: { required: 'yes', linkOpenMode: 'window' } })).toMatchObject({ status: 400, body: { errors: [{ path: 'body.required' }, { path: 'body.linkOpenMode' }] } });
    expect((await s.call('PATCH', `/api/v1/custom-fields/${created.id}`, { token, body: { displayName: 'Sales region', name: 'renamed' } })).body).toMatchObject({
      name: 'region',
      displayName: 'Sales region',
      globalSearch: true,
      tag: 'B',
    });
    const bob = (await s.call('POST', '/api/v1/customers', { token, body: { packageId, name: 'Bob', phones: ['0644444401'], email: 'bob@example.com', custom: { region: 'North' } } })).body;
    expect(await s.call('PATCH', `/api/v1/customers/${bob.id}`, { token, body: { age: -1, phones: 'one' } })).toMatchObject({ status: 400, body: { errors: [{ path: 'body.phones' }, { path: 'body.age' }] } });
    expect((await s.call('PATCH', `/api/v1/customers/${bob.id}`, { token, body: { email: null, custom: { region: 'South' } } })).body).toMatchObject({
      name: 'Bob',
      phones: ['+33644444401'],
      email: null,
      custom: { region: 'South' },
    });
  });
});
