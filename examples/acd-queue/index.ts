/**
 * A small contact center in an instant: three agents in one agent group, twenty callers
 * over half an hour of virtual time, and what the ACD wrote down — the Asterisk-style
 * queue log and the real-time snapshot.
 *
 *   npm start --workspace examples/acd-queue
 */
import { AgentDirectory, createSwitchboard, formatQueueLogLine, type AcdSnapshot, type VirtualClock } from '@switchboard/core';

export async function main(print: (line: string) => void = console.log): Promise<AcdSnapshot> {
  const sb = await createSwitchboard({ clock: 'virtual', seed: 7 });
  const clock = sb.clock as VirtualClock;
  const pbx = sb.simulator!;
  try {
    const tenant = await sb.storage.tenants.create({ slug: 'demo', name: 'Demo', timeZone: 'Europe/Paris' });
    // Agents come with their SIP accounts; on the simulator their phones answer after 2-5 s.
    const directory = new AgentDirectory({ storage: sb.storage, sipDomain: () => 'demo.example.com' });
    for (const number of ['101', '102', '103']) {
      await directory.create(tenant.id, { number, firstName: `Agent ${number}`, sipPassword: `secret-${number}-pw` });
      pbx.setExtension(number, { answer: { kind: 'uniform', minMs: 2_000, maxMs: 5_000 } });
    }
    await sb.storage.agentGroups.create(tenant.id, {
      name: 'Sales',
      number: '500',
      members: ['101', '102', '103'].map((agentNumber) => ({ agentNumber, kind: 'static' as const })),
      wrapUpSec: 20,
      queue: { strategy: 'longest-idle', maxWaitSec: 300, positionAnnouncementSec: 60 },
    });
    for (const number of ['101', '102', '103']) await sb.acd.login(tenant.id, number);
    sb.acd.events.on('queue.log', (line) => print(formatQueueLogLine(line)));

    // Twenty callers, one every 90 s; each talks 2-4 minutes and waits at most 3 minutes.
    for (let i = 0; i < 20; i++) {
      clock.setTimer(i * 90_000, () => {
        const from = `+3315555${String(i).padStart(4, '0')}`;
        const callId = pbx.placeCall({ from: { number: from }, to: '500', script: { patienceMs: 180_000, talkMs: { kind: 'uniform', minMs: 120_000, maxMs: 240_000 } } });
        void sb.acd.enqueue(tenant.id, { callId, groupNumber: '500', callerNumber: from });
      });
    }
    await clock.advance(60 * 60_000);
    const snapshot = await sb.acd.snapshot(tenant.id);
    const group = snapshot.groups[0]!;
    print(`Sales: ${group.today.entered} entered, ${group.today.answered} answered, ${group.today.abandoned} abandoned, service level ${Math.round((group.serviceLevel ?? 0) * 100)}%`);
    return snapshot;
  } finally {
    await sb.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
