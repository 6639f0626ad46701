/** One segment's audio as their `audio` message carries it (a whole WAV file in base64). */
export interface OlvAudioPayload {
  type: 'audio';
  audio: string;
  volumes: number[];
  slice_length: number;
  display_text: { text: string; name: string; avatar: string };
  actions: { expressions?: number[] } | null;
  forwarded: boolean;
}

/** A mono PCM16 RIFF/WAVE file. */
export function pcm16ToWav(pcm: Int16Array, sampleRate: number): Buffer {
  const dataBytes = pcm.length * 2;
  const buf = Buffer.alloc(44 + dataBytes);
  buf.write('RIFF', 0, 'latin1');
  buf.writeUInt32LE(36 + dataBytes, 4);
  buf.write('WAVE', 8, 'latin1');
  buf.write('fmt ', 12, 'latin1');
  buf.writeUInt32LE(16, 16);
  buf.writeUInt16LE(1, 20);
  buf.writeUInt16LE(1, 22);
  buf.writeUInt32LE(sampleRate, 24);
  buf.writeUInt32LE(sampleRate * 2, 28);
  buf.writeUInt16LE(2, 32);
  buf.writeUInt16LE(16, 34);
  buf.write('data', 36, 'latin1');
  buf.writeUInt32LE(dataBytes, 40);
  for (let i = 0; i < pcm.length; i++) buf.writeInt16LE(pcm[i] ?? 0, 44 + i * 2);
  return buf;
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

/** Float32 samples in [-1, 1] (their mic format) as PCM16LE bytes. */
export function float32ToPcm16Bytes(samples: readonly number[]): Buffer {
  const buf = Buffer.alloc(samples.length * 2);
  for (let i = 0; i < samples.length; i++) {
    const s = Math.max(-1, Math.min(1, samples[i] ?? 0));
    buf.writeInt16LE(Math.round(s < 0 ? s * 32768 : s * 32767), i * 2);
  }
  return buf;
}
