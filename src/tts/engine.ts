/** One piece of synthesized audio: PCM16 mono samples at `sampleRate`. */
export interface AudioChunk {
  pcm: Int16Array;
  sampleRate: number;
}

/**
 * Voice settings for one synthesis, as multipliers of the voice's normal: `rate` 1 = normal speed,
 * `pitch` 1 = normal pitch, `volume` 1 = normal loudness. Engines map them onto their own units.
 */
export interface Prosody {
  rate: number;
  pitch: number;
  volume: number;
}

export const NEUTRAL_PROSODY: Readonly<Prosody> = Object.freeze({ rate: 1, pitch: 1, volume: 1 });

/** Whether an engine can run here, and if not, one line saying why. */
export interface EngineAvailability {
  ok: boolean;
  detail?: string;
}

/**
 * A speech synthesizer behind one interface. `synthesize` streams audio as the engine produces
 * it, and stops promptly (child process killed, socket closed) when `signal` aborts.
 */
export interface TtsEngine {
  readonly name: string;
  /** Checked once at start: binary present, model files present, decoder present... */
  probe(): Promise<EngineAvailability>;
  /** The voice used when the character names none (by language). */
  defaultVoice(language: string): string;
  synthesize(text: string, voice: string, prosody: Prosody, signal: AbortSignal): AsyncIterable<AudioChunk>;
  /** Optional warm-up for the voice about to be used (e.g. a process waiting ready). */
  prepare?(voice: string): void;
  /** Stops whatever the engine keeps running (warm processes, loaded models). */
  dispose?(): void | Promise<void>;
}
