import { EventEmitter } from 'node:events';
import type TypedEventEmitter from 'typed-emitter';

/** A map from event name to listener signature, as typed-emitter expects. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type EventMap = { [event: string]: (...args: any[]) => void };

export type TypedEmitter<Events extends EventMap> = TypedEventEmitter<Events>;

/** Node's EventEmitter, typed by an event map (typed-emitter). */
export function createEmitter<Events extends EventMap>(): TypedEmitter<Events> {
  const emitter = new EventEmitter({ captureRejections: true });
  // Engines and UIs attach many listeners; the default of 10 would warn spuriously.
  emitter.setMaxListeners(0);
  return emitter as unknown as TypedEmitter<Events>;
}
