import type { AgentRoster, PoolAgent } from './pool-agent.js';
import { compareIds } from './pooled-member.js';
import type { Tier } from './tiered-pool.js';

/** An entry is 4 numbers side by side in one Float64Array: rank, position, agent index, epoch. */
const ENTRY = 4;
const RANK = 0;
const POSITION = 1;
const AGENT = 2;
const EPOCH = 3;

/**
 * One tier of a pool that rings the best member of one order (fewest calls, least talk
 * time, sequential, ring progressively): a binary min-heap keyed by (rank, position, agent
 * id) in one array of numbers. Adding costs O(log n) at worst and O(1) on average; the
 * best is the top. Removal is lazy: a stale entry is popped when it reaches the top, or
 * dropped by `sweep`, both checking the roster's epoch table only. A pick with exclusions
 * pops the excluded members it meets and pushes them back: O(excluded × log n).
 */
export class RankHeap implements Tier {
  private heap = new Float64Array(8 * ENTRY);
  private count = 0;
  /** The top entry's agent and epoch, kept here as well: the common pick reads this object and the epoch table only. */
  private topIndex = -1;
  private topEpoch = -1;

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

  get entries(): number {
    return this.count;
  }

  enter(index: number, epoch: number, rank: number, position: number): void {
    if ((this.count + 1) * ENTRY > this.heap.length) {
      const grown = new Float64Array(this.heap.length * 2);
      grown.set(this.heap);
      this.heap = grown;
    }
    const at = this.count * ENTRY;
    const heap = this.heap;
    heap[at + RANK] = rank;
    heap[at + POSITION] = position;
    heap[at + AGENT] = index;
    heap[at + EPOCH] = epoch;
    if (this.siftUp(this.count++) === 0) this.syncTop();
  }

  first(exclude: ReadonlySet<string> | undefined): number {
    const live = this.epochs;
    while (this.count > 0 && live[this.topIndex] !== this.topEpoch) this.popTop();
    if (this.count === 0) return -1;
    return exclude === undefined ? this.topIndex : this.firstAllowed(exclude);
  }

  /** Pops the excluded members it meets (and the stale ones) until an allowed one is on top, then pushes the excluded back. */
  private firstAllowed(exclude: ReadonlySet<string>): number {
    const live = this.epochs;
    const held: number[] = [];
    let found = -1;
    while (this.count > 0) {
      const index = this.heap[AGENT]!;
      if (live[index] === this.heap[EPOCH]) {
        if (!exclude.has(this.agents[index]!.agentId)) {
          found = index;
          break;
        }
        held.push(this.heap[RANK]!, this.heap[POSITION]!, index, this.heap[EPOCH]!);
      }
      this.popTop();
    }
    for (let i = 0; i < held.length; i += ENTRY) this.enter(held[i + AGENT]!, held[i + EPOCH]!, held[i + RANK]!, held[i + POSITION]!);
    return found;
  }

  sweep(): void {
    const heap = this.heap;
    const live = this.epochs;
    let kept = 0;
    for (let at = 0; at < this.count * ENTRY; at += ENTRY) {
      if (live[heap[at + AGENT]!] !== heap[at + EPOCH]) continue;
      if (kept * ENTRY !== at) heap.copyWithin(kept * ENTRY, at, at + ENTRY);
      kept++;
    }
    this.count = kept;
    this.heapify();
  }

  /** Copies the top entry's agent and epoch into the fields (after slot 0 changed). */
  private syncTop(): void {
    if (this.count === 0) return;
    this.topIndex = this.heap[AGENT]! | 0;
    this.topEpoch = this.heap[EPOCH]! | 0;
  }

  members(into: PoolAgent[]): void {
    const { heap, epochs, agents } = this;
    for (let at = 0; at < this.count * ENTRY; at += ENTRY) if (epochs[heap[at + AGENT]!] === heap[at + EPOCH]) into.push(agents[heap[at + AGENT]!]!);
  }

  /** After the daily reset every rank is 0: the order falls back to positions. */
  resetRanks(): void {
    for (let at = 0; at < this.count * ENTRY; at += ENTRY) this.heap[at + RANK] = 0;
    this.heapify();
  }

  /** Whether the entry at slot `a` sorts before the one at slot `b`. */
  private before(a: number, b: number): boolean {
    const heap = this.heap;
    const x = a * ENTRY;
    const y = b * ENTRY;
    if (heap[x + RANK] !== heap[y + RANK]) return heap[x + RANK]! < heap[y + RANK]!;
    if (heap[x + POSITION] !== heap[y + POSITION]) return heap[x + POSITION]! < heap[y + POSITION]!;
    const indexA = heap[x + AGENT]!;
    const indexB = heap[y + AGENT]!;
    if (indexA === indexB) return heap[x + EPOCH]! < heap[y + EPOCH]!;
    // A shared position is a data error; the agent id keeps the order total (and two agents with one id are still two).
    const agents = this.agents;
    return (compareIds(agents[indexA]!.agentId, agents[indexB]!.agentId) || indexA - indexB) < 0;
  }

  /** Returns the slot the entry ends in. */
  private siftUp(slot: number): number {
    while (slot > 0) {
      const parent = (slot - 1) >> 1;
      if (!this.before(slot, parent)) return slot;
      this.swap(slot, parent);
      slot = parent;
    }
    return slot;
  }

  private siftDown(slot: number): void {
    for (;;) {
      const left = 2 * slot + 1;
      if (left >= this.count) return;
      const right = left + 1;
      const child = right < this.count && this.before(right, left) ? right : left;
      if (!this.before(child, slot)) return;
      this.swap(slot, child);
      slot = child;
    }
  }

  private popTop(): void {
    const last = --this.count;
    if (last > 0) {
      const heap = this.heap;
      const at = last * ENTRY;
      for (let i = 0; i < ENTRY; i++) heap[i] = heap[at + i]!;
      this.siftDown(0);
      this.syncTop();
    }
  }

  private heapify(): void {
    for (let slot = (this.count >> 1) - 1; slot >= 0; slot--) this.siftDown(slot);
    this.syncTop();
  }

  private swap(a: number, b: number): void {
    const heap = this.heap;
    const x = a * ENTRY;
    const y = b * ENTRY;
    for (let i = 0; i < ENTRY; i++) {
      const t = heap[x + i]!;
      heap[x + i] = heap[y + i]!;
      heap[y + i] = t;
    }
  }
}
