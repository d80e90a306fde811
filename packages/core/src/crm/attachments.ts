import { isUtf8 } from 'node:buffer';
import type { Knex } from 'knex';
import { ConflictError, NotFoundError, ValidationError, type FieldIssue } from '../errors/errors.js';
import type { JobError } from '../jobs/model.js';
import type { CustomerAttachment } from '../storage/repositories/customer-attachments.js';
import type { Storage, StorageRepositories } from '../storage/storage.js';
import type { CustomValue } from './custom-values.js';
import type { CustomFieldConfig } from './model.js';

/** 10 MiB: a scanned contract or a few photos; the limit of one upload. */
export const DEFAULT_ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024;

export interface CustomerAttachmentsOptions {
  /** Largest file accepted, in bytes. Default DEFAULT_ATTACHMENT_MAX_BYTES. */
  maxBytes?: number;
}

/** A customer whose attachment field holds an attachment. */
export interface AttachmentReferrer {
  customerId: string;
  customerName: string;
  /** The custom field's name. */
  field: string;
}

/**
 * Who reads an attachment: it is read under the rules of reading the customers that hold it
 * (`CustomerAttachments.mayRead`).
 */
export interface AttachmentReader {
  /** The reader's role: an attachment field hidden from it (the field's permissions) opens nothing to it. */
  role: string;
  /** The reader's username: the uploader of an attachment that no customer holds yet may read it. */
  username: string;
  /**
   * An agent's data scope: the customers allocated to this agent number are the only ones it
   * reads (as on the customers page). Absent: every customer of the tenant (supervisors, administrators).
   */
  agentNumber?: string;
}

/** A customer holding an attachment, with what decides who may read it through that customer. */
interface AttachmentHolder extends AttachmentReferrer {
  agentNumber: string | null;
  /** False while the customer's package is closed: its data is hidden everywhere. */
  packageOpen: boolean;
  /** The field's permissions per role. */
  permissions: Readonly<Record<string, string>>;
}

/** Referrers named in a refusal to delete: enough to find them, not the whole list. */
const REFERRERS_SHOWN = 10;
/** Candidate customers read per page by the reference check. */
const MENTION_PAGE = 200;

/**
 * Customers' attachments (manual §3.2.1 custom field type "attachment", "Select an
 * attachment to upload"): a file is uploaded first and gets an id; a customer's attachment
 * field then holds ids. Uploads are limited in size, typed by their bytes (never by the
 * client's word), their names made safe. Every customer write path checks that the ids it
 * stores exist, in the transaction that stores them (`lockedAttachmentIssues`,
 * `rejectUnknownAttachmentRows`), and an attachment a customer still holds cannot be
 * deleted. An attachment is read under the rules of reading the customers that hold it (`mayRead`).
 */
export class CustomerAttachments {
  readonly maxBytes: number;

  constructor(
    private readonly storage: Storage,
    options: CustomerAttachmentsOptions = {},
  ) {
    const maxBytes = options.maxBytes ?? DEFAULT_ATTACHMENT_MAX_BYTES;
    if (!Number.isSafeInteger(maxBytes) || maxBytes < 1) throw new ValidationError(`maxBytes must be a positive whole number of bytes, not ${maxBytes}`, [{ path: 'maxBytes', message: 'a positive integer' }]);
    this.maxBytes = maxBytes;
  }

  /** Stores an upload: ValidationError when it is empty or over the limit (`details.reason` 'too-large'). */
  async upload(tenantId: string, input: { fileName: string; createdBy?: string | null }, content: Uint8Array): Promise<CustomerAttachment> {
    if (content.byteLength > this.maxBytes) throw attachmentTooLarge(content.byteLength, this.maxBytes);
    if (content.byteLength === 0) throw new ValidationError('The attachment is empty', [{ path: 'file', message: 'the file has no bytes' }]);
    return this.storage.customerAttachments.create(tenantId, { fileName: sanitizeFileName(input.fileName), contentType: contentTypeOf(content), createdBy: input.createdBy ?? null }, content);
  }

  /** The attachment; with a `reader`, NotFoundError unless the reader may read it (`mayRead`), as for an id that does not exist. */
  async get(tenantId: string, id: string, reader?: AttachmentReader): Promise<CustomerAttachment> {
    const attachment = await this.storage.customerAttachments.get(tenantId, id);
    if (reader !== undefined && !(await this.mayRead(tenantId, attachment, reader))) throw new NotFoundError('Attachment', id);
    return attachment;
  }

  /** The attachment and its bytes; `reader` as for `get`. */
  async content(tenantId: string, id: string, reader?: AttachmentReader): Promise<{ attachment: CustomerAttachment; bytes: Buffer }> {
    const attachment = await this.get(tenantId, id, reader);
    return { attachment, bytes: await this.storage.customerAttachments.content(tenantId, id) };
  }

  /**
   * Whether `reader` may read the attachment: as it may read a customer that holds it — one
   * of an open package (a closed package hides its data everywhere), in the reader's scope
   * (an agent: the customers allocated to it), through an attachment field not hidden from
   * the reader's role. An attachment no customer holds yet — uploaded, its customer not saved
   * yet — is read by its uploader, and by those who read every customer (supervisors and
   * administrators, who may also delete it). An agent that did not upload the attachment
   * can only reach it through its own customers, so only those are read (through the agents'
   * index); anyone else costs a scan of the tenant's customers, as a delete does (`usage`).
   */
  async mayRead(tenantId: string, attachment: CustomerAttachment, reader: AttachmentReader): Promise<boolean> {
    const uploader = attachment.createdBy !== null && attachment.createdBy === reader.username;
    const everyCustomer = reader.agentNumber === undefined;
    const onlyOwn = !uploader && !everyCustomer ? { agentNumber: reader.agentNumber } : {};
    let held = false;
    for await (const holder of holdersOf(this.storage, tenantId, attachment.id, onlyOwn)) {
      held = true;
      const inScope = everyCustomer || holder.agentNumber === reader.agentNumber;
      if (holder.packageOpen && inScope && holder.permissions[reader.role] !== 'hidden') return true;
    }
    return !held && (uploader || everyCustomer);
  }

  /** The ids among `ids` that are no attachment of the tenant, in the order given. */
  async missing(tenantId: string, ids: readonly string[]): Promise<string[]> {
    return missingIds((unique) => this.storage.customerAttachments.listByIds(tenantId, unique), ids);
  }

  /** ValidationError naming every id that is no attachment of the tenant. */
  async assertExist(tenantId: string, ids: readonly string[]): Promise<void> {
    const missing = await this.missing(tenantId, ids);
    if (missing.length === 0) return;
    throw new ValidationError(
      `No such attachment: ${missing.join(', ')}`,
      missing.map((id) => ({ path: 'attachments', message: `no attachment ${id}` })),
      { details: { missing } },
    );
  }

  /**
   * The customers whose attachment fields hold the attachment, closed packages' included.
   * Which customers mention the id is found by a LIKE over their custom values' JSON (see
   * `customersMentioning`): it reads the tenant's customers, but runs only when an attachment
   * is deleted (or read by someone who is not an agent reading its own customers: `mayRead`),
   * whereas a table of references would cost every customer write and import row. Each
   * mention is then confirmed against the attachment fields of the customer's package, so the
   * same text in another field is no reference.
   */
  usage(tenantId: string, id: string, limit = Number.POSITIVE_INFINITY): Promise<AttachmentReferrer[]> {
    return referrersOf(this.storage, tenantId, id, limit);
  }

  /**
   * Deletes the attachment and its bytes; ConflictError naming the customers while an
   * attachment field holds it. The check and the delete are one transaction that locks the
   * attachment first (`getForDelete`), and a customer write checks its attachments locked in
   * its own (`lockByIds`): whichever comes second sees what the first did, so no customer is
   * left holding an id deleted meanwhile.
   */
  async delete(tenantId: string, id: string): Promise<void> {
    await this.storage.transaction(async (tx) => {
      const attachment = await tx.customerAttachments.getForDelete(tenantId, id);
      const referrers = await referrersOf(tx, tenantId, id, REFERRERS_SHOWN);
      if (referrers.length > 0) {
        const list = referrers.map((r) => `customer "${r.customerName}" (${r.customerId}, field ${r.field})`).join('; ');
        throw new ConflictError(`Cannot delete attachment "${attachment.fileName}": still held by ${list}${referrers.length >= REFERRERS_SHOWN ? ' …' : ''}`, { details: { referrers } });
      }
      await tx.customerAttachments.delete(tenantId, id);
    });
  }
}

/** Up to `limit` customers holding the attachment, as `usage` names them. */
async function referrersOf(storage: StorageRepositories, tenantId: string, id: string, limit: number): Promise<AttachmentReferrer[]> {
  const out: AttachmentReferrer[] = [];
  if (limit <= 0) return out;
  for await (const { customerId, customerName, field } of holdersOf(storage, tenantId, id)) {
    out.push({ customerId, customerName, field });
    if (out.length >= limit) break;
  }
  return out;
}

/**
 * Every customer holding the attachment in an attachment field of its package, closed
 * packages' included, a page of mentions at a time (`customersMentioning`, confirmed against
 * the package's attachment fields). `scope.agentNumber`: only that agent's customers.
 */
async function* holdersOf(storage: StorageRepositories, tenantId: string, id: string, scope: { agentNumber?: string } = {}): AsyncIterable<AttachmentHolder> {
  const packages = new Map<string, { open: boolean; fields: Array<{ name: string; permissions: Readonly<Record<string, string>> }> }>();
  let closed: Set<string> | undefined;
  let after: string | undefined;
  for (;;) {
    const page = await storage.customerAttachments.customersMentioning(tenantId, id, { ...(after === undefined ? {} : { after }), ...scope, limit: MENTION_PAGE });
    for (const customer of page) {
      const key = customer.packageId ?? '';
      let pkg = packages.get(key);
      if (pkg === undefined) {
        closed ??= new Set((await storage.customerPackages.list(tenantId, { includeClosed: true })).filter((p) => p.status === 'closed').map((p) => p.id));
        const fields = (await storage.customFields.list(tenantId, customer.packageId, { includeClosed: true })).filter((f) => f.type === 'attachment');
        pkg = { open: !closed.has(key), fields: fields.map((f) => ({ name: f.name, permissions: f.permissions })) };
        packages.set(key, pkg);
      }
      for (const field of pkg.fields) {
        if (!idsOf(customer.custom[field.name]).includes(id)) continue;
        yield { customerId: customer.id, customerName: customer.name, field: field.name, agentNumber: customer.agentNumber, packageOpen: pkg.open, permissions: field.permissions };
      }
    }
    if (page.length < MENTION_PAGE) return;
    after = page.at(-1)!.id;
  }
}

/** The one refusal the server answers with 413 rather than 400: `details.reason` says which. */
export function attachmentTooLarge(sizeBytes: number, maxBytes: number): ValidationError {
  const reason = `the file has ${sizeBytes} bytes, more than the limit of ${maxBytes}`;
  return new ValidationError(`Attachment too large: ${reason}`, [{ path: 'file', message: reason }], { details: { reason: 'too-large', maxBytes } });
}

/**
 * What a customer write's attachment fields name that does not exist: one issue per field
 * (`custom.contract: no such attachment: …`), for the customer's ValidationError. One query
 * for all the values; none when the values hold no attachment field. A check ahead of the
 * write, reported with its other issues; `lockedAttachmentIssues` is the same check inside
 * the transaction that saves the customer.
 */
export async function attachmentIssues(
  storage: StorageRepositories,
  tenantId: string,
  fields: readonly CustomFieldConfig[],
  values: Readonly<Record<string, CustomValue>>,
  prefix = 'custom',
): Promise<FieldIssue[]> {
  return issuesOf(fields, values, prefix, (ids) => storage.customerAttachments.listByIds(tenantId, ids));
}

/**
 * `attachmentIssues` read in the transaction `tx` that saves the customer (`Storage.transaction`),
 * the attachments found locked against a delete until it ends (`lockByIds`): a delete that
 * came first is seen, one that comes later finds the customer holding them.
 */
export function lockedAttachmentIssues(tx: StorageRepositories, tenantId: string, fields: readonly CustomFieldConfig[], values: Readonly<Record<string, CustomValue>>, prefix = 'custom'): Promise<FieldIssue[]> {
  return issuesOf(fields, values, prefix, (ids) => tx.customerAttachments.lockByIds(tenantId, ids));
}

/** Whether the values hold an attachment id: a write that does needs its attachments checked where it is saved. */
export function holdsAttachments(fields: readonly CustomFieldConfig[], values: Readonly<Record<string, CustomValue>>): boolean {
  return fields.some((f) => f.type === 'attachment' && idsOf(values[f.name]).length > 0);
}

type AttachmentLookup = (ids: string[]) => Promise<ReadonlyArray<{ id: string }>>;

async function issuesOf(fields: readonly CustomFieldConfig[], values: Readonly<Record<string, CustomValue>>, prefix: string, lookup: AttachmentLookup): Promise<FieldIssue[]> {
  const held = fields.filter((f) => f.type === 'attachment' && values[f.name] !== undefined).map((f) => ({ field: f.name, ids: idsOf(values[f.name]) }));
  if (held.length === 0) return [];
  const missing = new Set(await missingIds(lookup, held.flatMap((h) => h.ids)));
  const issues: FieldIssue[] = [];
  for (const { field, ids } of held) {
    const unknown = ids.filter((id) => missing.has(id));
    if (unknown.length > 0) issues.push({ path: `${prefix}.${field}`, message: `no such attachment: ${unknown.join(', ')} (upload the file first)` });
  }
  return issues;
}

/**
 * An import's rows whose attachment fields name ids that are no attachment of the tenant:
 * a CSV cell cannot carry the file, only the id of one uploaded before. Such rows are taken
 * out of `rows` (in place) and reported in `errors` with their line and reason; the other
 * rows go on. One query per batch; none when the package has no attachment field. Read in
 * `trx`, the transaction that writes the rows: the attachments found are locked against a
 * delete until it ends (`lockByIds`).
 */
export async function rejectUnknownAttachmentRows(
  storage: StorageRepositories,
  trx: Knex,
  tenantId: string,
  fields: readonly CustomFieldConfig[],
  rows: Array<{ line: number; cells: string[]; values: { custom: Readonly<Record<string, CustomValue>> } }>,
  errors: JobError[],
): Promise<void> {
  const names = fields.filter((f) => f.type === 'attachment').map((f) => f.name);
  if (names.length === 0 || rows.length === 0) return;
  const ids = rows.flatMap((row) => names.flatMap((name) => idsOf(row.values.custom[name])));
  if (ids.length === 0) return;
  const missing = new Set(await missingIds((chunk) => storage.customerAttachments.lockByIds(tenantId, chunk, trx), ids));
  if (missing.size === 0) return;
  let kept = 0;
  for (const row of rows) {
    const reasons = names.flatMap((name) => {
      const unknown = idsOf(row.values.custom[name]).filter((id) => missing.has(id));
      return unknown.length === 0 ? [] : [`custom.${name}: no such attachment: ${unknown.join(', ')} (an import cannot carry files: upload them first and give their ids)`];
    });
    if (reasons.length > 0) errors.push({ line: row.line, reason: reasons.join('; '), cells: row.cells });
    else rows[kept++] = row;
  }
  rows.length = kept;
}

async function missingIds(lookup: AttachmentLookup, ids: readonly string[]): Promise<string[]> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return [];
  const found = new Set((await lookup(unique)).map((a) => a.id));
  return unique.filter((id) => !found.has(id));
}

/** The ids an attachment field's value holds (validated values are arrays; a single id is accepted too). */
function idsOf(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

const startsWith = (bytes: Uint8Array, signature: readonly number[], offset = 0): boolean => bytes.length >= offset + signature.length && signature.every((b, i) => bytes[offset + i] === b);
const ascii = (text: string): number[] => [...text].map((c) => c.charCodeAt(0));

/**
 * The content type judged from the bytes, never from the client's name or header: PDF, PNG,
 * JPEG, GIF, WebP by their signatures; UTF-8 text without control characters as plain text
 * (so an uploaded HTML or SVG page is served as text, never rendered); anything else
 * `application/octet-stream`.
 */
export function contentTypeOf(bytes: Uint8Array): string {
  if (startsWith(bytes, ascii('%PDF-'))) return 'application/pdf';
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (startsWith(bytes, ascii('GIF87a')) || startsWith(bytes, ascii('GIF89a'))) return 'image/gif';
  if (startsWith(bytes, ascii('RIFF')) && startsWith(bytes, ascii('WEBP'), 8)) return 'image/webp';
  return isPlainText(bytes) ? 'text/plain; charset=utf-8' : 'application/octet-stream';
}

function isPlainText(bytes: Uint8Array): boolean {
  if (bytes.length === 0) return false;
  for (const byte of bytes) {
    // C0 controls other than tab, line feed, form feed and carriage return, and DEL: binary.
    if ((byte < 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0c && byte !== 0x0d) || byte === 0x7f) return false;
  }
  return isUtf8(bytes);
}

const MAX_NAME = 200;
const MAX_EXTENSION = 16;

/**
 * The client's file name made safe to store, show and send back: the last path segment
 * only; control, bidirectional-override and zero-width characters removed (they disguise
 * names: "invoice\u202Efdp.exe"); characters that file systems refuse replaced by `_`;
 * white space collapsed; leading dots and trailing dots and spaces dropped; at most 200
 * characters, the extension kept. Nothing left: `attachment`.
 */
export function sanitizeFileName(name: string): string {
  const base = name.normalize('NFC').replace(/^.*[\\/]/, '');
  const clean = [...base]
    .filter((c) => !hidden(c.codePointAt(0)!))
    .join('')
    .replace(/[<>:"|?*]/g, '_')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^\.+/, '')
    .replace(/[. ]+$/, '');
  const chars = [...clean];
  if (chars.length === 0) return 'attachment';
  if (chars.length <= MAX_NAME) return clean;
  const dot = chars.lastIndexOf('.');
  const extension = dot > 0 && chars.length - dot <= MAX_EXTENSION + 1 ? chars.slice(dot) : [];
  return [...chars.slice(0, MAX_NAME - extension.length), ...extension].join('').trim();
}

/** Control characters (C0, DEL, C1), zero-width and bidirectional-formatting characters, the BOM, lone surrogates. */
function hidden(codePoint: number): boolean {
  return (
    codePoint < 0x20 ||
    (codePoint >= 0x7f && codePoint <= 0x9f) ||
    (codePoint >= 0x200b && codePoint <= 0x200f) ||
    (codePoint >= 0x2028 && codePoint <= 0x202e) ||
    (codePoint >= 0x2060 && codePoint <= 0x2069) ||
    codePoint === 0xfeff ||
    (codePoint >= 0xd800 && codePoint <= 0xdfff)
  );
}
