import { acdHarness, type AcdHarness, type HarnessOptions } from '../../acd/test-support/acd-harness.js';
import type { PartyScript } from '../../simulator/party-script.js';
import type { CallDetailRecord } from '../cdr.js';
import { RoutingStore, type RoutingObjectKind } from '../routing-store.js';

export interface RoutingHarness extends AcdHarness {
  store: RoutingStore;
  /** Every CDR written, in order. */
  cdrs: CallDetailRecord[];
  /** Saves a routing object and returns its id. */
  add(kind: RoutingObjectKind, input: Record<string, unknown>): Promise<string>;
  /** A caller dials a number from outside (a DID); routing takes it from there. */
  dial(number: string, options?: { from?: string; script?: PartyScript }): string;
  cdrOf(callId: string): CallDetailRecord;
  /** Dialled numbers of every leg the PBX placed to extensions or outside numbers, in order. */
  rung(): string[];
}

/** The ACD harness (tenant, agents, groups on the simulator) plus the routing store and the CDRs. */
export async function routingHarness(options: Partial<HarnessOptions> = {}): Promise<RoutingHarness> {
  const base = await acdHarness({ agents: [], groups: [], ...options });
  const store = new RoutingStore(base.sb.storage, base.sb.routing);
  const cdrs: CallDetailRecord[] = [];
  base.sb.routing.events.on('cdr', (cdr) => cdrs.push(cdr));
  let callers = 0;
  return {
    ...base,
    store,
    cdrs,
    async add(kind, input) {
      return (await store.create(kind, base.tenantId, input)).id;
    },
    dial(number, dialOptions = {}) {
      const from = dialOptions.from ?? `+1555100${String(++callers).padStart(4, '0')}`;
      return base.sb.simulator!.placeCall({ from: { number: from }, to: number, script: dialOptions.script ?? { talkMs: 60_000 } });
    },
    cdrOf(callId) {
      const cdr = cdrs.find((c) => c.callId === callId);
      if (!cdr) throw new Error(`no CDR for ${callId} (have ${cdrs.map((c) => c.callId).join(', ') || 'none'})`);
      return cdr;
    },
    rung() {
      return base.sb
        .simulator!.calls()
        .filter((call) => call.direction === 'outbound')
        .map((call) => (call.to.kind === 'extension' ? call.to.extension : call.to.number));
    },
  };
}
