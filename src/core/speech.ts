import type { Turn } from './turn.ts';

/**
 * The seam between the agent and voice output. The agent produces clean segments (no tags, no
 * markdown, no <think>); the speech output synthesizes them, streams audio to clients strictly in
 * order, and sends each segment's `reply-text` / `emotion` / `motion` aligned to its first chunk.
 */
export interface ReplySegment {
  /** 0-based position in the turn. */
  index: number;
  /** Text to speak and show. */
  text: string;
  /** Emotion that starts with this segment (already mapped to the character's vocabulary). */
  emotion?: { name: string; intensity?: number };
  motions?: string[];
  /** Voice changes that carry over to later segments of the turn (rate/pitch/volume deltas). */
  prosody?: { rate?: number; pitch?: number; volume?: number };
}

export interface SpeakResult {
  /** Segments whose audio was fully sent before the turn ended or was aborted. */
  segmentsSent: number;
  /** Total audio duration sent, in ms. */
  audioMs: number;
}

export interface SpeechOutput {
  /** Speaks one turn. Resolves when the last chunk is sent, or soon after the turn aborts. */
  speak(turn: Turn, segments: AsyncIterable<ReplySegment>): Promise<SpeakResult>;
}

declare module './services.ts' {
  interface ServiceMap {
    /** Provided by the TTS stage (src/tts). Absent → the agent sends text only. */
    speech: SpeechOutput;
  }
}
