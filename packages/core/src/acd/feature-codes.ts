import type { MediaAdapter } from '../media/media-adapter.js';
import type { MediaEvent } from '../media/media-events.js';
import { file } from '../media/media-ref.js';
import type { Logger } from '../logging/logger.js';
import type { AgentFeatureCodeKey, FeatureCodes } from '../routing/model.js';
import { verifyPin } from './pin.js';
import type { TenantAcd } from './tenant-acd.js';

/** What an agent can do by dialing from their phone (manual §3.7.7). */
export type AgentFeature = 'check-in' | 'check-out' | 'idle' | 'pause';

/** A tenant's agent feature codes, by code. */
export type AgentFeatureCodes = Readonly<Record<string, AgentFeature>>;

/**
 * The agent codes among a tenant's feature codes (its routing settings; by default `*71`
 * check in, `*72` check out, `*73` idle, `*74` pause).
 */
export function agentFeatureCodes(codes: Pick<FeatureCodes, AgentFeatureCodeKey>): AgentFeatureCodes {
  return { [codes.agentCheckIn]: 'check-in', [codes.agentCheckOut]: 'check-out', [codes.agentIdle]: 'idle', [codes.agentPause]: 'pause' };
}

/** What the digits ask for: the code and what follows it (`*71500`: check in to group 500 only; `*74` + a digit: the pause reason by number). */
export function parseFeatureCode(dialed: string, codes: AgentFeatureCodes): { feature: AgentFeature; argument: string } | undefined {
  // The settings refuse a code that is a prefix of another, so at most one matches.
  const code = Object.keys(codes).find((c) => dialed.startsWith(c));
  return code === undefined ? undefined : { feature: codes[code]!, argument: dialed.slice(code.length) };
}

/**
 * Runs an agent feature code on the call the agent's phone placed: answers, asks for the
 * phone check-in password when the agent has one, does it, says how it went, hangs up.
 */
export async function runAgentFeature(
  tenant: TenantAcd,
  media: MediaAdapter,
  logger: Logger,
  request: { callId: string; agentNumber: string; feature: AgentFeature; argument: string; pauseReasons: readonly string[] },
): Promise<boolean> {
  const { callId, agentNumber, feature, argument } = request;
  await media.answer(callId);
  let ok = false;
  try {
    const agent = tenant.agent(agentNumber);
    if (feature === 'check-in' && agent.agent.phonePinHash) {
      const pin = await media.collectDigits(callId, { minDigits: 4, maxDigits: 12, firstDigitTimeoutMs: 8_000, interDigitTimeoutMs: 3_000, terminators: '#', prompt: [file('agent-enter-password')], retries: 2 });
      if (pin.status !== 'ok' || !(await verifyPin(pin.digits, agent.agent.phonePinHash))) throw new Error('wrong phone check-in password');
    }
    const groupNumber = argument === '' ? undefined : argument;
    switch (feature) {
      case 'check-in':
        tenant.checkIn(agentNumber, groupNumber, 'agent:phone', 'phone');
        break;
      case 'check-out':
        tenant.checkOut(agentNumber, groupNumber, 'agent:phone');
        break;
      case 'idle':
        tenant.unpause(agentNumber, 'agent:phone');
        break;
      case 'pause': {
        const reason = request.pauseReasons[Number(argument || '1') - 1] ?? request.pauseReasons[0] ?? 'Pause';
        tenant.pause(agentNumber, reason, 'agent:phone');
        break;
      }
    }
    ok = true;
  } catch (error) {
    logger.info({ err: error, agentNumber, feature }, 'agent feature code refused');
  }
  // Say how it went, then hang up once it has been said.
  const hangup = () => void media.hangup(callId, 'NORMAL_CLEARING').catch(() => undefined);
  const playbackId = await media.play(callId, { media: [file(ok ? `agent-${feature}-done` : 'agent-feature-refused')] }).catch(() => undefined);
  if (playbackId === undefined) {
    hangup();
    return ok;
  }
  const done = (event: MediaEvent) => {
    if ((event.type === 'playback.finished' && event.playbackId === playbackId) || (event.type === 'call.hangup' && event.callId === callId)) {
      media.events.off('event', done);
      if (event.type === 'playback.finished') hangup();
    }
  };
  media.events.on('event', done);
  return ok;
}
