import type { Clock } from '../../clock/clock.js';
import type { MediaAdapter } from '../../media/media-adapter.js';
import type { Endpoint, MediaEvent } from '../../media/media-events.js';

/**
 * The scripted far ends the suite dials. Every target provides all of them:
 * the simulator by scripts, a real server by dialplan (see examples/), a fake
 * by replaying what the real server did.
 */
export type PartyName =
  /** Answers within about half a second and stays until hung up. */
  | 'answer'
  /** Refuses busy (USER_BUSY, 486). */
  | 'busy'
  /** Refuses (CALL_REJECTED, 603). */
  | 'reject'
  /** Rings and never answers. */
  | 'noanswer'
  /** The number does not exist (UNALLOCATED_NUMBER, 404). */
  | 'unallocated'
  /** Answers, and about a second later presses 1, 2, 3. */
  | 'dtmf123'
  /** Answers, and hangs up about two seconds later (NORMAL_CLEARING). */
  | 'hangup2s'
  /** Agents' and a supervisor's phones: they answer at once. */
  | 'agent1'
  | 'agent2'
  | 'supervisor';

export const PARTY_NAMES: readonly PartyName[] = ['answer', 'busy', 'reject', 'noanswer', 'unallocated', 'dtmf123', 'hangup2s', 'agent1', 'agent2', 'supervisor'];

/** What a target tells the suite about itself. */
export interface TargetTraits {
  /** Whether legs carry SIP final statuses (loopback and Local channels do not). */
  sipCodes: boolean;
  /** How long a party may take to answer, ring or act here, in ms; scaled waits use it. */
  patienceMs: number;
}

/** One connected adapter and the means to drive the world around it. */
export interface ConformanceSession {
  adapter: MediaAdapter;
  /** The time the adapter lives on: a VirtualClock for the simulator; absent means real time. */
  clock?: Clock;
  traits: TargetTraits;
  /**
   * The adapter's `soundsDir`: where the media server reads the files that `file` refs name.
   * The suite may write under it (its own `tenants/<tenantId>/` folders, removed afterwards),
   * so the media server must be able to read what this process writes there.
   */
  soundsDir: string;
  /** Where a scripted party is reached. */
  party(name: PartyName): Endpoint;
  /**
   * Makes a caller dial `dialed` so the call reaches the adapter as
   * `call.incoming`. The caller stays on the line until hung up.
   */
  placeInbound(dialed: string, callerNumber: string): Promise<void>;
  /**
   * Lets time pass — virtual or real — until `done()` holds, or fails after
   * `timeoutMs` naming `what`.
   */
  until(done: () => boolean, timeoutMs: number, what: string): Promise<void>;
  /** Lets `ms` of time pass. */
  pass(ms: number): Promise<void>;
  /**
   * Cuts the adapter's connection to the media server and keeps the server
   * unreachable for `outageMs`; the adapter must reconnect by itself.
   */
  dropConnection(outageMs: number): Promise<void>;
  /** Hangs up what is left and disconnects. */
  stop(): Promise<void>;
}

export interface ConformanceTarget {
  name: string;
  start(): Promise<ConformanceSession>;
}

/** Every event the adapter emitted, and ways to look for them. */
export class EventLog {
  readonly events: MediaEvent[] = [];

  constructor(adapter: MediaAdapter) {
    adapter.events.on('event', (event) => this.events.push(event));
  }

  of<T extends MediaEvent['type']>(type: T, callId?: string): Array<Extract<MediaEvent, { type: T }>> {
    return this.events.filter((e): e is Extract<MediaEvent, { type: T }> => e.type === type && (callId === undefined || e.callId === callId));
  }

  has(type: MediaEvent['type'], callId?: string): boolean {
    return this.of(type, callId).length > 0;
  }

  first<T extends MediaEvent['type']>(type: T, callId?: string): Extract<MediaEvent, { type: T }> | undefined {
    return this.of(type, callId)[0];
  }
}
