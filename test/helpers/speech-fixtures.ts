import path from 'node:path';
import { ROOT_DIR } from '../../src/config/env.ts';
import { readWavMono, type MonoAudio } from '../../src/audio/wav-source.ts';

export const SPEECH_DIR = path.join(ROOT_DIR, '..', 'shared', 'fixtures', 'speech');
export const SILERO_V5 = path.join(ROOT_DIR, '..', 'shared', 'models', 'silero-vad', 'silero_vad.onnx');

export function speech(name: string, rate = 16000): MonoAudio {
  return readWavMono(path.join(SPEECH_DIR, `${name}.wav`), rate);
}

/**
 * Where a clip is audible, in ms: first and last 10 ms frame with RMS above -40 dBFS. espeak-ng
 * pads its clips with silence, so the layout in MANIFEST.md plus these offsets is the truth.
 */
export function audibleSpan(audio: MonoAudio): { startMs: number; endMs: number } {
  const frame = Math.round(audio.sampleRate / 100);
  let first = -1;
  let last = -1;
  for (let f = 0; (f + 1) * frame <= audio.samples.length; f++) {
    let sum = 0;
    for (let i = f * frame; i < (f + 1) * frame; i++) sum += (audio.samples[i] as number) ** 2;
    if (Math.sqrt(sum / frame) > 0.01) {
      if (first < 0) first = f;
      last = f;
    }
  }
  if (first < 0) throw new Error('clip is silent');
  return { startMs: first * 10, endMs: (last + 1) * 10 };
}

/** The speech in two-turns.wav: 1.5 s silence, hello.wav, 1.5 s silence, name-question.wav, 1.5 s silence. */
export function twoTurnsTruth(): Array<{ startMs: number; endMs: number }> {
  const hello = speech('hello');
  const question = speech('name-question');
  const helloMs = (hello.samples.length * 1000) / hello.sampleRate;
  const a = audibleSpan(hello);
  const b = audibleSpan(question);
  const secondAt = 1500 + helloMs + 1500;
  return [
    { startMs: 1500 + a.startMs, endMs: 1500 + a.endMs },
    { startMs: secondAt + b.startMs, endMs: secondAt + b.endMs },
  ];
}

/** Silence of `ms` at `rate`. */
export function silence(ms: number, rate = 16000): Float32Array {
  return new Float32Array(Math.round((ms * rate) / 1000));
}

export function concat(rate: number, ...parts: Float32Array[]): MonoAudio {
  const total = parts.reduce((n, p) => n + p.length, 0);
  const samples = new Float32Array(total);
  let at = 0;
  for (const p of parts) {
    samples.set(p, at);
    at += p.length;
  }
  return { samples, sampleRate: rate };
}
