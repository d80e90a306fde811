export * from './hangup-cause.js';
export * from './media-ref.js';
export * from './media-events.js';
export * from './media-adapter.js';
export * from './digit-collector.js';
export * from './reconnect.js';
export * from './reconcile.js';
export * from './reply-timeout.js';
