import { OrderedSet } from '../../collections/ordered-set.js';
import type { AgentRoster, PoolAgent } from './pool-agent.js';
import { compareIds } from './pooled-member.js';

/** A late entry (see `IdleTier`): the agent's index and epoch when it was filed, and its key then. */
interface Straggler {
  readonly index: number;
  readonly epoch: number;
  readonly since: number;
  readonly position: number;
}

/** An entry of the queue is 4 numbers side by side in one Float64Array: agent index, epoch, availableSince, position. */
const ENTRY = 4;
/**
 * The array starts with one entry's worth of header: the key of the last entry queued
 * (availableSince, position, agent index). Numbers in object fields would be boxed, each a
 * cache miss of its own; here they share the queue's memory. Entry `i` is at `(i + 1) * ENTRY`.
 */
const BACK_SINCE = 0;
const BACK_POSITION = 1;
const BACK_AGENT = 2;

/**
 * One tier of a longest-idle pool. An agent that becomes available now has the newest
 * `availableSince` of all, so it joins the back of a plain queue: O(1), no ordered index.
 * An add that does not sort after the back — the same millisecond with a smaller position,
 * a ring that ended unanswered (the agent keeps its old `availableSince`), a check-in while
 * idle since earlier — goes to `stragglers`, a small ordered set; a pick takes the better
 * of the two fronts. A stale entry is skipped and dropped when it reaches the front, or by
 * `sweep`, both checking the roster's epoch table only, never the agent.
 *
 * The queue is one array of numbers reused in place (it only grows), so the hot path
 * allocates nothing and an entry's fields share a cache line.
 */
export class IdleTier {
  private queue = new Float64Array(9 * ENTRY);
  /** Entries [head, tail) are queued; the array is reused from 0 whenever the queue empties. */
  private head = 0;
  private tail = 0;
  /**
   * The front entry's agent and epoch (small integers, stored unboxed), kept here as well
   * while head < tail: the common pick reads this object and the epoch table only.
   */
  private frontIndex = -1;
  private frontEpoch = -1;
  private stragglers: OrderedSet<Straggler> | undefined;

  /** The roster's epoch table and agents, held directly: every pick reads them. */
  private readonly epochs: number[];
  private readonly agents: PoolAgent[];

  constructor(
    readonly priority: number,
    roster: AgentRoster,
  ) {
    this.epochs = roster.epochs;
    this.agents = roster.agents;
  }

  /** Entries held, live or stale. */
  get entries(): number {
    return this.tail - this.head + (this.stragglers?.size ?? 0);
  }

  enter(index: number, epoch: number, since: number, position: number): void {
    let queue = this.queue;
    if (this.tail === this.head || this.order(queue[BACK_SINCE]!, queue[BACK_POSITION]!, queue[BACK_AGENT]!, since, position, index) < 0) {
      if (this.tail === this.head) {
        this.frontIndex = index | 0;
        this.frontEpoch = epoch | 0;
      }
      if ((this.tail + 2) * ENTRY > queue.length) queue = this.makeRoom();
      const at = ++this.tail * ENTRY;
      queue[at] = index;
      queue[at + 1] = epoch;
      queue[at + 2] = since;
      queue[at + 3] = position;
      queue[BACK_SINCE] = since;
      queue[BACK_POSITION] = position;
      queue[BACK_AGENT] = index;
      return;
    }
    this.stragglers ??= new OrderedSet<Straggler>((a, b) => this.order(a.since, a.position, a.index, b.since, b.position, b.index) || a.epoch - b.epoch);
    this.stragglers.add({ index, epoch, since, position });
  }

  /** The agent available longest that is not excluded (its roster index), or -1; stale entries met at a front are dropped. */
  first(exclude: ReadonlySet<string> | undefined): number {
    if (exclude === undefined && this.stragglers === undefined) return this.queueFront() < 0 ? -1 : this.frontIndex;
    return this.firstOfBoth(exclude);
  }

  /** With exclusions, or late entries to weigh against the queue's front. */
  private firstOfBoth(exclude: ReadonlySet<string> | undefined): number {
    const q = exclude === undefined ? this.queueFront() : this.queuedFirstAllowed(exclude);
    const queued = q < 0 ? -1 : q === this.head ? this.frontIndex : this.queue[(q + 1) * ENTRY]!;
    if (this.stragglers === undefined) return queued;
    const late = this.stragglerFirst(this.stragglers, exclude);
    if (late === undefined) return queued;
    if (q < 0) return late.index;
    // Both are live, so both keys are the agents' current ones.
    const at = (q + 1) * ENTRY;
    const queue = this.queue;
    return this.order(late.since, late.position, late.index, queue[at + 2]!, queue[at + 3]!, queued) < 0 ? late.index : queued;
  }

  /** Drops every stale entry; O(entries), against the epoch table only. */
  sweep(): void {
    const queue = this.queue;
    const live = this.epochs;
    let kept = 0;
    for (let i = this.head; i < this.tail; i++) {
      const at = (i + 1) * ENTRY;
      if (live[queue[at]!] !== queue[at + 1]) continue;
      const to = ++kept * ENTRY;
      queue[to] = queue[at]!;
      queue[to + 1] = queue[at + 1]!;
      queue[to + 2] = queue[at + 2]!;
      queue[to + 3] = queue[at + 3]!;
    }
    this.head = 0;
    this.tail = kept;
    this.syncFront();
    if (kept > 0) {
      const back = kept * ENTRY;
      queue[BACK_SINCE] = queue[back + 2]!;
      queue[BACK_POSITION] = queue[back + 3]!;
      queue[BACK_AGENT] = queue[back]!;
    }
    const stragglers = this.stragglers;
    if (stragglers === undefined) return;
    const stale: Straggler[] = [];
    for (const entry of stragglers) if (live[entry.index] !== entry.epoch) stale.push(entry);
    for (const entry of stale) stragglers.delete(entry);
    if (stragglers.size === 0) this.stragglers = undefined;
  }

  /** Every live agent in the tier. */
  members(into: PoolAgent[]): void {
    const { queue, epochs, agents } = this;
    for (let at = (this.head + 1) * ENTRY; at <= this.tail * ENTRY; at += ENTRY) if (epochs[queue[at]!] === queue[at + 1]) into.push(agents[queue[at]!]!);
    for (const entry of this.stragglers ?? []) if (epochs[entry.index] === entry.epoch) into.push(agents[entry.index]!);
  }

  /** Idle order: available longest first, then the smaller position, then the agent id (shared positions are a data error). */
  private order(sinceA: number, positionA: number, indexA: number, sinceB: number, positionB: number, indexB: number): number {
    if (sinceA !== sinceB) return sinceA < sinceB ? -1 : 1;
    if (positionA !== positionB) return positionA < positionB ? -1 : 1;
    if (indexA === indexB) return 0;
    // Two agents with one id (a data error) are still two keys.
    return compareIds(this.agents[indexA]!.agentId, this.agents[indexB]!.agentId) || indexA - indexB;
  }

  /** The queue slot of the first live entry, or -1. */
  private queueFront(): number {
    const live = this.epochs;
    while (this.head < this.tail) {
      if (live[this.frontIndex] === this.frontEpoch) return this.head;
      this.head++;
      this.syncFront();
    }
    this.head = this.tail = 0;
    return -1;
  }

  /** Walks past excluded and stale entries; only stale ones at the front are dropped (the walk may not reorder). */
  private queuedFirstAllowed(exclude: ReadonlySet<string>): number {
    const { queue, epochs, agents } = this;
    let front = true;
    for (let i = this.head; i < this.tail; i++) {
      const at = (i + 1) * ENTRY;
      if (epochs[queue[at]!] !== queue[at + 1]) {
        if (front) {
          this.head = i + 1;
          this.syncFront();
        }
        continue;
      }
      front = false;
      if (!exclude.has(agents[queue[at]!]!.agentId)) return i;
    }
    if (this.head === this.tail) this.head = this.tail = 0;
    return -1;
  }

  private stragglerFirst(stragglers: OrderedSet<Straggler>, exclude: ReadonlySet<string> | undefined): Straggler | undefined {
    const { epochs, agents } = this;
    const stale: Straggler[] = [];
    const found = stragglers.firstWhere((entry) => {
      if (epochs[entry.index] !== entry.epoch) {
        stale.push(entry);
        return false;
      }
      return exclude === undefined || !exclude.has(agents[entry.index]!.agentId);
    });
    for (const entry of stale) stragglers.delete(entry);
    if (stragglers.size === 0) this.stragglers = undefined;
    return found;
  }

  /** Copies the front entry's agent and epoch into the fields (after the head moved). */
  private syncFront(): void {
    if (this.head === this.tail) return;
    const at = (this.head + 1) * ENTRY;
    this.frontIndex = this.queue[at]! | 0;
    this.frontEpoch = this.queue[at + 1]! | 0;
  }

  /** The array is full up to its end: move the queue to the start, and double the array if that frees less than half. */
  private makeRoom(): Float64Array<ArrayBuffer> {
    const length = this.tail - this.head;
    const from = (this.head + 1) * ENTRY;
    const to = (this.tail + 1) * ENTRY;
    if (length * 2 > this.tail) {
      const grown = new Float64Array(this.queue.length * 2);
      grown.set(this.queue.subarray(0, ENTRY));
      grown.set(this.queue.subarray(from, to), ENTRY);
      this.queue = grown;
    } else {
      this.queue.copyWithin(ENTRY, from, to);
    }
    this.head = 0;
    this.tail = length;
    return this.queue;
  }
}
