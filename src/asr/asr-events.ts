import type { AsrEngine, AsrResult, AsrStream } from './asr-engine.ts';

/** Bus events and the service of the ASR stage. */
declare module '../core/bus-events.ts' {
  interface BusEvents {
    /** A partial transcript of the utterance in progress changed. */
    'asr.partial': { clientUid: string; text: string; at: number };
    /**
     * What was said up to a tentative pause (`vad.speech_pause`), before the hangover confirms the
     * end. The `asr.final` of the same utterance may differ; `vad.speech_resume` withdraws it.
     */
    'asr.tentative': { clientUid: string; pauseId: number; text: string; at: number };
    /**
     * The final transcript of an utterance. `timings` are `performance.now()` marks:
     * speech_end (voice stopped), vad_end (hangover ran out), asr_final (text ready).
     */
    'asr.final': { clientUid: string; text: string; language?: string; timings: { speech_end: number; vad_end: number; asr_final: number } };
  }
}

/** Transcription for other stages and routes (e.g. an upload or a test harness). */
export interface AsrService {
  readonly engine: Pick<AsrEngine, 'name' | 'model' | 'streaming'>;
  /** Transcribes 16 kHz mono samples; queued behind other decodes so the CPU is not oversubscribed. */
  transcribe(samples: Float32Array, signal?: AbortSignal): Promise<AsrResult>;
  /** Opens a streaming utterance (streaming engines only); its decoding runs in the caller. */
  createStream?(): AsrStream;
}

declare module '../core/services.ts' {
  interface ServiceMap {
    /** Provided by the ASR stage (src/asr) when its engine loaded. */
    asr: AsrService;
  }
}
