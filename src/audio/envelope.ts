/**
 * Volume envelope for lip sync: one value per `windowMs` of PCM16 audio, the window's RMS mapped
 * from dBFS onto 0..1 (FLOOR_DB → 0, CEIL_DB → 1). A log scale keeps quiet consonants visible and
 * loud vowels from pinning the mouth open, whatever the engine's output level.
 */
export const ENVELOPE_MS = 20;
const FLOOR_DB = -55;
const CEIL_DB = -12;

/** Normalized level (0..1) of one RMS value given as a fraction of full scale. */
export function levelFromRms(rms: number): number {
  if (rms <= 0) return 0;
  const db = 20 * Math.log10(rms);
  const v = (db - FLOOR_DB) / (CEIL_DB - FLOOR_DB);
  return v <= 0 ? 0 : v >= 1 ? 1 : Math.round(v * 1000) / 1000;
}

/** Envelope of a PCM16 buffer: ceil(duration / windowMs) values; the last window may be partial. */
export function computeEnvelope(pcm: Int16Array, sampleRate: number, windowMs: number = ENVELOPE_MS): number[] {
  const window = Math.max(1, Math.round((sampleRate * windowMs) / 1000));
  const out: number[] = [];
  for (let start = 0; start < pcm.length; start += window) {
    const end = Math.min(pcm.length, start + window);
    let sum = 0;
    for (let i = start; i < end; i++) {
      const s = (pcm[i] as number) / 32768;
      sum += s * s;
    }
    out.push(levelFromRms(Math.sqrt(sum / (end - start))));
  }
  return out;
}

/** Duration of `samples` at `sampleRate`, in ms (two decimals). */
export function pcmDurationMs(samples: number, sampleRate: number): number {
  return Math.round((samples / sampleRate) * 100_000) / 100;
}
