import type { AgentStateKind } from './agent-state.js';
import type { GroupDay } from './runtime-types.js';
import type { TenantAcd } from './tenant-acd.js';

/** One group's real-time figures (manual §3.13.1 "agent group"). Counters are today's. */
export interface GroupSnapshot {
  groupNumber: string;
  name: string;
  checkedIn: number;
  idle: number;
  ringing: number;
  onCall: number;
  onHold: number;
  wrapUp: number;
  paused: number;
  busy: number;
  waiting: number;
  /** Longest current wait in ms (0 when nobody waits). */
  longestWaitMs: number;
  today: GroupDay;
  /** Share of answered calls answered within 10 s, 0–1; null before the first answer. */
  serviceLevel: number | null;
}

/** One agent's row on the monitoring page (manual §3.13.1 "agent"). */
export interface AgentSnapshot {
  agentNumber: string;
  name: string;
  state: AgentStateKind;
  /** Pause reason, or who set busy. */
  reason: string | null;
  since: number;
  dnd: boolean;
  /** The caller's number while ringing or on a call. */
  callerNumber: string | null;
  /** Per group the agent belongs to. */
  groups: Array<{ groupNumber: string; checkedIn: boolean; checkedInAt: number | null; priority: number; kind: 'static' | 'dynamic'; callsIn: number; callsOut: number; answered: number }>;
  /** Queue calls offered to the agent today in the groups shown. */
  callsIn: number;
  /** Calls the agent placed today, once each (the groups' figures count a call in every group the agent was checked in to). */
  callsOut: number;
  lastCallEndedAt: number | null;
}

export interface AcdSnapshot {
  at: number;
  groups: GroupSnapshot[];
  agents: AgentSnapshot[];
}

/** The manual's sort orders of the agent list. */
export type AgentSortOrder = 'state' | 'state-reverse' | 'number' | 'number-reverse' | 'priority' | 'priority-reverse';

// Manual: "Post-talk status > Call status > Stay status > Pause > Idle > Ring".
const STATE_RANK: Record<AgentStateKind, number> = { 'wrap-up': 0, 'on-call': 1, 'on-hold': 2, paused: 3, busy: 4, idle: 5, reserved: 6, 'logged-out': 7 };

export function takeSnapshot(acd: TenantAcd, options: { groups?: readonly string[]; sort?: AgentSortOrder } = {}): AcdSnapshot {
  const now = acd.now;
  const wanted = options.groups ? new Set(options.groups) : undefined;
  const groups: GroupSnapshot[] = [];
  const agentNumbers = new Set<string>();
  for (const runtime of acd.groups.values()) {
    if (wanted && !wanted.has(runtime.group.number)) continue;
    const b = runtime.buckets;
    // The line is in priority order; the longest wait is the earliest arrival in it.
    let earliest = Infinity;
    for (const entry of runtime.line) if (entry.enteredAt < earliest) earliest = entry.enteredAt;
    groups.push({
      groupNumber: runtime.group.number,
      name: runtime.group.name,
      checkedIn: runtime.checkedIn,
      idle: b.idle,
      ringing: b.reserved,
      onCall: b['on-call'],
      onHold: b['on-hold'],
      wrapUp: b['wrap-up'],
      paused: b.paused,
      busy: b.busy,
      waiting: runtime.line.length,
      longestWaitMs: earliest === Infinity ? 0 : now - earliest,
      today: { ...runtime.day },
      serviceLevel: runtime.day.answered === 0 ? null : runtime.day.answeredWithinSla / runtime.day.answered,
    });
    for (const agentNumber of runtime.members.keys()) agentNumbers.add(agentNumber);
  }
  const agents: AgentSnapshot[] = [];
  for (const number of wanted ? agentNumbers : acd.agents.keys()) {
    const runtime = acd.agents.get(number);
    if (!runtime) continue;
    const state = runtime.state;
    const memberships = [...runtime.memberships.values()].filter((m) => !wanted || wanted.has(m.group.group.number));
    agents.push({
      agentNumber: number,
      name: [runtime.agent.firstName, runtime.agent.lastName].filter(Boolean).join(' '),
      state: state.kind,
      reason: state.kind === 'paused' ? state.reason : state.kind === 'busy' ? state.by : null,
      since: state.kind === 'logged-out' ? (runtime.lastCallEndedAt ?? 0) : state.since,
      dnd: runtime.dnd,
      callerNumber: runtime.call?.callerNumber ?? null,
      groups: memberships.map((m) => ({
        groupNumber: m.group.group.number,
        checkedIn: m.checkedIn,
        checkedInAt: m.checkedInAt,
        priority: m.member.priority,
        kind: m.member.kind,
        callsIn: m.day.callsIn,
        callsOut: m.day.callsOut,
        answered: m.day.answered,
      })),
      callsIn: memberships.reduce((sum, m) => sum + m.day.callsIn, 0),
      callsOut: runtime.callsOutToday,
      lastCallEndedAt: runtime.lastCallEndedAt,
    });
  }
  sortAgents(agents, options.sort ?? 'number');
  return { at: now, groups: groups.sort((a, b) => a.groupNumber.localeCompare(b.groupNumber, 'en', { numeric: true })), agents };
}

export function sortAgents(agents: AgentSnapshot[], order: AgentSortOrder): AgentSnapshot[] {
  const byNumber = (a: AgentSnapshot, b: AgentSnapshot) => a.agentNumber.localeCompare(b.agentNumber, 'en', { numeric: true });
  const priority = (a: AgentSnapshot) => Math.min(...a.groups.map((g) => g.priority), Number.MAX_SAFE_INTEGER);
  const compare: Record<AgentSortOrder, (a: AgentSnapshot, b: AgentSnapshot) => number> = {
    state: (a, b) => STATE_RANK[a.state] - STATE_RANK[b.state] || byNumber(a, b),
    'state-reverse': (a, b) => STATE_RANK[b.state] - STATE_RANK[a.state] || byNumber(a, b),
    number: byNumber,
    'number-reverse': (a, b) => byNumber(b, a),
    priority: (a, b) => priority(a) - priority(b) || byNumber(a, b),
    'priority-reverse': (a, b) => priority(b) - priority(a) || byNumber(a, b),
  };
  return agents.sort(compare[order]);
}
