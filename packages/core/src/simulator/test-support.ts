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
