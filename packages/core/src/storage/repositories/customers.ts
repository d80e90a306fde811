import type { Knex } from 'knex';
import type { CustomValue } from '../../crm/custom-values.js';
import { groupBy } from '../../collections/group-by.js';
import { ConflictError, NotFoundError } from '../../errors/errors.js';
import type { StorageDialect } from '../config.js';
import { TenantScopedRepository } from '../repository.js';
import { RowCodec, type Row } from '../row-codec.js';
import { bulkStatements } from '../bulk-statements.js';
import { escapeLike } from './agents.js';
import { withoutClosedPackages } from './customer-packages.js';
import type { GlobalSearchField } from './custom-fields.js';
import { customerValueSql, fieldOfUniqueIndex } from './package-indexes.js';
import { SUBMISSION_COLUMNS, submissionOf, successfulCustomersQuery, type SubmissionFilter, type SuccessfulSubmission } from './successful-customers.js';

export interface Customer {
  id: string;
  tenantId: string;
  /** null: the tenant's default package. */
  packageId: string | null;
  name: string;
  /** Normalised, no repeats; the first is the main number. */
  phones: string[];
  email: string | null;
  gender: 'male' | 'female' | 'other' | null;
  age: number | null;
  address: string | null;
  area: string | null;
  notes: string | null;
  custom: Record<string, CustomValue>;
  tags: string[];
  dataSourceId: string | null;
  taskId: string | null;
  agentNumber: string | null;
  allocatedAt: number | null;
  totalCalls: number;
  lastCallResult: string | null;
  funnelStage: string | null;
  /** The "highlight" no-call flag (§3.3 3.3): this customer must not be called, whatever the DNC lists say. */
  noCall: boolean;
  createdAt: number;
  updatedAt: number;
}

type CustomerRow = Omit<Customer, 'phones' | 'packageId'> & { packageKey: string };

export type NewCustomerValues = Omit<Customer, 'id' | 'tenantId' | 'createdAt' | 'updatedAt'>;

/** (tenant, package) as the numbers' unique index knows it: see `CustomerRepository.numberScope`. */
export interface NumberScope {
  id: number;
  tenantId: string;
  packageKey: string;
}

/** A number of a highlighted customer, as the compliance screen loads them. */
export interface HighlightedNumber {
  customerId: string;
  /** null: the tenant's default package. */
  packageId: string | null;
  number: string;
}

const CUSTOMER_COLUMNS = [
  'id', 'tenant_id', 'package_key', 'name', 'email', 'gender', 'age', 'address', 'area', 'notes', 'custom', 'tags', 'data_source_id',
  'task_id', 'agent_number', 'allocated_at', 'total_calls', 'last_call_result', 'funnel_stage', 'no_call', 'created_at', 'updated_at',
] as const;
export const PHONE_COLUMNS = ['tenant_id', 'package_key', 'scope', 'customer_id', 'number', 'position'] as const;

export interface CustomerSearch {
  packageId?: string | null;
  /** Global search: name, phone, e-mail, area, address, notes and the custom fields marked for it. */
  q?: string;
  /** The custom fields `q` searches, each in its own package's customers (`customFields.globalSearchFields`). */
  globalSearchFields?: readonly GlobalSearchField[];
  /** The customers of closed packages too, which every other read hides: only for an administrator's export. */
  includeClosed?: boolean;
  taskId?: string;
  agentNumber?: string;
  funnelStage?: string;
  callResult?: string;
  tag?: string;
  dataSourceId?: string;
  /** Only these customers. */
  ids?: readonly string[];
  /** Values of custom (or standard) fields that must match exactly: uses the package's indexes. */
  where?: Record<string, string | number>;
  limit?: number;
  offset?: number;
}

/** The successful customers page's filters: the customers' own, and their successful submission's. */
export type SuccessfulSearch = CustomerSearch & SubmissionFilter;

export interface SuccessfulCustomer extends Customer {
  submission: SuccessfulSubmission;
}

/** A customer of another package holding a number (see `numbersTakenElsewhere`). */
export interface NumberHolder {
  number: string;
  customerId: string;
  /** null: the default package. */
  packageId: string | null;
}

/**
 * Customers and their phone numbers (manual §3.3.3). The numbers have their own table
 * whose unique index is the package's "no repeated number" rule; a write that breaks it
 * is a ConflictError naming the number and the customer who has it. The customers of a
 * closed package are hidden from every read and change here — not found, as if they were
 * not there — until the package is reopened (§3.2.2); their rows stay as they are.
 */
export class CustomerRepository extends TenantScopedRepository<CustomerRow> {
  protected readonly table = 'customers';
  private readonly numberScopes = new Map<string, NumberScope>();
  protected readonly entityName = 'Customer';
  protected readonly codec = new RowCodec<CustomerRow>({
    id: 'text',
    tenantId: 'text',
    packageKey: 'text',
    name: 'text',
    email: 'text',
    gender: 'text',
    age: 'number',
    address: 'text',
    area: 'text',
    notes: 'text',
    custom: 'json',
    tags: 'json',
    dataSourceId: 'text',
    taskId: 'text',
    agentNumber: 'text',
    allocatedAt: 'number',
    totalCalls: 'number',
    lastCallResult: 'text',
    funnelStage: 'text',
    noCall: 'boolean',
    createdAt: 'number',
    updatedAt: 'number',
  });

  async insert(tenantId: string, values: NewCustomerValues): Promise<Customer> {
    const { phones, packageId, ...rest } = values;
    const now = this.ctx.clock.now();
    const row: CustomerRow = { ...rest, id: this.ctx.newId(), tenantId, packageKey: packageId ?? '', createdAt: now, updatedAt: now };
    const scope = await this.numberScope(tenantId, row.packageKey);
    await this.transaction(async (trx) => {
      await this.run(() => trx(this.table).insert(this.codec.toRow(row)), { conflict: uniqueValueConflict });
      await this.writePhones(trx, scope, row.id, phones);
    });
    return { ...rest, packageId, phones, id: row.id, tenantId, createdAt: now, updatedAt: now };
  }

  /**
   * Many customers of one tenant in one transaction, with the import's bulk statements
   * (prepared single-row inserts on SQLite, multi-row INSERTs on PostgreSQL): either all
   * land or none does. Values are stored as given — validate them as `CustomerService`
   * does — and a number another customer of the package has is a ConflictError.
   * `createdAt` (default now) dates customers brought from elsewhere. Returns the new ids, in order.
   */
  async insertBatch(tenantId: string, customers: ReadonlyArray<NewCustomerValues & { createdAt?: number }>): Promise<string[]> {
    const now = this.ctx.clock.now();
    const ids: string[] = [];
    const rows: Array<Array<string | number | boolean | null>> = [];
    const phones: Array<Array<string | number>> = [];
    const scopes = new Map<string, number>();
    for (const packageKey of new Set(customers.map((c) => c.packageId ?? ''))) scopes.set(packageKey, (await this.numberScope(tenantId, packageKey)).id);
    for (const c of customers) {
      const id = this.ctx.newId();
      const packageKey = c.packageId ?? '';
      const createdAt = c.createdAt ?? now;
      ids.push(id);
      rows.push([
        id, tenantId, packageKey, c.name, c.email, c.gender, c.age, c.address, c.area, c.notes, JSON.stringify(c.custom), JSON.stringify(c.tags), c.dataSourceId,
        c.taskId, c.agentNumber, c.allocatedAt, c.totalCalls, c.lastCallResult, c.funnelStage, c.noCall, createdAt, Math.max(createdAt, now),
      ]);
      c.phones.forEach((number, position) => phones.push([tenantId, packageKey, scopes.get(packageKey)!, id, number, position]));
    }
    if (rows.length === 0) return ids;
    // The bulk statements report a repeated number or unique value as a ConflictError naming the index.
    await this.run(() =>
      this.transaction(async (trx) => {
        const db = await bulkStatements(trx, this.ctx.dialect);
        await db.insert('customers', CUSTOMER_COLUMNS, rows);
        await db.insert('customer_phones', PHONE_COLUMNS, phones);
      }),
    );
    return ids;
  }

  async replace(tenantId: string, id: string, values: NewCustomerValues): Promise<Customer> {
    // The highlight flag has its own write (setNoCall): a change of the other fields never resets it.
    const { phones, packageId, noCall: _noCall, ...rest } = values;
    const now = this.ctx.clock.now();
    const scope = await this.numberScope(tenantId, packageId ?? '');
    await this.transaction(async (trx) => {
      const updated = await this.run(() => this.scoped(tenantId, trx).where('id', id).update(this.codec.toRow({ ...rest, packageKey: packageId ?? '', updatedAt: now })), {
        conflict: uniqueValueConflict,
      });
      if (updated === 0) await this.getById(tenantId, id);
      await trx('customer_phones').where('customer_id', id).delete();
      await this.writePhones(trx, scope, id, phones);
    });
    return this.get(tenantId, id);
  }

  /** Sets or clears the "highlight" no-call flag (§3.3 3.3–3.4); returns the customer now. */
  async setNoCall(tenantId: string, id: string, noCall: boolean): Promise<Customer> {
    const updated = await this.run(() => this.visible(tenantId).where('id', id).update({ no_call: noCall, updated_at: this.ctx.clock.now() }));
    if (updated === 0) throw new NotFoundError(this.entityName, id);
    return this.get(tenantId, id);
  }

  /**
   * The numbers of the tenant's highlighted customers, in keyset pages (customer, then
   * position): what the compliance screen loads. The partial index on highlighted customers
   * (migration 0014) makes it read only them, however many customers the tenant has.
   */
  async *streamHighlighted(tenantId: string, pageSize = 10_000): AsyncIterable<HighlightedNumber[]> {
    let after: [string, number] | undefined;
    for (;;) {
      const rows = (await this.run(() => {
        const query = this.ctx
          .db('customers as c')
          .join('customer_phones as p', 'p.customer_id', 'c.id')
          .where('c.tenant_id', tenantId)
          // Written as the partial index's predicate, so the planner can use it.
          .whereRaw('c.no_call')
          .select('c.id', 'c.package_key', 'p.number', 'p.position')
          .orderBy([{ column: 'c.id' }, { column: 'p.position' }])
          .limit(pageSize);
        if (after) query.whereRaw('(c.id > ? or (c.id = ? and p.position > ?))', [after[0], after[0], after[1]]);
        return query;
      })) as Array<{ id: string; package_key: string; number: string; position: number | string }>;
      if (rows.length === 0) return;
      yield rows.map((r) => ({ customerId: r.id, packageId: r.package_key === '' ? null : r.package_key, number: r.number }));
      if (rows.length < pageSize) return;
      const last = rows.at(-1)!;
      after = [last.id, Number(last.position)];
    }
  }

  /** A customer; one of a closed package is not found. */
  async get(tenantId: string, id: string): Promise<Customer> {
    const row = (await this.run(() => this.visible(tenantId).where('id', id).first())) as Row | undefined;
    if (!row) throw new NotFoundError(this.entityName, id);
    const [customer] = await this.withPhones([this.codec.fromRow(row)]);
    return customer!;
  }

  async delete(tenantId: string, id: string): Promise<void> {
    const deleted = await this.run(() => this.visible(tenantId).where('id', id).delete());
    if (deleted === 0) throw new NotFoundError(this.entityName, id);
  }

  /** The customers who have this number, in any package (or one package). */
  async findByPhone(tenantId: string, number: string, packageId?: string | null): Promise<Customer[]> {
    // From the number's index to its customers: as `customers … where id in (…)`, SQLite may walk the tenant's customers instead.
    const rows = (await this.run(() => {
      const query = this.ctx.db('customer_phones as p').join('customers as c', 'c.id', 'p.customer_id').where('p.tenant_id', tenantId).where('p.number', number).select('c.*');
      if (packageId !== undefined) query.where('p.package_key', packageId ?? '');
      return withoutClosedPackages(query, this.ctx.db, tenantId, 'p.package_key');
    })) as Row[];
    return this.withPhones(rows.map((row) => this.codec.fromRow(row)));
  }

  /** The customers having any of these numbers, each with the number it matched: one query for a batch of calls. */
  async findByPhones(tenantId: string, numbers: readonly string[]): Promise<Array<{ number: string; customerId: string; packageId: string | null; dataSourceId: string | null }>> {
    if (numbers.length === 0) return [];
    const rows = (await this.run(() =>
      withoutClosedPackages(
        this.ctx.db('customer_phones as p').join('customers as c', 'c.id', 'p.customer_id').where('p.tenant_id', tenantId).whereIn('p.number', [...numbers]),
        this.ctx.db,
        tenantId,
        'p.package_key',
      ).select('p.number', 'c.id', 'c.package_key', 'c.data_source_id'),
    )) as Array<{ number: string; id: string; package_key: string; data_source_id: string | null }>;
    return rows.map((r) => ({ number: r.number, customerId: r.id, packageId: r.package_key === '' ? null : r.package_key, dataSourceId: r.data_source_id }));
  }

  /**
   * Which of these numbers a customer of another package holds where the tenant's rule of
   * globally unique numbers forbids sharing them: any other package's customer when the
   * writing package's numbers are globally unique (`global`), else the customers of other
   * packages whose numbers are. Closed packages count: reopened, they must still hold.
   */
  async numbersTakenElsewhere(tenantId: string, packageId: string | null, global: boolean, numbers: readonly string[]): Promise<NumberHolder[]> {
    if (numbers.length === 0) return [];
    const rows = (await this.run(() => {
      const query = this.ctx.db('customer_phones as p').where('p.tenant_id', tenantId).whereNot('p.package_key', packageId ?? '').whereIn('p.number', [...numbers]);
      if (!global) query.whereIn('p.package_key', this.ctx.db('customer_packages').where({ tenant_id: tenantId, phone_uniqueness: 'global' }).select('id'));
      return query.select('p.number', 'p.customer_id', 'p.package_key');
    })) as Array<{ number: string; customer_id: string; package_key: string }>;
    return rows.map((r) => ({ number: r.number, customerId: r.customer_id, packageId: r.package_key === '' ? null : r.package_key }));
  }

  /**
   * The first of these values of unique fields that another customer of the package holds
   * (`exceptId`: the customer being changed). Written like the package's partial unique
   * indexes (tenant and package as literals), so where one exists the lookup is its probe.
   */
  async uniqueValueTaken(
    tenantId: string,
    packageId: string | null,
    values: ReadonlyArray<{ field: string; value: string | number; custom?: boolean }>,
    exceptId?: string,
  ): Promise<{ field: string; value: string | number; customerId: string } | undefined> {
    for (const { field, value, custom = false } of values) {
      const expression = customerValueSql(this.ctx.dialect, field, custom);
      const row = (await this.run(() => {
        const query = this.ctx.db('customers').whereRaw(`tenant_id = '${literalId(tenantId)}' and package_key = '${literalId(packageId ?? '')}' and ${expression} = ?`, [value]).first('id');
        if (exceptId !== undefined) query.whereNot('id', exceptId);
        return query;
      })) as { id: string } | undefined;
      if (row) return { field, value, customerId: row.id };
    }
    return undefined;
  }

  async search(tenantId: string, search: CustomerSearch, dialect = this.ctx.dialect): Promise<{ items: Customer[]; total: number }> {
    const build = () => this.filtered(tenantId, search, dialect);
    const [rows, count] = (await Promise.all([
      this.run(() => build().orderBy([{ column: 'created_at', order: 'desc' }, { column: 'id' }]).limit(search.limit ?? 100).offset(search.offset ?? 0)),
      this.run(() => build().count({ total: '*' }).first()),
    ])) as [Row[], { total: number | string } | undefined];
    return { items: await this.withPhones(rows.map((row) => this.codec.fromRow(row))), total: Number(count?.total ?? 0) };
  }

  /** How many customers an export of `search` covers: those created up to `until`. */
  async countFor(tenantId: string, search: CustomerSearch, until: number): Promise<number> {
    const row = (await this.run(() => this.filtered(tenantId, search, this.ctx.dialect).where('created_at', '<=', until).count({ total: '*' }).first())) as { total: number | string } | undefined;
    return Number(row?.total ?? 0);
  }

  /**
   * Every customer `search` finds that was created up to `until`, with their numbers, read
   * by keyset (id order) a page at a time: what an export streams, whatever its size.
   */
  async *stream(tenantId: string, search: CustomerSearch, until: number, pageSize = 1_000): AsyncIterable<Customer> {
    let after: string | undefined;
    for (;;) {
      const rows = (await this.run(() => {
        const query = this.filtered(tenantId, search, this.ctx.dialect).where('created_at', '<=', until).orderBy('id').limit(pageSize);
        if (after !== undefined) query.where('id', '>', after);
        return query;
      })) as Row[];
      if (rows.length === 0) return;
      yield* await this.withPhones(rows.map((row) => this.codec.fromRow(row)));
      if (rows.length < pageSize) return;
      after = String(rows.at(-1)!['id']);
    }
  }

  private filtered(tenantId: string, search: CustomerSearch, dialect: StorageDialect): Knex.QueryBuilder {
    const query = search.includeClosed ? this.scoped(tenantId) : this.visible(tenantId);
    if (search.packageId !== undefined) query.where('package_key', search.packageId ?? '');
    if (search.ids) query.whereIn('id', [...search.ids]);
    if (search.taskId) query.where('task_id', search.taskId);
    if (search.agentNumber) query.where('agent_number', search.agentNumber);
    if (search.funnelStage) query.where('funnel_stage', search.funnelStage);
    if (search.callResult) query.where('last_call_result', search.callResult);
    if (search.dataSourceId) query.where('data_source_id', search.dataSourceId);
    if (search.tag) query.whereRaw("tags like ? escape '\\'", [`%"${escapeLike(search.tag)}"%`]);
    for (const [field, value] of Object.entries(search.where ?? {})) query.whereRaw(`${customerValueSql(dialect, field)} = ?`, [value]);
    const q = search.q?.trim().toLowerCase();
    if (q) {
      const like = `%${escapeLike(q)}%`;
      const digits = q.replace(/[^0-9]/g, '');
      query.where((w) => {
        for (const column of ['name', 'email', 'area', 'address', 'notes']) w.orWhereRaw(`lower(${column}) like ? escape '\\'`, [like]);
        // Each field in the packages that mark it: a field of the same name elsewhere is not searched.
        for (const [name, fields] of groupBy(search.globalSearchFields ?? [], (f) => f.name)) {
          const packages = fields.map((f) => f.packageId ?? '');
          w.orWhere((one) => one.whereIn('package_key', packages).whereRaw(`lower(${customerValueSql(dialect, name)}) like ? escape '\\'`, [like]));
        }
        if (digits.length >= 3) w.orWhereIn('id', this.ctx.db('customer_phones').where('tenant_id', tenantId).where('number', 'like', `%${digits}%`).select('customer_id'));
      });
    }
    return query;
  }

  /** Allocation (§3.3.3): release to the pool, assign to a task, assign to an agent — all stamped with the time. */
  async allocate(tenantId: string, ids: readonly string[], to: { taskId: string | null; agentNumber: string | null }): Promise<number> {
    const now = this.ctx.clock.now();
    let changed = 0;
    for (let i = 0; i < ids.length; i += 500) {
      changed += (await this.run(() =>
        this.visible(tenantId)
          .whereIn('id', ids.slice(i, i + 500))
          .update({ task_id: to.taskId, agent_number: to.agentNumber, allocated_at: to.taskId === null && to.agentNumber === null ? null : now, updated_at: now }),
      )) as number;
    }
    return changed;
  }

  /** After a submission (§3.3.5): the customer shows its latest call result and funnel stage. */
  async recordSubmission(tenantId: string, id: string, latest: { callResultId: string | null; funnelStageId: string | null }): Promise<void> {
    const updated = await this.run(() => this.visible(tenantId).where('id', id).update({ last_call_result: latest.callResultId, funnel_stage: latest.funnelStageId, updated_at: this.ctx.clock.now() }));
    if (updated === 0) throw new NotFoundError(this.entityName, id);
  }

  /** One more call with each customer named, as often as named ("total number of calls"). */
  async countCalls(tenantId: string, ids: readonly string[]): Promise<void> {
    const times = new Map<string, number>();
    for (const id of ids) times.set(id, (times.get(id) ?? 0) + 1);
    for (const [n, entries] of groupBy(times, ([, count]) => count)) {
      const group = entries.map(([id]) => id);
      for (let i = 0; i < group.length; i += 500) await this.run(() => this.scoped(tenantId).whereIn('id', group.slice(i, i + 500)).increment('total_calls', n));
    }
  }

  /**
   * Successfully submitted customers (§3.3.2): those whose latest submission that chose a
   * funnel stage chose one scoring above 0, with that submission, latest first. `funnelStage`
   * and `callResult` are the submission's; `agentNumber` stays the allocation (an agent's own view).
   */
  async successful(tenantId: string, search: SuccessfulSearch): Promise<{ items: SuccessfulCustomer[]; total: number }> {
    const build = () => this.successfulQuery(tenantId, search);
    const [rows, count] = (await Promise.all([
      this.run(() => build().select(SUBMISSION_COLUMNS).orderBy([{ column: 'r.created_at', order: 'desc' }, { column: 'r.id', order: 'desc' }]).limit(search.limit ?? 100).offset(search.offset ?? 0)),
      this.run(() => build().count({ total: '*' }).first()),
    ])) as [Row[], { total: number | string } | undefined];
    return { items: await this.withSubmissions(rows), total: Number(count?.total ?? 0) };
  }

  /** How many successful customers an export of `search` covers, as of `until`. */
  async countSuccessful(tenantId: string, search: SuccessfulSearch, until: number): Promise<number> {
    const row = (await this.run(() => this.successfulQuery(tenantId, search, until).count({ total: '*' }).first())) as { total: number | string } | undefined;
    return Number(row?.total ?? 0);
  }

  /** Every successful customer of `search` as of `until`, by keyset (customer id order): an export's source. */
  async *streamSuccessful(tenantId: string, search: SuccessfulSearch, until: number, pageSize = 1_000): AsyncIterable<SuccessfulCustomer> {
    let after: string | undefined;
    for (;;) {
      const rows = (await this.run(() => {
        const query = this.successfulQuery(tenantId, search, until).select(SUBMISSION_COLUMNS).orderBy('c.id').limit(pageSize);
        if (after !== undefined) query.where('c.id', '>', after);
        return query;
      })) as Row[];
      if (rows.length === 0) return;
      yield* await this.withSubmissions(rows);
      if (rows.length < pageSize) return;
      after = String(rows.at(-1)!['id']);
    }
  }

  private successfulQuery(tenantId: string, search: SuccessfulSearch, asOf?: number): Knex.QueryBuilder {
    const { funnelStage, callResult, submittedBy, submittedFrom, submittedTo, qcResult, ...customers } = search;
    const filter = { funnelStage, callResult, submittedBy, submittedFrom, submittedTo, qcResult };
    return successfulCustomersQuery(this.ctx.db, tenantId, this.filtered(tenantId, customers, this.ctx.dialect), filter, asOf);
  }

  private async withSubmissions(rows: Row[]): Promise<SuccessfulCustomer[]> {
    const customers = await this.withPhones(rows.map((row) => this.codec.fromRow(row)));
    return customers.map((customer, i) => ({ ...customer, submission: submissionOf(rows[i]!) }));
  }

  /** Whether the package has any customer (`''`: the tenant's default package); by the (tenant, package) index. */
  async anyInPackage(tenantId: string, packageKey: string): Promise<boolean> {
    const row = await this.run(() => this.ctx.db('customers').where({ tenant_id: tenantId, package_key: packageKey }).first('id'));
    return row !== undefined;
  }

  /**
   * The small integer standing for (tenant, package) in the numbers' unique index (migration
   * 0015). Created on first use by this repository's own statement before the caller's
   * write begins; a repository bound to a transaction creates it in that transaction, and
   * its cache goes with it. The pair never changes its scope (scopes are never deleted), so
   * every process may keep what it has read.
   */
  async numberScope(tenantId: string, packageKey: string): Promise<NumberScope> {
    const key = `${tenantId}\u0000${packageKey}`;
    const known = this.numberScopes.get(key);
    if (known !== undefined) return known;
    const find = () => this.ctx.db('customer_number_scopes').where({ tenant_id: tenantId, package_key: packageKey }).first('id') as Promise<{ id: number | string } | undefined>;
    let row = await this.run(find);
    if (!row) {
      await this.run(() => this.ctx.db('customer_number_scopes').insert({ tenant_id: tenantId, package_key: packageKey }).onConflict(['tenant_id', 'package_key']).ignore());
      row = await this.run(find);
    }
    const scope = { id: Number(row!.id), tenantId, packageKey };
    this.numberScopes.set(key, scope);
    return scope;
  }

  private async writePhones(trx: Knex, scope: NumberScope, customerId: string, phones: readonly string[]): Promise<void> {
    if (phones.length === 0) return;
    // Looked up first: after a failed statement PostgreSQL refuses every other one in the transaction.
    const taken = (await trx('customer_phones').where('scope', scope.id).whereIn('number', [...phones]).whereNot('customer_id', customerId).first()) as
      | { number: string; customer_id: string }
      | undefined;
    const conflict = (cause?: unknown) =>
      new ConflictError(`The number ${taken?.number ?? phones.join(', ')} already belongs to another customer of this package`, {
        ...(cause === undefined ? {} : { cause }),
        details: { field: 'phones', number: taken?.number, customerId: taken?.customer_id },
      });
    if (taken) throw conflict();
    // A writer racing this one still meets the unique index.
    await this.run(() => trx('customer_phones').insert(phones.map((number, position) => ({ tenant_id: scope.tenantId, package_key: scope.packageKey, scope: scope.id, customer_id: customerId, number, position }))), {
      conflict,
    });
  }

  /** The tenant's customers, without those of closed packages. */
  private visible(tenantId: string, db: Knex = this.ctx.db): Knex.QueryBuilder {
    return withoutClosedPackages(this.scoped(tenantId, db), this.ctx.db, tenantId, 'package_key');
  }

  private async withPhones(rows: CustomerRow[]): Promise<Customer[]> {
    if (rows.length === 0) return [];
    const phones = (await this.run(() => this.ctx.db('customer_phones').whereIn('customer_id', rows.map((r) => r.id)).orderBy([{ column: 'customer_id' }, { column: 'position' }]).select('customer_id', 'number'))) as Array<{
      customer_id: string;
      number: string;
    }>;
    const byCustomer = groupBy(phones, (p) => p.customer_id);
    return rows.map(({ packageKey, ...row }) => ({ ...row, packageId: packageKey === '' ? null : packageKey, phones: (byCustomer.get(row.id) ?? []).map((p) => p.number) }));
  }

  private transaction<T>(fn: (trx: Knex) => Promise<T>): Promise<T> {
    return this.ctx.db.transaction(fn);
  }
}

/** A package's unique index refused a write (a writer raced the checks before it): the error names the field when the index does. */
export function uniqueValueConflict(cause: unknown): ConflictError {
  const field = fieldOfUniqueIndex(cause);
  return new ConflictError(`Another customer of this package has the same value of ${field === undefined ? 'a unique field' : `the unique field ${field}`}`, {
    cause,
    details: { field: field === undefined ? 'custom' : field },
  });
}

/** Ids written into SQL as literals are letters, digits and `-` (UUIDs; '' for the default package). */
function literalId(id: string): string {
  if (!/^[A-Za-z0-9-]*$/.test(id)) throw new Error('unexpected id format');
  return id;
}
