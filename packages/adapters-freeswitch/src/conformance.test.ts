import { mediaConformanceSuite } from '@switchboard/core/testing';
import { expect } from 'vitest';
import { freeSwitchTargets } from './test-support/targets.js';

/**
 * Core's media conformance suite through this adapter: always against the
 * fake FreeSWITCH, and against a real one when SWITCHBOARD_TEST_FREESWITCH=host:port
 * is set (password: SWITCHBOARD_TEST_FREESWITCH_PASSWORD, default ClueCon).
 * With SWITCHBOARD_RECORD_TRACES=1 each real scenario's traffic is written to
 * src/test-support/traces/ (docs/freeswitch.md).
 */
for (const target of freeSwitchTargets(() => expect.getState().currentTestName)) mediaConformanceSuite(target);
