import type { CallId } from '../media/media-events.js';

/**
 * One line of the simulator's record of a call: a command it received, an
 * event it emitted, or something the scripted party did.
 */
export interface TraceEntry {
  at: number;
  callId: CallId;
  kind: 'command' | 'event' | 'party';
  name: string;
  detail?: Record<string, unknown>;
}
