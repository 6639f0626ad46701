/** Sample-format helpers. Float samples are in [-1, 1]; PCM16 is signed little-endian. */

export function int16ToFloat32(pcm: Int16Array, out: Float32Array = new Float32Array(pcm.length)): Float32Array {
  for (let i = 0; i < pcm.length; i++) out[i] = (pcm[i] as number) / 32768;
  return out;
}

/** Converts with clipping and rounding to nearest. */
export function float32ToInt16(samples: Float32Array, out: Int16Array = new Int16Array(samples.length)): Int16Array {
  for (let i = 0; i < samples.length; i++) {
    const s = samples[i] as number;
    const v = Math.round(s * 32768);
    out[i] = v > 32767 ? 32767 : v < -32768 ? -32768 : v;
  }
  return out;
}

/** Reads PCM16LE bytes (any alignment) into samples. Throws on an odd byte count. */
export function pcm16leBytesToInt16(bytes: Uint8Array): Int16Array {
  if (bytes.length % 2 !== 0) throw new RangeError(`PCM16 needs an even byte count, got ${bytes.length}`);
  const out = new Int16Array(bytes.length / 2);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < out.length; i++) out[i] = view.getInt16(i * 2, true);
  return out;
}

export function int16ToPcm16leBytes(samples: Int16Array): Buffer {
  const buf = Buffer.alloc(samples.length * 2);
  for (let i = 0; i < samples.length; i++) buf.writeInt16LE(samples[i] as number, i * 2);
  return buf;
}

/** Averages channels into one. A single channel is returned as is (not copied). */
export function mixToMono(channels: readonly Float32Array[]): Float32Array {
  if (channels.length === 0) return new Float32Array(0);
  if (channels.length === 1) return channels[0] as Float32Array;
  const n = Math.min(...channels.map((c) => c.length));
  const out = new Float32Array(n);
  const scale = 1 / channels.length;
  for (const ch of channels) for (let i = 0; i < n; i++) out[i] = (out[i] as number) + (ch[i] as number) * scale;
  return out;
}

/** Root mean square of a span of samples (0 for an empty span). */
export function rms(samples: Float32Array, start = 0, end = samples.length): number {
  if (end <= start) return 0;
  let sum = 0;
  for (let i = start; i < end; i++) {
    const s = samples[i] as number;
    sum += s * s;
  }
  return Math.sqrt(sum / (end - start));
}

/** Duration in milliseconds of `samples` at `sampleRate`. */
export function samplesToMs(samples: number, sampleRate: number): number {
  return (samples * 1000) / sampleRate;
}

/** Joins chunks into one array. */
export function concatFloat32(chunks: readonly Float32Array[]): Float32Array {
  let total = 0;
  for (const c of chunks) total += c.length;
  const out = new Float32Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}
