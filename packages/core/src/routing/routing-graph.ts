import type { Destination } from '../destination/destination.js';
import type { DidConfig, IncomingRouteConfig, IvrMenuConfig, RingGroupConfig, RoutingSettings, TimeConditionConfig, VoiceBroadcastConfig } from './model.js';

export type Stored<T> = T & { id: string };

/** The destinations an agent group's queue can send a caller to (manual §3.1.3 ③). */
export interface QueueDestinations {
  number: string;
  name: string;
  queue: {
    timeoutDestination: Destination | null;
    noAgentDestination: Destination | null;
    overflowDestination: Destination | null;
    exitKeyDestination: Destination | null;
  };
}

/** One tenant's routing objects: what the graph checks and the call sessions run. */
export interface RoutingConfig {
  dids: Array<Stored<DidConfig>>;
  routes: Array<Stored<IncomingRouteConfig>>;
  ivrs: Array<Stored<IvrMenuConfig>>;
  broadcasts: Array<Stored<VoiceBroadcastConfig>>;
  ringGroups: Array<Stored<RingGroupConfig>>;
  conditions: Array<Stored<TimeConditionConfig>>;
  agentGroups: QueueDestinations[];
  settings: RoutingSettings;
}

/** A routing object as the graph names it: `ivr:<id>`, `agent-group:<number>`, `did:<id>` … */
export type NodeKey = string;

export interface Referrer {
  /** What refers: `did`, `route`, `ivr`, `voice-broadcast`, `ring-group`, `condition`, `agent-group`, `settings`. */
  kind: string;
  id: string;
  name: string;
  /** Where in it: `keys.1`, `timeoutDestination` … */
  field: string;
}

interface Edge extends Referrer {
  from: NodeKey;
  to: Destination;
  /** Taken only when the caller pressed a key: a cycle through such an edge is the caller's choice (back to the main menu). */
  needsInput: boolean;
}

/** The node a destination leads to, when it is a routing object that leads on; terminal destinations have none. */
export function nodeOf(destination: Destination): NodeKey | undefined {
  switch (destination.kind) {
    case 'ivr':
      return `ivr:${destination.ivrId}`;
    case 'ring-group':
      return `ring-group:${destination.ringGroupId}`;
    case 'condition':
      return `condition:${destination.conditionId}`;
    case 'voice-broadcast':
      return `voice-broadcast:${destination.broadcastId}`;
    case 'agent-group':
      return `agent-group:${destination.groupNumber}`;
    case 'agent':
    case 'extension':
    case 'external':
    case 'voicemail':
    case 'hangup':
      return undefined;
    default:
      return unknownDestination(destination);
  }
}

/** Every destination held anywhere in the configuration, as an edge from its holder. */
export function edgesOf(config: RoutingConfig): Edge[] {
  const edges: Edge[] = [];
  const add = (kind: string, id: string, name: string, field: string, to: Destination | null, needsInput: boolean, from = `${kind}:${id}`) => {
    if (to) edges.push({ from, to, kind, id, name, field, needsInput });
  };
  for (const did of config.dids) add('did', did.id, did.name, 'destination', did.destination, false);
  for (const route of config.routes) add('route', route.id, route.name, 'destination', route.destination, false);
  for (const ivr of config.ivrs) {
    ivr.keys.forEach((key) => add('ivr', ivr.id, ivr.name, `keys.${key.input}`, key.destination, true));
    add('ivr', ivr.id, ivr.name, 'invalidDestination', ivr.invalidDestination, true);
    add('ivr', ivr.id, ivr.name, 'matchingWebhook.fallbackDestination', ivr.matchingWebhook?.fallbackDestination ?? null, true);
    // No key at all: the call moves on by itself, so this edge can close an endless loop.
    add('ivr', ivr.id, ivr.name, 'timeoutDestination', ivr.timeoutDestination, false);
  }
  for (const broadcast of config.broadcasts) add('voice-broadcast', broadcast.id, broadcast.name, 'destination', broadcast.destination, false);
  for (const group of config.ringGroups) add('ring-group', group.id, group.name, 'timeoutDestination', group.timeoutDestination, false);
  for (const condition of config.conditions) {
    add('condition', condition.id, condition.name, 'matchDestination', condition.matchDestination, false);
    add('condition', condition.id, condition.name, 'noMatchDestination', condition.noMatchDestination, false);
  }
  for (const group of config.agentGroups) {
    const { timeoutDestination, noAgentDestination, overflowDestination, exitKeyDestination } = group.queue;
    add('agent-group', group.number, group.name, 'queue.timeoutDestination', timeoutDestination, false);
    add('agent-group', group.number, group.name, 'queue.noAgentDestination', noAgentDestination, false);
    add('agent-group', group.number, group.name, 'queue.overflowDestination', overflowDestination, false);
    add('agent-group', group.number, group.name, 'queue.exitKeyDestination', exitKeyDestination, true);
  }
  add('settings', 'routing', 'routing settings', 'unreachableDestination', config.settings.unreachableDestination, false);
  if (config.settings.blacklistTreatment.kind === 'destination') {
    add('settings', 'routing', 'routing settings', 'blacklistTreatment.destination', config.settings.blacklistTreatment.destination, false);
  }
  return edges;
}

/** Who points at a routing object: listed when it cannot be deleted, and as a condition's "usage". */
export function referrersOf(config: RoutingConfig, target: NodeKey): Referrer[] {
  return edgesOf(config)
    .filter((edge) => nodeOf(edge.to) === target)
    .map(({ kind, id, name, field }) => ({ kind, id, name, field }));
}

/** Destinations that name an object the tenant does not have. */
export function danglingReferences(config: RoutingConfig): Array<Referrer & { target: NodeKey }> {
  const existing = new Set<NodeKey>([
    ...config.ivrs.map((o) => `ivr:${o.id}`),
    ...config.ringGroups.map((o) => `ring-group:${o.id}`),
    ...config.conditions.map((o) => `condition:${o.id}`),
    ...config.broadcasts.map((o) => `voice-broadcast:${o.id}`),
    ...config.agentGroups.map((o) => `agent-group:${o.number}`),
  ]);
  const dangling: Array<Referrer & { target: NodeKey }> = [];
  for (const edge of edgesOf(config)) {
    const target = nodeOf(edge.to);
    if (target !== undefined && !existing.has(target)) dangling.push({ kind: edge.kind, id: edge.id, name: edge.name, field: edge.field, target });
  }
  return dangling;
}

/**
 * A loop a call could go round forever without the caller doing anything (condition →
 * broadcast → condition …), as the path of objects; `undefined` when there is none.
 * Loops through caller input (an IVR key back to the main menu) are allowed: the caller
 * chooses each round, and the run-time hop limit still bounds them.
 */
export function findInputFreeCycle(config: RoutingConfig): Referrer[] | undefined {
  const outgoing = new Map<NodeKey, Edge[]>();
  for (const edge of edgesOf(config)) {
    if (edge.needsInput || nodeOf(edge.to) === undefined) continue;
    const list = outgoing.get(edge.from) ?? [];
    list.push(edge);
    outgoing.set(edge.from, list);
  }
  // Iterative depth-first search with three colours: grey nodes are on the current path.
  const colour = new Map<NodeKey, 'grey' | 'black'>();
  for (const start of outgoing.keys()) {
    if (colour.has(start)) continue;
    const path: Edge[] = [];
    const stack: Array<{ node: NodeKey; next: number }> = [{ node: start, next: 0 }];
    colour.set(start, 'grey');
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const edges = outgoing.get(top.node) ?? [];
      if (top.next >= edges.length) {
        colour.set(top.node, 'black');
        stack.pop();
        path.pop();
        continue;
      }
      const edge = edges[top.next++]!;
      const target = nodeOf(edge.to)!;
      const seen = colour.get(target);
      if (seen === 'grey') {
        const loop = [...path, edge];
        const startAt = loop.findIndex((e) => e.from === target);
        return loop.slice(startAt).map(({ kind, id, name, field }) => ({ kind, id, name, field }));
      }
      if (seen === undefined) {
        colour.set(target, 'grey');
        path.push(edge);
        stack.push({ node: target, next: 0 });
      }
    }
  }
  return undefined;
}

function unknownDestination(destination: never): never {
  throw new Error(`Unknown destination ${JSON.stringify(destination)}`);
}
