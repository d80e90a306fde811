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
