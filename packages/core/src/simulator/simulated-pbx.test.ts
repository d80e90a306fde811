import { describe, expect, it } from 'vitest';
import { MediaError, UnavailableError, ValidationError } from '../errors/errors.js';
import { file } from '../media/media-ref.js';
import { startSimulation } from './test-support.js';

describe('SimulatedPbx: inbound callers', () => {
  it('hands an inbound call to core and plays out the caller script', async () => {
    const { clock, pbx, typesOf, last } = await startSimulation();
    const callId = pbx.placeCall({ from: { number: '+15551230001', name: 'Ann' }, to: '+18005550100', script: { hangupAfterMs: 30_000 } });
    await clock.advance(0);
    expect(typesOf(callId)).toEqual(['call.created', 'call.incoming']);
    expect(last('call.incoming')).toMatchObject({ dialed: '+18005550100', trunk: 'sim', callerId: { number: '+15551230001', name: 'Ann' } });

    await clock.advance(1_000);
    await pbx.answer(callId);
    await clock.advance(29_000);
    expect(typesOf(callId)).toEqual(['call.created', 'call.incoming', 'call.answered', 'call.hangup']);
    expect(last('call.hangup', callId)).toMatchObject({ cause: 'NORMAL_CLEARING', q850: 16, sipCode: 200, side: 'remote', answered: true });
  });

  it('a caller who gives up before answer cancels (487)', async () => {
    const { clock, pbx, last } = await startSimulation();
    const callId = pbx.placeCall({ from: { number: '100' }, to: '200', script: { patienceMs: 5_000 } });
    await clock.advance(5_000);
    expect(last('call.hangup', callId)).toMatchObject({ cause: 'ORIGINATOR_CANCEL', sipCode: 487, side: 'remote', answered: false });
  });

  it('places a call later when asked, and an extension can dial a feature code', async () => {
    const { clock, pbx, last } = await startSimulation();
    pbx.setExtension('1001');
    const later = pbx.placeCall({ from: { number: '100' }, to: '200', delayMs: 60_000 });
    await clock.advance(59_999);
    expect(last('call.created', later)).toBeUndefined();
    await clock.advance(1);
    expect(last('call.created', later)?.at).toBe(clock.now());
    const feature = pbx.placeCall({ from: { extension: '1001' }, to: '*22' });
    await clock.advance(0);
    expect(last('call.incoming', feature)).toMatchObject({ from: { kind: 'extension', extension: '1001' }, dialed: '*22' });
    expect(() => pbx.placeCall({ from: { extension: '9999' }, to: '1' })).toThrow(ValidationError);
  });
});

describe('SimulatedPbx: agent extensions', () => {
  it('rings, then answers after the configured delay', async () => {
    const { clock, pbx, typesOf, last } = await startSimulation();
    pbx.setExtension('1001', { answer: 2_000 });
    const callId = await pbx.originate({ to: { kind: 'extension', extension: '1001' }, callerId: { number: '+18005550100' } });
    await clock.advance(150);
    expect(typesOf(callId)).toEqual(['call.created', 'call.ringing']);
    await clock.advance(2_000);
    expect(last('call.answered', callId)?.at).toBe(clock.now());
  });

  it('answers at once when the call asks for auto-answer', async () => {
    const { clock, pbx, last } = await startSimulation();
    pbx.setExtension('1001', { answer: 10_000 });
    const callId = await pbx.originate({ to: { kind: 'extension', extension: '1001' }, autoAnswer: true });
    await clock.advance(150);
    expect(last('call.answered', callId)).toBeDefined();
  });

  it.each([
    [{ dnd: true }, { cause: 'USER_BUSY', sipCode: 486, side: 'remote' }],
    [{ registered: false }, { cause: 'USER_NOT_REGISTERED', sipCode: 480, side: 'remote' }],
    [{ reject: true }, { cause: 'CALL_REJECTED', sipCode: 603, side: 'remote' }],
  ] as const)('refuses a call when the phone is %o', async (behaviour, hangup) => {
    const { clock, pbx, last } = await startSimulation();
    pbx.setExtension('1001', behaviour);
    const callId = await pbx.originate({ to: { kind: 'extension', extension: '1001' } });
    await clock.advance(1_000);
    expect(last('call.hangup', callId)).toMatchObject({ ...hangup, answered: false });
    expect(last('call.ringing', callId)).toBeUndefined();
  });

  it('an unknown extension is an unallocated number', async () => {
    const { clock, pbx, last } = await startSimulation();
    const callId = await pbx.originate({ to: { kind: 'extension', extension: '4040' } });
    await clock.advance(1_000);
    expect(last('call.hangup', callId)).toMatchObject({ cause: 'UNALLOCATED_NUMBER', sipCode: 404 });
  });

  it('a manual phone rings until answered through the simulator, or until the ring timeout', async () => {
    const { clock, pbx, last } = await startSimulation();
    pbx.setExtension('1001', { answer: 'manual' });
    const answered = await pbx.originate({ to: { kind: 'extension', extension: '1001' } });
    await clock.advance(5_000);
    pbx.answerParty(answered);
    await clock.advance(0);
    expect(last('call.answered', answered)).toBeDefined();

    const ignored = await pbx.originate({ to: { kind: 'extension', extension: '1001' }, timeoutMs: 20_000 });
    await clock.advance(20_000);
    expect(last('call.hangup', ignored)).toMatchObject({ cause: 'NO_ANSWER', side: 'local', sipCode: 487 });
  });

  it('an agent declining a ringing call rejects it; hanging up after answer is a normal clearing', async () => {
    const { clock, pbx, last } = await startSimulation();
    pbx.setExtension('1001', { answer: 'manual' });
    const declined = await pbx.originate({ to: { kind: 'extension', extension: '1001' } });
    await clock.advance(500);
    pbx.hangupParty(declined);
    await clock.advance(0);
    expect(last('call.hangup', declined)).toMatchObject({ cause: 'CALL_REJECTED', sipCode: 603, side: 'remote' });
  });
});

describe('SimulatedPbx: outside parties', () => {
  it('busy, failure with a SIP code, and no answer', async () => {
    const { clock, pbx, last } = await startSimulation();
    pbx.scriptNumber('+15550000001', { answer: { probability: 0, otherwise: 'busy' } });
    pbx.scriptNumber('+15550000002', { answer: { probability: 0, otherwise: { sipCode: 404 } } });
    pbx.scriptNumber('+15550000003', { answer: { probability: 0, otherwise: 'no-answer' } });
    const busy = await pbx.originate({ to: { kind: 'external', number: '+15550000001' } });
    const missing = await pbx.originate({ to: { kind: 'external', number: '+15550000002' } });
    const silent = await pbx.originate({ to: { kind: 'external', number: '+15550000003' }, timeoutMs: 30_000 });
    await clock.advance(30_000);
    expect(last('call.hangup', busy)).toMatchObject({ cause: 'USER_BUSY', sipCode: 486, side: 'remote' });
    expect(last('call.hangup', missing)).toMatchObject({ cause: 'UNALLOCATED_NUMBER', sipCode: 404, side: 'remote' });
    expect(last('call.hangup', silent)).toMatchObject({ cause: 'NO_ANSWER', side: 'local' });
    expect(last('call.ringing', silent)).toBeDefined();
  });

  it('answers with the scripted probability', async () => {
    const { clock, pbx, events } = await startSimulation({ seed: 77, trunks: [{ name: 'wide', channels: 5_000 }] });
    pbx.setDefaultParty({ answer: { probability: 0.3, afterMs: 1_000 }, hangupAfterMs: 1_000 });
    for (let i = 0; i < 2_000; i++) await pbx.originate({ to: { kind: 'external', number: `+1555${String(i).padStart(7, '0')}` }, timeoutMs: 5_000 });
    await clock.runUntilIdle();
    const answered = events.filter((e) => e.type === 'call.answered').length;
    expect(answered / 2_000).toBeGreaterThan(0.27);
    expect(answered / 2_000).toBeLessThan(0.33);
    expect(pbx.liveCallCount).toBe(0);
  });

  it('sends early media when scripted, and presses keys at the given times after answer', async () => {
    const { clock, pbx, events, typesOf } = await startSimulation();
    pbx.scriptNumber('+15550000009', { earlyMedia: true, answer: { afterMs: 3_000 }, dtmf: [{ afterMs: 1_000, digits: '12', gapMs: 500 }] });
    const callId = await pbx.originate({ to: { kind: 'external', number: '+15550000009' } });
    await clock.advance(10_000);
    expect(typesOf(callId)).toEqual(['call.created', 'call.ringing', 'call.early_media', 'call.answered', 'call.dtmf', 'call.dtmf']);
    const answeredAt = events.find((e) => e.type === 'call.answered')!.at;
    expect(events.filter((e) => e.type === 'call.dtmf').map((e) => [e.type === 'call.dtmf' && e.digit, e.at - answeredAt])).toEqual([
      ['1', 1_000],
      ['2', 1_500],
    ]);
  });

  it('a trunk carries only its channels; one more is refused with congestion', async () => {
    const { clock, pbx, last } = await startSimulation({ trunks: [{ name: 'pri', channels: 2 }] });
    pbx.setDefaultParty({ answer: { afterMs: 0 } });
    await pbx.originate({ to: { kind: 'external', number: '1' } });
    await pbx.originate({ to: { kind: 'external', number: '2' } });
    const third = await pbx.originate({ to: { kind: 'external', number: '3' } });
    await clock.advance(0);
    expect(last('call.hangup', third)).toMatchObject({ cause: 'NORMAL_CIRCUIT_CONGESTION', sipCode: 503, side: 'local' });
    expect(pbx.trunkUsage()).toEqual([{ name: 'pri', channels: 2, inUse: 2 }]);
    await expect(pbx.originate({ to: { kind: 'external', number: '4', trunk: 'nope' } })).rejects.toBeInstanceOf(MediaError);
  });
});

describe('SimulatedPbx: bridging, hold, talk time', () => {
  async function connectedPair() {
    const sim = await startSimulation();
    sim.pbx.setExtension('1001', { answer: 'auto' });
    const customer = sim.pbx.placeCall({ from: { number: '+15551230001' }, to: '+18005550100', script: { patienceMs: 60_000, talkMs: 90_000 } });
    await sim.clock.advance(0);
    await sim.pbx.answer(customer);
    const agent = await sim.pbx.originate({ to: { kind: 'extension', extension: '1001' } });
    await sim.clock.advance(200);
    await sim.pbx.bridge(customer, agent);
    await sim.clock.advance(0);
    return { ...sim, customer, agent };
  }

  it('bridges two answered legs; the talk time starts and patience no longer applies', async () => {
    const { clock, pbx, customer, agent, last, typesOf } = await connectedPair();
    expect(last('call.bridged', customer)).toMatchObject({ otherCallId: agent });
    expect(last('call.bridged', agent)).toMatchObject({ otherCallId: customer });
    await clock.advance(89_999);
    expect(pbx.call(customer)?.state).toBe('answered');
    await clock.advance(1);
    expect(last('call.hangup', customer)).toMatchObject({ cause: 'NORMAL_CLEARING', side: 'remote' });
    // The agent's leg stays up, out of the bridge: core decides what it does next.
    expect(typesOf(agent).slice(-1)).toEqual(['call.unbridged']);
    expect(pbx.call(agent)?.state).toBe('answered');
  });

  it('refuses to bridge a leg that is not answered, or a call with itself', async () => {
    const { clock, pbx } = await startSimulation();
    pbx.setExtension('1001', { answer: 'manual' });
    const a = pbx.placeCall({ from: { number: '1' }, to: '2' });
    await clock.advance(0);
    await pbx.answer(a);
    const b = await pbx.originate({ to: { kind: 'extension', extension: '1001' } });
    await expect(pbx.bridge(a, b)).rejects.toThrow(/not answered/);
    await expect(pbx.bridge(a, a)).rejects.toBeInstanceOf(MediaError);
  });

  it('holds and unholds, once each', async () => {
    const { clock, pbx, customer, events } = await connectedPair();
    await pbx.hold(customer, { music: file('moh') });
    await pbx.hold(customer);
    await pbx.unhold(customer);
    await clock.advance(0);
    expect(events.filter((e) => e.callId === customer && (e.type === 'call.held' || e.type === 'call.unheld')).map((e) => e.type)).toEqual(['call.held', 'call.unheld']);
  });

  it('blind transfer: the transferor is released and the party is joined to the new destination when it answers', async () => {
    const { clock, pbx, customer, agent, events, last } = await connectedPair();
    pbx.setExtension('1002', { answer: 3_000 });
    await pbx.blindTransfer(customer, { kind: 'extension', extension: '1002' });
    await clock.advance(5_000);
    expect(last('call.hangup', agent)).toMatchObject({ side: 'local', cause: 'NORMAL_CLEARING' });
    const created = events.find((e) => e.type === 'call.created' && e.variables['sb_transfer_of'] === customer);
    expect(created).toBeDefined();
    expect(last('call.bridged', customer)).toMatchObject({ otherCallId: created!.callId });
  });

  it('attended transfer joins the held party to the consultation leg and drops the agent', async () => {
    const { clock, pbx, customer, agent, last } = await connectedPair();
    pbx.setExtension('1002', { answer: 'auto' });
    await pbx.hold(customer);
    const consult = await pbx.originate({ to: { kind: 'extension', extension: '1002' } });
    await clock.advance(200);
    await pbx.bridge(agent, consult);
    await pbx.attendedTransfer({ callId: customer, targetCallId: consult, transferorCallId: agent });
    await clock.advance(0);
    expect(last('call.bridged', customer)).toMatchObject({ otherCallId: consult });
    expect(last('call.unheld', customer)).toBeDefined();
    expect(last('call.hangup', agent)).toMatchObject({ side: 'local' });
  });

  it('monitors a leg with listen, whisper and barge, and releases the supervisor when the call ends', async () => {
    const { clock, pbx, agent, customer, last } = await connectedPair();
    pbx.setExtension('2001', { answer: 'manual' });
    const supervisor = await pbx.monitor({ targetCallId: agent, mode: 'listen', supervisor: { kind: 'extension', extension: '2001' } });
    await clock.advance(200);
    expect(last('call.answered', supervisor)).toBeDefined();
    expect(last('call.created', supervisor)?.variables).toMatchObject({ sb_monitor_of: agent, sb_monitor_mode: 'listen' });
    await pbx.setMonitorMode(supervisor, 'barge');
    expect(pbx.trace().filter((t) => t.callId === supervisor && t.name === 'set_monitor_mode')).toHaveLength(1);
    await expect(pbx.setMonitorMode(customer, 'whisper')).rejects.toBeInstanceOf(MediaError);
    await pbx.hangup(agent);
    await clock.advance(0);
    expect(last('call.hangup', supervisor)).toMatchObject({ side: 'local' });
  });
});

describe('SimulatedPbx: playback and recording', () => {
  async function answeredCaller(dtmf: Array<{ afterMs: number; digits: string }> = []) {
    const sim = await startSimulation({ media: { files: { welcome: 4_000, menu: 6_000 } } });
    const callId = sim.pbx.placeCall({ from: { number: '1' }, to: '2', script: { dtmf } });
    await sim.clock.advance(0);
    await sim.pbx.answer(callId);
    return { ...sim, callId };
  }

  it('plays a list of media for its total length', async () => {
    const { clock, pbx, callId, last } = await answeredCaller();
    const playbackId = await pbx.play(callId, { media: [file('welcome'), file('menu'), { kind: 'silence', durationMs: 500 }] });
    await clock.advance(10_499);
    expect(last('playback.finished', callId)).toBeUndefined();
    await clock.advance(1);
    expect(last('playback.finished', callId)).toMatchObject({ playbackId, reason: 'completed' });
  });

  it('a key interrupts an interruptible playback but not another one', async () => {
    const { clock, pbx, callId, last } = await answeredCaller([{ afterMs: 1_000, digits: '5' }]);
    await pbx.play(callId, { media: [file('welcome')], interruptible: true });
    await clock.advance(1_000);
    expect(last('playback.finished', callId)).toMatchObject({ reason: 'interrupted', digit: '5' });

    const again = await answeredCaller([{ afterMs: 1_000, digits: '5' }]);
    await again.pbx.play(again.callId, { media: [file('welcome')], interruptible: '9' });
    await again.clock.advance(1_000);
    expect(again.last('call.dtmf', again.callId)).toMatchObject({ digit: '5' });
    expect(again.last('playback.finished', again.callId)).toBeUndefined();
  });

  it('a looping playback runs until stopped; a new play replaces the current one', async () => {
    const { clock, pbx, callId, events } = await answeredCaller();
    const moh = await pbx.play(callId, { media: [file('welcome')], loop: true });
    await clock.advance(3_600_000);
    const next = await pbx.play(callId, { media: [file('menu')] });
    await pbx.stopPlayback(callId, next);
    await clock.advance(0);
    expect(events.filter((e) => e.type === 'playback.finished').map((e) => e.type === 'playback.finished' && [e.playbackId, e.reason])).toEqual([
      [moh, 'stopped'],
      [next, 'stopped'],
    ]);
  });

  it('records until stopped, until the maximum, or until hang-up', async () => {
    const { clock, pbx, callId, events } = await answeredCaller();
    const stopped = await pbx.startRecording(callId, { name: 'a' });
    const capped = await pbx.startRecording(callId, { name: 'b', maxDurationMs: 2_000 });
    const cut = await pbx.startRecording(callId, { name: 'c' });
    await clock.advance(3_000);
    await pbx.stopRecording(callId, stopped);
    await clock.advance(1_000);
    await pbx.hangup(callId);
    await clock.advance(0);
    const finished = events.filter((e) => e.type === 'recording.finished').map((e) => e.type === 'recording.finished' && [e.recordingId, e.reason, e.durationMs]);
    expect(finished).toEqual([
      [capped, 'max-duration', 2_000],
      [stopped, 'stopped', 3_000],
      [cut, 'hangup', 4_000],
    ]);
  });

  it('cannot play to a leg that is not answered, nor command an ended one', async () => {
    const { clock, pbx } = await startSimulation();
    const callId = pbx.placeCall({ from: { number: '1' }, to: '2' });
    await clock.advance(0);
    await expect(pbx.play(callId, { media: [file('x')] })).rejects.toThrow(/answer it first/);
    await pbx.hangup(callId, 'CALL_REJECTED');
    await expect(pbx.answer(callId)).rejects.toThrow(/has ended/);
    await expect(pbx.hangup('nope')).rejects.toBeInstanceOf(MediaError);
  });
});

describe('SimulatedPbx: connection and reconciliation', () => {
  it('refuses commands while disconnected and reports the live calls after', async () => {
    const { clock, pbx } = await startSimulation();
    const notices: string[] = [];
    pbx.events.on('disconnected', () => notices.push('down'));
    pbx.events.on('reconnected', () => notices.push('up'));
    const callId = pbx.placeCall({ from: { number: '1' }, to: '2' });
    await clock.advance(0);
    await pbx.answer(callId);
    pbx.disconnect();
    await expect(pbx.hold(callId)).rejects.toBeInstanceOf(UnavailableError);
    pbx.reconnect();
    await clock.advance(0);
    expect(notices).toEqual(['down', 'up']);
    expect(await pbx.listCalls()).toEqual([expect.objectContaining({ callId, direction: 'inbound', state: 'answered', held: false })]);
  });

  it('a failing listener does not stop the others', async () => {
    const { clock, pbx, events } = await startSimulation();
    pbx.events.on('call.created', () => {
      throw new Error('listener bug');
    });
    pbx.placeCall({ from: { number: '1' }, to: '2' });
    await clock.advance(0);
    expect(events.map((e) => e.type)).toEqual(['call.created', 'call.incoming']);
  });
});
