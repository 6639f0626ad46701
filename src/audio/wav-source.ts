import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { performance } from 'node:perf_hooks';
import { mixToMono } from './pcm.ts';
import { resample } from './resample.ts';
import { decodeWav } from './wav.ts';

export interface MonoAudio {
  samples: Float32Array;
  sampleRate: number;
}

/** Reads a WAV file (PCM16 or float32, 1–2 channels) as mono, optionally resampled. */
export function readWavMono(file: string, targetRate?: number): MonoAudio {
  const wav = decodeWav(readFileSync(file));
  const mono = mixToMono(wav.channelData);
  if (targetRate === undefined || targetRate === wav.sampleRate) return { samples: mono, sampleRate: wav.sampleRate };
  return { samples: resample(mono, wav.sampleRate, targetRate), sampleRate: targetRate };
}

export interface PaceOptions {
  /** Samples per chunk (default 20 ms worth). */
  chunkSamples?: number;
  /**
   * true: like a microphone, each chunk is delivered when its last sample has been "recorded"
   * (chunk end on the wall clock); false: as fast as possible.
   */
  realtime: boolean;
  signal?: AbortSignal;
}

/**
 * Yields `audio` in chunks, either at real-time pace or as fast as possible. Real-time pacing
 * follows an absolute schedule from `t0` (the moment sample 0 is "recorded"), so timer jitter
 * never accumulates. `dueAt` is when the chunk's last sample exists on that clock.
 */
export async function* paceAudio(audio: MonoAudio, opts: PaceOptions & { t0?: number }): AsyncGenerator<{ chunk: Float32Array; offset: number; dueAt: number }> {
  const chunk = opts.chunkSamples ?? Math.round(audio.sampleRate / 50);
  const t0 = opts.t0 ?? performance.now();
  for (let offset = 0; offset < audio.samples.length; offset += chunk) {
    opts.signal?.throwIfAborted();
    const end = Math.min(offset + chunk, audio.samples.length);
    const dueAt = t0 + (end * 1000) / audio.sampleRate;
    if (opts.realtime) {
      const wait = dueAt - performance.now();
      if (wait > 1) await sleep(wait, undefined, opts.signal ? { signal: opts.signal } : {});
    }
    yield { chunk: audio.samples.subarray(offset, offset + chunk), offset, dueAt };
  }
}
