import type { CallSession } from './call-session.js';
import type { BlacklistTreatment } from './model.js';

/**
 * What a blacklisted caller gets (manual §3.7.5, §3.15.1): hung up on, left ringing
 * (never answered, so nothing is billed), a voice then the hang-up, hold music until a
 * limit, or any destination the tenant chose.
 */
export async function runBlacklistTreatment(session: CallSession, treatment: BlacklistTreatment): Promise<void> {
  switch (treatment.kind) {
    case 'hangup':
      return session.end('CALL_REJECTED');
    case 'ring':
      if (await session.sleep(treatment.maxMs)) await session.end('NO_ANSWER');
      return;
    case 'voice':
      await session.answer();
      await session.play(treatment.media, false);
      return session.end('NORMAL_CLEARING');
    case 'hold-music':
      await session.answer();
      void session.play([treatment.music ?? session.tenant.settings.defaultHoldMusic ?? { kind: 'tone', tone: 'moh' }], false);
      if (await session.sleep(treatment.maxMs)) await session.end('NORMAL_CLEARING');
      return;
    case 'destination':
      return session.run(treatment.destination);
    default:
      return unknownTreatment(treatment);
  }
}

function unknownTreatment(treatment: never): never {
  throw new Error(`Unknown blacklist treatment ${JSON.stringify(treatment)}`);
}
