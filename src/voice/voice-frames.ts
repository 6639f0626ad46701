import type { Logger } from 'pino';
import type { AsrResult } from '../asr/asr-engine.ts';
import type { SpeechSegment } from '../vad/vad-stream.ts';

/**
 * What flows between the steps of a voice session (see voice-session.ts). Data frames carry audio;
 * the rest are events, which a step always passes on before the audio frame they were decided on.
 */
export type VoiceFrame =
  /**
   * 512 samples of 16 kHz mono audio. The array is borrowed: it is reused for the next window, so a
   * step that keeps audio copies it (every step here copies into its own history or into sherpa).
   */
  | { kind: 'audio'; samples: Float32Array }
  | { kind: 'speech_start'; startMs: number; at: number }
  | { kind: 'speech_pause'; segment: SpeechSegment; pauseId: number }
  | { kind: 'speech_resume'; pauseId: number }
  | { kind: 'speech_end'; segment: SpeechSegment; pauseId?: number }
  | { kind: 'asr_partial'; text: string; at: number }
  | { kind: 'asr_tentative'; pauseId: number; text: string; at: number }
  | { kind: 'asr_final'; result: AsrResult; segment: SpeechSegment; at: number }
  | { kind: 'asr_error'; code: string; message: string; err: unknown };

export interface StepContext {
  /** Aborted when the session closes: a step stops reading and returns. */
  readonly signal: AbortSignal;
  readonly log: Logger;
}

/** One step of the pipeline, in livekit agents-js' shape: a stream in, a stream out, an AbortSignal. */
export type VoiceStep<In, Out> = (input: AsyncIterable<In>, ctx: StepContext) => AsyncIterable<Out>;
