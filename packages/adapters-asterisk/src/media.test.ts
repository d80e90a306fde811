import { MediaError, ValidationError } from '@switchboard/core';
import { describe, expect, it } from 'vitest';
import { mediaRefToAri, planAriPlayback } from './media.js';

describe('mediaRefToAri', () => {
  it('maps files, recordings, digits and numbers to ARI media URIs', () => {
    expect(mediaRefToAri({ kind: 'file', name: 'tenant-7/welcome.wav' })).toBe('sound:tenant-7/welcome');
    expect(mediaRefToAri({ kind: 'file', name: 'welcome' }, { soundsDir: '/var/lib/switchboard/media/' })).toBe('sound:/var/lib/switchboard/media/welcome');
    expect(mediaRefToAri({ kind: 'recording', name: 'call-42' })).toBe('recording:call-42');
    expect(mediaRefToAri({ kind: 'digits', digits: '12*#' })).toBe('digits:12*#');
    expect(mediaRefToAri({ kind: 'number', value: -42 })).toBe('number:-42');
  });

  it('plays whole seconds of silence from the stock silence/1 … silence/10', () => {
    expect(mediaRefToAri({ kind: 'silence', durationMs: 3000 })).toBe('sound:silence/3');
    expect(mediaRefToAri({ kind: 'silence', durationMs: 10_000 })).toBe('sound:silence/10');
    expect(() => mediaRefToAri({ kind: 'silence', durationMs: 1500 })).toThrow(MediaError);
    expect(() => mediaRefToAri({ kind: 'silence', durationMs: 12_000 })).toThrow(MediaError);
  });

  it('refuses what one self-ending URI cannot play, and unsafe names', () => {
    expect(() => mediaRefToAri({ kind: 'tone', tone: 'ring' })).toThrow(MediaError);
    expect(() => mediaRefToAri({ kind: 'tts', text: 'hello' })).toThrow(MediaError);
    expect(() => mediaRefToAri({ kind: 'number', value: 2 ** 40 })).toThrow(MediaError);
    expect(() => mediaRefToAri({ kind: 'file', name: '../../etc/passwd' })).toThrow(ValidationError);
    expect(() => mediaRefToAri({ kind: 'file', name: 'a,b' })).toThrow(ValidationError);
  });
});

describe('planAriPlayback', () => {
  it('groups self-ending URIs into one playback', () => {
    expect(
      planAriPlayback([
        { kind: 'file', name: 'you-are-number' },
        { kind: 'number', value: 3 },
        { kind: 'silence', durationMs: 25_000 },
      ]),
    ).toEqual([{ media: ['sound:you-are-number', 'number:3', 'sound:silence/10', 'sound:silence/10', 'sound:silence/5'] }]);
  });

  it('gives tones and odd silences their own playback with a timed stop', () => {
    expect(
      planAriPlayback(
        [
          { kind: 'file', name: 'please-hold' },
          { kind: 'silence', durationMs: 750 },
          { kind: 'tone', tone: 'ring', durationMs: 6000 },
          { kind: 'tone', tone: '!1000/250' },
          { kind: 'file', name: 'bye' },
          { kind: 'tone', tone: '440+480/2000,0/4000' },
        ],
        { toneZone: 'fr' },
      ),
    ).toEqual([
      { media: ['sound:please-hold'] },
      { media: ['tone:0'], stopAfterMs: 750 },
      { media: ['tone:ring;tonezone=fr'], stopAfterMs: 6000 },
      { media: ['tone:!1000/250'], stopAfterMs: 250 },
      { media: ['sound:bye'] },
      { media: ['tone:440+480/2000,0/4000'], endless: true },
    ]);
  });

  it('refuses items after an endless tone, invalid tones and empty lists', () => {
    expect(() => planAriPlayback([{ kind: 'tone', tone: 'ring' }, { kind: 'file', name: 'x' }])).toThrow(MediaError);
    expect(() => planAriPlayback([{ kind: 'tone', tone: 'nonsense' }])).toThrow(ValidationError);
    expect(() => planAriPlayback([])).toThrow(ValidationError);
    // Custom indications.conf names are allowed when declared.
    expect(planAriPlayback([{ kind: 'tone', tone: 'beep', durationMs: 200 }], { toneNames: ['beep'] })).toEqual([{ media: ['tone:beep'], stopAfterMs: 200 }]);
  });
});
