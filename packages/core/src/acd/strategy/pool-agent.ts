import { ValidationError } from '../../errors/errors.js';

/** What an agent's handle needs from a pool it is in. */
export interface PoolMembership {
  /** The pool's id in its roster (`AgentRoster.register`), or -1 before it has one. */
  readonly poolId: number;
  /**
   * Agent `index` left every pool (its epoch already moved on; the roster took it off the
   * pool's size); `place` is its place in this pool (see `PoolAgent.at`). Only pools
   * registered as eager are told (`AgentRoster.register`).
   */
  vacated(index: number, place: number): void;
  /** The agent's epoch moved on while it stays in this pool: a lazy index files it again. */
  refile(agent: PoolAgent, place: number): void;
}

/** The figures an agent has in one pool, packed in `PoolAgent.places` (one block of `PLACE` numbers per pool). */
export const PLACE = 6;
export const POSITION = 0;
export const PRIORITY = 1;
export const SINCE = 2;
export const CALLS = 3;
export const TALK = 4;
/** Where an eager pool keeps the agent: its index in a tier's bag, or its slot in the weight tree. */
export const SLOT = 5;

/** Places an agent's block starts with: most agents are in a handful of groups; more moves the block (rare). */
const FIRST_BLOCK = 4;
/**
 * `AgentRoster.blocks`: per agent, where its block of figures starts, how many places it
 * uses, and the pool ids of its first `INLINE` places (later ones: `overflowIds`): 32 bytes,
 * half a cache line, so that a reservation reads one line for all it needs and a release
 * one more for the figures.
 */
const BLOCK = 8;
const BASE = 0;
const COUNT = 1;
const IDS = 2;
const INLINE = BLOCK - IDS;

/**
 * The agents the pools of one tenant know, by dense integer index, and where everything a
 * reservation or a release touches lives: flat arrays, not an object per agent and group.
 *
 * Its epoch table is what makes removal lazy and cheap: an index entry is (agent index,
 * epoch), live while the agent's epoch is unchanged. Reserving an agent moves its epoch on —
 * one write — and every entry it has in every pool goes stale at once; a pool drops a stale
 * entry when it meets it, checking it against this table (8 bytes per agent, so it stays in
 * cache) without touching the agent.
 */
export class AgentRoster {
  /** By index. */
  readonly agents: PoolAgent[] = [];
  /**
   * By agent index; read by the pools on every liveness check. A plain array of small
   * integers (unboxed), never replaced, so the pools and their tiers hold it directly.
   */
  readonly epochs: number[] = [];
  /**
   * Every agent's figures in its pools: agent `a`'s place `p` is the `PLACE` numbers from
   * `(a.base + p) * PLACE`. Replaced when it grows.
   */
  places = new Float64Array(64 * FIRST_BLOCK * PLACE);
  /** Places handed out to blocks so far. */
  private placesUsed = 0;
  /** The pool id of place `p ≥ INLINE` of agent `a`, at `a.base + p` (an agent in more than `INLINE` groups). Replaced when it grows. */
  private overflowIds = new Int32Array(64 * FIRST_BLOCK);
  /** The pools, by id. */
  readonly pools: PoolMembership[] = [];
  /**
   * By pool id: how many agents the pool holds. The roster keeps the pools' sizes so that a
   * reservation updates them in one array instead of calling on 3–5 pool objects.
   * Replaced when it grows.
   */
  poolSizes = new Int32Array(16);
  /** By pool id: 1 for a pool that must be told when an agent leaves it (`PoolMembership.vacated`). */
  private poolEager = new Uint8Array(16);
  /**
   * By agent index, `BLOCK` ints side by side: where its block of places starts, how many
   * pools it is in, and the ids of its first pools. Here rather than on the handle, so that
   * a reservation by index (`leaveAllPools`) reads one cache line and never the handle.
   * Replaced when it grows.
   */
  blocks = new Int32Array(64 * BLOCK);

  /**
   * Makes every entry of the agent stale. Epochs are int32 counters (so that V8 keeps them,
   * and the copies the indexes make, unboxed) and wrap after 2^32 moves; a stale entry
   * lives at most until the next sweep of its pool, long before that.
   */
  moveEpoch(index: number): void {
    this.epochs[index] = (this.epochs[index]! + 1) | 0;
  }

  /**
   * Agent `index` can take no call now (reserved, paused, DND, logged out…): it leaves every
   * pool it is in, at once, before anything else runs. O(pools) counter updates; no index
   * is touched but those that cannot skip a stale entry (the random ones), and no handle is
   * read: a caller that keeps agents by index (`AgentPool.pickIndex`) touches no object of
   * the agent's at all.
   */
  leaveAllPools(index: number): void {
    if (!(index >>> 0 === index && index < this.agents.length)) {
      throw new ValidationError(`No agent ${index} in this roster`, [{ path: 'index', message: `an agent index from 0 to ${this.agents.length - 1}` }]);
    }
    const blocks = this.blocks;
    const at = index * BLOCK;
    const count = blocks[at + COUNT]!;
    if (count === 0) return;
    this.moveEpoch(index);
    const sizes = this.poolSizes;
    const eager = this.poolEager;
    // The places stay written (a release overwrites them), so leaving writes nothing but counters.
    for (let place = 0; place < count; place++) {
      const id = this.poolIdAt(index, place);
      sizes[id]!--;
      if (eager[id] === 1) this.pools[id]!.vacated(index, place);
    }
    blocks[at + COUNT] = 0;
  }

  /** The pool id of agent `index`'s place `place`. */
  poolIdAt(index: number, place: number): number {
    const at = index * BLOCK;
    return place < INLINE ? this.blocks[at + IDS + place]! : this.overflowIds[this.blocks[at + BASE]! + place]!;
  }

  setPoolIdAt(index: number, place: number, id: number): void {
    const at = index * BLOCK;
    if (place < INLINE) this.blocks[at + IDS + place] = id;
    else this.overflowIds[this.blocks[at + BASE]! + place] = id;
  }

  /** A pool joins the roster (at its first agent): its id, by which the roster keeps its size. */
  register(pool: PoolMembership, eager: boolean): number {
    const id = this.pools.length;
    this.pools.push(pool);
    if (id === this.poolSizes.length) {
      this.poolSizes = grown(this.poolSizes);
      this.poolEager = grown(this.poolEager);
    }
    this.poolEager[id] = eager ? 1 : 0;
    return id;
  }

  /** A handle for one agent; the engine creates one per agent runtime and passes it to every pool. */
  enrol(agentId: string): PoolAgent {
    if (typeof agentId !== 'string' || agentId === '') {
      throw new ValidationError('Cannot pool an agent without an id', [{ path: 'agentId', message: 'a non-empty agent id' }]);
    }
    const index = this.agents.length;
    this.epochs.push(0);
    if ((index + 1) * BLOCK > this.blocks.length) this.blocks = grown(this.blocks);
    this.blocks[index * BLOCK + BASE] = this.block(FIRST_BLOCK);
    const agent = new PoolAgent(this, index, agentId, FIRST_BLOCK);
    this.agents.push(agent);
    return agent;
  }

  /** A block of `capacity` places at the end (a block outgrown by its agent is not reused). */
  block(capacity: number): number {
    const base = this.placesUsed;
    this.placesUsed += capacity;
    while (this.placesUsed * PLACE > this.places.length) this.places = grown(this.places);
    while (this.placesUsed > this.overflowIds.length) this.overflowIds = grown(this.overflowIds);
    return base;
  }

  /** Copies the pool ids an agent keeps outside its roster block (places `INLINE`…) to a new block. */
  moveOverflow(from: number, to: number, count: number): void {
    if (count > INLINE) this.overflowIds.copyWithin(to + INLINE, from + INLINE, from + count);
  }
}

function grown<A extends Float64Array<ArrayBuffer> | Int32Array<ArrayBuffer> | Uint8Array<ArrayBuffer>>(array: A): A {
  const bigger = new (array.constructor as new (length: number) => A)(array.length * 2);
  bigger.set(array);
  return bigger;
}

/**
 * An agent as every pool of its tenant sees it, shared by the pools of all its groups:
 * which pools it is in and its figures there, kept in its roster's arrays (`base`).
 */
export class PoolAgent {
  constructor(
    readonly roster: AgentRoster,
    readonly index: number,
    readonly agentId: string,
    private capacity: number,
  ) {}

  /** The agent is in `poolCount` pools: places 0 … poolCount - 1 of its block. */
  get poolCount(): number {
    return this.roster.blocks[this.index * BLOCK + COUNT]!;
  }

  private set poolCount(count: number) {
    this.roster.blocks[this.index * BLOCK + COUNT] = count;
  }

  /** Where the agent's block of places starts in the roster's arrays. */
  get base(): number {
    return this.roster.blocks[this.index * BLOCK + BASE]!;
  }

  private set base(base: number) {
    this.roster.blocks[this.index * BLOCK + BASE] = base;
  }

  /** Where the figures of place `place` start in `roster.places`. */
  at(place: number): number {
    return (this.base + place) * PLACE;
  }

  /**
   * The agent can take no call now (reserved, paused, DND, logged out…): it leaves every
   * pool it is in, at once, before anything else runs. O(pools) counter updates; no index
   * is touched but those that cannot skip a stale entry (the random ones).
   */
  leaveAllPools(): void {
    this.roster.leaveAllPools(this.index);
  }

  /** The agent's place in `pool`, or -1; agents are in a handful of groups, so a scan beats a map. */
  placeIn(pool: PoolMembership): number {
    const id = pool.poolId;
    const roster = this.roster;
    // Ids are per roster: a pool of another roster may carry the same number.
    if (id < 0 || roster.pools[id] !== pool) return -1;
    const count = this.poolCount;
    for (let place = 0; place < count; place++) if (roster.poolIdAt(this.index, place) === id) return place;
    return -1;
  }

  /** The pool of place `place`. */
  poolAt(place: number): PoolMembership {
    return this.roster.pools[this.roster.poolIdAt(this.index, place)]!;
  }

  /** A new place after the others, in `pool` (already registered with the roster); returns it. */
  takePlace(pool: PoolMembership): number {
    if (this.poolCount === this.capacity) this.moveBlock();
    const place = this.poolCount++;
    this.roster.setPoolIdAt(this.index, place, pool.poolId);
    return place;
  }

  /** Gives up a place: the last one moves into it. */
  dropPlace(place: number): void {
    const { roster, base } = this;
    const last = --this.poolCount;
    if (place !== last) {
      roster.setPoolIdAt(this.index, place, roster.poolIdAt(this.index, last));
      roster.places.copyWithin((base + place) * PLACE, (base + last) * PLACE, (base + last + 1) * PLACE);
    }
  }

  /** The agent joined more groups than its block holds: a block twice as big at the end of the roster. */
  private moveBlock(): void {
    const roster = this.roster;
    const base = roster.block(this.capacity * 2);
    roster.places.copyWithin(base * PLACE, this.base * PLACE, (this.base + this.poolCount) * PLACE);
    roster.moveOverflow(this.base, base, this.poolCount);
    this.base = base;
    this.capacity *= 2;
  }
}
