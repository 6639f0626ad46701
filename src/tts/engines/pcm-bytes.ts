import { float32ToInt16, pcm16leBytesToInt16 } from '../../audio/pcm.ts';

/** Turns a byte stream of s16le samples into Int16Arrays, carrying an odd trailing byte over. */
export class PcmBytes {
  private carry: Buffer | undefined;

  push(bytes: Buffer): Int16Array {
    const all = this.carry ? Buffer.concat([this.carry, bytes]) : bytes;
    const usable = all.length - (all.length % 2);
    this.carry = usable < all.length ? Buffer.from(all.subarray(usable)) : undefined;
    return pcm16leBytesToInt16(all.subarray(0, usable));
  }
}

/** Float samples (-1..1) to PCM16, scaled by `gain` first. */
export function floatToPcm16(samples: Float32Array, gain = 1): Int16Array {
  if (gain === 1) return float32ToInt16(samples);
  const scaled = new Float32Array(samples.length);
  for (let i = 0; i < samples.length; i++) scaled[i] = (samples[i] as number) * gain;
  return float32ToInt16(scaled);
}
