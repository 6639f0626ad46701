import { createRequire } from 'node:module';

/**
 * sherpa-onnx's streaming resampler (a windowed-sinc polyphase filter in native code, despite its
 * name). The package ships no TypeScript types, so this is the part we use.
 */
export interface SherpaResampler {
  /** Converts the next chunk; returns the output that is complete so far (a new array). */
  resample(samples: Float32Array): Float32Array;
  /** Converts the last chunk and returns everything still held back. */
  flush(samples: Float32Array): Float32Array;
  reset(): void;
}

type ResamplerCtor = new (inputRate: number, outputRate: number) => SherpaResampler;

let ctor: ResamplerCtor | undefined;

export function createSherpaResampler(inputRate: number, outputRate: number): SherpaResampler {
  if (!ctor) ctor = (createRequire(import.meta.url)('sherpa-onnx-node') as { LinearResampler: ResamplerCtor }).LinearResampler;
  return new ctor(inputRate, outputRate);
}
