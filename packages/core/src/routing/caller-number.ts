import type { CallerPrefix } from './model.js';

/**
 * The caller as a call's route shows it to agents. The original number never changes (it
 * is what the CDR keeps as "original calling number"); every DID, route, IVR and ring
 * group the call passes may put a prefix in front of the shown number and name, so the
 * agent sees where the call came through (manual §3.5.1, §3.6.1).
 */
export interface CallerIdentity {
  readonly originalNumber: string;
  readonly originalName: string;
  number: string;
  name: string;
}

export function callerIdentity(number: string, name = ''): CallerIdentity {
  return { originalNumber: number, originalName: name, number, name };
}

/** Puts a prefix in front; the newest prefix stands first, as the manual shows it. */
export function addPrefix(caller: CallerIdentity, prefix: CallerPrefix): void {
  if (prefix.number !== '') caller.number = prefix.number + caller.number;
  if (prefix.name !== '') caller.name = prefix.name + caller.name;
}

/**
 * An incoming route's prefix rules (§3.6.1): first remove `strip` from the front (the
 * manual's example: the DID added 32, the route removes it again), then put `add` in
 * front — ahead of whatever the DID added.
 */
export function applyRoutePrefix(caller: CallerIdentity, strip: string, add: string): void {
  if (strip !== '' && caller.number.startsWith(strip)) caller.number = caller.number.slice(strip.length);
  if (add !== '') caller.number = add + caller.number;
}
