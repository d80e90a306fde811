import { AriHttpError, type FakeChannel, type FakeModel, type Publication } from './fake-model.js';
import type { FakeMedia } from './fake-media.js';

/** One ARI REST operation of the fake: verb, path pattern (under /ari) and handler. */
export type AriRoute = [string, RegExp, Route];
export type Route = (m: RegExpExecArray, q: URLSearchParams, body: Record<string, unknown>) => { status: number; body?: unknown };

/**
 * The REST paths the adapter uses, with ARI's replies: the status codes and
 * messages of rest-api/api-docs and of the recorded traces (404 channel not
 * found, 409 not in Stasis, 422 not in Stasis / not in this bridge, 400 bad
 * parameters).
 */
export function ariRoutes(model: FakeModel, media: FakeMedia, publish: (p: Publication) => void): AriRoute[] {
  const id = (m: RegExpExecArray, i = 1) => decodeURIComponent(m[i]!);
  const ch = (c: FakeChannel) => model.snapshot(c);
  const none = { status: 204 };
  const CH = '/channels/([^/]+)';
  const BR = '/bridges/([^/]+)';
  const r = (verb: string, path: string, handler: Route): AriRoute => [verb, new RegExp(`^${path}$`), handler];
  const play = (channelId: string, playbackId: string, q: URLSearchParams, body: Record<string, unknown>) => {
    const channel = model.controlled(channelId);
    const list = Array.isArray(body['media']) ? (body['media'] as string[]) : (q.get('media') ?? (typeof body['media'] === 'string' ? (body['media'] as string) : '')).split(',').filter((s) => s !== '');
    return { status: 201, body: media.playbackJson(media.play(channel, playbackId, list)) };
  };
  const variables = (body: Record<string, unknown>) => {
    const vars = body['variables'];
    return typeof vars === 'object' && vars !== null ? (vars as Record<string, string>) : {};
  };
  return [
    r('GET', '/asterisk/info', () => ({ status: 200, body: { system: { version: 'fake', entity_id: '02:00:00:00:00:01' }, build: { os: 'fake' } } })),
    r('GET', '/channels', () => ({ status: 200, body: [...model.channels.values()].map(ch) })),
    r('POST', '/channels', (_m, q, b) => ({ status: 200, body: ch(model.originate(q, variables(b))) })),
    r('GET', CH, (m) => ({ status: 200, body: ch(model.channel(id(m))) })),
    r('DELETE', CH, (m, q) => {
      const channel = model.channel(id(m));
      const reason = q.get('reason_code');
      if (reason !== null && !/^\d+$/.test(reason)) throw new AriHttpError(400, 'Invalid reason for hangup provided');
      model.hangupChannel(channel, reason === null ? 16 : Number(reason));
      return none;
    }),
    r('POST', `${CH}/answer`, (m) => {
      model.answer(model.controlled(id(m)));
      return none;
    }),
    r('POST', `${CH}/play/([^/]+)`, (m, q, b) => play(id(m), id(m, 2), q, b)),
    r('POST', `${CH}/play`, (m, q, b) => play(id(m), q.get('playbackId') ?? model.uniqueId(), q, b)),
    r('POST', `${CH}/record`, (m, q) => {
      const channel = model.controlled(id(m));
      return { status: 201, body: media.recordingJson(media.record(channel, q)) };
    }),
    r('POST', `${CH}/dtmf`, (m, q) => {
      if (!q.get('dtmf')) throw new AriHttpError(400, 'DTMF is required');
      model.controlled(id(m));
      return none;
    }),
    ...(['hold', 'moh', 'mute'] as const).flatMap((what) => [
      r('POST', `${CH}/${what}`, (m) => {
        const channel = model.controlled(id(m));
        if (what === 'moh') channel.moh = true;
        if (what === 'hold') publish({ type: 'ChannelHold', fields: { channel: ch(channel) }, channels: [channel] });
        return none;
      }),
      r('DELETE', `${CH}/${what}`, (m) => {
        const channel = model.controlled(id(m));
        if (what === 'moh') channel.moh = false;
        if (what === 'hold') publish({ type: 'ChannelUnhold', fields: { channel: ch(channel) }, channels: [channel] });
        return none;
      }),
    ]),
    r('POST', `${CH}/snoop/([^/]+)`, (m, q) => {
      const target = model.channel(id(m));
      return { status: 200, body: ch(model.snoop(target, id(m, 2), q.get('app') ?? '', q.get('spy') ?? 'none', q.get('whisper') ?? 'none', q.get('appArgs') ?? '')) };
    }),
    r('POST', `${CH}/snoop`, (m, q) => {
      const target = model.channel(id(m));
      return { status: 200, body: ch(model.snoop(target, q.get('snoopId') ?? '', q.get('app') ?? '', q.get('spy') ?? 'none', q.get('whisper') ?? 'none', q.get('appArgs') ?? '')) };
    }),
    r('GET', `${CH}/variable`, (m, q) => {
      const channel = model.controlled(id(m));
      const name = q.get('variable');
      if (!name) throw new AriHttpError(400, 'Missing variable parameter.');
      const value = channel.variables.get(name);
      if (value === undefined) throw new AriHttpError(404, 'Provided variable was not found');
      return { status: 200, body: { value } };
    }),
    r('POST', `${CH}/variable`, (m, q) => {
      const channel = model.controlled(id(m));
      const name = q.get('variable');
      if (!name) throw new AriHttpError(400, 'Variable name is required');
      channel.variables.set(name, q.get('value') ?? '');
      return none;
    }),
    r('GET', '/bridges', () => ({ status: 200, body: [...model.bridges.values()].map((b) => model.bridgeSnapshot(b)) })),
    r('POST', '/bridges', (_m, q) => ({ status: 200, body: model.bridgeSnapshot(model.createBridge(q.get('bridgeId') ?? model.uniqueId(), q.get('type') ?? 'mixing')) })),
    r('POST', BR, (m, q) => ({ status: 200, body: model.bridgeSnapshot(model.createBridge(id(m), q.get('type') ?? 'mixing')) })),
    r('GET', BR, (m) => ({ status: 200, body: model.bridgeSnapshot(model.bridge(id(m))) })),
    r('DELETE', BR, (m) => {
      model.destroyBridge(model.bridge(id(m)));
      return none;
    }),
    r('POST', `${BR}/addChannel`, (m, q) => {
      const bridge = model.bridge(id(m));
      const channels = (q.get('channel') ?? '').split(',').filter((c) => c !== '');
      if (channels.length === 0) throw new AriHttpError(400, 'Missing required field: channel');
      model.addToBridge(bridge, channels);
      return none;
    }),
    r('POST', `${BR}/removeChannel`, (m, q) => {
      const bridge = model.bridge(id(m));
      model.removeFromBridge(bridge, (q.get('channel') ?? '').split(',').filter((c) => c !== ''));
      return none;
    }),
    r('GET', '/playbacks/([^/]+)', (m) => {
      const playback = media.playbacks.get(id(m));
      if (!playback) throw new AriHttpError(404, 'Playback not found');
      return { status: 200, body: media.playbackJson(playback) };
    }),
    r('DELETE', '/playbacks/([^/]+)', (m) => {
      media.stopPlayback(id(m));
      return none;
    }),
    r('GET', '/recordings/live/([^/]+)', (m) => ({ status: 200, body: media.recordingJson(media.liveRecording(id(m))) })),
    r('POST', '/recordings/live/([^/]+)/stop', (m) => {
      media.finishRecording(media.liveRecording(id(m)), 'done');
      return none;
    }),
    r('DELETE', '/recordings/stored/([^/]+)', (m) => {
      if (!media.stored.delete(id(m))) throw new AriHttpError(404, 'Recording not found');
      return none;
    }),
    r('DELETE', '/recordings/live/([^/]+)', (m) => {
      media.finishRecording(media.liveRecording(id(m)), 'canceled');
      return none;
    }),
  ];
}
