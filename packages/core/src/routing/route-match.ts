import type { IncomingRouteConfig, RouteMatch } from './model.js';
import type { RegionLookup } from './region-lookup.js';

/** What an incoming route is matched against. */
export interface RouteInput {
  /** The caller's own number, before any prefix a DID or route put in front. */
  callerNumber: string;
  /** The number dialled (the DID). */
  dialed: string;
  /** The DID record's group, when the number belongs to a DID. */
  didGroup: string | undefined;
}

export interface StoredRoute extends IncomingRouteConfig {
  id: string;
}

/**
 * The route a call takes when its DID names no destination (manual §3.6.1): the first
 * enabled route in ascending order (ties: the older id order they were listed in) whose
 * rule matches, else the default route. An empty match value matches every call.
 */
export function chooseRoute(routes: readonly StoredRoute[], input: RouteInput, regions: RegionLookup): StoredRoute | undefined {
  const ordered = routes.filter((route) => route.enabled).sort((a, b) => a.order - b.order);
  return ordered.find((route) => !route.isDefault && routeMatches(route.match, input, regions)) ?? ordered.find((route) => route.isDefault);
}

export function routeMatches(match: RouteMatch, input: RouteInput, regions: RegionLookup): boolean {
  if (match.value === '') return true;
  const subject = match.on === 'caller' ? input.callerNumber : input.dialed;
  switch (match.kind) {
    case 'prefix':
      return bare(subject).startsWith(bare(match.value));
    case 'region':
      return (regions.regionOf(subject) ?? '').toLowerCase() === match.value.trim().toLowerCase();
    case 'regex':
      // Unanchored on purpose: the manual's "fuzzy number" matches when the number contains it.
      return compiled(match.value).test(subject);
    case 'group':
      return input.didGroup !== undefined && input.didGroup === match.value;
    default:
      return unknownMatch(match);
  }
}

/** Validates a route's pattern when it is saved, so a bad one is a clear error then and never at call time. */
export function routePatternError(match: RouteMatch): string | undefined {
  if (match.kind !== 'regex' || match.value === '') return undefined;
  try {
    compiled(match.value);
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

const bare = (number: string): string => number.replace(/^\+/, '');

const patterns = new Map<string, RegExp>();
function compiled(source: string): RegExp {
  let pattern = patterns.get(source);
  if (!pattern) {
    pattern = new RegExp(source);
    if (patterns.size > 10_000) patterns.clear();
    patterns.set(source, pattern);
  }
  return pattern;
}

function unknownMatch(match: never): never {
  throw new Error(`Unknown route match ${JSON.stringify(match)}`);
}
