import { describe, expect, it } from 'vitest';
import { agentGroupPatchSchema, agentPatchSchema, newAgentGroupSchema, newAgentSchema } from './model.js';

describe('ACD configuration schemas', () => {
  it('fill defaults for a new agent and a new group', () => {
    expect(newAgentSchema.parse({ number: '101', sipPassword: 'long enough' })).toMatchObject({ role: 'agent', enabled: true, displayNumbers: [] });
    expect(newAgentGroupSchema.parse({ name: 'Sales', number: '500' }).queue).toMatchObject({ strategy: 'longest-idle', agentRingTimeoutSec: 20, joinEmpty: true });
  });

  it('keep a patch to the fields it names, so stored values are not reset to defaults', () => {
    expect(agentPatchSchema.parse({ firstName: 'Ada' })).toEqual({ firstName: 'Ada' });
    expect(agentGroupPatchSchema.parse({ wrapUpSec: 10, queue: { maxWaitSec: 60 } })).toEqual({ wrapUpSec: 10, queue: { maxWaitSec: 60 } });
  });

  it('still validate what a patch names', () => {
    expect(() => agentPatchSchema.parse({ phoneMac: 'not a mac' })).toThrow(/MAC address/);
    expect(() => agentGroupPatchSchema.parse({ queue: { strategy: 'fastest' } })).toThrow();
  });
});
