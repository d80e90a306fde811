// @switchboard/core/testing: what adapter authors and operators use to prove a MediaAdapter.
// Imports vitest: only load it from tests.
export { mediaConformanceSuite } from './conformance/suite.js';
export { simulatedTarget } from './conformance/simulated-target.js';
export { EventLog, PARTY_NAMES, type ConformanceSession, type ConformanceTarget, type PartyName, type TargetTraits } from './conformance/target.js';
