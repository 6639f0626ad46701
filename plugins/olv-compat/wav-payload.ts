/** One segment's audio as their `audio` message carries it (a whole WAV file in base64). */
export interface OlvAudioPayload {
  type: 'audio';
  audio: string | null;
  volumes: number[];
  slice_length: number;
  display_text: { text: string; name: string; avatar: string | null };
  actions: { expressions: Array<number | string> };
  forwarded: boolean;
}

/** RMS per slice, normalised so the loudest slice is 1 (their lip sync expects 0..1). */
export function sliceVolumes(pcm: Int16Array, sampleRate: number, sliceMs: number): number[] {
  const per = Math.max(1, Math.round((sampleRate * sliceMs) / 1000));
  const out: number[] = [];
  for (let start = 0; start < pcm.length; start += per) {
    const end = Math.min(pcm.length, start + per);
    let sum = 0;
    for (let i = start; i < end; i++) {
      const v = (pcm[i] ?? 0) / 32768;
      sum += v * v;
    }
    out.push(Math.sqrt(sum / (end - start)));
  }
  const max = out.reduce((m, v) => Math.max(m, v), 0);
  return max > 0 ? out.map((v) => Math.round((v / max) * 1e4) / 1e4) : out;
}
