export * from './model.js';
export { invalidAudio, sniffFormat, type AudioInfo, type Mp3Info, type WavInfo } from './audio-info.js';
export { probeAudio } from './probe.js';
export { parseWav, pcmWavHeader } from './wav.js';
export { parseMp3 } from './mp3.js';
export { wavRendition, type WavRendition } from './wav-export.js';
export { fileMediaRefs, type FileMediaRefUse } from './media-refs.js';
export { mediaFileReferrers, mediaFileUses, type MediaFileUse } from './referrers.js';
export { DEFAULT_MEDIA_FILE_MAX_BYTES, MediaFileStore, tooLarge, type MediaFileStoreOptions } from './media-file-store.js';
