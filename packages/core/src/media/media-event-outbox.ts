import type { TypedEmitter } from '../events/typed-emitter.js';
import type { Logger } from '../logging/logger.js';
import type { MediaEvent, MediaEvents } from './media-events.js';

type Item = { kind: 'media'; event: MediaEvent } | { kind: 'disconnected'; reason: string; at: number } | { kind: 'reconnected'; at: number };

/**
 * Delivers a media adapter's events in order on the microtask queue, never
 * from inside the socket callback or command that caused them (decision 6),
 * and calls each listener on its own: one that throws is logged, the others
 * still get the event. Every adapter (and the simulator) emits through one.
 */
export class MediaEventOutbox {
  private readonly queue: Item[] = [];
  private scheduled = false;

  constructor(
    private readonly emitter: TypedEmitter<MediaEvents>,
    private readonly logger: Logger,
  ) {}

  media(event: MediaEvent): void {
    this.push({ kind: 'media', event });
  }

  disconnected(reason: string, at: number): void {
    this.push({ kind: 'disconnected', reason, at });
  }

  reconnected(at: number): void {
    this.push({ kind: 'reconnected', at });
  }

  private push(item: Item): void {
    this.queue.push(item);
    if (this.scheduled) return;
    this.scheduled = true;
    queueMicrotask(() => this.flush());
  }

  private flush(): void {
    try {
      for (let item = this.queue.shift(); item; item = this.queue.shift()) {
        if (item.kind === 'media') {
          this.deliver(item.event.type, item.event, item.event);
          this.deliver('event', item.event, item.event);
        } else if (item.kind === 'disconnected') {
          this.deliver('disconnected', { reason: item.reason, at: item.at });
        } else {
          this.deliver('reconnected', { at: item.at });
        }
      }
    } finally {
      this.scheduled = false;
    }
  }

  private deliver(channel: keyof MediaEvents, payload: unknown, event?: MediaEvent): void {
    for (const listener of this.emitter.rawListeners(channel) as Array<(arg: unknown) => void>) {
      try {
        listener(payload);
      } catch (error) {
        this.logger.error({ err: error, event: event?.type ?? channel, callId: event?.callId }, 'media event listener failed');
      }
    }
  }
}
