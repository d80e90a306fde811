// The public API of @switchboard/adapters-asterisk: what is exported here by name.
export { hangupFromAri, ariHangupReasonCode, causeFromAsterisk, type AriHangupEvent, type AriHangupContext, type HangupInfo } from './hangup.js';
export { mediaRefToAri, planAriPlayback, type AriMediaOptions, type AriPlaybackStep } from './media.js';
export { originateParams, ariEndpoint, ariCallerId, type AriOriginateOptions, type AriOriginateParams } from './originate.js';
export { mediaErrorFromAri, ariFailure, type AriFailure } from './errors.js';
