import { fileURLToPath } from 'node:url';
import type { ConformanceTarget } from '@switchboard/core/testing';
import { fakeFreeSwitchTarget } from './fake-target.js';
import { realFreeSwitchTarget } from './real-target.js';

/** `SWITCHBOARD_TEST_FREESWITCH=host:port` adds a real FreeSWITCH (with the test dialplan) to the targets. */
export const FREESWITCH_ENV = 'SWITCHBOARD_TEST_FREESWITCH';
export const FREESWITCH_PASSWORD_ENV = 'SWITCHBOARD_TEST_FREESWITCH_PASSWORD';
/** `SWITCHBOARD_RECORD_TRACES=1`: each real scenario's traffic is written to src/test-support/traces/. */
export const RECORD_TRACES_ENV = 'SWITCHBOARD_RECORD_TRACES';

export const TRACES_DIR = fileURLToPath(new URL('./traces/', import.meta.url));

/**
 * The targets the FreeSWITCH suites run against: the fake always; a real
 * FreeSWITCH when the variable is set (absent otherwise: no skipped tests).
 */
export function freeSwitchTargets(scenarioName: () => string | undefined): ConformanceTarget[] {
  const targets: ConformanceTarget[] = [fakeFreeSwitchTarget()];
  const real = process.env[FREESWITCH_ENV]?.trim();
  if (real) {
    const [host = '127.0.0.1', port = '8021'] = real.split(':');
    targets.push(
      realFreeSwitchTarget({
        host,
        port: Number(port),
        password: process.env[FREESWITCH_PASSWORD_ENV] || 'ClueCon',
        ...(process.env[RECORD_TRACES_ENV] === '1' ? { recordTracesTo: TRACES_DIR } : {}),
        scenarioName,
      }),
    );
  }
  return targets;
}
