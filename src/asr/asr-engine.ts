import type { Logger } from 'pino';
import type { AsrConfig } from './asr-config.ts';

/** What a recognizer returns for one utterance. */
export interface AsrResult {
  text: string;
  /** Detected or configured language, when the engine knows it. */
  language?: string;
}

/** An open utterance on a streaming engine: audio in, partial text out, final text at the end. */
export interface AsrStream {
  /** Feeds 16 kHz mono samples; returns the new partial text when it changed, else undefined. */
  accept(samples: Float32Array): string | undefined;
  /** Ends the utterance and returns the final result. The stream cannot be used afterwards. */
  finish(): AsrResult;
}

/**
 * One speech recognizer, created once (at startup or on character switch), shared by every
 * utterance. All audio is 16 kHz mono float.
 */
export interface AsrEngine {
  readonly name: string;
  /** Model folder or remote model name, for status and logs. */
  readonly model: string;
  /** Streaming engines give partials through `createStream`. */
  readonly streaming: boolean;
  /** Transcribes a whole utterance (VAD segment or uploaded file). */
  transcribe(samples: Float32Array, signal?: AbortSignal): Promise<AsrResult>;
  createStream?(): AsrStream;
  dispose(): void;
}

export interface AsrEngineContext {
  config: AsrConfig;
  modelsDir: string;
  log: Logger;
  env: NodeJS.ProcessEnv;
  /**
   * The caller is a dedicated worker thread: decode on it instead of on libuv's shared thread pool,
   * so the work runs at that thread's (lowered) priority.
   */
  decodeOnCallingThread?: boolean;
}

export interface AsrEngineFactory {
  name: string;
  /** One line for `npm run models -- list` and docs. */
  description: string;
  /** Registry name of the model used when `asr.model` is empty (what `npm run models -- pull` fetches). */
  defaultModel?: string;
  /** Builds the engine. Missing model files throw EngineError MODEL_MISSING naming the pull command. */
  create(ctx: AsrEngineContext): Promise<AsrEngine>;
}
