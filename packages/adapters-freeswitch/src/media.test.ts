import { MediaError, ValidationError } from '@switchboard/core';
import { describe, expect, it } from 'vitest';
import { freeSwitchPlaylist, mediaRefToFreeSwitch, quoteFreeSwitchArg } from './media.js';
import { separate } from './test-support/freeswitch-parsing.js';

const options = { soundsDir: '/var/lib/switchboard/media/', recordingsDir: '/var/lib/switchboard/recordings' };

describe('mediaRefToFreeSwitch', () => {
  it('maps files and recordings under their directories, adding .wav when there is no extension', () => {
    expect(mediaRefToFreeSwitch({ kind: 'file', name: 'tenant-7/welcome' }, options)).toBe('/var/lib/switchboard/media/tenant-7/welcome.wav');
    expect(mediaRefToFreeSwitch({ kind: 'file', name: 'hold.mp3' }, options)).toBe('/var/lib/switchboard/media/hold.mp3');
    expect(mediaRefToFreeSwitch({ kind: 'recording', name: 'call-42' }, options)).toBe('/var/lib/switchboard/recordings/call-42.wav');
    expect(mediaRefToFreeSwitch({ kind: 'recording', name: 'call-42' }, { soundsDir: '/s', fileExtension: 'mp3' })).toBe('/s/call-42.mp3');
  });

  it('refuses names that escape the directory or that FreeSWITCH would parse', () => {
    for (const name of ['../etc/passwd', 'a/../../b', '/abs', 'two words', 'bang!', "it's", '${x}', 'a,b']) {
      expect(() => mediaRefToFreeSwitch({ kind: 'file', name }, options), name).toThrow(ValidationError);
    }
  });

  it('plays silence with silence_stream://<ms>', () => {
    expect(mediaRefToFreeSwitch({ kind: 'silence', durationMs: 2500 }, options)).toBe('silence_stream://2500');
  });

  it('turns named tones into TGML that repeats until stopped', () => {
    expect(mediaRefToFreeSwitch({ kind: 'tone', tone: 'ring' }, options)).toBe('tone_stream://%(2000,4000,440,480);loops=-1');
    expect(mediaRefToFreeSwitch({ kind: 'tone', tone: 'busy' }, options)).toBe('tone_stream://%(500,500,480,620);loops=-1');
    expect(mediaRefToFreeSwitch({ kind: 'tone', tone: 'dial' }, options)).toBe('tone_stream://%(1000,0,350,440);loops=-1');
    expect(mediaRefToFreeSwitch({ kind: 'tone', tone: 'beep' }, { ...options, tones: { beep: '!1000/250' } })).toBe('tone_stream://%(250,0,1000)');
  });

  it('cuts a tone to exactly durationMs', () => {
    expect(mediaRefToFreeSwitch({ kind: 'tone', tone: 'busy', durationMs: 1500 }, options)).toBe('tone_stream://%(500,500,480,620);%(500,0,480,620)');
    expect(mediaRefToFreeSwitch({ kind: 'tone', tone: 'dial', durationMs: 3000 }, options)).toBe('tone_stream://%(3000,0,350,440)');
    expect(mediaRefToFreeSwitch({ kind: 'tone', tone: '440/200,0/300', durationMs: 1200 }, options)).toBe(
      'tone_stream://%(200,300,440);%(200,300,440);%(200,0,440)',
    );
    // Nothing repeats after the !-elements: silence fills the rest.
    expect(mediaRefToFreeSwitch({ kind: 'tone', tone: '!1000/250', durationMs: 1000 }, options)).toBe('tone_stream://%(250,750,1000)');
  });

  it('plays !-elements once, then loops the rest; a leading silence gets its own stream', () => {
    expect(mediaRefToFreeSwitch({ kind: 'tone', tone: 'info' }, options)).toBe(
      'file_string://tone_stream://%(330,0,950);%(330,0,1400);%(330,0,1800)!silence_stream://-1',
    );
    expect(mediaRefToFreeSwitch({ kind: 'tone', tone: '0/500,440/500' }, options)).toBe('file_string://silence_stream://500!tone_stream://%(500,500,440);loops=-1');
    expect(mediaRefToFreeSwitch({ kind: 'tone', tone: '!350+440/100,!0/100,350+440' }, options)).toBe(
      'file_string://tone_stream://%(100,100,350,440)!tone_stream://%(1000,0,350,440);loops=-1',
    );
  });

  it('refuses tones TGML cannot express and malformed lists', () => {
    expect(() => mediaRefToFreeSwitch({ kind: 'tone', tone: '425*15/1000' }, options)).toThrow(MediaError);
    expect(() => mediaRefToFreeSwitch({ kind: 'tone', tone: 'nonsense' }, options)).toThrow(ValidationError);
    expect(() => mediaRefToFreeSwitch({ kind: 'tone', tone: '440/0' }, options)).toThrow(ValidationError);
  });

  it('says digits and numbers through say_string, expanded when the application runs', () => {
    expect(mediaRefToFreeSwitch({ kind: 'digits', digits: '12*#' }, options)).toBe('${say_string(en.wav en name_spelled iterated 12*#)}');
    expect(mediaRefToFreeSwitch({ kind: 'number', value: 42 }, { ...options, language: 'fr' })).toBe('${say_string(fr.wav fr number pronounced 42)}');
    expect(() => mediaRefToFreeSwitch({ kind: 'number', value: -3 }, options)).toThrow(MediaError);
    expect(() => mediaRefToFreeSwitch({ kind: 'number', value: 1_000_000_000 }, options)).toThrow(MediaError);
  });

  it('speaks text through tts:// when an engine is configured', () => {
    expect(() => mediaRefToFreeSwitch({ kind: 'tts', text: 'Hello' }, options)).toThrow(MediaError);
    const tts = { ...options, tts: { engine: 'flite', voice: 'kal' } };
    expect(mediaRefToFreeSwitch({ kind: 'tts', text: "It's done!\nReally|yes" }, tts)).toBe('tts://flite|kal|It\u2019s done. Really/yes');
    expect(mediaRefToFreeSwitch({ kind: 'tts', text: 'Hi', voice: 'slt' }, tts)).toBe('tts://flite|slt|Hi');
    expect(() => mediaRefToFreeSwitch({ kind: 'tts', text: 'cost ${price}' }, tts)).toThrow(MediaError);
  });
});

describe('freeSwitchPlaylist and quoteFreeSwitchArg', () => {
  it('plays one item as is and several as one file_string', () => {
    expect(freeSwitchPlaylist([{ kind: 'file', name: 'welcome' }], options)).toBe('/var/lib/switchboard/media/welcome.wav');
    expect(
      freeSwitchPlaylist(
        [
          { kind: 'file', name: 'you-are-number' },
          { kind: 'number', value: 3 },
          { kind: 'silence', durationMs: 500 },
          { kind: 'tone', tone: '0/500,440/500' },
        ],
        options,
      ),
    ).toBe(
      'file_string:///var/lib/switchboard/media/you-are-number.wav!${say_string(en.wav en number pronounced 3)}!silence_stream://500!silence_stream://500!tone_stream://%(500,500,440);loops=-1',
    );
    expect(() => freeSwitchPlaylist([], options)).toThrow(ValidationError);
  });

  it('quotes arguments so a blank-splitting command keeps them whole', () => {
    const arg = freeSwitchPlaylist([{ kind: 'number', value: 12 }], options);
    const cmd = `uuid_broadcast 1234-uuid ${quoteFreeSwitchArg(arg)} aleg`;
    expect(separate(cmd, ' ', 4)).toEqual(['uuid_broadcast', '1234-uuid', arg, 'aleg']);
    expect(quoteFreeSwitchArg('/plain/path.wav')).toBe('/plain/path.wav');
    expect(separate(`x ${quoteFreeSwitchArg("a 'b' \\c")} y`, ' ', 3)[1]).toBe("a 'b' \\c");
  });
});
