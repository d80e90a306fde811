import type { NewAgentRecord } from './agents.js';

/** For tests: an agent record with every field at its default, numbered as given. */
export const agentRecord = (number: string, extra: Partial<NewAgentRecord> = {}): NewAgentRecord => ({
  number,
  firstName: '',
  lastName: '',
  role: 'agent',
  department: null,
  userId: null,
  phonePinHash: null,
  clickToCallOnly: false,
  enabled: true,
  displayNumbers: [],
  workWithBrowser: false,
  defaultOutboundCallFile: null,
  phoneTemplate: null,
  phoneMac: null,
  lastLoginAt: null,
  ...extra,
});
