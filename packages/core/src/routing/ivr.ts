import { destinationSchema, type Destination } from '../destination/destination.js';
import type { MediaRef } from '../media/media-ref.js';
import type { CallSession } from './call-session.js';
import type { IvrMenuConfig } from './model.js';
import type { Stored } from './routing-graph.js';

type Menu = Stored<IvrMenuConfig>;

/**
 * An IVR menu (manual §3.6.2): after the start delay, the prompts play (each followed by
 * its pause) while the caller may already press keys; input ends when it is a complete
 * entry no longer entry starts with, at the maximum length, on `#`, or after the
 * inter-digit timeout. Nothing pressed within the input timeout: the prompts play again
 * (`repeats` times), then the timeout prompt and destination. Input that matches no key,
 * no agent (direct dial) and nothing the matching webhook knows: the invalid prompt, then
 * the invalid destination, or the menu again while repeats remain.
 */
export async function runIvr(session: CallSession, menu: Menu): Promise<Destination | null> {
  await session.answer();
  session.addCallerPrefix(menu.callerPrefix);
  if (menu.startDelayMs > 0 && !(await session.sleep(menu.startDelayMs))) return null;
  const keys = new Map(menu.keys.map((key) => [key.input, key.destination]));
  for (let round = 0; ; round++) {
    const digits = await collect(session, menu, keys);
    if (digits === undefined) return null;
    const last = round >= menu.repeats;
    if (digits === '') {
      if (!last) continue;
      await session.play(menu.timeoutPrompt, false);
      return menu.timeoutDestination ?? { kind: 'hangup' };
    }
    session.facts.dtmf += session.facts.dtmf === '' ? digits : `,${digits}`;
    const chosen = keys.get(digits) ?? (await directDial(session, menu, digits)) ?? (await askWebhook(session, menu, digits));
    if (chosen) return chosen;
    await session.play(menu.invalidPrompt, false);
    if (menu.invalidDestination) return menu.invalidDestination;
    if (last) return { kind: 'hangup' };
  }
}

async function directDial(session: CallSession, menu: Menu, digits: string): Promise<Destination | undefined> {
  if (!menu.directDialAgents || !session.deps.acd.hasAgent(session.tenant.tenantId, digits)) return undefined;
  return { kind: 'agent', agentNumber: digits };
}

/** The manual's "matching steering interface": POST the input, get a destination back; failure or timeout → the fallback. */
async function askWebhook(session: CallSession, menu: Menu, digits: string): Promise<Destination | undefined> {
  const hook = menu.matchingWebhook;
  if (!hook) return undefined;
  try {
    const response = await session.deps.fetch(hook.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ tenantId: session.tenant.tenantId, callId: session.callId, ivrId: menu.id, input: digits, callerNumber: session.caller.originalNumber, dialed: session.facts.originalAccessNumber }),
      signal: AbortSignal.timeout(hook.timeoutMs),
    });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const body = (await response.json()) as { destination?: unknown };
    if (body.destination === null || body.destination === undefined) return hook.fallbackDestination ?? undefined;
    return destinationSchema.parse(body.destination);
  } catch (error) {
    session.deps.logger.warn({ err: error, callId: session.callId, url: hook.url }, 'IVR matching webhook failed; using its fallback');
    return hook.fallbackDestination ?? undefined;
  }
}

/** Plays the prompts and gathers one entry; '' when nothing was pressed in time, undefined when the caller left. */
function collect(session: CallSession, menu: Menu, keys: ReadonlyMap<string, Destination>): Promise<string | undefined> {
  const prompts: MediaRef[] = menu.prompts.flatMap((p) => (p.pauseAfterMs > 0 ? [p.media, { kind: 'silence' as const, durationMs: p.pauseAfterMs }] : [p.media]));
  const clock = session.deps.clock;
  return new Promise((resolve) => {
    let digits = '';
    let timer: ReturnType<typeof clock.setTimer> | undefined;
    let done = false;
    const finish = (result: string | undefined) => {
      if (done) return;
      done = true;
      clock.clearTimer(timer);
      stop();
      resolve(result);
    };
    const wait = (ms: number) => {
      clock.clearTimer(timer);
      timer = clock.setTimer(ms, () => finish(digits));
    };
    const stop = session.onDtmf((digit) => {
      if (digit === '#' && digits !== '' && !startsAnother(keys, digits + '#')) return finish(digits);
      digits += digit;
      if (digits.length >= menu.maxInputLength || (keys.has(digits) && !startsAnother(keys, digits) && !mayDialAgent(session, menu, digits))) return finish(digits);
      wait(menu.interDigitTimeoutMs);
    });
    void session.play(prompts, true).then((reason) => {
      if (reason === 'hangup' && session.isOver) return finish(undefined);
      if (digits === '' && !done) wait(menu.inputTimeoutMs);
    });
    void session.untilEnded().then(() => finish(undefined));
  });
}

function startsAnother(keys: ReadonlyMap<string, Destination>, digits: string): boolean {
  for (const input of keys.keys()) if (input !== digits && input.startsWith(digits)) return true;
  return false;
}

/** With direct dial on, "1" may be the start of agent 1001: wait for more keys. */
function mayDialAgent(session: CallSession, menu: Menu, digits: string): boolean {
  return menu.directDialAgents && session.deps.acd.hasAgentStartingWith(session.tenant.tenantId, digits);
}
