// The public API of @switchboard/adapters-asterisk: what is exported here by name.
export { AsteriskAdapter } from './adapter/asterisk-adapter.js';
export type { AsteriskAdapterOptions } from './adapter/options.js';
export { AriClient, AriChannels, AriBridges, AriPlaybacks, AriRecordings, type AriClientOptions, type AriQuery, type AriRequest } from './ari/client.js';
export { AriEventSocket, type AriEventSocketHandlers } from './ari/event-socket.js';
export { parseAriMessage, ARI_EVENT_TYPES, type AriEvent, type AriEventOf, type AriEventType, type AriUnknownEvent, type ParsedAriMessage } from './ari/events.js';
export type { AriBridge, AriCallerId, AriChannel, AriChannelState, AriLiveRecording, AriOriginateQuery, AriPlayback, AriRecordQuery, AriSnoopDirection } from './ari/resources.js';
export { hangupFromAri, ariHangupReasonCode, causeFromAsterisk, type AriHangupEvent, type AriHangupContext, type HangupInfo } from './hangup.js';
export { mediaRefToAri, planAriPlayback, type AriMediaOptions, type AriPlaybackStep } from './media.js';
export { originateParams, ariEndpoint, ariCallerId, isDialTemplate, type AriOriginateOptions, type AriOriginateParams } from './originate.js';
export { mediaErrorFromAri, ariFailure, type AriFailure } from './errors.js';
// Test support that needs no test runner: the protocol-faithful fake ARI server, the recording proxy and the
// conformance targets (run core's mediaConformanceSuite from '@switchboard/core/testing' against them).
export { FakeAsterisk, type FakeAsteriskOptions } from './test-support/fake-asterisk.js';
export { AriProxy, type AriProxyOptions } from './test-support/ari-proxy.js';
export {
  asteriskTargets,
  fakeAsteriskTarget,
  realAsteriskTarget,
  partyEndpoint,
  ASTERISK_ENV,
  ASTERISK_USER_ENV,
  ASTERISK_PASSWORD_ENV,
  RECORD_ENV,
  type AsteriskSession,
  type AsteriskTarget,
  type AsteriskTargetOptions,
} from './test-support/asterisk-target.js';
export { TRACE_FORMAT, readTraces, writeTrace, type AriTrace, type TraceEntry } from './test-support/trace-format.js';
