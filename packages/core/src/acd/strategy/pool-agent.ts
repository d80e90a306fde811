import { ValidationError } from '../../errors/errors.js';

/** What an agent's handle needs from a pool it is in. */
export interface PoolMembership {
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
 * `AgentRoster.blocks`: per agent, where its block starts, how many places it uses, and the
 * pool ids of its first `INLINE` places (copies of `placePoolIds`): 32 bytes, half a cache
 * line, so that a reservation reads one line for all it needs.
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
   * Every agent's places: agent `a`'s place `p` is the `PLACE` numbers from
   * `(a.base + p) * PLACE`, and its pool is `placePools[a.base + p]`. Replaced when it grows.
   */
  places = new Float64Array(64 * FIRST_BLOCK * PLACE);
  readonly placePools: Array<PoolMembership | undefined> = [];
  /** The id of `placePools[i]` (`register`), beside it: a reservation reads these, not the pools. Replaced when it grows. */
  placePoolIds = new Int32Array(64 * FIRST_BLOCK);
  /**
   * By pool id: how many agents the pool holds. The roster keeps the pools' sizes so that a
   * reservation updates them in one array instead of calling on 3–5 pool objects.
   * Replaced when it grows.
   */
  poolSizes = new Int32Array(16);
  /** By pool id: 1 for a pool that must be told when an agent leaves it (`PoolMembership.vacated`). */
  private poolEager = new Uint8Array(16);
  private pools = 0;
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
    const blocks = this.blocks;
    const at = index * BLOCK;
    const count = blocks[at + COUNT]!;
    if (count === 0) return;
    this.moveEpoch(index);
    const sizes = this.poolSizes;
    const eager = this.poolEager;
    // The places stay written (a release overwrites them), so leaving writes nothing but counters.
    for (let place = 0; place < count; place++) {
      const id = place < INLINE ? blocks[at + IDS + place]! : this.placePoolIds[blocks[at + BASE]! + place]!;
      sizes[id]!--;
      if (eager[id] === 1) this.placePools[blocks[at + BASE]! + place]!.vacated(index, place);
    }
    blocks[at + COUNT] = 0;
  }

  /** A pool joins the roster (at its first agent): its id, by which the roster keeps its size. */
  register(eager: boolean): number {
    const id = this.pools++;
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
    const base = this.placePools.length;
    for (let i = 0; i < capacity; i++) this.placePools.push(undefined);
    while (this.placePools.length * PLACE > this.places.length) this.places = grown(this.places);
    while (this.placePools.length > this.placePoolIds.length) this.placePoolIds = grown(this.placePoolIds);
    return base;
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
    const pools = this.roster.placePools;
    for (let place = 0; place < this.poolCount; place++) if (pools[this.base + place] === pool) return place;
    return -1;
  }

  /** The pool of place `place`. */
  poolAt(place: number): PoolMembership {
    return this.roster.placePools[this.base + place]!;
  }

  /** A new place after the others, in the pool of id `poolId` (`AgentRoster.register`); returns it. */
  takePlace(pool: PoolMembership, poolId: number): number {
    if (this.poolCount === this.capacity) this.moveBlock();
    const place = this.poolCount++;
    this.roster.placePools[this.base + place] = pool;
    this.roster.placePoolIds[this.base + place] = poolId;
    if (place < INLINE) this.roster.blocks[this.index * BLOCK + IDS + place] = poolId;
    return place;
  }

  /** Gives up a place: the last one moves into it. */
  dropPlace(place: number): void {
    const { roster, base } = this;
    const last = --this.poolCount;
    if (place !== last) {
      roster.placePools[base + place] = roster.placePools[base + last];
      roster.placePoolIds[base + place] = roster.placePoolIds[base + last]!;
      if (place < INLINE) roster.blocks[this.index * BLOCK + IDS + place] = roster.placePoolIds[base + last]!;
      roster.places.copyWithin((base + place) * PLACE, (base + last) * PLACE, (base + last + 1) * PLACE);
    }
    roster.placePools[base + last] = undefined;
  }

  /** The agent joined more groups than its block holds: a block twice as big at the end of the roster. */
  private moveBlock(): void {
    const roster = this.roster;
    const base = roster.block(this.capacity * 2);
    roster.places.copyWithin(base * PLACE, this.base * PLACE, (this.base + this.poolCount) * PLACE);
    for (let place = 0; place < this.poolCount; place++) {
      roster.placePools[base + place] = roster.placePools[this.base + place];
      roster.placePoolIds[base + place] = roster.placePoolIds[this.base + place]!;
      roster.placePools[this.base + place] = undefined;
    }
    this.base = base;
    this.capacity *= 2;
  }
}
