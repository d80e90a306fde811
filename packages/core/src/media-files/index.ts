export * from './model.js';
export { invalidAudio, sniffFormat, type AudioInfo, type Mp3Info, type WavInfo } from './audio-info.js';
export { probeAudio } from './probe.js';
export { parseWav, pcmWavHeader } from './wav.js';
export { parseMp3 } from './mp3.js';
export { wavRendition, type WavRendition } from './wav-export.js';
export { Resampler, resample, resampledLength } from './resample.js';
export { TELEPHONY_RENDITION, TELEPHONY_SAMPLE_RATE, telephonyFrames, telephonyWav } from './telephony-wav.js';
export {
  configuredMediaRefs,
  isPublishableTenantId,
  MediaLibrary,
  TENANT_MEDIA_DIR,
  tenantMediaName,
  type MediaRefResolver,
} from './media-library.js';
export { MediaPublisher, type MediaPublisherOptions, type ReconcileReport } from './media-publisher.js';
export { fileMediaRefs, type FileMediaRefUse } from './media-refs.js';
export { mediaFileReferrers, mediaFileUses, type MediaFileUse } from './referrers.js';
export { DEFAULT_MEDIA_FILE_MAX_BYTES, MediaFileStore, tooLarge, type MediaFileObserver, type MediaFileStoreOptions } from './media-file-store.js';
