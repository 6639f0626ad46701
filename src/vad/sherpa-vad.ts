import { createRequire } from 'node:module';

/** The part of sherpa-onnx-node's `Vad` we use (the package ships no TypeScript types). */
export interface SherpaVad {
  acceptWaveform(samples: Float32Array): void;
  isEmpty(): boolean;
  isDetected(): boolean;
  front(enableExternalBuffer?: boolean): { start: number; samples: Float32Array };
  pop(): void;
  reset(): void;
  flush(): void;
}

export interface SherpaVadConfig {
  sileroVad: { model: string; threshold: number; minSilenceDuration: number; minSpeechDuration: number; maxSpeechDuration: number; windowSize: number };
  sampleRate: number;
  numThreads: number;
  provider: 'cpu';
  debug: boolean;
}

type VadCtor = new (config: SherpaVadConfig, bufferSizeInSeconds: number) => SherpaVad;

let ctor: VadCtor | undefined;

/** Creates a native Silero VAD. Throws (catchably) when the model cannot be loaded. */
export function createSherpaVad(config: SherpaVadConfig, bufferSeconds: number): SherpaVad {
  if (!ctor) {
    const mod = createRequire(import.meta.url)('sherpa-onnx-node') as { Vad: VadCtor };
    ctor = mod.Vad;
  }
  return new ctor(config, bufferSeconds);
}
