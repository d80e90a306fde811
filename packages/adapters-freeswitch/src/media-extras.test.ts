import { expect } from 'vitest';
import { mediaExtrasSuite } from './test-support/media-extras-suite.js';
import { freeSwitchTargets } from './test-support/targets.js';

/** What the adapter does beyond the conformance suite, on the fake and (with the variable set) a real FreeSWITCH. */
for (const target of freeSwitchTargets(() => expect.getState().currentTestName)) mediaExtrasSuite(target);
