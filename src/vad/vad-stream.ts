import { performance } from 'node:perf_hooks';
import { INGEST_RATE, INGEST_WINDOW } from '../audio/ingest-format.ts';
import { SampleHistory } from '../audio/sample-history.ts';
import type { VadConfig } from './vad-config.ts';
import { createSherpaVad, type SherpaVad } from './sherpa-vad.ts';
import { hasVoiceEnergy, refineSpeechEnd } from './speech-end.ts';

export interface SpeechSegment {
  samples: Float32Array;
  startMs: number;
  endMs: number;
  preRollMs: number;
  at: number;
  /** `performance.now()` mark at which the voice stopped, assuming the audio arrives live. */
  speechEndAt: number;
  /** On a final segment: the tentative pause it confirms (no voice came back since it was reported). */
  pauseId?: number;
}

export interface VadStreamHandlers {
  onStart(startMs: number, at: number): void;
  onEnd(segment: SpeechSegment): void;
}

const WINDOW_MS = (INGEST_WINDOW * 1000) / INGEST_RATE;
/** sherpa closes its own segments after this much silence; the hangover is applied on top, here. */
const NATIVE_SILENCE_MS = 96;

/** sherpa-onnx's Vad settings for our config. */
export function sherpaVadConfig(config: VadConfig, model: string): Parameters<typeof createSherpaVad>[0] {
  return {
    sileroVad: {
      model,
      threshold: config.threshold,
      minSilenceDuration: Math.min(config.min_silence_ms, NATIVE_SILENCE_MS) / 1000,
      minSpeechDuration: config.min_speech_ms / 1000,
      maxSpeechDuration: config.max_speech_s,
      windowSize: INGEST_WINDOW,
    },
    sampleRate: INGEST_RATE,
    numThreads: config.num_threads,
    provider: 'cpu',
    debug: false,
  };
}

/** Creates a native detector for this config (loading the model takes tens of ms: pool them). */
export function createVadFor(config: VadConfig, model: string): SherpaVad {
  const vad = createSherpaVad(sherpaVadConfig(config, model), config.max_speech_s + 10);
  // The first inference sets up onnxruntime's buffers (about 3 ms); pay it here, not in a live window.
  vad.acceptWaveform(new Float32Array(INGEST_WINDOW));
  vad.reset();
  return vad;
}

/**
 * One client's streaming Silero VAD. Feed 16 kHz windows; it calls `onStart` as soon as speech is
 * confirmed (min_speech_ms in) and `onEnd` with the whole utterance, plus pre-roll, once
 * `min_silence_ms` of silence has followed it.
 *
 * Why the hangover is ours and not sherpa's: Silero's probability stays high for 60–150 ms after
 * the voice stops, and sherpa counts silence only from there. So sherpa runs with a short silence
 * (closing its segments quickly), the end of each segment is refined on the waveform, and the
 * hangover runs from that refined end. Segments separated by less than the hangover are merged.
 */
export class VadStream {
  private readonly history: SampleHistory;
  private readonly preRollSamples: number;
  private readonly hangoverSamples: number;
  private readonly maxSamples: number;
  private speaking = false;
  private start = 0;
  private startFromNative = false;
  /** Refined end of the last closed native segment while the hangover runs, and its voice level. */
  private pendingEnd: number | undefined;
  private voiceFloor = 0;
  private readonly confirmSamples: number;

  /**
   * `vad` is a fresh or reset native detector made with `createVadFor(config, model)`. `history`
   * (of `speechHistorySamples(config)`) receives every window; pass one to let others read the
   * stream's audio instead of keeping a copy of their own.
   */
  constructor(
    private readonly config: VadConfig,
    private readonly vad: SherpaVad,
    private readonly handlers: VadStreamHandlers,
    history?: SampleHistory,
  ) {
    this.preRollSamples = msToSamples(config.pre_roll_ms);
    this.hangoverSamples = msToSamples(config.min_silence_ms);
    this.maxSamples = Math.round(config.max_speech_s * INGEST_RATE);
    this.confirmSamples = msToSamples(config.min_speech_ms + 2 * WINDOW_MS);
    this.history = history ?? new SampleHistory(speechHistorySamples(config));
  }

  get isSpeaking(): boolean {
    return this.speaking;
  }

  /** Samples fed so far. */
  get position(): number {
    return this.history.end;
  }

  accept(window: Float32Array): void {
    this.history.push(window);
    this.vad.acceptWaveform(window);
    this.step(false);
  }

  /** The stream ended: an open utterance is closed and reported. The detector is reset where it is reused (the VAD stage's pool). */
  finish(): void {
    this.vad.flush();
    this.step(true);
  }

  private step(final: boolean): void {
    while (!this.vad.isEmpty()) {
      const seg = this.vad.front(false);
      this.vad.pop();
      if (!this.speaking) this.begin(seg.start);
      else if (!this.startFromNative) this.start = seg.start;
      this.startFromNative = true;
      const refined = refineSpeechEnd(seg.samples, seg.start, INGEST_RATE);
      this.pendingEnd = refined.end;
      this.voiceFloor = refined.floor;
    }
    const detected = this.vad.isDetected();
    if (detected && !this.speaking) {
      // sherpa confirms speech min_speech_ms after onset, plus a window or two of probability rise.
      this.begin(Math.max(0, this.history.end - msToSamples(this.config.min_speech_ms + 2 * WINDOW_MS)));
      this.startFromNative = false;
    } else if (detected && this.pendingEnd !== undefined) {
      this.pendingEnd = undefined; // speech resumed within the hangover: same utterance
    }
    if (!this.speaking || this.pendingEnd === undefined) return;
    const now = this.history.end;
    const due = now >= this.pendingEnd + this.hangoverSamples;
    // Voice since the end that the detector has not confirmed yet (it needs min_speech_ms): give it
    // that long before ending the utterance, so a pause shorter than the hangover never splits it.
    const maybeResumed = due && !detected && now < this.pendingEnd + this.hangoverSamples + this.confirmSamples && hasVoiceEnergy(this.history.slice(this.pendingEnd, now), INGEST_RATE, this.voiceFloor);
    const tooLong = this.pendingEnd - this.start >= this.maxSamples;
    if (final || (!detected && due && !maybeResumed) || tooLong) this.end(this.pendingEnd);
  }

  private begin(start: number): void {
    this.speaking = true;
    this.start = start;
    this.pendingEnd = undefined;
    this.handlers.onStart(toMs(start), performance.now());
  }

  private end(end: number): void {
    const segment = speechSegment(this.history, this.start, end, this.preRollSamples);
    this.speaking = false;
    this.pendingEnd = undefined;
    this.handlers.onEnd(segment);
  }
}

/** Audio a detector keeps: the longest utterance plus its pre-roll and hangover, with slack. */
export function speechHistorySamples(config: VadConfig): number {
  return Math.round(config.max_speech_s * INGEST_RATE) + msToSamples(2000 + config.min_silence_ms + config.pre_roll_ms);
}

/** The utterance from `start` (plus pre-roll) to `end` (absolute samples of `history`), with when its voice stopped. */
export function speechSegment(history: SampleHistory, start: number, end: number, preRollSamples: number): SpeechSegment {
  const from = Math.max(history.start, start - preRollSamples);
  const at = performance.now();
  const speechEndAt = at - ((history.end - end) * 1000) / INGEST_RATE;
  return { samples: history.slice(from, end), startMs: toMs(start), endMs: toMs(end), preRollMs: toMs(Math.max(0, start - from)), at, speechEndAt };
}

export function msToSamples(ms: number): number {
  return Math.round((ms * INGEST_RATE) / 1000);
}

export function toMs(samples: number): number {
  return Math.round((samples * 1000) / INGEST_RATE);
}
