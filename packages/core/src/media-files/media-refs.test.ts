import { describe, expect, it } from 'vitest';
import { fileMediaRefs } from './media-refs.js';

describe('fileMediaRefs', () => {
  it('finds file MediaRefs at any depth with their paths, and nothing else', () => {
    const ivr = {
      name: 'Main',
      prompts: [{ media: { kind: 'file', name: 'welcome' }, pauseAfterMs: 0 }, { media: { kind: 'tts', text: 'hi' } }],
      timeoutPrompt: [{ kind: 'silence', durationMs: 500 }, { kind: 'file', name: 'bye' }],
      keys: [{ input: '1', destination: { kind: 'agent-group', groupNumber: '600' } }],
      recording: { kind: 'recording', name: 'welcome' },
    };
    expect(fileMediaRefs(ivr)).toEqual([
      { name: 'welcome', path: 'prompts.0.media' },
      { name: 'bye', path: 'timeoutPrompt.1' },
    ]);
    expect(fileMediaRefs({ queue: { holdMusic: { kind: 'file', name: 'jazz' }, waitingMusic: null } })).toEqual([{ name: 'jazz', path: 'queue.holdMusic' }]);
    expect(fileMediaRefs({ kind: 'file', name: 'x' })).toEqual([{ name: 'x', path: '(root)' }]);
    expect(fileMediaRefs(null)).toEqual([]);
    expect(fileMediaRefs('file')).toEqual([]);
    expect(fileMediaRefs({ kind: 'file', name: 42 })).toEqual([]);
  });

  it('stops at a depth no configuration has', () => {
    let deep: unknown = { kind: 'file', name: 'lost' };
    for (let i = 0; i < 100; i++) deep = { next: deep };
    expect(fileMediaRefs(deep)).toEqual([]);
  });
});
