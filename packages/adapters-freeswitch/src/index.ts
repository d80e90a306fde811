// The public API of @switchboard/adapters-freeswitch: what is exported here by name.
export { hangupFromFreeSwitch, isFreeSwitchCauseName, type HangupInfo } from './hangup.js';
export { mediaRefToFreeSwitch, freeSwitchPlaylist, quoteFreeSwitchArg, normaliseTtsText, type FreeSwitchMediaOptions } from './media.js';
export { NAMED_TONES, parseToneList, toneToFreeSwitch, type ToneElement } from './tones.js';
export { originateDialString, freeSwitchDialString, escapeOriginateValue, type FreeSwitchOriginateOptions } from './originate.js';
export { parseFreeSwitchReply, type FreeSwitchReply } from './reply.js';
