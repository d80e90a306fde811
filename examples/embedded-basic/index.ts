/**
 * Embed Switchboard in your own program: run it on the simulated PBX with a
 * virtual clock, place a call to an agent's phone, and print what happened.
 *
 *   npm start --workspace examples/embedded-basic
 */
import { createSwitchboard, type TraceEntry, type VirtualClock } from '@switchboard/core';

export async function main(print: (line: string) => void = console.log): Promise<TraceEntry[]> {
  // The simulated PBX and a virtual clock: a whole call plays out in an instant, the same way every time.
  const sb = await createSwitchboard({ clock: 'virtual', seed: 2026 });
  const pbx = sb.simulator!;
  try {
    // Agent 1001's phone rings for two seconds, then the agent answers.
    pbx.setExtension('1001', { answer: 2_000 });
    // A customer calls our number and stays on the line for two minutes once connected.
    const customer = pbx.placeCall({ from: { number: '+14155550123', name: 'Ada' }, to: '+18005550100', script: { talkMs: 120_000 } });

    // What a routing engine would do: answer, greet, ring the agent, connect the two.
    sb.media.events.once('call.incoming', async ({ callId }) => {
      await sb.media.answer(callId);
      await sb.media.play(callId, { media: [{ kind: 'file', name: 'welcome' }] });
    });
    sb.media.events.once('playback.finished', async ({ callId }) => {
      const agent = await sb.media.originate({ to: { kind: 'extension', extension: '1001' }, callerId: { number: '+14155550123', name: 'Ada' }, autoAnswer: false });
      sb.media.events.on('call.answered', (e) => {
        if (e.callId === agent) void sb.media.bridge(callId, agent);
      });
    });
    sb.media.events.on('call.unbridged', (e) => {
      // The customer hung up: release the agent's phone too.
      if (e.callId !== customer) void sb.media.hangup(e.callId);
    });

    const clock = sb.clock as VirtualClock;
    await clock.runUntilIdle();

    const start = pbx.trace()[0]?.at ?? 0;
    const trace = pbx.trace();
    for (const entry of trace) {
      const who = entry.callId === customer ? 'customer' : 'agent   ';
      print(`+${((entry.at - start) / 1000).toFixed(3).padStart(8)} s  ${who}  ${entry.kind.padEnd(7)}  ${entry.name}`);
    }
    return trace;
  } finally {
    await sb.close();
  }
}

// Run when executed directly (not when a test imports it).
if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
