/** Turns a byte stream of s16le samples into Int16Arrays, carrying an odd trailing byte over. */
export class PcmBytes {
  private carry: Buffer | undefined;

  push(bytes: Buffer): Int16Array {
    const all = this.carry ? Buffer.concat([this.carry, bytes]) : bytes;
    const usable = all.length - (all.length % 2);
    this.carry = usable < all.length ? Buffer.from(all.subarray(usable)) : undefined;
    const out = new Int16Array(usable / 2);
    for (let i = 0; i < out.length; i++) out[i] = all.readInt16LE(i * 2);
    return out;
  }
}

/** Float samples (-1..1) to PCM16, scaled by `gain` and clipped. */
export function floatToPcm16(samples: Float32Array, gain = 1): Int16Array {
  const out = new Int16Array(samples.length);
  for (let i = 0; i < samples.length; i++) {
    const v = (samples[i] as number) * gain;
    out[i] = Math.round((v >= 1 ? 1 : v <= -1 ? -1 : v) * 32767);
  }
  return out;
}
