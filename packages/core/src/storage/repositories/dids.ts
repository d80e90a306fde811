import type { Knex } from 'knex';
import { didSchema, type DidConfig } from '../../routing/model.js';
import { ConflictError } from '../../errors/errors.js';
import type { RepositoryContext } from '../repository.js';
import type { Row } from '../row-codec.js';
import { RoutingObjectRepository, type RoutingObjectRecord } from './routing-objects.js';

/** How a DID number is keyed: digits only, so `+3314…` and `3314…` are one number. */
export const didKey = (number: string): string => number.replace(/[^0-9]/g, '');

/**
 * DIDs (manual §3.5.1). Their numbers also live one per row in `did_numbers`, whose
 * primary key is the number: an incoming call finds its DID and tenant with one indexed
 * read, and no number can belong to two DIDs (or two tenants).
 */
export class DidRepository extends RoutingObjectRepository<typeof didSchema> {
  constructor(ctx: RepositoryContext) {
    super(ctx, 'dids', 'DID', didSchema);
  }

  override async create(tenantId: string, input: unknown): Promise<RoutingObjectRecord<DidConfig>> {
    const config = this.parse(input);
    return this.withNumbers(config, (trx) => super.create(tenantId, config, trx), tenantId);
  }

  override async replace(tenantId: string, id: string, input: unknown): Promise<RoutingObjectRecord<DidConfig>> {
    const config = this.parse(input);
    return this.withNumbers(config, (trx) => super.replace(tenantId, id, config, trx), tenantId);
  }

  /** The DID a dialled number belongs to, in whichever tenant has it. */
  async findByNumber(number: string): Promise<RoutingObjectRecord<DidConfig> | undefined> {
    const row = (await this.run(() =>
      this.ctx.db('did_numbers').join('dids', 'dids.id', 'did_numbers.did_id').where('did_numbers.number', didKey(number)).select('dids.*').first(),
    )) as Row | undefined;
    return row === undefined ? undefined : this.codec.fromRow(row);
  }

  /** Every DID number with its tenant: the index routing keeps in memory so a call needs no query to find its DID. */
  async numberIndex(): Promise<Map<string, string>> {
    const rows = (await this.run(() => this.ctx.db('did_numbers').select('number', 'tenant_id'))) as Array<{ number: string; tenant_id: string }>;
    return new Map(rows.map((r) => [r.number, r.tenant_id]));
  }

  private withNumbers(config: DidConfig, save: (trx: Knex) => Promise<RoutingObjectRecord<DidConfig>>, tenantId: string): Promise<RoutingObjectRecord<DidConfig>> {
    const keys = [...new Set(config.numbers.map(didKey))];
    return this.run(
      () =>
        this.ctx.db.transaction(async (trx) => {
          const saved = await save(trx);
          await trx('did_numbers').where('did_id', saved.id).delete();
          const taken = (await trx('did_numbers').whereIn('number', keys).select('number')) as Array<{ number: string }>;
          if (taken.length > 0) {
            throw new ConflictError(`DID number ${taken.map((t) => t.number).join(', ')} already belongs to another DID`, {
              details: { field: 'numbers', numbers: taken.map((t) => t.number) },
            });
          }
          await trx('did_numbers').insert(keys.map((number) => ({ number, tenant_id: tenantId, did_id: saved.id })));
          return saved;
        }),
      {},
    );
  }
}
