import { reconcileCalls, type CallSnapshot } from '@switchboard/core';
import type { AriClient } from '../ari/client.js';
import type { AriChannel } from '../ari/resources.js';
import type { CallTracker } from './call-tracker.js';
import type { CallRegistry } from './legs.js';
import type { Playbacks } from './playbacks.js';

/**
 * The calls as Asterisk has them (`GET /channels`), compared with what the
 * adapter tracks: for `listCalls()`, and after every (re)connection, when
 * the events of the gap are lost.
 */
export class Resync {
  constructor(
    private readonly app: string,
    private readonly client: AriClient,
    private readonly registry: CallRegistry,
    private readonly tracker: CallTracker,
    private readonly playbacks: Playbacks,
  ) {}

  /**
   * After (re)connecting: legs that ended meanwhile get their `call.hangup`
   * (cause unknown), legs answered meanwhile `call.answered`, calls waiting in
   * our application that we did not know are adopted, and playbacks whose
   * end was lost move on.
   */
  async run(): Promise<void> {
    const channels = await this.client.channels.list();
    const byId = new Map(channels.map((c) => [c.id, c]));
    const known = this.registry.live().filter((leg) => !leg.pending && !leg.abandoned);
    const result = reconcileCalls(
      known.map((leg) => ({ callId: leg.callId, answered: leg.answered })),
      this.snapshots(channels),
    );
    for (const callId of result.ended) {
      const leg = this.registry.leg(callId);
      if (leg && !leg.ended && !byId.has(leg.channelId)) this.tracker.endLost(leg);
    }
    for (const callId of result.answered) {
      const leg = this.registry.leg(callId);
      const channel = leg && byId.get(leg.channelId);
      if (!leg || !channel) continue;
      leg.inStasis = channel.dialplan?.app_name === 'Stasis';
      if (leg.inStasis || leg.direction === 'inbound') this.tracker.markAnswered(leg);
      else leg.upSeen = true;
    }
    for (const id of [...this.registry.internal.keys()]) if (!byId.has(id)) this.registry.internal.delete(id);
    for (const channel of channels) {
      if (this.registry.legByChannel(channel.id) || this.registry.internal.has(channel.id) || this.registry.isLocalPeer(channel.id)) continue;
      const args = this.stasisArgs(channel);
      if (args === undefined || args[0] === 'snoop') continue;
      this.tracker.adopt(channel, args);
    }
    await this.playbacks.reconcile();
  }

  /** The legs among `channels`: ours, and calls in our application that we do not track (yet). */
  snapshots(channels: AriChannel[]): CallSnapshot[] {
    const out: CallSnapshot[] = [];
    for (const channel of channels) {
      const leg = this.registry.legByChannel(channel.id);
      const args = this.stasisArgs(channel);
      if (!leg && (args === undefined || args[0] === 'snoop' || this.registry.internal.has(channel.id) || this.registry.isLocalPeer(channel.id))) continue;
      if (leg?.ended || leg?.pending || leg?.abandoned) continue;
      const variables: Record<string, string> = {};
      for (const [name, value] of Object.entries(channel.channelvars ?? {})) if (typeof value === 'string') variables[name] = value;
      out.push({
        callId: leg?.callId ?? channel.id,
        direction: leg?.direction ?? (args?.[0] === 'outbound' ? 'outbound' : 'inbound'),
        state: channel.state === 'Up' ? 'answered' : leg?.early ? 'early' : 'ringing',
        answeredAt: leg?.answeredAt,
        bridgedTo: leg?.bridge?.otherCallId,
        held: leg?.held ?? false,
        variables: leg ? { ...leg.variables } : variables,
      });
    }
    return out;
  }

  /** The Stasis arguments of a channel in our application, or undefined when it is not in it. */
  private stasisArgs(channel: AriChannel): string[] | undefined {
    if (channel.dialplan?.app_name !== 'Stasis') return undefined;
    const [app, ...args] = (channel.dialplan.app_data ?? '').split(',');
    return app === this.app ? args : undefined;
  }
}
