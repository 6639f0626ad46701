/** Bus events the agent emits, beyond the core ones (it listens to `vad.speech_start|end` from src/vad). */
import type {} from '../vad/vad-events.ts';

declare module '../core/bus-events.ts' {
  interface BusEvents {
    /** A `[stage: name]` cue from the reply, when the segment it precedes starts (OBS and plugins act on it). */
    'agent.stage_cue': { turnId: string; name: string };
  }
}

export {};
