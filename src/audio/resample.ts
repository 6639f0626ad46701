/**
 * Band-limited sample-rate conversion (windowed sinc with a Kaiser window, Smith's table method).
 * Works for any pair of integer rates; the streaming form keeps state across chunks of any length,
 * so 48 kHz browser frames can be converted as they arrive and the output is identical to
 * converting the whole signal at once.
 */

const TABLE_RES = 256;
const DEFAULT_ZERO_CROSSINGS = 12;
const ROLLOFF = 0.945;
const KAISER_BETA = 7;

const MAX_CACHED_PHASES = 4096;

const tableCache = new Map<number, Float32Array>();

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  for (let k = 1; k < 50; k++) {
    term *= (x / (2 * k)) ** 2;
    sum += term;
    if (term < 1e-12 * sum) break;
  }
  return sum;
}

/** h(x) = sinc(x) · kaiser(x / zeroCrossings), sampled at TABLE_RES points per unit for x in [0, zc]. */
function kernelTable(zeroCrossings: number): Float32Array {
  const cached = tableCache.get(zeroCrossings);
  if (cached) return cached;
  const n = zeroCrossings * TABLE_RES + 2;
  const table = new Float32Array(n);
  const norm = besselI0(KAISER_BETA);
  for (let i = 0; i < n; i++) {
    const x = i / TABLE_RES;
    if (x >= zeroCrossings) continue;
    const sinc = x === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x);
    const r = x / zeroCrossings;
    table[i] = sinc * (besselI0(KAISER_BETA * Math.sqrt(1 - r * r)) / norm);
  }
  tableCache.set(zeroCrossings, table);
  return table;
}

export class StreamingResampler {
  private readonly step: number;
  private readonly cutoff: number;
  private readonly halfWidth: number;
  private readonly table: Float32Array;
  private readonly zeroCrossings: number;
  /** Per-phase coefficients when the rates share a large divisor (48k→16k has one phase, 44.1k→16k 160). */
  private readonly phases: Array<{ first: number; coef: Float32Array }> | undefined;
  /** Input not yet fully consumed; `buf[0]` is absolute input sample `bufStart`. */
  private buf = new Float32Array(0);
  private bufStart = 0;
  private received = 0;
  private nextOut = 0;
  private ended = false;

  constructor(
    readonly fromRate: number,
    readonly toRate: number,
    opts: { zeroCrossings?: number } = {},
  ) {
    if (!(Number.isInteger(fromRate) && fromRate > 0 && Number.isInteger(toRate) && toRate > 0)) {
      throw new RangeError(`sample rates must be positive integers (got ${fromRate} → ${toRate})`);
    }
    this.zeroCrossings = opts.zeroCrossings ?? DEFAULT_ZERO_CROSSINGS;
    this.step = fromRate / toRate;
    this.cutoff = Math.min(1, toRate / fromRate) * ROLLOFF;
    this.halfWidth = this.zeroCrossings / this.cutoff;
    this.table = kernelTable(this.zeroCrossings);
    const phaseCount = toRate / gcd(fromRate, toRate);
    this.phases = phaseCount <= MAX_CACHED_PHASES ? Array.from({ length: phaseCount }, (_, p) => this.phaseCoefficients(p / phaseCount)) : undefined;
  }

  /** Taps for an output whose position has fractional part `frac`: input offsets first..first+len-1 from floor(t). */
  private phaseCoefficients(frac: number): { first: number; coef: Float32Array } {
    const first = Math.ceil(frac - this.halfWidth);
    const last = Math.floor(frac + this.halfWidth);
    const coef = new Float32Array(last - first + 1);
    for (let m = first; m <= last; m++) coef[m - first] = this.kernelAt(Math.abs(m - frac)) * this.cutoff;
    return { first, coef };
  }

  private kernelAt(distance: number): number {
    const pos = distance * this.cutoff * TABLE_RES;
    const i = pos | 0;
    if (i > this.table.length - 2) return 0;
    return (this.table[i] as number) + ((this.table[i + 1] as number) - (this.table[i] as number)) * (pos - i);
  }

  get passthrough(): boolean {
    return this.fromRate === this.toRate;
  }

  /** Converts the next chunk; returns the output samples that are now complete (possibly none). */
  push(input: Float32Array): Float32Array {
    if (this.ended) throw new Error('resampler already flushed');
    if (this.passthrough) return input.slice();
    this.append(input);
    this.received += input.length;
    return this.produce(this.received);
  }

  /** Ends the stream: returns the remaining output (the tail is filtered against trailing silence). */
  flush(): Float32Array {
    if (this.ended) return new Float32Array(0);
    this.ended = true;
    if (this.passthrough) return new Float32Array(0);
    this.append(new Float32Array(Math.ceil(this.halfWidth) + 2));
    const total = Math.ceil((this.received * this.toRate) / this.fromRate);
    return this.produce(Number.POSITIVE_INFINITY, total);
  }

  private append(input: Float32Array): void {
    const next = new Float32Array(this.buf.length + input.length);
    next.set(this.buf);
    next.set(input, this.buf.length);
    this.buf = next;
  }

  /** Emits outputs whose kernel support lies within the samples we have (`available`), up to `limit`. */
  private produce(available: number, limit = Number.POSITIVE_INFINITY): Float32Array {
    const { step, cutoff, halfWidth, table } = this;
    const haveUpTo = Math.min(available, this.bufStart + this.buf.length);
    let count = 0;
    while (this.nextOut + count < limit && Math.floor((this.nextOut + count) * step + halfWidth) < haveUpTo) count++;
    const out = new Float32Array(count);
    const tableScale = cutoff * TABLE_RES;
    const maxIdx = table.length - 2;
    for (let j = 0; j < count; j++) {
      const k = this.nextOut + j;
      if (this.phases) {
        const phase = this.phases[(k * this.fromRate) % this.toRate / (this.toRate / this.phases.length)] as { first: number; coef: Float32Array };
        const base = Math.floor((k * this.fromRate) / this.toRate) + phase.first - this.bufStart;
        const coef = phase.coef;
        const buf = this.buf;
        let acc = 0;
        // Input before sample 0 is silence; `buf` always holds the rest of the support.
        const lo = Math.max(0, -base - this.bufStart, -base);
        const hi = Math.min(coef.length, buf.length - base);
        for (let i = lo; i < hi; i++) acc += (buf[base + i] as number) * (coef[i] as number);
        out[j] = acc;
        continue;
      }
      const t = (k * this.fromRate) / this.toRate;
      const first = Math.max(0, Math.ceil(t - halfWidth));
      const last = Math.floor(t + halfWidth);
      let acc = 0;
      for (let n = first; n <= last; n++) {
        const pos = Math.abs(t - n) * tableScale;
        const i = pos | 0;
        if (i > maxIdx) continue;
        const frac = pos - i;
        const h = (table[i] as number) + ((table[i + 1] as number) - (table[i] as number)) * frac;
        acc += (this.buf[n - this.bufStart] ?? 0) * h;
      }
      out[j] = acc * cutoff;
    }
    this.nextOut += count;
    const keepFrom = Math.max(this.bufStart, Math.ceil(this.nextOut * step - halfWidth) - 1);
    if (keepFrom > this.bufStart) {
      this.buf = this.buf.slice(keepFrom - this.bufStart);
      this.bufStart = keepFrom;
    }
    return out;
  }
}

/** Converts a whole signal at once. Returns the input itself when the rates match. */
export function resample(input: Float32Array, fromRate: number, toRate: number): Float32Array {
  if (fromRate === toRate) return input;
  const r = new StreamingResampler(fromRate, toRate);
  const a = r.push(input);
  const b = r.flush();
  const out = new Float32Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/**
 * Like `resample`, for request handlers: converts `chunkSeconds` of input at a time and yields to
 * the event loop in between, so a long upload never blocks other requests for long.
 */
export async function resampleYielding(input: Float32Array, fromRate: number, toRate: number, chunkSeconds = 1): Promise<Float32Array> {
  if (fromRate === toRate) return input;
  const r = new StreamingResampler(fromRate, toRate);
  const step = Math.max(1, Math.round(fromRate * chunkSeconds));
  const out = new Float32Array(Math.ceil((input.length * toRate) / fromRate) + 64);
  let written = 0;
  const put = (part: Float32Array): void => {
    out.set(part.subarray(0, Math.min(part.length, out.length - written)), written);
    written = Math.min(out.length, written + part.length);
  };
  for (let at = 0; at < input.length; at += step) {
    put(r.push(input.subarray(at, at + step)));
    if (at + step < input.length) await new Promise<void>((resolve) => setImmediate(resolve));
  }
  put(r.flush());
  return out.slice(0, written);
}
