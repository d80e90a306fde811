import type { MediaRef } from '../media/media-ref.js';

export interface MediaDurations {
  /** Length of named files and recordings; others get `lookup`'s answer, else `defaultFileMs`. */
  files: Record<string, number>;
  defaultFileMs: number;
  /** The length of a file not in `files`, when something knows it: `createSwitchboard` asks the media library (tenants' uploads play as long as they are). */
  lookup?: (name: string) => number | undefined;
}

export const DEFAULT_MEDIA_DURATIONS: MediaDurations = { files: {}, defaultFileMs: 3_000 };

/** How long a list of media takes to play in the simulation. */
export function playDurationMs(media: readonly MediaRef[], durations: MediaDurations): number {
  let total = 0;
  for (const ref of media) {
    switch (ref.kind) {
      case 'file':
      case 'recording':
        total += durations.files[ref.name] ?? (ref.kind === 'file' ? durations.lookup?.(ref.name) : undefined) ?? durations.defaultFileMs;
        break;
      case 'tone':
        total += ref.durationMs ?? 1_000;
        break;
      case 'silence':
        total += ref.durationMs;
        break;
      case 'digits':
        total += 600 * ref.digits.length;
        break;
      case 'number':
        total += 600 * String(Math.abs(ref.value)).length;
        break;
      case 'tts':
        // About 14 characters a second, a typical speaking rate.
        total += Math.ceil(ref.text.length * 70);
        break;
    }
  }
  return total;
}
