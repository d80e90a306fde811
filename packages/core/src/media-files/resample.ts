/**
 * Sample-rate conversion for the media servers' telephony rate: a polyphase windowed-sinc
 * FIR (Kaiser window), streamed block by block.
 *
 * The output rate is `inRate × L / M` with L/M the reduced ratio. Output sample n lies at
 * input position n·M/L; it is the input convolved with a low-pass sinc kernel centred
 * there. The kernel's cut-off sits between the pass-band edge (85 % of the lower Nyquist
 * frequency: 3.4 kHz for 8 kHz output, the telephone band) and that Nyquist frequency,
 * where it has reached {@link STOPBAND_DB} dB of attenuation — so nothing above 4 kHz
 * folds back into what a caller hears, which naive decimation (keeping every M-th sample)
 * would do. The same kernel interpolates when the input rate is the lower one.
 */

/** Attenuation at the stop-band edge, dB. Enough that aliases stay below 16-bit noise on a telephone line. */
export const STOPBAND_DB = 80;
/** The pass band ends at this fraction of the lower of the two Nyquist frequencies. */
const PASSBAND = 0.85;
/**
 * Kernels are tabulated per phase (one row per distinct fractional position). Ratios with
 * more phases than this (odd rates such as 44 101 Hz) use the nearest of this many phases:
 * an error of under 1/2048 of an input sample.
 */
const MAX_PHASES = 1024;

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/** The zeroth-order modified Bessel function of the first kind, by its power series. */
function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  const q = (x * x) / 4;
  for (let k = 1; k < 200; k++) {
    term *= q / (k * k);
    sum += term;
    if (term < sum * 1e-12) break;
  }
  return sum;
}

/** Samples the output of `inputFrames` input samples has: ⌈inputFrames × outRate / inRate⌉, the duration kept to one output sample. */
export function resampledLength(inputFrames: number, inRate: number, outRate: number): number {
  const g = gcd(inRate, outRate);
  const up = outRate / g;
  const down = inRate / g;
  return Math.ceil((inputFrames * up) / down);
}

/**
 * A streaming resampler of one channel of float samples (−1 … 1). `push` takes input
 * blocks of any size and returns the output samples that are complete; `end` returns the
 * rest (the input is taken as silent past its end). Over a whole stream the output has
 * exactly {@link resampledLength} samples. Equal rates pass the samples through.
 */
export class Resampler {
  readonly inRate: number;
  readonly outRate: number;
  /** Output samples per `down` input samples (the reduced ratio L / M). */
  private readonly up: number;
  private readonly down: number;
  /** Taps on each side of the output position: the kernel spans 2·half input samples. */
  private readonly half: number;
  private readonly phases: number;
  /** `phases` rows of 2·half coefficients. */
  private readonly kernel: Float32Array;
  /** Input not yet behind every kernel still to be applied; buffer[0] is input sample `bufferStart` (negative: the silence before the start). */
  private buffer: Float32Array;
  private bufferStart: number;
  private bufferLength = 0;
  private consumed = 0;
  private produced = 0;
  private ended = false;

  constructor(inRate: number, outRate: number) {
    if (!Number.isInteger(inRate) || !Number.isInteger(outRate) || inRate <= 0 || outRate <= 0) {
      throw new RangeError(`Sample rates must be positive integers, not ${inRate} → ${outRate}`);
    }
    this.inRate = inRate;
    this.outRate = outRate;
    const g = gcd(inRate, outRate);
    this.up = outRate / g;
    this.down = inRate / g;
    if (inRate === outRate) {
      this.half = 0;
      this.phases = 1;
      this.kernel = new Float32Array(0);
    } else {
      const nyquist = Math.min(inRate, outRate) / 2;
      // Frequencies in cycles per input sample.
      const cutoff = ((PASSBAND + 1) / 2) * (nyquist / inRate);
      const transition = ((1 - PASSBAND) * nyquist) / inRate;
      // Kaiser's estimates: the taps for this attenuation over this transition, and the window's β.
      const taps = Math.ceil((STOPBAND_DB - 7.95) / (14.36 * transition));
      const beta = 0.1102 * (STOPBAND_DB - 8.7);
      this.half = Math.max(2, Math.ceil(taps / 2));
      this.phases = Math.min(this.up, MAX_PHASES);
      this.kernel = buildKernel(this.phases, this.half, cutoff, beta);
    }
    // The kernel of the first output reaches `half - 1` samples before the start: they are silence.
    this.buffer = new Float32Array(Math.max(4096, 2 * this.half));
    this.bufferStart = -(this.half > 0 ? this.half - 1 : 0);
    this.bufferLength = -this.bufferStart;
  }

  /** Feeds input samples; returns the output samples they complete. */
  push(input: Float32Array): Float32Array {
    if (this.ended) throw new Error('The resampler has ended');
    if (this.half === 0) {
      this.consumed += input.length;
      this.produced += input.length;
      return input.slice();
    }
    this.append(input);
    this.consumed += input.length;
    return this.run(false);
  }

  /** Ends the stream: the remaining output samples, computed with silence after the last input sample. */
  end(): Float32Array {
    if (this.ended) return new Float32Array(0);
    this.ended = true;
    if (this.half === 0) return new Float32Array(0);
    this.append(new Float32Array(this.half + 1));
    return this.run(true);
  }

  private append(input: Float32Array): void {
    const needed = this.bufferLength + input.length;
    if (needed > this.buffer.length) {
      const grown = new Float32Array(Math.max(needed, this.buffer.length * 2));
      grown.set(this.buffer.subarray(0, this.bufferLength));
      this.buffer = grown;
    }
    this.buffer.set(input, this.bufferLength);
    this.bufferLength += input.length;
  }

  private run(final: boolean): Float32Array {
    const { up, down, half, phases, kernel, buffer } = this;
    const width = 2 * half;
    const total = resampledLength(this.consumed, this.inRate, this.outRate);
    const out = new Float32Array(Math.max(0, total - this.produced));
    let count = 0;
    while (this.produced < total) {
      const position = this.produced * down;
      let centre = Math.floor(position / up);
      let phase = position - centre * up;
      if (phases !== up) {
        phase = Math.round((phase * phases) / up);
        // The nearest tabulated phase may be the next whole sample.
        if (phase === phases) {
          phase = 0;
          centre++;
        }
      }
      // Without the end, an output waits until the last input its kernel reaches has arrived.
      if (!final && centre + half >= this.consumed) break;
      const start = centre - half + 1 - this.bufferStart;
      const offset = phase * width;
      let sum = 0;
      for (let j = 0; j < width; j++) sum += buffer[start + j]! * kernel[offset + j]!;
      out[count++] = sum;
      this.produced++;
    }
    // Drop the input no later output reaches.
    const nextCentre = Math.floor((this.produced * down) / up);
    const keepFrom = Math.min(Math.max(0, nextCentre - half + 1 - this.bufferStart), this.bufferLength);
    if (keepFrom > 0) {
      buffer.copyWithin(0, keepFrom, this.bufferLength);
      this.bufferLength -= keepFrom;
      this.bufferStart += keepFrom;
    }
    return out.subarray(0, count);
  }
}

/**
 * Row p holds the kernel for an output position p/phases of a sample after an input
 * sample: tap j (0 … 2·half−1) weighs the input sample at distance j − half + 1 − p/phases.
 * Each row is scaled to sum to 1, so a constant comes out unchanged whatever the phase.
 */
function buildKernel(phases: number, half: number, cutoff: number, beta: number): Float32Array {
  const width = 2 * half;
  const kernel = new Float32Array(phases * width);
  const norm = besselI0(beta);
  const row = new Float64Array(width);
  for (let p = 0; p < phases; p++) {
    let sum = 0;
    for (let j = 0; j < width; j++) {
      const t = j - half + 1 - p / phases;
      const x = 2 * cutoff * t;
      const sinc = x === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x);
      const r = t / half;
      const window = Math.abs(r) >= 1 ? 0 : besselI0(beta * Math.sqrt(1 - r * r)) / norm;
      row[j] = 2 * cutoff * sinc * window;
      sum += row[j]!;
    }
    for (let j = 0; j < width; j++) kernel[p * width + j] = row[j]! / sum;
  }
  return kernel;
}

/** Resamples a whole signal at once (see {@link Resampler}). */
export function resample(input: Float32Array, inRate: number, outRate: number): Float32Array {
  const resampler = new Resampler(inRate, outRate);
  const head = resampler.push(input);
  const tail = resampler.end();
  const out = new Float32Array(head.length + tail.length);
  out.set(head);
  out.set(tail, head.length);
  return out;
}
