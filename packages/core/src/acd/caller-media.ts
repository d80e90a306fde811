import type { Logger } from '../logging/logger.js';
import type { MediaAdapter } from '../media/media-adapter.js';
import { file, type MediaRef } from '../media/media-ref.js';
import type { MediaRefResolver } from '../media-files/media-library.js';
import type { QueueEntry } from './runtime-types.js';

type PlaybackPurpose = 'music' | 'announcement';

/**
 * What a waiting caller hears: the entry announcement, then waiting music (or ringback),
 * interrupted by periodic and position announcements, which queue up rather than overlap.
 */
export class CallerMedia {
  private readonly playbacks = new Map<string, { entry: QueueEntry; purpose: PlaybackPurpose }>();

  constructor(
    private readonly media: MediaAdapter,
    private readonly logger: Logger,
    private readonly tenantId: string,
    private readonly mediaRefs: MediaRefResolver,
  ) {}

  /**
   * The entry announcement, or straight to waiting music. Tried when the answer command
   * returns and again on the caller's `call.answered`: a media server may confirm the
   * command before the channel is answered (FreeSWITCH's uuid_answer +OK precedes its
   * CHANNEL_ANSWER), and playing to an unanswered leg fails.
   */
  greet(entry: QueueEntry): void {
    if (entry.greeted || (entry.phase !== 'waiting' && entry.phase !== 'ringing')) return;
    entry.greeted = true;
    const queue = entry.group.group.queue;
    if (queue.entryAnnouncement) this.announce(entry, [this.configured(queue.entryAnnouncement)]);
    else this.startMusic(entry);
  }

  startMusic(entry: QueueEntry): void {
    const queue = entry.group.group.queue;
    // `default-moh` is the media server's own music, not one of the tenant's files.
    const music: MediaRef = queue.waitingMusicEnabled ? (queue.waitingMusic ? this.configured(queue.waitingMusic) : file('default-moh')) : { kind: 'tone', tone: 'ring' };
    this.track(entry, this.media.play(entry.callId, { media: [music], loop: true, interruptible: false }), 'music');
  }

  /** A MediaRef of the queue's settings as the media server plays it (a tenant's upload under its own name). */
  configured(ref: MediaRef): MediaRef {
    return this.mediaRefs.resolve(this.tenantId, ref);
  }

  /** Plays (or queues behind the one playing) an announcement, given as the media server plays it. */
  announce(entry: QueueEntry, media: MediaRef[]): void {
    if (entry.phase !== 'waiting' && entry.phase !== 'ringing') return;
    if (entry.announcing) {
      entry.announcements.push(media);
      return;
    }
    entry.announcing = true;
    this.track(entry, this.media.play(entry.callId, { media, interruptible: false }), 'announcement');
  }

  private track(entry: QueueEntry, playing: Promise<string>, purpose: PlaybackPurpose): void {
    playing.then(
      (id) => {
        if (entry.phase === 'done' || entry.phase === 'connected') return;
        entry.playbackId = id;
        this.playbacks.set(id, { entry, purpose });
      },
      (error: unknown) => {
        if (purpose === 'announcement') entry.announcing = false;
        // Not answered yet: greet again on the caller's call.answered.
        if (!entry.playbackId) entry.greeted = false;
        this.logger.debug({ err: error, callId: entry.callId }, 'queue playback failed');
      },
    );
  }

  onPlaybackFinished(playbackId: string): void {
    const playback = this.playbacks.get(playbackId);
    if (!playback) return;
    this.playbacks.delete(playbackId);
    const { entry, purpose } = playback;
    if (purpose !== 'announcement' || (entry.phase !== 'waiting' && entry.phase !== 'ringing')) return;
    entry.announcing = false;
    const next = entry.announcements.shift();
    if (next) this.announce(entry, next);
    else this.startMusic(entry);
  }
}
