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

/**
 * An entry of the queue is two pairs at the same offset of two arrays: (agent index, epoch)
 * in an Int32Array, which is all that skipping a stale entry reads (8 bytes an entry, so a
 * cache line holds eight), and (availableSince, position) in a Float64Array, read only to
 * order a late entry. Entry `i` is at `(i + 1) * ENTRY` in both.
 */
const ENTRY = 2;
/**
 * Both arrays start with one entry's worth of header: the key of the last entry queued
 * (availableSince and position in `keys`, the agent's index in `ids`). Numbers in object
 * fields would be boxed, each a cache miss of its own; here they share the queue's memory.
 */
const BACK_SINCE = 0;
const BACK_POSITION = 1;
const BACK_AGENT = 0;

/**
 * One tier of a longest-idle pool. An agent that becomes available now has the newest
 * `availableSince` of all, so it joins the back of a plain queue: O(1), no ordered index.
 * An add that does not sort after the back — the same millisecond with a smaller position,
 * a ring that ended unanswered (the agent keeps its old `availableSince`), a check-in while
 * idle since earlier — goes to `stragglers`, a small ordered set; a pick takes the better
 * of the two fronts. A stale entry is skipped and dropped when it reaches the front, or by
 * `sweep`, both checking the roster's epoch table only, never the agent.
 *
 * The queue is two arrays of numbers reused in place (they only grow), so the hot path
 * allocates nothing and an entry's fields share a cache line.
 */
export class IdleTier {
  private ids = new Int32Array(9 * ENTRY);
  private keys = new Float64Array(9 * ENTRY);
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
    if (this.tail === this.head || this.order(this.keys[BACK_SINCE]!, this.keys[BACK_POSITION]!, this.ids[BACK_AGENT]!, since, position, index) < 0) {
      if (this.tail === this.head) {
        this.frontIndex = index | 0;
        this.frontEpoch = epoch | 0;
      }
      if ((this.tail + 2) * ENTRY > this.ids.length) this.makeRoom();
      const { ids, keys } = this;
      const at = ++this.tail * ENTRY;
      ids[at] = index;
      ids[at + 1] = epoch;
      keys[at] = since;
      keys[at + 1] = position;
      keys[BACK_SINCE] = since;
      keys[BACK_POSITION] = position;
      ids[BACK_AGENT] = index;
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
    const queued = q < 0 ? -1 : q === this.head ? this.frontIndex : this.ids[(q + 1) * ENTRY]!;
    if (this.stragglers === undefined) return queued;
    const late = this.stragglerFirst(this.stragglers, exclude);
    if (late === undefined) return queued;
    if (q < 0) return late.index;
    // Both are live, so both keys are the agents' current ones.
    const at = (q + 1) * ENTRY;
    const keys = this.keys;
    return this.order(late.since, late.position, late.index, keys[at]!, keys[at + 1]!, queued) < 0 ? late.index : queued;
  }

  /** Drops every stale entry; O(entries), against the epoch table only. */
  sweep(): void {
    const { ids, keys } = this;
    const live = this.epochs;
    let kept = 0;
    for (let i = this.head; i < this.tail; i++) {
      const at = (i + 1) * ENTRY;
      if (live[ids[at]!] !== ids[at + 1]) continue;
      const to = ++kept * ENTRY;
      ids[to] = ids[at]!;
      ids[to + 1] = ids[at + 1]!;
      keys[to] = keys[at]!;
      keys[to + 1] = keys[at + 1]!;
    }
    this.head = 0;
    this.tail = kept;
    this.syncFront();
    if (kept > 0) {
      const back = kept * ENTRY;
      keys[BACK_SINCE] = keys[back]!;
      keys[BACK_POSITION] = keys[back + 1]!;
      ids[BACK_AGENT] = ids[back]!;
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
    const { ids, epochs, agents } = this;
    for (let at = (this.head + 1) * ENTRY; at <= this.tail * ENTRY; at += ENTRY) if (epochs[ids[at]!] === ids[at + 1]) into.push(agents[ids[at]!]!);
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
    if (this.head < this.tail && live[this.frontIndex] === this.frontEpoch) return this.head;
    // Skipping stale entries: locals, and the fields written once, when a live one is found.
    const ids = this.ids;
    const tail = this.tail;
    let head = this.head;
    while (++head < tail) {
      const at = (head + 1) * ENTRY;
      if (live[ids[at]!] === ids[at + 1]) {
        this.head = head;
        this.syncFront();
        return head;
      }
    }
    this.head = this.tail = 0;
    return -1;
  }

  /** Walks past excluded and stale entries; only stale ones at the front are dropped (the walk may not reorder). */
  private queuedFirstAllowed(exclude: ReadonlySet<string>): number {
    const { ids, epochs, agents } = this;
    let front = true;
    for (let i = this.head; i < this.tail; i++) {
      const at = (i + 1) * ENTRY;
      if (epochs[ids[at]!] !== ids[at + 1]) {
        if (front) {
          this.head = i + 1;
          this.syncFront();
        }
        continue;
      }
      front = false;
      if (!exclude.has(agents[ids[at]!]!.agentId)) return i;
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
    this.frontIndex = this.ids[at]!;
    this.frontEpoch = this.ids[at + 1]!;
  }

  /** The arrays are full up to their end: move the queue to the start, and double the arrays if that frees less than half. */
  private makeRoom(): void {
    const length = this.tail - this.head;
    const from = (this.head + 1) * ENTRY;
    const to = (this.tail + 1) * ENTRY;
    if (length * 2 > this.tail) {
      this.ids = moved(this.ids, new Int32Array(this.ids.length * 2), from, to);
      this.keys = moved(this.keys, new Float64Array(this.keys.length * 2), from, to);
    } else {
      this.ids.copyWithin(ENTRY, from, to);
      this.keys.copyWithin(ENTRY, from, to);
    }
    this.head = 0;
    this.tail = length;
  }
}

/** `into` with `array`'s header and its entries `[from, to)` right after it. */
function moved<A extends Int32Array<ArrayBuffer> | Float64Array<ArrayBuffer>>(array: A, into: A, from: number, to: number): A {
  into.set(array.subarray(0, ENTRY));
  into.set(array.subarray(from, to), ENTRY);
  return into;
}
