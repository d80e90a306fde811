/**
 * ACD decisions: the indexed agent pools (one per group and strategy) against two baselines
 * that walk every member of the group on every call, as Asterisk's app_queue does:
 *
 * - `app_queue_*` — app_queue's own sequence per call (`appQueueSelector`, modelled from
 *   apps/app_queue.c): a call attempt allocated and a metric computed for every member,
 *   then `find_best` walks of the attempts until one is free. The issue's "baseline that
 *   walks every member per call, as app_queue does".
 * - `baseline_*` — the least walk there is: one pass over the members, skipping the busy
 *   ones, keeping the best. No selector that walks can cost less; the stricter comparison.
 *
 * A center of 1k, 10k and 100k checked-in agents in 500 groups; every agent is a member of
 * 3–5 groups with priority 1–3 (seeded), so a group has ~8, ~80 and ~800 members. 60% of
 * the agents are on a call at any time. One decision = a caller arrives in a random group and
 * the best agent is picked and reserved (out of the pools of all its groups: reservation is
 * atomic across groups) — an offer, what app_queue does per call. The pools are asked by
 * agent index (`pickIndex`, `AgentRoster.leaveAllPools(index)`), and the simulation keeps
 * its own bookkeeping (who is on a call, in which group) by index in typed arrays, so a
 * decision costs each selector what it reads itself: the walks read the members' objects
 * (where app_queue keeps a member's status), the pools their arrays. Decisions run in rounds
 * of 200; after each round the calls that ended meanwhile (longest busy first) are finished:
 * the agent is released, back into all its groups with its new idle-since and today's
 * counts. Decisions and releases are timed apart: `releases_per_s` / `calls_per_s` show what
 * keeping the pools current costs, and `per_call_speedup_*` compares one decision plus one
 * release, the whole cost of a call. Every selector sees the same arrivals and must make the
 * same decisions: a checksum of every pick over the decisions both ran is compared, so the
 * speed is for equal work. At the start the free agents are filed in the order they became
 * available, as a running center files them.
 *
 * Each run (size × strategy × selector) is a process of its own (`runApart`), three times;
 * the figures are the best run's, for every selector alike (`bestOf`).
 *
 * Figures are for longest-idle (the default strategy); fewest-calls is reported with the
 * `fewest_calls_` prefix and times 250k decisions per size instead of 1M. Throughput is
 * timed over 1M decisions per size (the least walk at 100k: 200k; app_queue's sequence
 * 250k, 200k and 3k at the three sizes, or it alone would take minutes; rates are per
 * decision either way), the per-decision latency over a further 100k decisions each timed
 * alone (process.hrtime.bigint, whose own ~50 ns are included; not for app_queue's).
 * `pick_only_*` times choosing alone (1M picks from the pools, 100k scans; nobody reserved).
 *
 * `floor_*` (longest idle only) is the least any real selector of this design can cost: the same
 * decisions (the checksum is compared) from the barest index there is — per group and
 * priority one FIFO of (agent, epoch) int pairs in an Int32Array, an Int32Array of epochs, a
 * reservation that is one epoch write — and nothing else: no pool sizes, no validation, no
 * handles, no other strategy. It is not a product selector, only the measure of how far the
 * pools are from the bottom, and of the bottom itself.
 *
 * `harness_only_*` is the ceiling: the same rounds around a "selector" that costs nothing
 * (it hands out any free agent, whatever the group, from a stack). It is not a selector —
 * its decisions differ — only what the simulation's own writes cost, which every selector
 * pays on top of its own work.
 */
import { spawnSync } from 'node:child_process';
import { AgentRoster, createAgentPool, type AgentPool, type PoolMember } from '../src/acd/strategy/index.js';
import { SeededRandom } from '../src/random/random.js';
import { figure } from './figure.js';

/** `appQueueDecisions`: app_queue's sequence costs ~0.5 µs, ~10 µs and ~0.6 ms per call at the three sizes, so it runs fewer (rates are per decision). */
const SIZES = [
  { agents: 1_000, label: '1k', scanShare: 1, appQueueDecisions: 250_000 },
  { agents: 10_000, label: '10k', scanShare: 1, appQueueDecisions: 200_000 },
  { agents: 100_000, label: '100k', scanShare: 0.2, appQueueDecisions: 3_000 },
] as const;
const GROUPS = 500;
const DECISIONS = { 'longest-idle': 1_000_000, 'fewest-calls': 250_000 } as const;
const TIMED_ONE_BY_ONE = 100_000;
/** Runs per selector and size, each in a process of its own; the figures are the best one's (`bestOf`). */
const RUNS = 3;
/** Picks timed alone: the pools' picks take tens of ns, so they need many to time well; the scan's fewer. */
const PICK_ONLY = { pools: 1_000_000, scan: 100_000, harness: 1_000_000, floor: 1_000_000, appQueue: 0 } as const;
const BUSY_SHARE = 0.6;
/** Decisions per round; the calls that end meanwhile follow each round (about as many: the busy share stays at its target). */
const ROUND = 200;

type Strategy = 'longest-idle' | 'fewest-calls';

interface Membership {
  group: number;
  member: PoolMember;
  callsToday: number;
  talkTimeTodayMs: number;
}

/** An agent as app_queue keeps a member: an object with its status and figures, which the walks read. */
interface Agent {
  id: string;
  index: number;
  memberships: Membership[];
  /** The member's status as the walks see it: set by their reservation, cleared when the call ends. */
  busy: boolean;
  availableSince: number;
}

/**
 * One copy of the center's state; each selector gets its own, built from the same seed.
 * The simulation's own bookkeeping (which agents are on a call, in which group) is kept by
 * agent index in typed arrays: it is not a selector's work, so it must not cost a decision
 * a read of the agent's object that the selector itself does not make.
 */
interface Center {
  agents: Agent[];
  /** Per group, its members in page order (the position is the index). */
  groups: Array<Array<{ agent: Agent; membership: Membership }>>;
  /** Busy agents' indexes, longest busy first: a ring buffer holding every agent at most once. */
  busy: Int32Array;
  busyHead: number;
  busyCount: number;
  busyTarget: number;
  /** By agent index: the group whose call the agent is on. */
  callGroup: Int32Array;
  now: number;
}

function buildCenter(agentCount: number): Center {
  const random = new SeededRandom(20_261_121 + agentCount);
  const groups: Center['groups'] = Array.from({ length: GROUPS }, () => []);
  const agents: Agent[] = [];
  for (let index = 0; index < agentCount; index++) {
    const agent: Agent = { id: `agent-${index}`, index, memberships: [], busy: false, availableSince: -random.int(0, 3_600_000) };
    const chosen = new Set<number>();
    const count = random.int(3, 5);
    while (chosen.size < count) chosen.add(random.int(0, GROUPS - 1));
    for (const group of chosen) {
      const members = groups[group]!;
      const member: PoolMember = { position: members.length, priority: random.int(1, 3) };
      const membership: Membership = { group, member, callsToday: random.int(0, 20), talkTimeTodayMs: random.int(0, 3_600_000) };
      agent.memberships.push(membership);
      members.push({ agent, membership });
    }
    agents.push(agent);
  }
  const center: Center = {
    agents,
    groups,
    busy: new Int32Array(agentCount),
    busyHead: 0,
    busyCount: 0,
    busyTarget: Math.round(agentCount * BUSY_SHARE),
    callGroup: new Int32Array(agentCount).fill(-1),
    now: 0,
  };
  for (const agent of random.shuffle(agents).slice(0, center.busyTarget)) {
    agent.busy = true;
    center.callGroup[agent.index] = agent.memberships[0]!.group;
    pushBusy(center, agent.index);
  }
  return center;
}

// The ring's index wraps by a compare, not `%`: an integer division per decision would be the harness's own cost in every selector's figure.
function pushBusy(center: Center, agent: number): void {
  let at = center.busyHead + center.busyCount;
  if (at >= center.busy.length) at -= center.busy.length;
  center.busy[at] = agent;
  center.busyCount++;
}

function shiftBusy(center: Center): number {
  const agent = center.busy[center.busyHead]!;
  if (++center.busyHead === center.busy.length) center.busyHead = 0;
  center.busyCount--;
  return agent;
}

/** Agents go in and out by index: what a selector reads of an agent's object is its own cost. */
interface Selector {
  /** The agent for a caller of `group` (its index), or -1. */
  pick(group: number): number;
  reserve(agent: number): void;
  release(agent: Agent): void;
}

/** The free agents in the order they became available (then by index), as a running center files them. */
function inIdleOrder(center: Center): Agent[] {
  return center.agents.filter((agent) => !agent.busy).sort((a, b) => a.availableSince - b.availableSince || a.index - b.index);
}

/**
 * The indexed pools, wired as the engine wires them: one pool per group, one handle per
 * agent from the center's roster; a reservation takes the agent out of all its pools
 * through the handle, a release adds it to each of them with its new figures.
 */
function indexedSelector(center: Center, strategy: Strategy): Selector {
  const random = new SeededRandom(1);
  const pools: AgentPool[] = Array.from({ length: GROUPS }, (_, g) => createAgentPool(strategy, random.fork(`group-${g}`)));
  // Beside the agents, not in them: the walk's agents stay exactly as they were.
  const roster = new AgentRoster();
  const handles = center.agents.map((agent) => roster.enrol(agent.id));
  const release = (agent: Agent) => {
    const handle = handles[agent.index]!;
    for (const m of agent.memberships) {
      pools[m.group]!.add(handle, m.member, { availableSince: agent.availableSince, callsToday: m.callsToday, talkTimeTodayMs: m.talkTimeTodayMs });
    }
  };
  for (const agent of inIdleOrder(center)) release(agent);
  return {
    // Handles were enrolled in the agents' order, so a roster index is the agent's index.
    pick: (group) => pools[group]!.pickIndex(),
    reserve: (agent) => roster.leaveAllPools(agent),
    release,
  };
}

/** The ceiling: no selecting at all (see the header). Not for equal work: it ignores the group and the strategy. */
function harnessOnlySelector(center: Center): Selector {
  const free = center.agents.filter((agent) => !agent.busy).map((agent) => agent.index);
  return {
    pick: () => free.pop() ?? -1,
    reserve() {},
    release: (agent) => void free.push(agent.index),
  };
}

/** The floor (see the header): longest idle from one int FIFO per group and priority, stale entries skipped by epoch. */
function floorSelector(center: Center): Selector {
  const tiersPerGroup = 3;
  const agentCount = center.agents.length;
  const epochs = new Int32Array(agentCount);
  // Each agent's FIFOs (group × 3 + priority - 1), side by side.
  const firstTier = new Int32Array(agentCount + 1);
  const tierOf: number[] = [];
  for (const agent of center.agents) {
    firstTier[agent.index] = tierOf.length;
    for (const m of agent.memberships) tierOf.push(m.group * tiersPerGroup + m.member.priority - 1);
  }
  firstTier[agentCount] = tierOf.length;
  const tiers = Int32Array.from(tierOf);
  const fifos = Array.from({ length: GROUPS * tiersPerGroup }, () => new Int32Array(64));
  const head = new Int32Array(fifos.length);
  const tail = new Int32Array(fifos.length);
  const append = (fifo: number, agent: number): void => {
    let entries = fifos[fifo]!;
    if (tail[fifo]! * 2 + 2 > entries.length) {
      // Full: move the live part to the front, or double.
      const from = head[fifo]! * 2;
      const length = tail[fifo]! - head[fifo]!;
      if (length * 4 > entries.length) {
        const grown = new Int32Array(entries.length * 2);
        grown.set(entries.subarray(from, tail[fifo]! * 2));
        fifos[fifo] = entries = grown;
      } else {
        entries.copyWithin(0, from, tail[fifo]! * 2);
      }
      head[fifo] = 0;
      tail[fifo] = length;
    }
    const at = tail[fifo]!++ * 2;
    entries[at] = agent;
    entries[at + 1] = epochs[agent]!;
  };
  const release = (agent: Agent): void => {
    for (let k = firstTier[agent.index]!; k < firstTier[agent.index + 1]!; k++) append(tiers[k]!, agent.index);
  };
  // The free agents, in idle order (since, then position, as the pools order them), into each FIFO.
  const initial = center.groups.flatMap((members) => members.filter(({ agent }) => !agent.busy));
  initial.sort((a, b) => a.agent.availableSince - b.agent.availableSince || a.membership.member.position - b.membership.member.position);
  for (const { agent, membership } of initial) append(membership.group * tiersPerGroup + membership.member.priority - 1, agent.index);
  return {
    pick(group) {
      for (let fifo = group * tiersPerGroup; fifo < (group + 1) * tiersPerGroup; fifo++) {
        const entries = fifos[fifo]!;
        let h = head[fifo]!;
        const t = tail[fifo]!;
        while (h < t && epochs[entries[h * 2]!] !== entries[h * 2 + 1]) h++;
        head[fifo] = h;
        if (h < t) return entries[h * 2]!;
      }
      return -1;
    },
    reserve(agent) {
      epochs[agent] = (epochs[agent]! + 1) | 0;
    },
    release,
  };
}

/** app_queue's way: walk the group's members in page order, skip the unavailable, keep the strictly better. */
/** What the walks rank a member by within its priority: its idle time's start, or its calls today. */
function rankOf(strategy: Strategy): (agent: Agent, membership: Membership) => number {
  return strategy === 'longest-idle' ? (agent) => agent.availableSince : (_agent, membership) => membership.callsToday;
}

/** The walks' reservation: the member's status, where app_queue keeps it (the walk just read this object). */
function markBusy(center: Center): (agent: number) => void {
  return (agent) => {
    center.agents[agent]!.busy = true;
  };
}

function scanningSelector(center: Center, strategy: Strategy): Selector {
  const rank = rankOf(strategy);
  return {
    pick(group) {
      let best: Agent | undefined;
      let bestPriority = 0;
      let bestRank = 0;
      for (const { agent, membership } of center.groups[group]!) {
        if (agent.busy) continue;
        const priority = membership.member.priority;
        const agentRank = rank(agent, membership);
        if (best === undefined || priority < bestPriority || (priority === bestPriority && agentRank < bestRank)) {
          best = agent;
          bestPriority = priority;
          bestRank = agentRank;
        }
      }
      return best === undefined ? -1 : best.index;
    },
    reserve: markBusy(center),
    release() {},
  };
}

/** app_queue's `struct callattempt`: one per member per call, in a list (`q_next`). */
interface CallAttempt {
  q_next: CallAttempt | null;
  /** The channel being rung; none in this model (nothing is rung twice in one decision). */
  chan: null;
  agent: Agent;
  metric: number;
  stillgoing: boolean;
}

/**
 * app_queue's own sequence for one call, modelled from apps/app_queue.c (asterisk/asterisk
 * at f0c1c1a7, 2026-08): `is_our_turn` counts the available members
 * (`num_available_members`; without autofill, its default, it stops at the first);
 * `try_calling` walks every member, allocates a call attempt for each and gives it
 * `calc_metric`'s metric — every member, busy or not; `ring_one` then takes `find_best`
 * (a walk of the attempts for the smallest metric still going) and asks `can_ring_entry`,
 * which refuses a busy member (with `ringinuse=no`, what a contact center sets: the
 * default rings agents already on a call) and otherwise claims it in `pending_members`; a
 * refused one stops going and `find_best` walks again. Leaving out the channel request, the
 * locks, the reference counts, the copy of the caller's connected line into every attempt
 * and the device-state lookup of the member it claims, this is the least app_queue does
 * per call. The metric
 * orders as app_queue's: priority (penalty) first, then the last call's end (longest idle;
 * `1000000 - (now - lastcall)` orders as `lastcall`) or the calls taken (fewest calls).
 * The attempts are listed in page order (app_queue prepends; its ties then go to the last
 * member, ours to the first), so that the decisions equal the pools' (checksum).
 */
function appQueueSelector(center: Center, strategy: Strategy): Selector {
  const pending = new Set<Agent>();
  const rank = rankOf(strategy);
  return {
    pick(group) {
      const members = center.groups[group]!;
      let available = 0;
      for (const { agent } of members) {
        if (!agent.busy) {
          available = 1;
          break;
        }
      }
      if (available === 0) return -1;
      let outgoing: CallAttempt | null = null;
      let last: CallAttempt | null = null;
      for (const { agent, membership } of members) {
        const attempt: CallAttempt = { q_next: null, chan: null, agent, metric: membership.member.priority * 2 ** 32 + rank(agent, membership), stillgoing: true };
        if (last === null) outgoing = attempt;
        else last.q_next = attempt;
        last = attempt;
      }
      for (;;) {
        let best: CallAttempt | null = null;
        for (let cur = outgoing; cur !== null; cur = cur.q_next) {
          if (cur.stillgoing && cur.chan === null && (best === null || cur.metric < best.metric)) best = cur;
        }
        if (best === null) return -1;
        const agent = best.agent;
        if (!agent.busy && !pending.has(agent)) {
          // Claimed while it is rung; the model's ring is answered at once, so the claim ends here.
          pending.add(agent);
          pending.delete(agent);
          return agent.index;
        }
        best.stillgoing = false;
      }
    },
    reserve: markBusy(center),
    release() {},
  };
}

/**
 * One decision: the best agent for a caller of `group`, reserved (out of every pool it is in);
 * returns its index, or -1 when nobody is free, for the checksum.
 */
function decide(center: Center, selector: Selector, group: number): number {
  const agent = selector.pick(group);
  if (agent < 0) return -1;
  selector.reserve(agent);
  center.callGroup[agent] = group;
  pushBusy(center, agent);
  return agent;
}

/** Calls end, longest first, until the share of busy agents is back at its target: each agent is available again in all its groups. */
function finishCalls(center: Center, selector: Selector): number {
  let released = 0;
  while (center.busyCount > center.busyTarget) {
    const now = ++center.now;
    const index = shiftBusy(center);
    const done = center.agents[index]!;
    const callGroup = center.callGroup[index];
    // The harness-only ceiling hands out agents of any group: their counts go to their first group.
    const membership = done.memberships.find((m) => m.group === callGroup) ?? done.memberships[0]!;
    membership.callsToday++;
    membership.talkTimeTodayMs += 30_000 + (now % 240_000);
    done.busy = false;
    done.availableSince = now;
    selector.release(done);
    released++;
  }
  return released;
}

interface Run {
  decisionsPerS: number;
  p50Us: number;
  p99Us: number;
  /** Releases per second: an agent whose call ended becomes available in all its groups (with the center's own bookkeeping of the call). */
  releasesPerS: number;
  /** Decisions per second counting each call's release too: the whole cost of a call to the selector. */
  callsPerS: number;
  pickOnlyPerS: number;
  /** `checksums[k]`: of the first `checkedDecisions[k]` decisions, for comparing selectors. */
  checksums: number[];
  unanswered: number;
}

function run(agentCount: number, strategy: Strategy, selectorKind: keyof typeof PICK_ONLY, decisions: number, checkedDecisions: number[]): Run {
  const makeSelector = { pools: indexedSelector, scan: scanningSelector, harness: harnessOnlySelector, floor: floorSelector, appQueue: appQueueSelector }[selectorKind];
  const pickOnly = PICK_ONLY[selectorKind];
  // app_queue's sequence is timed in bulk only: 100k decisions one by one would take a minute at 100k agents.
  const timedOneByOne = selectorKind === 'appQueue' ? 0 : TIMED_ONE_BY_ONE;
  // The checksum after each of `checkedDecisions`, taken as the count passes it.
  const marks = [...new Set(checkedDecisions)].sort((a, b) => a - b);
  const checksumAt = new Map<number, number>();
  let mark = 0;
  const lastChecked = marks.at(-1) ?? 0;
  const center = buildCenter(agentCount);
  const selector = makeSelector(center, strategy);
  (globalThis as { gc?: () => void }).gc?.();
  let checksum = 0;
  let unanswered = 0;
  let next = 0;
  let decidingMs = 0;
  let releasingMs = 0;
  let releases = 0;
  // Rounds of decisions, each followed by the calls that end meanwhile; the two are timed apart.
  while (next < decisions) {
    const end = Math.min(decisions, next + ROUND);
    const t0 = performance.now();
    for (let i = next; i < end; i++) {
      const picked = decide(center, selector, arrivals[i]!);
      if (picked < 0) unanswered++;
      // An int32 hash (Math.imul): a floating-point `%` here would cost more than the pools' pick.
      if (i < lastChecked) {
        checksum = (Math.imul(checksum, 31) + picked + 1) | 0;
        if (i + 1 === marks[mark]) checksumAt.set(marks[mark++]!, checksum);
      }
    }
    const t1 = performance.now();
    releases += finishCalls(center, selector);
    releasingMs += performance.now() - t1;
    decidingMs += t1 - t0;
    next = end;
  }
  const times = new Float64Array(timedOneByOne);
  for (let i = 0; i < timedOneByOne; i++, next++) {
    const t0 = process.hrtime.bigint();
    decide(center, selector, arrivals[next]!);
    times[i] = Number(process.hrtime.bigint() - t0) / 1_000;
    if (i % ROUND === ROUND - 1) finishCalls(center, selector);
  }
  times.sort();
  let picked = 0;
  const pickStart = performance.now();
  for (let i = 0; i < pickOnly; i++) if (selector.pick(arrivals[i]!) >= 0) picked++;
  const pickMs = performance.now() - pickStart;
  if (pickOnly > 0 && picked === 0) throw new Error('nobody was ever free: the pick-only figure would mean nothing');
  return {
    decisionsPerS: decisions / (decidingMs / 1_000),
    p50Us: times[Math.floor(timedOneByOne * 0.5)] ?? Number.NaN,
    p99Us: times[Math.floor(timedOneByOne * 0.99)] ?? Number.NaN,
    releasesPerS: releases / (releasingMs / 1_000),
    callsPerS: decisions / ((decidingMs + releasingMs) / 1_000),
    pickOnlyPerS: pickOnly / (pickMs / 1_000),
    checksums: checkedDecisions.map((count) => checksumAt.get(count)!),
    unanswered: unanswered / decisions,
  };
}

const arrivalRandom = new SeededRandom(7);
const arrivals = Uint16Array.from({ length: DECISIONS['longest-idle'] + TIMED_ONE_BY_ONE }, () => arrivalRandom.int(0, GROUPS - 1));

type RunArgs = Parameters<typeof run>;

/**
 * Each run in a process of its own (this file, with `--one`): in one process the decision
 * loop, shared by every selector, turns polymorphic after the first and stops inlining the
 * selector's calls — a few ns per call that fell on whichever selector ran later, and that
 * a real engine, with one selector, never pays. A fresh process also starts each run on a
 * clean heap.
 */
function runApart(...args: RunArgs): Run {
  const child = spawnSync(process.execPath, [...process.execArgv, process.argv[1]!, '--one', JSON.stringify(args)], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (child.status !== 0) throw new Error(`the run ${JSON.stringify(args)} failed with exit code ${child.status}`);
  return JSON.parse(child.stdout) as Run;
}

/**
 * The best of `RUNS` runs apart (by decisions per second), for every selector alike: other
 * work on a shared machine only ever slows a run down (preemption, a neighbour's cache
 * traffic), so the fastest run is the one least disturbed. The runs must agree on every
 * decision.
 */
function bestOf(...args: RunArgs): Run {
  const runs = Array.from({ length: RUNS }, () => runApart(...args));
  if (runs.some((r) => r.checksums.join() !== runs[0]!.checksums.join())) throw new Error(`the runs of ${JSON.stringify(args)} made different decisions`);
  return runs.reduce((best, r) => (r.decisionsPerS > best.decisionsPerS ? r : best));
}

const one = process.argv.indexOf('--one');
if (one >= 0) {
  process.stdout.write(JSON.stringify(run(...(JSON.parse(process.argv[one + 1]!) as RunArgs))));
  process.exit(0);
}

for (const strategy of ['longest-idle', 'fewest-calls'] as const) {
  const prefix = strategy === 'longest-idle' ? '' : 'fewest_calls_';
  const indexedPerS: number[] = [];
  const pickOnlyPerS: number[] = [];
  const callsPerS: number[] = [];
  const floorPerS: number[] = [];
  for (const { agents, label, scanShare, appQueueDecisions } of SIZES) {
    const decisions = DECISIONS[strategy];
    const scanDecisions = Math.round(decisions * scanShare);
    const appQueueRun = Math.min(decisions, appQueueDecisions);
    const indexed = bestOf(agents, strategy, 'pools', decisions, [scanDecisions, appQueueRun]);
    const scanning = bestOf(agents, strategy, 'scan', scanDecisions, [scanDecisions]);
    const appQueue = bestOf(agents, strategy, 'appQueue', appQueueRun, [appQueueRun]);
    const harnessOnly = bestOf(agents, strategy, 'harness', decisions, []);
    const floor = strategy === 'longest-idle' ? bestOf(agents, strategy, 'floor', decisions, [scanDecisions]) : undefined;
    if (floor && floor.checksums[0] !== scanning.checksums[0]) throw new Error(`${strategy} ${label}: the floor and the scan made different decisions`);
    if (indexed.checksums[0] !== scanning.checksums[0]) throw new Error(`${strategy} ${label}: the pools and the scan made different decisions`);
    if (indexed.checksums[1] !== appQueue.checksums[0]) throw new Error(`${strategy} ${label}: the pools and app_queue's sequence made different decisions`);
    console.error(
      `# ${strategy} ${label}: ${(indexed.unanswered * 100).toFixed(1)}% of callers found nobody free; the first ${scanDecisions} decisions equal the scan's, the first ${appQueueRun} app_queue's`,
    );
    indexedPerS.push(indexed.decisionsPerS);
    callsPerS.push(indexed.callsPerS);
    pickOnlyPerS.push(indexed.pickOnlyPerS);
    figure('acd', `${prefix}decisions_per_s_${label}`, indexed.decisionsPerS, '1/s');
    figure('acd', `${prefix}p50_decision_us_${label}`, indexed.p50Us, 'us');
    figure('acd', `${prefix}p99_decision_us_${label}`, indexed.p99Us, 'us');
    figure('acd', `${prefix}baseline_decisions_per_s_${label}`, scanning.decisionsPerS, '1/s');
    figure('acd', `${prefix}baseline_p99_decision_us_${label}`, scanning.p99Us, 'us');
    figure('acd', `${prefix}speedup_vs_baseline_${label}`, indexed.decisionsPerS / scanning.decisionsPerS, 'x');
    figure('acd', `${prefix}releases_per_s_${label}`, indexed.releasesPerS, '1/s');
    figure('acd', `${prefix}baseline_releases_per_s_${label}`, scanning.releasesPerS, '1/s');
    figure('acd', `${prefix}calls_per_s_${label}`, indexed.callsPerS, '1/s');
    figure('acd', `${prefix}baseline_calls_per_s_${label}`, scanning.callsPerS, '1/s');
    figure('acd', `${prefix}per_call_speedup_vs_baseline_${label}`, indexed.callsPerS / scanning.callsPerS, 'x');
    figure('acd', `${prefix}harness_only_speedup_vs_baseline_${label}`, harnessOnly.decisionsPerS / scanning.decisionsPerS, 'x');
    figure('acd', `${prefix}app_queue_decisions_per_s_${label}`, appQueue.decisionsPerS, '1/s');
    figure('acd', `${prefix}speedup_vs_app_queue_${label}`, indexed.decisionsPerS / appQueue.decisionsPerS, 'x');
    figure('acd', `${prefix}per_call_speedup_vs_app_queue_${label}`, indexed.callsPerS / appQueue.callsPerS, 'x');
    if (floor) {
      floorPerS.push(floor.decisionsPerS);
      figure('acd', `floor_decisions_per_s_${label}`, floor.decisionsPerS, '1/s');
      figure('acd', `floor_speedup_vs_baseline_${label}`, floor.decisionsPerS / scanning.decisionsPerS, 'x');
      figure('acd', `floor_per_call_speedup_vs_baseline_${label}`, floor.callsPerS / scanning.callsPerS, 'x');
      figure('acd', `floor_speedup_vs_app_queue_${label}`, floor.decisionsPerS / appQueue.decisionsPerS, 'x');
    }
    figure('acd', `${prefix}pick_only_per_s_${label}`, indexed.pickOnlyPerS, '1/s');
    figure('acd', `${prefix}baseline_pick_only_per_s_${label}`, scanning.pickOnlyPerS, '1/s');
    figure('acd', `${prefix}pick_only_speedup_vs_baseline_${label}`, indexed.pickOnlyPerS / scanning.pickOnlyPerS, 'x');
  }
  // Mean time (the inverse of throughput) at 100k over 1k: how the cost grows with the center.
  figure('acd', `${prefix}decision_time_growth_1k_to_100k`, indexedPerS[0]! / indexedPerS[2]!, 'x');
  figure('acd', `${prefix}pick_only_time_growth_1k_to_100k`, pickOnlyPerS[0]! / pickOnlyPerS[2]!, 'x');
  figure('acd', `${prefix}per_call_time_growth_1k_to_100k`, callsPerS[0]! / callsPerS[2]!, 'x');
  if (floorPerS.length === 3) figure('acd', 'floor_decision_time_growth_1k_to_100k', floorPerS[0]! / floorPerS[2]!, 'x');
}
