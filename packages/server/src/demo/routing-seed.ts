import { RoutingStore, type Switchboard } from '@switchboard/core';

/** The demo tenant's number: call it on the simulator (`POST /api/v1/simulator/calls`) to walk the demo routing. */
export const DEMO_DID = '+12125550100';

/**
 * The demo's inbound routing: the DID goes to a business-hours condition; in hours an IVR
 * ("press 1 for sales, 2 for support, 0 for the front desk") sends callers to the two
 * demo queues or a ring group; out of hours a voice broadcast says the office is closed.
 * Idempotent: what exists (by name) is kept.
 */
export async function seedDemoRouting(switchboard: Switchboard, tenantId: string): Promise<void> {
  const store = new RoutingStore(switchboard.storage, switchboard.routing);
  const ensure = async (kind: Parameters<RoutingStore['create']>[0], name: string, input: Record<string, unknown>): Promise<string> => {
    const existing = (await store.list(kind, tenantId)).find((item) => (item as { name?: string }).name === name);
    return existing ? existing.id : (await store.create(kind, tenantId, { name, ...input })).id;
  };
  const frontDesk = await ensure('ring-groups', 'Front desk', { extension: '800', members: ['1001', '1006'], strategy: 'all', ringTimeoutSec: 20, timeoutDestination: { kind: 'agent-group', groupNumber: '600' } });
  const menu = await ensure('ivr-menus', 'Main menu', {
    extension: '700',
    prompts: [{ media: { kind: 'tts', text: 'Thank you for calling. For sales press 1, for support press 2, for the front desk press 0.' }, pauseAfterMs: 1_000 }],
    repeats: 2,
    keys: [
      { input: '1', destination: { kind: 'agent-group', groupNumber: '600' } },
      { input: '2', destination: { kind: 'agent-group', groupNumber: '601' } },
      { input: '0', destination: { kind: 'ring-group', ringGroupId: frontDesk } },
    ],
    timeoutDestination: { kind: 'agent-group', groupNumber: '600' },
  });
  const closed = await ensure('voice-broadcasts', 'Closed', { media: [{ kind: 'tts', text: 'Our office is closed. Please call again between 9 am and 6 pm, Monday to Friday.' }] });
  const hours = await ensure('time-conditions', 'Business hours', {
    rules: [{ kind: 'weekly', days: [1, 2, 3, 4, 5], from: '09:00', to: '18:00' }],
    matchDestination: { kind: 'ivr', ivrId: menu },
    noMatchDestination: { kind: 'voice-broadcast', broadcastId: closed },
  });
  await ensure('dids', 'Main line', { numbers: [DEMO_DID], destination: { kind: 'condition', conditionId: hours } });
}
