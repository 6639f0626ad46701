/** Bus events of the VAD stage. `at` is `performance.now()` when the event was decided. */
declare module '../core/bus-events.ts' {
  interface BusEvents {
    /** Speech began (used for barge-in). `startMs` is where, in stream time (ms since audio-start). */
    'vad.speech_start': { clientUid: string; at: number; startMs: number };
    /**
     * Speech ended after the hangover. `samples` are 16 kHz mono, from `startMs - preRollMs` to `endMs`
     * (stream time); `endMs` is where speech stopped, `at` when the hangover ran out, and
     * `speechEndAt` the `performance.now()` mark at which the voice stopped (live audio).
     */
    'vad.speech_end': { clientUid: string; samples: Float32Array; startMs: number; endMs: number; preRollMs: number; at: number; speechEndAt: number; pauseId?: number };
    /**
     * The voice has probably stopped (`vad.pause_ms` of quiet), ahead of the hangover: the utterance
     * so far, for work that can start early. A later `vad.speech_end` with the same `pauseId`
     * confirms it; `vad.speech_resume` withdraws it.
     */
    'vad.speech_pause': { clientUid: string; samples: Float32Array; startMs: number; endMs: number; preRollMs: number; at: number; speechEndAt: number; pauseId: number };
    /** The voice came back after `vad.speech_pause`: anything started for that pause is stale. */
    'vad.speech_resume': { clientUid: string; pauseId: number };
  }
}

export {};
