import type { MediaAdapter, MediaDeps } from '@switchboard/core';
import { AsteriskAdapter } from '@switchboard/adapters-asterisk';
import { FreeSwitchAdapter } from '@switchboard/adapters-freeswitch';
import { soundsDirOf, type ServerConfig } from '../config.js';

/** `name=template` pairs → a trunk map (the first is the default). */
function trunkMap(trunks: string[]): { trunks: Record<string, string>; defaultTrunk?: string } {
  const entries = trunks.map((t) => {
    const i = t.indexOf('=');
    return [t.slice(0, i), t.slice(i + 1)] as const;
  });
  return { trunks: Object.fromEntries(entries), ...(entries[0] ? { defaultTrunk: entries[0][0] } : {}) };
}

/**
 * The media adapter `--media` asks for, built on the Switchboard's clock,
 * randomness and logger; undefined for the simulated PBX (core's default).
 */
export function mediaAdapterFactory(config: ServerConfig): ((deps: MediaDeps) => MediaAdapter) | undefined {
  const { trunks, defaultTrunk } = trunkMap(config.trunks);
  // Where the publisher writes tenants' media files, as the media server sees it.
  const soundsDir = soundsDirOf(config);
  switch (config.media) {
    case 'sim':
      return undefined;
    case 'freeswitch': {
      const [host, port] = config.esl.split(':') as [string, string];
      return ({ clock, random, logger }) =>
        new FreeSwitchAdapter({
          host,
          port: Number(port),
          password: config.eslPassword,
          clock,
          random,
          logger: logger.child({ component: 'freeswitch' }),
          ...(config.sipDomain ? { domain: config.sipDomain } : {}),
          ...(config.extensionDial ? { extensionDialString: config.extensionDial } : {}),
          trunks,
          ...(defaultTrunk ? { defaultTrunk } : {}),
          inbound: { contexts: [config.sipContext] },
          ...(soundsDir === undefined ? {} : { soundsDir }),
        });
    }
    case 'asterisk':
      return ({ clock, random, logger }) =>
        new AsteriskAdapter({
          url: config.ariUrl,
          username: config.ariUser,
          password: config.ariPassword ?? '',
          app: config.ariApp,
          clock,
          random,
          logger: logger.child({ component: 'asterisk' }),
          ...(config.extensionDial ? { extensionEndpoint: config.extensionDial } : {}),
          trunks,
          ...(defaultTrunk ? { defaultTrunk } : {}),
          ...(soundsDir === undefined ? {} : { media: { soundsDir } }),
        });
  }
}
