// The public API of @switchboard/core: what is exported here by name. Everything else is internal.
export * from './errors/errors.js';
export { fieldIssuesFromZod, parseOrThrow } from './errors/zod.js';
export type { Clock, TimerHandle } from './clock/clock.js';
export { SystemClock } from './clock/system-clock.js';
export { VirtualClock, type VirtualClockOptions } from './clock/virtual-clock.js';
export { SeededRandom, type Random } from './random/random.js';
export { distributionSchema, sampleDuration, type Distribution, type DurationSpec } from './random/distribution.js';
export { silentLogger, MemoryLogger, type Logger, type LogFn, type LogLevel, type LogRecord } from './logging/logger.js';
export { createEmitter, type EventMap, type TypedEmitter } from './events/typed-emitter.js';
export { MinHeap } from './collections/min-heap.js';
export * from './media/index.js';
export * from './simulator/index.js';
export * from './storage/index.js';
export * from './acd/index.js';
export * from './destination/index.js';
export * from './routing/index.js';
export * from './csv/index.js';
export { createSwitchboard, type MediaDeps, type Switchboard, type SwitchboardOptions, type SwitchboardEvents } from './switchboard.js';
