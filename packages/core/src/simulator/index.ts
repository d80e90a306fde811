export { SimulatedPbx, type SimulatedPbxOptions, type PlaceCallRequest } from './simulated-pbx.js';
export {
  partyScriptSchema,
  extensionBehaviourSchema,
  trunkSchema,
  dtmfStepSchema,
  type PartyScript,
  type ExtensionBehaviour,
  type ResolvedExtensionBehaviour,
  type Trunk,
} from './party-script.js';
export type { SimCallRecord, LegState } from './sim-leg.js';
export type { TraceEntry } from './trace.js';
export { playDurationMs, type MediaDurations } from './media-durations.js';
