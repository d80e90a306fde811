import { MediaError, ValidationError } from '@switchboard/core';

/**
 * Core's tone syntax is Asterisk's indications tone list (indications.conf):
 * `element[,element]*`, `element = [!]freq[+freq2][/duration]`, frequency 0
 * for silence, `!` for an element played only on the first pass; every other
 * element repeats. FreeSWITCH speaks TGML instead (`%(on,off,f1,f2…)`, see
 * mod_tone_stream), so lists are converted here.
 */
export interface ToneElement {
  once: boolean;
  freqs: number[];
  /** undefined = continuous (no `/duration`). */
  ms: number | undefined;
}

/** The tone lists of Asterisk's stock `[us]` zone, so named tones sound the same on both servers. */
export const NAMED_TONES: Readonly<Record<string, string>> = {
  dial: '350+440',
  busy: '480+620/500,0/500',
  ring: '440+480/2000,0/4000',
  congestion: '480+620/250,0/250',
  callwaiting: '440/300,0/10000',
  dialrecall: '!350+440/100,!0/100,!350+440/100,!0/100,!350+440/100,!0/100,350+440',
  record: '1400/500,0/15000',
  info: '!950/330,!1400/330,!1800/330,0',
  stutter: '!350+440/100,!0/100,!350+440/100,!0/100,!350+440/100,!0/100,!350+440/100,!0/100,!350+440/100,!0/100,!350+440/100,!0/100,350+440',
};

const ELEMENT = /^(!)?(\d+(?:\.\d+)?)(?:([+*])(\d+(?:\.\d+)?))?(?:\/(\d+))?$/;

export function parseToneList(spec: string): ToneElement[] {
  const items = spec.split(',').map((s) => s.trim());
  return items.map((item) => {
    const m = ELEMENT.exec(item);
    if (!m) throw new ValidationError(`Invalid tone element "${item}" in "${spec}"`, [{ path: 'tone', message: 'expected [!]freq[+freq2][/ms]' }]);
    if (m[3] === '*') throw new MediaError(`Modulated tones (${item}) cannot be played by FreeSWITCH's tone generator`);
    const freqs = [Number(m[2]), ...(m[4] === undefined ? [] : [Number(m[4])])].filter((f) => f > 0);
    const ms = m[5] === undefined ? undefined : Number(m[5]);
    if (ms === 0) throw new ValidationError(`Tone element "${item}" has a zero duration`, [{ path: 'tone', message: 'duration must be positive' }]);
    return { once: m[1] === '!', freqs, ms };
  });
}

/** Continuous elements are generated in slices of this length when they must repeat. */
const CONTINUOUS_SLICE_MS = 1000;
/** Beyond this many generated elements a duration-limited tone is refused rather than sent as a huge string. */
const MAX_ELEMENTS = 1000;

type Segment = { kind: 'tone'; freqs: number[]; on: number; off: number } | { kind: 'silence'; ms: number };

function pushStep(segments: Segment[], freqs: number[], ms: number): void {
  const last = segments[segments.length - 1];
  if (freqs.length === 0) {
    if (last?.kind === 'tone') last.off += ms;
    else if (last?.kind === 'silence') last.ms += ms;
    else segments.push({ kind: 'silence', ms });
    return;
  }
  segments.push({ kind: 'tone', freqs, on: ms, off: 0 });
}

function render(segments: Segment[], loopForever: boolean): string[] {
  // Consecutive tone segments share one tone_stream; a silence (TGML cannot start with one) gets its own stream.
  const out: string[] = [];
  let tgml: string[] = [];
  const flush = () => {
    if (tgml.length > 0) out.push(`tone_stream://${tgml.join(';')}`);
    tgml = [];
  };
  for (const s of segments) {
    if (s.kind === 'silence') {
      flush();
      out.push(`silence_stream://${s.ms}`);
    } else {
      tgml.push(`%(${s.on},${s.off},${s.freqs.join(',')})`);
    }
  }
  flush();
  if (loopForever) {
    const last = out.length - 1;
    out[last] = out[last]!.startsWith('silence_stream://') ? 'silence_stream://-1' : `${out[last]};loops=-1`;
  }
  return out;
}

/**
 * A tone list → FreeSWITCH playable strings (played one after the other).
 * With `durationMs` the pattern is unrolled and cut to exactly that length;
 * without it the tone repeats until stopped (Asterisk's behaviour), except a
 * list made only of `!` elements, which plays once.
 */
export function toneToFreeSwitch(spec: string, durationMs?: number): string[] {
  const elements = parseToneList(spec);
  const repeating = elements.filter((e) => !e.once);

  if (durationMs !== undefined) {
    const segments: Segment[] = [];
    let left = durationMs;
    let pass = 0;
    let steps = 0;
    while (left > 0) {
      const list = pass === 0 ? elements : repeating;
      if (list.length === 0) {
        pushStep(segments, [], left); // nothing repeats: silence until the duration is up
        break;
      }
      for (const e of list) {
        const ms = Math.min(e.ms ?? left, left);
        pushStep(segments, e.freqs, ms);
        left -= ms;
        if (++steps > MAX_ELEMENTS) throw new MediaError(`Tone "${spec}" for ${durationMs} ms needs more than ${MAX_ELEMENTS} elements`);
        if (left <= 0) break;
      }
      pass++;
    }
    return render(segments, false);
  }

  // No duration: one pass over every element; a continuous element never ends, so it
  // plays forever and ends the list; otherwise the repeating elements then loop forever.
  const firstPass: Segment[] = [];
  const allRepeat = repeating.length === elements.length && elements.every((e) => e.ms !== undefined);
  for (const e of allRepeat ? [] : elements) {
    if (e.ms === undefined) {
      const forever = e.freqs.length === 0 ? ['silence_stream://-1'] : render([{ kind: 'tone', freqs: e.freqs, on: CONTINUOUS_SLICE_MS, off: 0 }], true);
      return [...render(firstPass, false), ...forever];
    }
    pushStep(firstPass, e.freqs, e.ms);
  }
  if (repeating.length === 0) return render(firstPass, false);

  const cycle: Segment[] = [];
  for (const e of repeating) pushStep(cycle, e.freqs, e.ms!);
  // TGML cannot start with silence: play a leading silence once, then loop the cycle with it moved to the end.
  const lead = cycle[0];
  if (lead?.kind === 'silence') {
    cycle.shift();
    const tail = cycle[cycle.length - 1];
    if (tail === undefined) return [...render(firstPass, false), 'silence_stream://-1'];
    pushStep(firstPass, [], lead.ms);
    if (tail.kind === 'tone') tail.off += lead.ms;
  }
  return [...render(firstPass, false), ...render(cycle, true)];
}
