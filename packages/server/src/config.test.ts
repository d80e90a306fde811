import { describe, expect, it } from 'vitest';
import { ValidationError } from '@switchboard/core';
import { resolve } from 'node:path';
import { checkMediaConfig, loadConfig, soundsDirOf } from './config.js';

describe('loadConfig', () => {
  it('uses the embedded defaults: SQLite under ./data, the simulator, the real clock, the demo', () => {
    expect(loadConfig([], {})).toMatchObject({ port: 3000, db: './data/switchboard.db', media: 'sim', clock: 'real', demo: true, logLevel: 'info' });
  });

  it('reads the CORS allow-list', () => {
    expect(loadConfig(['--cors-origins', 'https://crm.example.com, http://localhost:5173'], {}).corsOrigins).toEqual(['https://crm.example.com', 'http://localhost:5173']);
    expect(loadConfig([], {}).corsOrigins).toEqual([]);
  });

  it('takes flags over SWITCHBOARD_* variables over PORT', () => {
    const env = { PORT: '8080', SWITCHBOARD_MEDIA: 'asterisk', SWITCHBOARD_CLOCK: 'virtual', SWITCHBOARD_DEMO: 'false' };
    expect(loadConfig([], env)).toMatchObject({ port: 8080, media: 'asterisk', clock: 'virtual', demo: false });
    expect(loadConfig([], { ...env, SWITCHBOARD_PORT: '9000' }).port).toBe(9000);
    expect(loadConfig(['--port', '7000', '--media', 'freeswitch', '--db', 'postgres://u:p@h/db', '--clock', 'real'], env)).toMatchObject({
      port: 7000,
      media: 'freeswitch',
      db: 'postgres://u:p@h/db',
      clock: 'real',
    });
  });

  it('names the bad setting', () => {
    const bad = (argv: string[], env = {}) => {
      try {
        loadConfig(argv, env);
      } catch (error) {
        expect(error).toBeInstanceOf(ValidationError);
        return (error as ValidationError).issues.map((i) => i.path);
      }
      throw new Error('expected a ValidationError');
    };
    expect(bad(['--media', 'pots'])).toEqual(['configuration.media'.replace('configuration.', '')]);
    expect(bad(['--port', '99999'])).toEqual(['port']);
    expect(bad([], { SWITCHBOARD_JWT_SECRET: 'short' })).toEqual(['jwtSecret']);
    expect(bad(['--colour', 'red'])).toEqual(['argv']);
    expect(bad(['--cors-origins', 'crm.example.com'])).toEqual(['corsOrigins.0']);
  });

  it('reads where media files are published, and where the media server finds them (the same folder unless told)', () => {
    expect(loadConfig([], {}).mediaPublishDir).toBeUndefined();
    expect(soundsDirOf(loadConfig([], {}))).toBeUndefined();
    const shared = loadConfig(['--media', 'freeswitch'], { SWITCHBOARD_MEDIA_PUBLISH_DIR: 'data/sounds' });
    expect(shared.mediaPublishDir).toBe('data/sounds');
    expect(soundsDirOf(shared)).toBe(resolve('data/sounds'));
    const synced = loadConfig(['--media', 'asterisk', '--media-publish-dir', '/srv/switchboard/sounds', '--media-sounds-dir', '/var/lib/asterisk/sounds/switchboard'], {});
    expect(soundsDirOf(synced)).toBe('/var/lib/asterisk/sounds/switchboard');
    // FreeSWITCH takes absolute paths only; Asterisk also reads paths under its own sounds folder.
    expect(() => checkMediaConfig(loadConfig(['--media', 'freeswitch', '--media-sounds-dir', 'switchboard'], {}))).toThrow(/absolute/);
    expect(() => checkMediaConfig(loadConfig(['--media', 'asterisk', '--media-sounds-dir', 'switchboard'], { SWITCHBOARD_ARI_PASSWORD: 'x' }))).not.toThrow();
  });
});
