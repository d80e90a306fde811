import { MediaError, reconcileCalls, type CallSnapshot } from '@switchboard/core';
import type { CallState } from './call-state.js';
import type { Leg, LegBook } from './leg.js';

/** One row of `show channels as json` (FreeSWITCH's `channels` table): the columns the adapter reads. */
export interface ChannelRow {
  uuid: string;
  direction: 'inbound' | 'outbound';
  /** CS_EXECUTE, CS_PARK … */
  state: string;
  /** RINGING, EARLY, ACTIVE, HELD, DOWN, HANGUP … */
  callstate: string;
  cidNumber: string;
  cidName: string;
  dest: string;
  context: string;
  application: string;
  name: string;
}

const text = (value: unknown): string => (typeof value === 'string' ? value : '');

/**
 * Reads the reply of `show channels as json`: `{"row_count":N,"rows":[…]}`, or
 * `{"row_count":0}` with no rows at all.
 */
export function parseChannelList(reply: string): ChannelRow[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(reply);
  } catch {
    throw new MediaError(`FreeSWITCH answered "show channels as json" with something that is not JSON: ${reply.slice(0, 120)}`);
  }
  if (typeof parsed !== 'object' || parsed === null || !('row_count' in parsed)) {
    throw new MediaError(`Unexpected "show channels as json" reply: ${reply.slice(0, 120)}`);
  }
  const rows = (parsed as { rows?: unknown }).rows;
  if (rows === undefined) return [];
  if (!Array.isArray(rows)) throw new MediaError('"show channels as json" rows is not a list');
  return rows
    .filter((row): row is Record<string, unknown> => typeof row === 'object' && row !== null && typeof (row as Record<string, unknown>)['uuid'] === 'string')
    .map((row) => ({
      uuid: text(row['uuid']),
      direction: text(row['direction']) === 'inbound' ? 'inbound' : 'outbound',
      state: text(row['state']),
      callstate: text(row['callstate']),
      cidNumber: text(row['cid_num']),
      cidName: text(row['cid_name']),
      dest: text(row['dest']),
      context: text(row['context']),
      application: text(row['application']),
      name: text(row['name']),
    }));
}

export function snapshotState(row: ChannelRow): CallSnapshot['state'] {
  switch (row.callstate) {
    case 'ACTIVE':
    case 'HELD':
      return 'answered';
    case 'EARLY':
      return 'early';
    default:
      return 'ringing';
  }
}

/** A channel that is going away is not live any more. */
export function isLiveRow(row: ChannelRow): boolean {
  return row.callstate !== 'HANGUP' && row.state !== 'CS_HANGUP' && row.state !== 'CS_REPORTING' && row.state !== 'CS_DESTROY';
}

/** A listed channel as core's CallSnapshot; what FreeSWITCH's list lacks comes from the leg we track. */
export function snapshotOf(row: ChannelRow, leg: Leg | undefined): CallSnapshot {
  return {
    callId: row.uuid,
    direction: row.direction,
    state: snapshotState(row),
    answeredAt: leg?.answeredAt,
    bridgedTo: leg?.bridge?.otherCallId,
    held: leg ? leg.held !== undefined : row.callstate === 'HELD',
    variables: { ...(leg?.variables ?? {}) },
  };
}

/**
 * After (re)connecting, with `show channels as json`: legs that ended while
 * we could not hear get their hang-up (NORMAL_UNSPECIFIED, side unknown),
 * legs answered meanwhile their answer, inbound calls parked meanwhile are
 * handed to core, and playbacks whose end was lost are finished.
 */
export function reconcileWithServer(rows: ChannelRow[], legs: LegBook, state: CallState, inboundContexts: string[] | undefined): void {
  const byId = new Map(rows.map((row) => [row.uuid, row]));
  const tracked = [...legs.live.values()];
  const result = reconcileCalls(
    tracked.map((leg) => ({ callId: leg.id, answered: leg.answeredAt !== undefined })),
    rows.map((row) => snapshotOf(row, legs.get(row.uuid))),
  );
  for (const id of result.ended) {
    const leg = legs.get(id);
    // A leg whose originate job has not reported yet may not exist yet: its BACKGROUND_JOB settles it.
    if (leg && !leg.ended && leg.jobId === undefined) state.endUnheard(leg);
  }
  for (const leg of tracked) {
    const row = byId.get(leg.id);
    if (!row || leg.ended) continue;
    leg.seen = true;
    state.announce(leg);
    if (snapshotState(row) === 'answered') {
      state.markAnswered(leg);
      if (leg.jobId === undefined || row.application !== '') leg.markReady();
    }
    // A playback whose end event was lost: the channel runs something else now.
    for (const playback of [...(leg.playback ? [leg.playback] : []), ...leg.finishing.values()]) {
      if (row.application !== 'playback') state.finishPlayback(leg, playback, playback.stopping ? 'stopped' : 'completed');
    }
  }
  for (const row of rows) {
    if (legs.isKnown(row.uuid) || row.direction !== 'inbound' || row.application !== 'park') continue;
    if (inboundContexts !== undefined && !inboundContexts.includes(row.context)) continue;
    state.takeInbound(row.uuid, { callerNumber: row.cidNumber, callerName: row.cidName, dialed: row.dest, channelName: row.name, answered: row.callstate === 'ACTIVE', variables: {} });
  }
}
