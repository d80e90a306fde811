import { mediaConformanceSuite } from '@switchboard/core/testing';
import { expect } from 'vitest';
import { asteriskScenarios } from './test-support/asterisk-scenarios.js';
import { asteriskTargets } from './test-support/asterisk-target.js';

// The media scenarios every MediaAdapter passes, then Asterisk's own: always against the fake ARI server, and
// against a real Asterisk when SWITCHBOARD_TEST_ASTERISK=http://host:port is set (docs/asterisk.md). One file,
// so that scenarios never share a real server at the same time.
for (const target of asteriskTargets({ scenario: () => expect.getState().currentTestName })) {
  mediaConformanceSuite(target);
  asteriskScenarios(target);
}
