// The public API of @switchboard/adapters-freeswitch: what is exported here by name.
export { FreeSwitchAdapter, SUBSCRIBED_EVENTS } from './freeswitch-adapter.js';
export { resolveOptions as resolveFreeSwitchAdapterOptions, type FreeSwitchAdapterOptions } from './options.js';
export { hangupFromFreeSwitch, isFreeSwitchCauseName, type HangupInfo } from './hangup.js';
export { mediaRefToFreeSwitch, freeSwitchPlaylist, quoteFreeSwitchArg, normaliseTtsText, type FreeSwitchMediaOptions } from './media.js';
export { NAMED_TONES, parseToneList, toneToFreeSwitch, type ToneElement } from './tones.js';
export { originateDialString, originateArguments, freeSwitchDialString, escapeOriginateValue, type FreeSwitchOriginateOptions } from './originate.js';
export { parseFreeSwitchReply, type FreeSwitchReply } from './reply.js';
// The Event Socket wire format (the adapter's client, the fake server and trace tooling share it).
export {
  EslFrameReader,
  EslCommandReader,
  serializeFrame,
  serializeCommand,
  headerOf,
  isEslIssue,
  type EslFrame,
  type EslCommand,
  type EslHeaders,
  type EslIssue,
  type EslReaderOptions,
} from './esl/esl-frame.js';
export { interpretFrame, type EslEvent, type EslMessage } from './esl/esl-message.js';
// For users' own tests: the fake FreeSWITCH, the conformance targets, the proxy and the traces.
export { FakeFreeSwitch, type FakeFreeSwitchOptions, type MalformedFrame, type ReceivedCommand } from './test-support/fake-freeswitch.js';
export { fakeFreeSwitchTarget, type FakeFreeSwitchTargetOptions } from './test-support/fake-target.js';
export { realFreeSwitchTarget, conformanceAdapterOptions, type RealFreeSwitchTargetOptions } from './test-support/real-target.js';
export { EslProxy, type EslProxyOptions } from './test-support/esl-proxy.js';
export { formatTrace, parseTrace, TraceRecorder, type Trace, type TraceRecord } from './test-support/trace-file.js';
export { summarizeTrace } from './test-support/trace-summary.js';
