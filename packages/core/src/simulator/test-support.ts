import { VirtualClock } from '../clock/virtual-clock.js';
import type { MediaEvent } from '../media/media-events.js';
import { SeededRandom } from '../random/random.js';
import { SimulatedPbx, type SimulatedPbxOptions } from './simulated-pbx.js';

/** A connected SimulatedPbx on a VirtualClock, recording every event it emits. */
export async function startSimulation(options: Partial<SimulatedPbxOptions> & { seed?: number } = {}) {
  const clock = new VirtualClock({ startAt: Date.UTC(2026, 0, 5, 9, 0, 0) });
  const pbx = new SimulatedPbx({ clock, random: new SeededRandom(options.seed ?? 1), ...options });
  await pbx.connect();
  const events: MediaEvent[] = [];
  pbx.events.on('event', (event) => events.push(event));
  /** The events of one call, as `type` strings (or with a detail picked out). */
  const typesOf = (callId: string) => events.filter((e) => e.callId === callId).map((e) => e.type);
  const last = <T extends MediaEvent['type']>(type: T, callId?: string) =>
    events.filter((e): e is Extract<MediaEvent, { type: T }> => e.type === type && (callId === undefined || e.callId === callId)).at(-1);
  return { clock, pbx, events, typesOf, last };
}

/**
 * A small contact center driven straight on the port, for tests and benchmarks:
 * callers arrive spread over a day, hear a greeting, and are connected to the
 * first free agent (five by default); both patience and talk time are random.
 */
export async function runSmallCenter(options: { seed: number; calls: number; agents?: number; channels?: number; traceCalls?: boolean }) {
  const { seed, calls } = options;
  const sim = await startSimulation({ seed, trunks: [{ name: 'sim', channels: options.channels ?? 200 }], trace: options.traceCalls ?? true });
  const { pbx, clock } = sim;
  const agents = Array.from({ length: options.agents ?? 5 }, (_, i) => String(1001 + i));
  for (const a of agents) pbx.setExtension(a, { answer: { kind: 'uniform', minMs: 500, maxMs: 3_000 } });
  const free = new Set(agents);
  const waiting: string[] = [];
  const agentOf = new Map<string, string>();

  const offer = async () => {
    while (waiting.length > 0 && free.size > 0) {
      const customer = waiting.shift()!;
      const agent = [...free][0]!;
      free.delete(agent);
      const leg = await pbx.originate({ to: { kind: 'extension', extension: agent }, variables: { customer } });
      agentOf.set(leg, agent);
    }
  };
  pbx.events.on('call.incoming', (e) => void pbx.answer(e.callId).then(() => pbx.play(e.callId, { media: [{ kind: 'file', name: 'welcome' }] })));
  pbx.events.on('playback.finished', (e) => {
    if (e.reason !== 'completed') return;
    waiting.push(e.callId);
    void offer();
  });
  pbx.events.on('call.answered', (e) => {
    const customer = pbx.call(e.callId)?.variables['customer'];
    if (customer && pbx.call(customer)?.state === 'answered') void pbx.bridge(customer, e.callId);
    else if (customer) void pbx.hangup(e.callId);
  });
  pbx.events.on('call.hangup', (e) => {
    const agent = agentOf.get(e.callId);
    if (agent) {
      agentOf.delete(e.callId);
      free.add(agent);
      void offer();
    }
    const call = pbx.call(e.callId);
    if (call?.direction === 'inbound' && call.bridgedTo === undefined) {
      const i = waiting.indexOf(e.callId);
      if (i >= 0) waiting.splice(i, 1);
    }
  });
  pbx.events.on('call.unbridged', (e) => {
    if (agentOf.has(e.callId)) void pbx.hangup(e.callId);
  });

  // Arrivals spread over the day; patience and talk time drawn per caller.
  for (let i = 0; i < calls; i++) {
    pbx.placeCall({
      from: { number: `+1555${String(i).padStart(7, '0')}` },
      to: '+18005550100',
      delayMs: Math.floor((i / calls) * 86_400_000),
      script: { patienceMs: { kind: 'exponential', meanMs: 120_000 }, talkMs: { kind: 'lognormal', meanMs: 60_000, sdMs: 40_000 } },
    });
  }
  await clock.runUntilIdle();
  return sim;
}

