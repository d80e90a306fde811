import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import { NotFoundError } from '../../errors/errors.js';
import { TenantScopedRepository } from '../repository.js';
import { RowCodec, type Row } from '../row-codec.js';
import { escapeLike } from './agents.js';

/** A file uploaded for a customer's attachment field (manual §3.2.1 "Attachment"). Its bytes are stored apart. */
export interface CustomerAttachment {
  id: string;
  tenantId: string;
  /** The uploader's file name, made safe to show and to send back in a download. */
  fileName: string;
  /** Judged from the bytes, never taken from the client. */
  contentType: string;
  sizeBytes: number;
  /** SHA-256 of the bytes, hex. */
  sha256: string;
  createdAt: number;
  /** The uploader's username; null when stored on nobody's behalf. */
  createdBy: string | null;
}

export interface NewCustomerAttachment {
  fileName: string;
  contentType: string;
  createdBy: string | null;
}

/** A customer whose `custom` JSON mentions an attachment id: a candidate reference, to be confirmed against the package's fields. */
export interface MentioningCustomer {
  id: string;
  packageId: string | null;
  name: string;
  /** The agent the customer is allocated to: an agent reads only its own customers' attachments. */
  agentNumber: string | null;
  custom: Record<string, unknown>;
}

const CONTENTS = 'customer_attachment_contents';
/** Ids per `in (…)` list: far below both dialects' parameter limits. */
const LOOKUP = 500;

/**
 * Customers' attachments: the metadata in `customer_attachments`, the bytes in
 * `customer_attachment_contents`, written in one transaction and removed together
 * (cascade). `create` measures the content itself (size, SHA-256), so a stored row always
 * describes its bytes. Size limits, content types and reference checks are the caller's
 * (`CustomerAttachments` in crm/attachments.ts).
 */
export class CustomerAttachmentRepository extends TenantScopedRepository<CustomerAttachment> {
  protected readonly table = 'customer_attachments';
  protected readonly entityName = 'Attachment';
  protected readonly codec = new RowCodec<CustomerAttachment>({
    id: 'text',
    tenantId: 'text',
    fileName: 'text',
    contentType: 'text',
    sizeBytes: 'number',
    sha256: 'text',
    createdAt: 'number',
    createdBy: 'text',
  });

  /** Stores the metadata and the bytes in one transaction: both land, or neither. */
  async create(tenantId: string, input: NewCustomerAttachment, content: Uint8Array): Promise<CustomerAttachment> {
    const measured = { sizeBytes: content.byteLength, sha256: createHash('sha256').update(content).digest('hex') };
    return this.run(() =>
      this.ctx.db.transaction(async (trx) => {
        const repo = new CustomerAttachmentRepository({ ...this.ctx, db: trx });
        const attachment = await repo.insertOne(tenantId, { fileName: input.fileName, contentType: input.contentType, createdBy: input.createdBy, ...measured });
        await trx(CONTENTS).insert({ tenant_id: tenantId, attachment_id: attachment.id, content: Buffer.from(content.buffer, content.byteOffset, content.byteLength) });
        return attachment;
      }),
    );
  }

  get(tenantId: string, id: string): Promise<CustomerAttachment> {
    return this.getById(tenantId, id);
  }

  /**
   * The attachment, locked until the transaction this repository is bound to ends, so that
   * whether a customer holds it and its delete are one step: a customer write naming it
   * (`lockByIds`) waits for the delete, then finds it gone. PostgreSQL: FOR UPDATE. SQLite
   * needs no lock: the transaction holds the one connection, and the database once it writes.
   */
  async getForDelete(tenantId: string, id: string): Promise<CustomerAttachment> {
    const row = (await this.run(() => {
      const query = this.scoped(tenantId).where('id', id).first();
      return this.ctx.dialect === 'pg' ? query.forUpdate() : query;
    })) as Row | undefined;
    if (!row) throw new NotFoundError(this.entityName, id);
    return this.codec.fromRow(row);
  }

  /** The stored bytes; NotFoundError for an id of no attachment of the tenant. */
  async content(tenantId: string, id: string): Promise<Buffer> {
    const row = (await this.run(() => this.ctx.db(CONTENTS).where({ tenant_id: tenantId, attachment_id: id }).first('content'))) as { content: unknown } | undefined;
    if (row === undefined) throw new NotFoundError(this.entityName, id);
    const { content } = row;
    return Buffer.isBuffer(content) ? content : Buffer.from(content as Uint8Array);
  }

  /** The tenant's attachments among `ids` (any order; unknown ids and other tenants' are left out). */
  async listByIds(tenantId: string, ids: readonly string[]): Promise<CustomerAttachment[]> {
    const unique = [...new Set(ids)];
    const out: CustomerAttachment[] = [];
    for (let i = 0; i < unique.length; i += LOOKUP) {
      const chunk = unique.slice(i, i + LOOKUP);
      const rows = (await this.run(() => this.scoped(tenantId).whereIn('id', chunk))) as Row[];
      for (const row of rows) out.push(this.codec.fromRow(row));
    }
    return out;
  }

  /**
   * `listByIds` for a customer write, read in `trx` (default: the transaction this repository
   * is bound to): the attachments found are kept from being deleted until it ends, so that the
   * customer saved in it never holds an id deleted meanwhile. PostgreSQL: FOR SHARE, which a
   * delete's FOR UPDATE (`getForDelete`) waits for. SQLite needs no lock (see `getForDelete`).
   */
  async lockByIds(tenantId: string, ids: readonly string[], trx: Knex = this.ctx.db): Promise<CustomerAttachment[]> {
    const unique = [...new Set(ids)];
    const out: CustomerAttachment[] = [];
    for (let i = 0; i < unique.length; i += LOOKUP) {
      const chunk = unique.slice(i, i + LOOKUP);
      const rows = (await this.run(() => {
        const query = this.scoped(tenantId, trx).whereIn('id', chunk);
        return this.ctx.dialect === 'pg' ? query.forShare() : query;
      })) as Row[];
      for (const row of rows) out.push(this.codec.fromRow(row));
    }
    return out;
  }

  /** Removes the attachment and its bytes. Whether a customer still holds it is the caller's check. */
  async delete(tenantId: string, id: string): Promise<void> {
    await this.deleteOne(tenantId, id);
  }

  /**
   * The tenant's customers whose custom values mention `id` as a JSON string (`"id"`), by a
   * LIKE over the `custom` column: no index serves it, so it reads the tenant's customers.
   * It runs only when an attachment is deleted, which is rare; an index of references would
   * cost every customer write instead. The caller confirms that the mention is in an
   * attachment field of the customer's package. One page, by id, after `after`.
   * `agentNumber`: only the customers allocated to that agent, read through their index.
   */
  async customersMentioning(tenantId: string, id: string, page: { after?: string; limit?: number; agentNumber?: string } = {}): Promise<MentioningCustomer[]> {
    const pattern = `%${escapeLike(JSON.stringify(id))}%`;
    const rows = (await this.run(() => {
      const q = this.ctx.db('customers').where('tenant_id', tenantId).whereRaw("custom like ? escape '\\'", [pattern]);
      if (page.agentNumber !== undefined) q.where('agent_number', page.agentNumber);
      if (page.after !== undefined) q.where('id', '>', page.after);
      return q.select('id', 'package_key', 'name', 'agent_number', 'custom').orderBy('id').limit(page.limit ?? 100);
    })) as Array<{ id: string; package_key: string; name: string; agent_number: string | null; custom: string }>;
    return rows.map((row) => ({
      id: row.id,
      packageId: row.package_key === '' ? null : row.package_key,
      name: row.name,
      agentNumber: row.agent_number,
      custom: JSON.parse(row.custom) as Record<string, unknown>,
    }));
  }
}
