import { z } from 'zod';
import { agentNumberSchema, groupNumberSchema } from '../../acd/model.js';
import { agentEventTypes, type AgentEvent, type AgentEventType } from '../../acd/records.js';
import { parseOrThrow } from '../../errors/zod.js';
import { TenantScopedRepository, type NewEntity } from '../repository.js';
import { RowCodec, type Row } from '../row-codec.js';
import { afterPosition, decodeCursor, encodeCursor, pageLimitSchema, withinTime } from './cursor.js';

export type NewAgentEvent = NewEntity<AgentEvent>;

export interface AgentEventQuery {
  agentNumber?: string;
  /** One event type or several. */
  event?: AgentEventType | readonly AgentEventType[];
  /** Epoch ms, inclusive. */
  from?: number;
  /** Epoch ms, exclusive. */
  to?: number;
  /** 1-1000, default 100. */
  limit?: number;
  /** The `nextCursor` of the previous page. */
  cursor?: string;
}

export interface AgentEventPage {
  /** Newest first. */
  items: AgentEvent[];
  /** Pass it back as `cursor` for the next (older) page; null: this was the last page. */
  nextCursor: string | null;
}

const eventSchema = z.object({
  at: z.number().int().nonnegative(),
  agentNumber: agentNumberSchema,
  groupNumber: groupNumberSchema.nullable(),
  event: z.enum(agentEventTypes),
  initiator: z.string().min(1).max(100),
  cause: z.string().nullable(),
});

const querySchema = z.object({
  agentNumber: z.string().optional(),
  event: z.union([z.enum(agentEventTypes), z.array(z.enum(agentEventTypes))]).optional(),
  from: z.number().int().optional(),
  to: z.number().int().optional(),
  limit: pageLimitSchema,
  cursor: z.string().optional(),
});

/** The agent event log (manual §3.14.2): appended by the ACD engine in batches, searched by agent, event and time. */
export class AgentEventRepository extends TenantScopedRepository<AgentEvent> {
  protected readonly table = 'agent_events';
  protected readonly entityName = 'Agent event';
  protected readonly codec = new RowCodec<AgentEvent>({
    id: 'text',
    tenantId: 'text',
    at: 'number',
    agentNumber: 'text',
    groupNumber: 'text',
    event: 'text',
    initiator: 'text',
    cause: 'text',
  });

  /** Appends events in batched statements, all or none; returns how many. */
  override async insertMany(tenantId: string, events: Iterable<NewAgentEvent> | AsyncIterable<NewAgentEvent>): Promise<number> {
    return super.insertMany(tenantId, validated(events));
  }

  async query(tenantId: string, options: AgentEventQuery = {}): Promise<AgentEventPage> {
    const { agentNumber, event, from, to, limit, cursor } = parseOrThrow(querySchema, options, 'agent event query');
    const rows = (await this.run(() => {
      const query = withinTime(this.scoped(tenantId), from, to);
      if (agentNumber !== undefined) query.where('agent_number', agentNumber);
      if (typeof event === 'string') query.where('event', event);
      else if (event !== undefined) query.whereIn('event', event);
      if (cursor !== undefined) afterPosition(query, 'id', decodeCursor(cursor, 'string'), 'desc');
      // One more than asked tells whether another page exists without counting.
      return query.orderBy([{ column: 'at', order: 'desc' }, { column: 'id', order: 'desc' }]).limit(limit + 1);
    })) as Row[];
    const items = rows.slice(0, limit).map((row) => this.codec.fromRow(row));
    const last = items.at(-1);
    return { items, nextCursor: rows.length > limit && last ? encodeCursor({ at: last.at, key: last.id }) : null };
  }
}

async function* validated(events: Iterable<NewAgentEvent> | AsyncIterable<NewAgentEvent>): AsyncIterable<NewAgentEvent> {
  let index = 0;
  for await (const event of events) {
    yield parseOrThrow(eventSchema, event, 'agent event', `events.${index}`);
    index += 1;
  }
}
