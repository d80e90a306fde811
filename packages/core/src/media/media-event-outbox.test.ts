import { describe, expect, it } from 'vitest';
import { createEmitter } from '../events/typed-emitter.js';
import { MemoryLogger } from '../logging/logger.js';
import { MediaEventOutbox } from './media-event-outbox.js';
import type { MediaEvents } from './media-events.js';

describe('MediaEventOutbox', () => {
  it('delivers in order after the current code returns, each listener isolated', async () => {
    const events = createEmitter<MediaEvents>();
    const logger = new MemoryLogger();
    const outbox = new MediaEventOutbox(events, logger);
    const seen: string[] = [];
    events.on('call.answered', () => {
      throw new Error('listener bug');
    });
    events.on('event', (e) => seen.push(e.type));
    events.once('disconnected', () => seen.push('disconnected'));
    outbox.media({ type: 'call.ringing', callId: 'a', at: 1 });
    outbox.media({ type: 'call.answered', callId: 'a', at: 2 });
    outbox.disconnected('socket closed', 3);
    outbox.disconnected('socket closed again', 4);
    expect(seen).toEqual([]);
    await Promise.resolve();
    expect(seen).toEqual(['call.ringing', 'call.answered', 'disconnected']);
    expect(logger.records.filter((r) => r.level === 'error')).toHaveLength(1);
  });
});
