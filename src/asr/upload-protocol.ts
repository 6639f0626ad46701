import type { AsrConfig } from './asr-config.ts';

/** What the upload worker needs to build its own recognizer (native objects cannot cross threads). */
export interface UploadWorkerInit {
  engine: string;
  config: AsrConfig;
  modelsDir: string;
}

/** Main thread → worker: one uploaded WAV file, its bytes transferred. */
export interface UploadJob {
  id: number;
  wav: ArrayBuffer;
  /** The file is the first `bytes` of `wav` (default all of it). */
  bytes?: number;
  /** Send `wav` back with the reply, for reuse (a pooled receive buffer). */
  returnBuffer?: boolean;
}

/** Worker → main thread: the transcript of one job, or the coded error it failed with. */
export type UploadReply = (
  | { id: number; ok: true; text: string; language?: string; durationMs: number; decodeMs: number }
  | { id: number; ok: false; code: string; message: string }
) & {
  /** The job's buffer, transferred back when it asked for it. */
  buffer?: ArrayBuffer;
};

/** The transcript of one upload. */
export interface UploadTranscript {
  text: string;
  language?: string;
  durationMs: number;
  decodeMs: number;
}
