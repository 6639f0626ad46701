/** Bus events of the audio ingest: microphone audio as 16 kHz mono windows. */
declare module '../core/bus-events.ts' {
  interface BusEvents {
    /** A client's microphone stream began (after `audio-start`). */
    'audio.stream_start': { clientUid: string; sourceRate: number; at: number };
    /**
     * One window of 16 kHz mono float samples (512 samples = 32 ms, except possibly the last).
     * `offset` is the index of the window's first sample since the stream began.
     */
    'audio.window': { clientUid: string; samples: Float32Array; offset: number; at: number };
    /** The stream ended (`audio-end`, disconnect, or a new `audio-start`); `samples` is the total at 16 kHz. */
    'audio.stream_end': { clientUid: string; samples: number; at: number };
  }
}

export const INGEST_RATE = 16_000;
export const INGEST_WINDOW = 512;
