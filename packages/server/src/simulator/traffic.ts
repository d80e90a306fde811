import { IllegalStateError, type Switchboard } from '@switchboard/core';
import { TrafficGenerator } from './traffic-generator.js';

const generators = new WeakMap<Switchboard, TrafficGenerator>();

/** The traffic generator of a Switchboard whose media is the simulated PBX (one per Switchboard: the demo seed and the API share it). */
export function trafficGeneratorOf(switchboard: Switchboard): TrafficGenerator {
  const sim = switchboard.simulator;
  if (!sim) throw new IllegalStateError('The simulator is not running: this server uses a real media server (--media)');
  let generator = generators.get(switchboard);
  if (!generator) {
    generator = new TrafficGenerator({
      clock: switchboard.clock,
      random: switchboard.random.fork('traffic'),
      placeCall: (request) => sim.placeCall(request),
      enqueue: (tenantId, request) => switchboard.acd.enqueue(tenantId, request),
      hangup: (callId) => sim.hangupParty(callId),
      logger: switchboard.logger.child({ component: 'traffic' }),
    });
    generators.set(switchboard, generator);
  }
  return generator;
}

/** Stops all simulated traffic of this Switchboard, if any ran (on shutdown). */
export function stopTraffic(switchboard: Switchboard): void {
  generators.get(switchboard)?.stopAll();
}
