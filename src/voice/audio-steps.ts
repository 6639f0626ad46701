import { setImmediate as nextTick } from 'node:timers/promises';
import { INGEST_RATE, INGEST_WINDOW } from '../audio/ingest-format.ts';
import { int16ToFloat32 } from '../audio/pcm.ts';
import type { AudioRing } from './audio-ring.ts';
import { createSherpaResampler } from './sherpa-resampler.ts';
import type { StepContext, VoiceStep } from './voice-frames.ts';

/** Most source samples read from the ring at once: 64 ms, so a backlog is worked off in small bites. */
function readChunkSamples(sampleRate: number): number {
  return Math.max(INGEST_WINDOW, Math.round(sampleRate * 0.064));
}

/**
 * The session's source: PCM16 chunks read off the ring. Between chunks of a backlog it yields to
 * the event loop, so HTTP, control messages and timers run while a burst is worked off; `onIdle`
 * runs each time it has caught up and waits for the client. The chunk is borrowed (reused).
 */
export async function* readRing(ring: AudioRing, ctx: StepContext, onIdle?: () => void): AsyncIterable<Int16Array> {
  const chunk = new Int16Array(readChunkSamples(ring.sampleRate));
  while (!ctx.signal.aborted) {
    const n = ring.read(chunk);
    if (n > 0) {
      yield chunk.subarray(0, n);
      if (ring.size > 0) await nextTick();
      continue;
    }
    if (ring.closed) return;
    // Caught up with the client: a good moment for work that can wait (see VoiceSession).
    onIdle?.();
    await ring.waitForData(ctx.signal);
  }
}

/**
 * PCM16 at the client's rate → 16 kHz float. sherpa-onnx's native resampler does the filtering
 * (about 10× faster than our JS sinc, with the same stopband); 16 kHz input is only converted.
 * The float scratch buffer is reused; resampled output arrives in fresh arrays from sherpa.
 */
export function toMono16k(sourceRate: number): VoiceStep<Int16Array, Float32Array> {
  return async function* (input, ctx) {
    const resampler = sourceRate === INGEST_RATE ? undefined : createSherpaResampler(sourceRate, INGEST_RATE);
    let scratch = new Float32Array(readChunkSamples(sourceRate));
    for await (const pcm of input) {
      if (ctx.signal.aborted) return;
      if (pcm.length > scratch.length) scratch = new Float32Array(pcm.length);
      const floats = int16ToFloat32(pcm, scratch.subarray(0, pcm.length));
      yield resampler ? resampler.resample(floats) : floats;
    }
    if (resampler) {
      const tail = resampler.flush(new Float32Array(0));
      if (tail.length > 0) yield tail;
    }
  };
}

/** 16 kHz float of any length → windows of exactly 512 samples (the last may be shorter), in one reused buffer. */
export const cutWindows: VoiceStep<Float32Array, Float32Array> = async function* (input) {
  const window = new Float32Array(INGEST_WINDOW);
  let filled = 0;
  for await (const samples of input) {
    let at = 0;
    while (at < samples.length) {
      const take = Math.min(INGEST_WINDOW - filled, samples.length - at);
      window.set(samples.subarray(at, at + take), filled);
      filled += take;
      at += take;
      if (filled === INGEST_WINDOW) {
        filled = 0;
        yield window;
      }
    }
  }
  if (filled > 0) yield window.subarray(0, filled);
};
