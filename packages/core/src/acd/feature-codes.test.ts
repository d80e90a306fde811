import { afterEach, describe, expect, it } from 'vitest';
import { parseFeatureCode } from './feature-codes.js';
import { hashPin } from './pin.js';
import { acdHarness, type AcdHarness } from './test-support/acd-harness.js';

let h: AcdHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('agent feature codes by phone (manual §3.7.7)', () => {
  it('parses the longest matching code and its argument', () => {
    expect(parseFeatureCode('*71500')).toEqual({ feature: 'check-in', argument: '500' });
    expect(parseFeatureCode('*74')).toEqual({ feature: 'pause', argument: '' });
    expect(parseFeatureCode('1234')).toBeUndefined();
  });

  it('checks in, pauses with the first reason, goes idle and checks out; each is an agent event from the phone', async () => {
    h = await acdHarness({ agents: ['101'], groups: [{ name: 'S', number: '500', members: [{ agentNumber: '101', kind: 'dynamic' }] }] });
    await h.sb.storage.pauseReasons.create(h.tenantId, { name: 'Break' });
    const pbx = h.sb.simulator!;
    const dial = async (code: string) => {
      pbx.placeCall({ from: { extension: '101' }, to: code });
      await h!.advance(10_000);
    };
    await dial('*71500');
    expect((await h.sb.acd.snapshot(h.tenantId)).groups[0]).toMatchObject({ checkedIn: 1, idle: 1 });
    await dial('*74');
    expect(h.tenant.agent('101').state).toMatchObject({ kind: 'paused', reason: 'Break' });
    await dial('*73');
    expect(h.tenant.agent('101').state.kind).toBe('idle');
    await dial('*72');
    expect((await h.sb.acd.snapshot(h.tenantId)).groups[0]!.checkedIn).toBe(0);
    // Every feature call was answered, confirmed and hung up.
    expect(pbx.calls().filter((c) => c.state !== 'ended')).toEqual([]);
    await h.sb.acd.flush();
    const events = await h.sb.storage.agentEvents.query(h.tenantId, { agentNumber: '101', event: 'checked-in' });
    expect(events.items[0]).toMatchObject({ initiator: 'agent:phone', groupNumber: '500' });
  });

  it('asks for the phone check-in password when the agent has one', async () => {
    h = await acdHarness({ agents: ['101'], groups: [{ name: 'S', number: '500', members: [{ agentNumber: '101', kind: 'dynamic' }] }] });
    const agent = await h.sb.storage.agents.getByNumber(h.tenantId, '101');
    await h.sb.storage.agents.update(h.tenantId, agent.id, { phonePinHash: await hashPin('4321') });
    await h.sb.acd.reloadAgent(h.tenantId, '101');
    const pbx = h.sb.simulator!;
    const typePin = async (pin: string) => {
      const callId = pbx.placeCall({ from: { extension: '101' }, to: '*71' });
      await h!.advance(4_000);
      pbx.pressDigits(callId, pin);
      await h!.advance(2_000);
      // The password is checked with scrypt on Node's thread pool: real time, not virtual.
      for (let i = 0; i < 20 && pbx.call(callId)?.state !== 'ended'; i++) {
        await new Promise((resolve) => setTimeout(resolve, 25));
        await h!.advance(1_000);
      }
    };
    await typePin('1111#');
    expect((await h.sb.acd.snapshot(h.tenantId)).groups[0]!.checkedIn).toBe(0);
    await typePin('4321#');
    expect((await h.sb.acd.snapshot(h.tenantId)).groups[0]!.checkedIn).toBe(1);
  });
});
