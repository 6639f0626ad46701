import { createRequire } from 'node:module';

/** The parts of sherpa-onnx-node's recognizers we use (the package ships no TypeScript types). */
export interface SherpaRecognizerResult {
  text: string;
  lang?: string;
  tokens?: string[];
}

interface Waveform {
  samples: Float32Array;
  sampleRate: number;
}

export interface SherpaOfflineStream {
  acceptWaveform(w: Waveform): void;
}

export interface SherpaOfflineRecognizer {
  createStream(): SherpaOfflineStream;
  decode(stream: SherpaOfflineStream): void;
  decodeAsync(stream: SherpaOfflineStream): Promise<SherpaRecognizerResult>;
  getResult(stream: SherpaOfflineStream): SherpaRecognizerResult;
}

export interface SherpaOnlineStream {
  acceptWaveform(w: Waveform): void;
  inputFinished(): void;
}

export interface SherpaOnlineRecognizer {
  createStream(): SherpaOnlineStream;
  isReady(stream: SherpaOnlineStream): boolean;
  decode(stream: SherpaOnlineStream): void;
  getResult(stream: SherpaOnlineStream): SherpaRecognizerResult;
  reset(stream: SherpaOnlineStream): void;
}

/** sherpa-onnx model config: a nested object of strings and numbers, passed through as is. */
export interface SherpaConfig {
  [key: string]: string | number | boolean | SherpaConfig;
}

interface SherpaModule {
  OfflineRecognizer: { createAsync(config: SherpaConfig): Promise<SherpaOfflineRecognizer> };
  OnlineRecognizer: new (config: SherpaConfig) => SherpaOnlineRecognizer;
}

let mod: SherpaModule | undefined;

export function sherpa(): SherpaModule {
  mod ??= createRequire(import.meta.url)('sherpa-onnx-node') as SherpaModule;
  return mod;
}
