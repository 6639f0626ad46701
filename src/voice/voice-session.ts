import type { Logger } from 'pino';
import type { VadConfig } from '../vad/vad-config.ts';
import type { SherpaVad } from '../vad/sherpa-vad.ts';
import { SampleHistory } from '../audio/sample-history.ts';
import { speechHistorySamples } from '../vad/vad-stream.ts';
import { readRing, toMono16k, cutWindows } from './audio-steps.ts';
import { AudioRing } from './audio-ring.ts';
import { transcribe, type Recognizer } from './asr-step.ts';
import { detectPauses } from './pause-step.ts';
import { detectSpeech } from './vad-step.ts';
import type { StepContext, VoiceFrame } from './voice-frames.ts';

export interface VoicePipelineParts {
  /** The client's PCM16 sample rate (8–192 kHz). */
  sampleRate: number;
  vad: VadConfig;
  /** A fresh or reset native Silero detector (see VadService). */
  detector: SherpaVad;
  /** The recognizer; without one, speech is detected but not transcribed. */
  recognizer: Recognizer | undefined;
}

/**
 * THE VOICE PIPELINE of one client, top to bottom. Each step is a stream in, a stream out and the
 * session's AbortSignal (livekit agents-js' node shape); frames are in voice-frames.ts.
 *
 *   PCM16 at the client's rate   (from the bounded ring: audio-ring.ts, read by readRing)
 *   → 16 kHz float               (sherpa-onnx's native resampler)
 *   → 512-sample windows         (one reused buffer)
 *   → Silero VAD                 speech_start, speech_end (hangover, refined end, pre-roll)
 *   → pause detector             speech_pause / speech_resume (a tentative end, ahead of the hangover)
 *   → ASR                        asr_partial, asr_tentative, asr_final, asr_error
 *
 * What comes out is events only; `publishVoiceFrame` (voice-publish.ts) sends the ones others
 * need to the bus, the clients and the input queue. The VAD step writes each window into one
 * history of the stream; the pause detector and the ASR read the utterance's audio from it.
 */
export function voicePipeline(pcm: AsyncIterable<Int16Array>, parts: VoicePipelineParts, ctx: StepContext): AsyncIterable<VoiceFrame> {
  const audio = toMono16k(parts.sampleRate)(pcm, ctx);
  const windows = cutWindows(audio, ctx);
  const history = new SampleHistory(speechHistorySamples(parts.vad));
  const speech = detectSpeech(parts.vad, parts.detector, history)(windows, ctx);
  const pauses = detectPauses(parts.vad, history)(speech, ctx);
  return transcribe(parts.recognizer, parts.vad.pre_roll_ms, history)(pauses, ctx);
}

/** Most audio (ms of the stream) worked off while a partial transcript waits for the session to catch up. */
const PARTIAL_MAX_WAIT_MS = 300;

export interface VoiceSessionOptions extends VoicePipelineParts {
  clientUid: string;
  /** Ring size: audio buffered before the oldest is dropped, in ms. */
  ringMs: number;
  log: Logger;
  /** Receives every event, in order. */
  publish(frame: VoiceFrame): void;
  /** The ring dropped audio (called once per overflowing write). */
  onDrop?(droppedSamples: number): void;
}

/**
 * One client's microphone stream: the socket callback only copies bytes into the ring
 * (`write`); the pipeline runs on its own, off that callback, until `end` drains it or `abort`
 * stops it.
 */
export class VoiceSession {
  readonly ring: AudioRing;
  private readonly controller = new AbortController();
  private runPromise: Promise<void> | undefined;
  private pendingPartial: VoiceFrame | undefined;
  private pendingPartialSince: number | undefined;

  constructor(private readonly opts: VoiceSessionOptions) {
    this.ring = new AudioRing(opts.sampleRate, opts.ringMs);
  }

  get clientUid(): string {
    return this.opts.clientUid;
  }

  /** Starts the pipeline; resolves when it has drained (after `end`) or was aborted. */
  run(): Promise<void> {
    this.runPromise ??= (async () => {
      const ctx: StepContext = { signal: this.controller.signal, log: this.opts.log };
      for await (const frame of voicePipeline(readRing(this.ring, ctx, () => this.flushPartial()), this.opts, ctx)) {
        if (ctx.signal.aborted) break;
        this.deliver(frame);
      }
    })();
    return this.runPromise;
  }

  /**
   * Control before data: speech events and finals go out at once. A partial transcript is data
   * that the next one replaces: it waits until the session has caught up with the client (or
   * for at most PARTIAL_MAX_WAIT_MS of backlogged audio), and only the latest goes out. A slow partial
   * subscriber then costs one call per catch-up, not one per window, and the VAD keeps up.
   */
  private deliver(frame: VoiceFrame): void {
    if (frame.kind === 'asr_partial') {
      this.pendingPartialSince ??= this.ring.readSamples;
      this.pendingPartial = frame;
      if (this.ring.readSamples - this.pendingPartialSince >= (this.ring.sampleRate * PARTIAL_MAX_WAIT_MS) / 1000) this.flushPartial();
      return;
    }
    // A new utterance or the final makes a partial not yet sent stale.
    if (frame.kind === 'asr_final' || frame.kind === 'speech_start') {
      this.pendingPartial = undefined;
      this.pendingPartialSince = undefined;
    }
    this.opts.publish(frame);
  }

  private flushPartial(): void {
    const latest = this.pendingPartial;
    this.pendingPartial = undefined;
    this.pendingPartialSince = undefined;
    if (latest && !this.controller.signal.aborted) this.opts.publish(latest);
  }

  /** PCM16LE bytes from the socket: copied into the ring, nothing else. */
  write(bytes: Uint8Array): void {
    const dropped = this.ring.writePcm16le(bytes);
    if (dropped > 0) this.opts.onDrop?.(dropped);
  }

  /** No more audio: what is buffered is still processed and an open utterance is closed. */
  end(): void {
    this.ring.close();
  }

  /** Stops at once; nothing more is published. */
  abort(): void {
    this.controller.abort();
    this.ring.close();
  }
}
