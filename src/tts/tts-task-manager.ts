import type { Logger } from 'pino';
import type { ReplySegment } from '../core/speech.ts';
import { EngineError, toEngineError } from '../core/errors.ts';
import { abortError, raceAbort } from '../core/abort.ts';
import { ChunkQueue } from './chunk-queue.ts';
import type { AudioChunk, Prosody } from './engine.ts';
import type { ChainChunk, EngineChain } from './engine-chain.ts';
import { type ProsodyDelta, ProsodyTracker } from './prosody.ts';
import { RepeatGuard } from './repeat-guard.ts';

export interface TaskManagerOptions {
  concurrency: number;
  antiRepeatWindowMs: number;
  /** Base prosody and per-emotion changes from `character.voice`. */
  baseProsody: Prosody;
  emotionProsody: Readonly<Record<string, ProsodyDelta>>;
  now?: () => number;
}

export type SegmentOutcome = 'spoken' | 'text_only' | 'repeat' | 'failed';

/** Where a turn's output goes, strictly in segment order. Never called after the turn's signal aborts. */
export interface SegmentSink {
  /** Right before the segment's first audio (or, for a segment without audio, its only event). */
  segmentStart(segment: ReplySegment, info: { prosody: Prosody; outcome: SegmentOutcome; engine?: string }): void;
  chunk(segment: ReplySegment, chunk: AudioChunk, info: { engine: string; cached: boolean }): void;
  /** A segment failed: `silenceMs` of silence stands in for the rest of it. */
  segmentFailed(segment: ReplySegment, error: EngineError, silenceMs: number): void;
  segmentEnd(segment: ReplySegment, outcome: SegmentOutcome): void;
}

interface Slot {
  segment: ReplySegment;
  prosody: Prosody;
  outcome: SegmentOutcome;
  queue: ChunkQueue<ChainChunk>;
  started: boolean;
}

const SPEAKABLE = /[\p{L}\p{N}]/u;

/** Speech time estimate for a failed segment's stand-in silence (≈ 14 characters per second). */
export function estimateSpeechMs(text: string, rate: number): number {
  return Math.round(Math.min(15_000, Math.max(300, (text.length * 70) / Math.max(0.5, rate))));
}

/**
 * Runs a turn's segments through the engine chain: up to `concurrency` segments synthesize at
 * once, and their audio is handed to the sink strictly in order. Prosody carries over between
 * segments; a repeated sentence is skipped; a failed segment becomes silence plus an error.
 */
export class TtsTaskManager {
  private readonly repeats: RepeatGuard;

  constructor(
    private readonly chain: EngineChain,
    private readonly opts: TaskManagerOptions,
    private readonly log: Logger,
  ) {
    this.repeats = new RepeatGuard(opts.antiRepeatWindowMs, opts.now);
  }

  /** Resolves when every segment is delivered, or right after `signal` aborts (then nothing more reaches the sink). */
  async run(segments: AsyncIterable<ReplySegment>, sink: SegmentSink, signal: AbortSignal): Promise<void> {
    const slots: Slot[] = [];
    let inputDone = false;
    let inputError: Error | undefined;
    let running = 0;
    let delivered = 0;
    let wakeDeliverer: (() => void) | undefined;
    const wake = (): void => {
      const w = wakeDeliverer;
      wakeDeliverer = undefined;
      w?.();
    };
    const tracker = new ProsodyTracker(this.opts.baseProsody, this.opts.emotionProsody);
    const work = new AbortController();
    const onAbort = (): void => work.abort(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });

    const schedule = (): void => {
      // Look ahead a little past the concurrency, not the whole reply: less waste on interrupt.
      const limit = Math.min(slots.length, delivered + this.opts.concurrency * 2);
      for (let i = delivered; i < limit; i++) {
        const slot = slots[i] as Slot;
        if (running >= this.opts.concurrency) return;
        if (slot.started || slot.outcome !== 'spoken') continue;
        slot.started = true;
        running++;
        void this.synthesize(slot, work.signal).finally(() => {
          running--;
          schedule();
        });
      }
    };

    const produce = async (): Promise<void> => {
      const iterator = segments[Symbol.asyncIterator]();
      try {
        for (;;) {
          const r = await raceAbort(iterator.next(), work.signal);
          if (r.done) break;
          const segment = r.value;
          const prosody = tracker.next(segment);
          const outcome: SegmentOutcome = !SPEAKABLE.test(segment.text) ? 'text_only' : this.repeats.isRepeat(segment.text) ? 'repeat' : 'spoken';
          if (outcome === 'repeat') this.log.info({ event: 'tts.segment_repeat', segment: segment.index }, 'skipping a sentence spoken moments ago');
          const queue = new ChunkQueue<ChainChunk>();
          if (outcome !== 'spoken') queue.end();
          slots.push({ segment, prosody, outcome, queue, started: false });
          schedule();
          wake();
        }
      } catch (err) {
        if (!work.signal.aborted) inputError = err instanceof Error ? err : new Error(String(err));
        void iterator.return?.()?.catch(() => undefined);
      } finally {
        inputDone = true;
        wake();
      }
    };

    const producing = produce();
    try {
      for (;;) {
        if (signal.aborted) throw abortError(signal);
        const slot = slots[delivered];
        if (!slot) {
          if (inputDone) break;
          await new Promise<void>((resolve, reject) => {
            const onWorkAbort = (): void => reject(abortError(signal));
            work.signal.addEventListener('abort', onWorkAbort, { once: true });
            wakeDeliverer = () => {
              work.signal.removeEventListener('abort', onWorkAbort);
              resolve();
            };
          });
          continue;
        }
        await this.deliver(slot, sink, signal);
        delivered++;
        schedule();
      }
      if (inputError) throw inputError;
    } finally {
      signal.removeEventListener('abort', onAbort);
      if (!work.signal.aborted) work.abort(new EngineError('ABORTED', 'turn output finished'));
      void producing.catch(() => undefined);
    }
  }

  private async synthesize(slot: Slot, signal: AbortSignal): Promise<void> {
    try {
      for await (const c of this.chain.synthesize(slot.segment.text, slot.prosody, signal)) slot.queue.push(c);
      slot.queue.end();
    } catch (err) {
      slot.queue.fail(err instanceof Error ? err : new Error(String(err)));
    }
  }

  private async deliver(slot: Slot, sink: SegmentSink, signal: AbortSignal): Promise<void> {
    const { segment } = slot;
    if (slot.outcome !== 'spoken') {
      sink.segmentStart(segment, { prosody: slot.prosody, outcome: slot.outcome });
      sink.segmentEnd(segment, slot.outcome);
      return;
    }
    let first = true;
    let deliveredMs = 0;
    try {
      for (;;) {
        const item = await slot.queue.next(signal);
        if (!item) break;
        if (signal.aborted) throw abortError(signal);
        if (first) {
          sink.segmentStart(segment, { prosody: slot.prosody, outcome: 'spoken', engine: item.engine });
          first = false;
        }
        deliveredMs += (item.chunk.pcm.length / item.chunk.sampleRate) * 1000;
        sink.chunk(segment, item.chunk, { engine: item.engine, cached: item.cached });
      }
      sink.segmentEnd(segment, 'spoken');
    } catch (err) {
      if (signal.aborted) throw abortError(signal);
      const error = toEngineError(err, 'TTS_FAILED');
      const silenceMs = Math.max(0, estimateSpeechMs(segment.text, slot.prosody.rate) - Math.round(deliveredMs));
      this.log.warn({ event: 'tts.segment_failed', segment: segment.index, code: error.code, err_message: error.message, silence_ms: silenceMs }, 'segment synthesis failed, sending silence');
      if (first) sink.segmentStart(segment, { prosody: slot.prosody, outcome: 'failed' });
      sink.segmentFailed(segment, error, silenceMs);
      sink.segmentEnd(segment, 'failed');
    }
  }
}
