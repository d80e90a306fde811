import { z } from 'zod';
import { crmSettingsSchema, dictionarySchema, labelSchema, patchOf, readDictionaryCsv, ValidationError, type LabelRepository } from '@switchboard/core';
import { reply, type Api } from '../http/api.js';
import { problemSchema } from '../http/problem.js';
import { readUpload } from '../http/upload.js';
import type { AppContext } from '../context.js';
import { DEFAULT_IMPORT_MAX_BYTES } from './customer-imports.js';
import { idParams, managerDeleteRoute } from './crm-params.js';
import { requireManager, tenantOf } from './tenant-scope.js';

const tags = ['Customers'];
const stamps = { id: z.string(), createdAt: z.number().int(), updatedAt: z.number().int() };
const labelOut = z.object({ ...stamps, name: z.string(), color: z.string(), description: z.string() });
const dictionaryOut = dictionarySchema.extend(stamps).extend({ entries: z.number().int().optional() });
const entryOut = z.object({ key: z.string(), data: z.record(z.string(), z.string()) });
const listQuery = z.object({ search: z.string().max(100).optional() });

/**
 * Customer tags (§3.3.6), data sources (§3.3.7), dictionaries with their CSV import
 * (§3.3.9) and the tenant's data settings (§3.15.1 "3 Data": export encoding, rows per
 * exported file). Everyone signed in reads them; tenant administrators change them.
 */
export function crmCatalogRoutes(api: Api, ctx: AppContext): void {
  const { storage } = ctx.switchboard;

  const labels = (path: string, what: string, repository: LabelRepository) => {
    api.route({
      method: 'get',
      path,
      summary: `${what}s by name (search by name)`,
      tags,
      access: 'authenticated',
      query: listQuery,
      responses: { 200: { description: 'All of them', schema: z.object({ items: z.array(labelOut) }) } },
      handler: async ({ principal, req, query }) => ({
        items: (await repository.list(await tenantOf(storage, principal, req), query.search ? { search: query.search } : {})).map(({ tenantId: _t, ...label }) => label),
      }),
    });
    api.route({
      method: 'post',
      path,
      summary: `Add a ${what.toLowerCase()}`,
      tags,
      access: 'authenticated',
      body: labelSchema,
      responses: { 201: { description: 'Created', schema: labelOut } },
      handler: async ({ principal, req }) => {
        requireManager(principal);
        const { tenantId: _t, ...label } = await repository.create(await tenantOf(storage, principal, req), req.body);
        return reply(201, label);
      },
    });
    api.route({
      method: 'patch',
      path: `${path}/{id}`,
      summary: `Change a ${what.toLowerCase()}`,
      tags,
      access: 'authenticated',
      params: idParams,
      body: patchOf(labelSchema),
      responses: { 200: { description: 'Now', schema: labelOut } },
      handler: async ({ principal, req, params }) => {
        requireManager(principal);
        const { tenantId: _t, ...label } = await repository.update(await tenantOf(storage, principal, req), params.id, req.body);
        return label;
      },
    });
    managerDeleteRoute(api, storage, { path, summary: `Delete a ${what.toLowerCase()}; customers that had it lose it`, tags, remove: (tenantId, id) => repository.delete(tenantId, id) });
  };
  labels('/customer-tags', 'Customer tag', storage.customerTags);
  labels('/data-sources', 'Data source', storage.dataSources);

  api.route({
    method: 'get',
    path: '/dictionaries',
    summary: 'Dictionaries with the number of keys each matches',
    tags,
    access: 'authenticated',
    query: listQuery,
    responses: { 200: { description: 'All of them', schema: z.object({ items: z.array(dictionaryOut) }) } },
    handler: async ({ principal, req, query }) => ({
      items: (await storage.dictionaries.list(await tenantOf(storage, principal, req), query.search ? { search: query.search } : {})).map(({ tenantId: _t, ...d }) => d),
    }),
  });

  api.route({
    method: 'post',
    path: '/dictionaries',
    summary: 'Add a dictionary (fill it with POST /dictionaries/{id}/import)',
    tags,
    access: 'authenticated',
    body: dictionarySchema,
    responses: { 201: { description: 'Created', schema: dictionaryOut } },
    handler: async ({ principal, req }) => {
      requireManager(principal);
      const { tenantId: _t, ...dictionary } = await storage.dictionaries.create(await tenantOf(storage, principal, req), req.body);
      return reply(201, dictionary);
    },
  });

  api.route({
    method: 'patch',
    path: '/dictionaries/{id}',
    summary: 'Rename a dictionary or change its match key',
    tags,
    access: 'authenticated',
    params: idParams,
    body: patchOf(dictionarySchema),
    responses: { 200: { description: 'Now', schema: dictionaryOut } },
    handler: async ({ principal, req, params }) => {
      requireManager(principal);
      const { tenantId: _t, ...dictionary } = await storage.dictionaries.update(await tenantOf(storage, principal, req), params.id, req.body);
      return dictionary;
    },
  });

  managerDeleteRoute(api, storage, { path: '/dictionaries', summary: 'Delete a dictionary and its entries', tags, remove: (tenantId, id) => storage.dictionaries.delete(tenantId, id) });

  api.route({
    method: 'get',
    path: '/dictionaries/{id}/entries',
    summary: "A page of a dictionary's entries, by key",
    tags,
    access: 'authenticated',
    params: idParams,
    query: z.object({ search: z.string().max(100).optional(), limit: z.coerce.number().int().min(1).max(1000).default(100), offset: z.coerce.number().int().min(0).default(0) }),
    responses: { 200: { description: 'One page', schema: z.object({ items: z.array(entryOut) }) } },
    handler: async ({ principal, req, params, query }) => ({
      items: await storage.dictionaries.entries(await tenantOf(storage, principal, req), params.id, Object.fromEntries(Object.entries(query).filter(([, v]) => v !== undefined))),
    }),
  });

  api.route({
    method: 'post',
    path: '/dictionaries/{id}/import',
    summary: 'Import dictionary entries from a CSV file (§3.3.9 "Import dictionary")',
    description:
      'multipart/form-data: the CSV in `file` (first row: the column names) and, optionally, `matchKey`: the column whose values are the keys (default: the first). ' +
      'A key already in the dictionary gets the new values merged over its old ones.',
    tags,
    access: 'authenticated',
    params: idParams,
    upload: { contentType: 'multipart/form-data', schema: z.object({ file: z.string().meta({ format: 'binary' }), matchKey: z.string().max(100).optional() }) },
    responses: {
      200: { description: 'What was imported', schema: z.object({ imported: z.number().int(), matchKey: z.string(), skipped: z.array(z.object({ line: z.number().int(), reason: z.string() })) }) },
      413: { description: 'The file is larger than the limit', schema: problemSchema, contentType: 'application/problem+json' },
    },
    handler: async ({ principal, req, res, params }) => {
      requireManager(principal);
      const tenantId = await tenantOf(storage, principal, req);
      await storage.dictionaries.get(tenantId, params.id);
      const upload = await readUpload(req, res, { fileField: 'file', maxFileBytes: ctx.importMaxBytes ?? DEFAULT_IMPORT_MAX_BYTES });
      const matchKey = upload.fields['matchKey']?.trim();
      const file = await readDictionaryCsv(
        (async function* () {
          yield upload.file.bytes;
        })(),
        matchKey ? { matchKey } : {},
      );
      if (file.entries.length === 0 && file.skipped.length === 0) throw new ValidationError('The dictionary file has no rows', [{ path: 'body.file', message: 'no rows' }]);
      const imported = await storage.dictionaries.putEntries(tenantId, params.id, file.entries, file.matchKey);
      return { imported, matchKey: file.matchKey, skipped: file.skipped.slice(0, 100) };
    },
  });

  api.route({
    method: 'get',
    path: '/data-settings',
    summary: 'The data settings (§3.15.1 "3 Data"): export file encoding and maximum rows per exported file',
    tags,
    access: 'authenticated',
    responses: { 200: { description: 'The settings', schema: crmSettingsSchema } },
    handler: async ({ principal, req }) => storage.crmSettings.get(await tenantOf(storage, principal, req)),
  });

  api.route({
    method: 'put',
    path: '/data-settings',
    summary: 'Change the data settings (fields left out keep their value)',
    tags,
    access: 'authenticated',
    body: patchOf(crmSettingsSchema),
    responses: { 200: { description: 'The settings now', schema: crmSettingsSchema } },
    handler: async ({ principal, req }) => {
      requireManager(principal);
      return storage.crmSettings.put(await tenantOf(storage, principal, req), req.body);
    },
  });
}
