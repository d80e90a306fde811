import { MediaError, SystemClock, UnavailableError, type Clock } from '@switchboard/core';
import type { z } from 'zod';
import { mediaErrorFromAri } from '../errors.js';
import {
  ariBridgeSchema,
  ariChannelSchema,
  ariLiveRecordingSchema,
  ariPlaybackSchema,
  type AriBridge,
  type AriChannel,
  type AriLiveRecording,
  type AriOriginateQuery,
  type AriPlayback,
  type AriRecordQuery,
  type AriSnoopDirection,
} from './resources.js';

export interface AriClientOptions {
  /** Asterisk's HTTP server, e.g. `http://127.0.0.1:8088`; ARI lives under `/ari` there. */
  url: string;
  username: string;
  password: string;
  /** How long one REST request may take before it fails with a MediaError. Default 5 s. */
  requestTimeoutMs?: number;
  /** Times the request timeout. Default: the system clock. */
  clock?: Clock;
}

type QueryValue = string | number | boolean | readonly string[] | undefined;
export type AriQuery = Record<string, QueryValue>;

export interface AriRequest<S extends z.ZodType | undefined = undefined> {
  query?: AriQuery;
  body?: unknown;
  /** Validates the JSON reply; without it the reply is returned as parsed. */
  schema?: S;
}

const enc = encodeURIComponent;

/**
 * A small typed client for the Asterisk REST Interface: `fetch` with basic
 * auth and a per-request timeout. Every non-2xx reply rejects with the
 * MediaError of `mediaErrorFromAri`; a request that cannot reach Asterisk
 * rejects with an UnavailableError; one that gets no reply in time with a
 * MediaError (the request may still have been carried out).
 */
export class AriClient {
  readonly baseUrl: string;
  private readonly authorization: string;
  private readonly timeoutMs: number;
  private readonly clock: Clock;

  readonly channels = new AriChannels(this);
  readonly bridges = new AriBridges(this);
  readonly playbacks = new AriPlaybacks(this);
  readonly recordings = new AriRecordings(this);

  constructor(options: AriClientOptions) {
    this.baseUrl = `${options.url.replace(/\/+$/, '')}/ari`;
    this.authorization = `Basic ${Buffer.from(`${options.username}:${options.password}`).toString('base64')}`;
    this.timeoutMs = options.requestTimeoutMs ?? 5_000;
    this.clock = options.clock ?? new SystemClock();
  }

  /** `ws://…/ari/events?app=<app>`: the event stream of one Stasis application. */
  eventsUrl(app: string): string {
    const url = new URL(`${this.baseUrl}/events`);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    url.searchParams.set('app', app);
    return url.toString();
  }

  /** The `Authorization` header for REST and the WebSocket upgrade. */
  get authHeader(): string {
    return this.authorization;
  }

  async request<S extends z.ZodType | undefined = undefined>(
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    path: string,
    options: AriRequest<S> = {},
  ): Promise<S extends z.ZodType ? z.output<S> : unknown> {
    const url = new URL(`${this.baseUrl}${path}`);
    for (const [key, value] of Object.entries(options.query ?? {})) {
      if (value === undefined) continue;
      url.searchParams.set(key, Array.isArray(value) ? value.join(',') : String(value));
    }
    const headers: Record<string, string> = { authorization: this.authorization, accept: 'application/json' };
    let body: string | undefined;
    if (options.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.body);
    }
    const abort = new AbortController();
    let timedOut = false;
    const timer = this.clock.setTimer(this.timeoutMs, () => {
      timedOut = true;
      abort.abort();
    });
    let response: Response;
    let text: string;
    try {
      response = await fetch(url, { method, headers, ...(body === undefined ? {} : { body }), signal: abort.signal });
      text = await response.text();
    } catch (error) {
      if (timedOut) {
        throw new MediaError(`Asterisk did not answer ${method} ${path} within ${this.timeoutMs} ms`, {
          cause: error,
          details: { vendor: 'asterisk', method, path, timeoutMs: this.timeoutMs },
        });
      }
      throw new UnavailableError(`Asterisk is not reachable (${method} ${path}): ${(error as Error).message}`, { cause: error, details: { vendor: 'asterisk', method, path } });
    } finally {
      this.clock.clearTimer(timer);
    }
    let parsed: unknown = undefined;
    if (text !== '') {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = text;
      }
    }
    if (!response.ok) throw mediaErrorFromAri({ status: response.status, method, path, body: parsed });
    if (options.schema === undefined) return parsed as never;
    const result = options.schema.safeParse(parsed);
    if (!result.success) {
      throw new MediaError(`Asterisk answered ${method} ${path} with an unexpected body`, {
        cause: result.error,
        details: { vendor: 'asterisk', method, path, status: response.status },
      });
    }
    return result.data as never;
  }
}

abstract class AriResource {
  constructor(protected readonly ari: AriClient) {}
}

export class AriChannels extends AriResource {
  list(): Promise<AriChannel[]> {
    return this.ari.request('GET', '/channels', { schema: ariChannelSchema.array() }) as Promise<AriChannel[]>;
  }

  get(channelId: string): Promise<AriChannel> {
    return this.ari.request('GET', `/channels/${enc(channelId)}`, { schema: ariChannelSchema }) as Promise<AriChannel>;
  }

  /** `POST /channels`: the new channel's snapshot (the channel is dialled; it is not answered yet). */
  originate(query: AriOriginateQuery, variables?: Record<string, string>): Promise<AriChannel> {
    return this.ari.request('POST', '/channels', {
      query: { ...query },
      ...(variables && Object.keys(variables).length > 0 ? { body: { variables } } : {}),
      schema: ariChannelSchema,
    }) as Promise<AriChannel>;
  }

  /** `DELETE /channels/{id}`: ast_softhangup with the Q.850 `reason_code` as the cause. */
  async hangup(channelId: string, options: { reasonCode?: number; reason?: string } = {}): Promise<void> {
    await this.ari.request('DELETE', `/channels/${enc(channelId)}`, { query: { reason_code: options.reasonCode, reason: options.reason } });
  }

  async answer(channelId: string): Promise<void> {
    await this.ari.request('POST', `/channels/${enc(channelId)}/answer`);
  }

  async ring(channelId: string): Promise<void> {
    await this.ari.request('POST', `/channels/${enc(channelId)}/ring`);
  }

  /** Plays `media` in order as one playback whose id we chose. The list goes in the JSON body, where commas inside a URI are safe. */
  play(channelId: string, playbackId: string, media: readonly string[], options: { lang?: string } = {}): Promise<AriPlayback> {
    return this.ari.request('POST', `/channels/${enc(channelId)}/play/${enc(playbackId)}`, {
      query: { lang: options.lang },
      body: { media: [...media] },
      schema: ariPlaybackSchema,
    });
  }

  record(channelId: string, query: AriRecordQuery): Promise<AriLiveRecording> {
    return this.ari.request('POST', `/channels/${enc(channelId)}/record`, { query: { ...query }, schema: ariLiveRecordingSchema });
  }

  async sendDtmf(channelId: string, dtmf: string, options: { durationMs?: number; betweenMs?: number; beforeMs?: number; afterMs?: number } = {}): Promise<void> {
    await this.ari.request('POST', `/channels/${enc(channelId)}/dtmf`, {
      query: { dtmf, duration: options.durationMs, between: options.betweenMs, before: options.beforeMs, after: options.afterMs },
    });
  }

  /** Indicates hold to the channel's peer (not music: see startMoh). */
  async hold(channelId: string): Promise<void> {
    await this.ari.request('POST', `/channels/${enc(channelId)}/hold`);
  }

  async unhold(channelId: string): Promise<void> {
    await this.ari.request('DELETE', `/channels/${enc(channelId)}/hold`);
  }

  async startMoh(channelId: string, mohClass?: string): Promise<void> {
    await this.ari.request('POST', `/channels/${enc(channelId)}/moh`, { query: { mohClass } });
  }

  async stopMoh(channelId: string): Promise<void> {
    await this.ari.request('DELETE', `/channels/${enc(channelId)}/moh`);
  }

  async mute(channelId: string, direction: 'both' | 'in' | 'out' = 'both'): Promise<void> {
    await this.ari.request('POST', `/channels/${enc(channelId)}/mute`, { query: { direction } });
  }

  async unmute(channelId: string, direction: 'both' | 'in' | 'out' = 'both'): Promise<void> {
    await this.ari.request('DELETE', `/channels/${enc(channelId)}/mute`, { query: { direction } });
  }

  /** A snoop channel on `channelId` that enters Stasis `app`: it hears (`spy`) and/or speaks into (`whisper`) the channel. */
  snoop(channelId: string, snoopId: string, options: { app: string; spy?: AriSnoopDirection; whisper?: AriSnoopDirection; appArgs?: string }): Promise<AriChannel> {
    return this.ari.request('POST', `/channels/${enc(channelId)}/snoop/${enc(snoopId)}`, {
      query: { app: options.app, spy: options.spy, whisper: options.whisper, appArgs: options.appArgs },
      schema: ariChannelSchema,
    }) as Promise<AriChannel>;
  }

  /** Hands the channel to another endpoint (a SIP 302 / REFER): it leaves Stasis and is no longer ours. */
  async redirect(channelId: string, endpoint: string): Promise<void> {
    await this.ari.request('POST', `/channels/${enc(channelId)}/redirect`, { query: { endpoint } });
  }

  /** Leaves Stasis and goes on in the dialplan. */
  async continueInDialplan(channelId: string, target: { context?: string; extension?: string; priority?: number; label?: string } = {}): Promise<void> {
    await this.ari.request('POST', `/channels/${enc(channelId)}/continue`, { query: { ...target } });
  }

  async getVariable(channelId: string, variable: string): Promise<string> {
    const reply = (await this.ari.request('GET', `/channels/${enc(channelId)}/variable`, { query: { variable } })) as { value?: unknown };
    return typeof reply?.value === 'string' ? reply.value : '';
  }

  async setVariable(channelId: string, variable: string, value: string): Promise<void> {
    await this.ari.request('POST', `/channels/${enc(channelId)}/variable`, { query: { variable, value } });
  }
}

export class AriBridges extends AriResource {
  list(): Promise<AriBridge[]> {
    return this.ari.request('GET', '/bridges', { schema: ariBridgeSchema.array() });
  }

  get(bridgeId: string): Promise<AriBridge> {
    return this.ari.request('GET', `/bridges/${enc(bridgeId)}`, { schema: ariBridgeSchema });
  }

  /** `type`: `mixing` (talk), `holding` (music / announcements), with options such as `proxy_media`, `dtmf_events`. */
  create(bridgeId: string, options: { type?: string; name?: string } = {}): Promise<AriBridge> {
    return this.ari.request('POST', `/bridges/${enc(bridgeId)}`, { query: { type: options.type ?? 'mixing', name: options.name }, schema: ariBridgeSchema });
  }

  async destroy(bridgeId: string): Promise<void> {
    await this.ari.request('DELETE', `/bridges/${enc(bridgeId)}`);
  }

  /** Adds channels (in Stasis) to the bridge; a channel in another Stasis bridge leaves it first. */
  async addChannel(bridgeId: string, channels: readonly string[], options: { role?: string; absorbDTMF?: boolean; mute?: boolean } = {}): Promise<void> {
    await this.ari.request('POST', `/bridges/${enc(bridgeId)}/addChannel`, { query: { channel: channels, role: options.role, absorbDTMF: options.absorbDTMF, mute: options.mute } });
  }

  async removeChannel(bridgeId: string, channels: readonly string[]): Promise<void> {
    await this.ari.request('POST', `/bridges/${enc(bridgeId)}/removeChannel`, { query: { channel: channels } });
  }

  async startMoh(bridgeId: string, mohClass?: string): Promise<void> {
    await this.ari.request('POST', `/bridges/${enc(bridgeId)}/moh`, { query: { mohClass } });
  }

  async stopMoh(bridgeId: string): Promise<void> {
    await this.ari.request('DELETE', `/bridges/${enc(bridgeId)}/moh`);
  }
}

export class AriPlaybacks extends AriResource {
  get(playbackId: string): Promise<AriPlayback> {
    return this.ari.request('GET', `/playbacks/${enc(playbackId)}`, { schema: ariPlaybackSchema });
  }

  async stop(playbackId: string): Promise<void> {
    await this.ari.request('DELETE', `/playbacks/${enc(playbackId)}`);
  }
}

export class AriRecordings extends AriResource {
  getLive(name: string): Promise<AriLiveRecording> {
    return this.ari.request('GET', `/recordings/live/${enc(name)}`, { schema: ariLiveRecordingSchema });
  }

  /** Stops and keeps the recording (it becomes a stored recording, playable as `recording:<name>`). */
  async stopLive(name: string): Promise<void> {
    await this.ari.request('POST', `/recordings/live/${enc(name)}/stop`);
  }

  /** Stops and discards the recording. */
  async cancelLive(name: string): Promise<void> {
    await this.ari.request('DELETE', `/recordings/live/${enc(name)}`);
  }

  async deleteStored(name: string): Promise<void> {
    await this.ari.request('DELETE', `/recordings/stored/${enc(name)}`);
  }
}
