import { isUtf8 } from 'node:buffer';
import { ConflictError, ValidationError, type FieldIssue } from '../errors/errors.js';
import type { JobError } from '../jobs/model.js';
import type { CustomerAttachment } from '../storage/repositories/customer-attachments.js';
import type { StorageRepositories } from '../storage/storage.js';
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

/** Referrers named in a refusal to delete: enough to find them, not the whole list. */
const REFERRERS_SHOWN = 10;
/** Candidate customers read per page by the reference check. */
const MENTION_PAGE = 200;

/**
 * Customers' attachments (manual §3.2.1 custom field type "attachment", "Select an
 * attachment to upload"): a file is uploaded first and gets an id; a customer's attachment
 * field then holds ids. Uploads are limited in size, typed by their bytes (never by the
 * client's word), their names made safe. Every customer write path checks that the ids it
 * stores exist (`attachmentIssues`, `rejectUnknownAttachmentRows`), and an attachment a
 * customer still holds cannot be deleted.
 */
export class CustomerAttachments {
  readonly maxBytes: number;

  constructor(
    private readonly storage: StorageRepositories,
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

  get(tenantId: string, id: string): Promise<CustomerAttachment> {
    return this.storage.customerAttachments.get(tenantId, id);
  }

  async content(tenantId: string, id: string): Promise<{ attachment: CustomerAttachment; bytes: Buffer }> {
    const attachment = await this.storage.customerAttachments.get(tenantId, id);
    return { attachment, bytes: await this.storage.customerAttachments.content(tenantId, id) };
  }

  /** The ids among `ids` that are no attachment of the tenant, in the order given. */
  async missing(tenantId: string, ids: readonly string[]): Promise<string[]> {
    return missingIds(this.storage, tenantId, ids);
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
   * The customers whose attachment fields hold the attachment. Which customers mention the
   * id is found by a LIKE over their custom values' JSON (see `customersMentioning`): it
   * reads the tenant's customers, but runs only when an attachment is deleted, which is
   * rare, whereas a table of references would cost every customer write and import row.
   * Each mention is then confirmed against the attachment fields of the customer's package,
   * so the same text in another field is no reference.
   */
  async usage(tenantId: string, id: string, limit = Number.POSITIVE_INFINITY): Promise<AttachmentReferrer[]> {
    const fieldsByPackage = new Map<string, string[]>();
    const out: AttachmentReferrer[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await this.storage.customerAttachments.customersMentioning(tenantId, id, { ...(after === undefined ? {} : { after }), limit: MENTION_PAGE });
      for (const customer of page) {
        const key = customer.packageId ?? '';
        let names = fieldsByPackage.get(key);
        if (names === undefined) {
          names = (await this.storage.customFields.list(tenantId, customer.packageId, { includeClosed: true })).filter((f) => f.type === 'attachment').map((f) => f.name);
          fieldsByPackage.set(key, names);
        }
        for (const field of names) {
          if (idsOf(customer.custom[field]).includes(id)) out.push({ customerId: customer.id, customerName: customer.name, field });
        }
        if (out.length >= limit) return out;
      }
      if (page.length < MENTION_PAGE) return out;
      after = page.at(-1)!.id;
    }
  }

  /** Deletes the attachment and its bytes; ConflictError naming the customers while an attachment field holds it. */
  async delete(tenantId: string, id: string): Promise<void> {
    const attachment = await this.storage.customerAttachments.get(tenantId, id);
    const referrers = await this.usage(tenantId, id, REFERRERS_SHOWN);
    if (referrers.length > 0) {
      const list = referrers.map((r) => `customer "${r.customerName}" (${r.customerId}, field ${r.field})`).join('; ');
      throw new ConflictError(`Cannot delete attachment "${attachment.fileName}": still held by ${list}${referrers.length >= REFERRERS_SHOWN ? ' …' : ''}`, { details: { referrers } });
    }
    await this.storage.customerAttachments.delete(tenantId, id);
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
 * for all the values; none when the values hold no attachment field.
 */
export async function attachmentIssues(
  storage: StorageRepositories,
  tenantId: string,
  fields: readonly CustomFieldConfig[],
  values: Readonly<Record<string, CustomValue>>,
  prefix = 'custom',
): Promise<FieldIssue[]> {
  const held = fields.filter((f) => f.type === 'attachment' && values[f.name] !== undefined).map((f) => ({ field: f.name, ids: idsOf(values[f.name]) }));
  if (held.length === 0) return [];
  const missing = new Set(await missingIds(storage, tenantId, held.flatMap((h) => h.ids)));
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
 * rows go on. One query per batch; none when the package has no attachment field.
 */
export async function rejectUnknownAttachmentRows(
  storage: StorageRepositories,
  tenantId: string,
  fields: readonly CustomFieldConfig[],
  rows: Array<{ line: number; cells: string[]; values: { custom: Readonly<Record<string, CustomValue>> } }>,
  errors: JobError[],
): Promise<void> {
  const names = fields.filter((f) => f.type === 'attachment').map((f) => f.name);
  if (names.length === 0 || rows.length === 0) return;
  const ids = rows.flatMap((row) => names.flatMap((name) => idsOf(row.values.custom[name])));
  if (ids.length === 0) return;
  const missing = new Set(await missingIds(storage, tenantId, ids));
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

async function missingIds(storage: StorageRepositories, tenantId: string, ids: readonly string[]): Promise<string[]> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return [];
  const found = new Set((await storage.customerAttachments.listByIds(tenantId, unique)).map((a) => a.id));
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
