import { performance } from 'node:perf_hooks';
import { INGEST_RATE } from '../audio/ingest-format.ts';
import type { SampleHistory } from '../audio/sample-history.ts';
import { isEngineError } from '../core/errors.ts';
import { SegmentChannel } from '../agent/segment-channel.ts';
import type { AsrResult, AsrStream } from '../asr/asr-engine.ts';
import type { SpeechSegment } from '../vad/vad-stream.ts';
import type { VoiceFrame, VoiceStep } from './voice-frames.ts';

/** What the ASR step needs of the recognizer (the ASR stage's service). */
export interface Recognizer {
  readonly streaming: boolean;
  /** Opens a streaming utterance (streaming engines only). */
  createStream?(): AsrStream;
  /** Decodes a whole utterance, queued behind other decodes. */
  transcribe(samples: Float32Array, signal?: AbortSignal): Promise<AsrResult>;
}

/**
 * Speech → text. With a streaming recognizer, audio flows into it from speech start (replaying the
 * pre-roll), partials come out as they change and the final is ready right at speech end. With an
 * offline one, the segment is decoded at speech end, or already at a tentative pause, whose decode
 * the end reuses when no voice came back. Decodes run off the pipeline: their results join the
 * output when ready, while audio keeps flowing. Outputs events only (speech and ASR); audio stops here.
 * The pre-roll is replayed from `history`, the one the VAD step writes.
 */
export function transcribe(recognizer: Recognizer | undefined, preRollMs: number, history: SampleHistory): VoiceStep<VoiceFrame, VoiceFrame> {
  return (input, ctx) => {
    const out = new SegmentChannel<VoiceFrame>();
    const pending = new Set<Promise<unknown>>();
    const streaming = recognizer?.streaming === true && recognizer.createStream !== undefined;
    /** End of the audio frames passed so far: a speech_start arrives before the frame of its window. */
    let heard = 0;
    let open: AsrStream | undefined;
    let partial = '';
    let tentative: { pauseId: number; result: Promise<AsrResult>; controller: AbortController } | undefined;

    const failed = (err: unknown): void => {
      open = undefined;
      out.push({ kind: 'asr_error', code: isEngineError(err) ? err.code : 'ASR_FAILED', message: isEngineError(err) ? err.message : 'speech recognition failed', err });
    };
    const guard = <T>(fn: () => T): T | undefined => {
      try {
        return fn();
      } catch (err) {
        failed(err);
        return undefined;
      }
    };
    const newPartial = (text: string | undefined): void => {
      if (text === undefined) return;
      partial = text;
      out.push({ kind: 'asr_partial', text, at: performance.now() });
    };
    const track = (p: Promise<unknown>): void => {
      pending.add(p);
      void p.finally(() => pending.delete(p));
    };
    const dropTentative = (): void => {
      tentative?.controller.abort();
      tentative = undefined;
    };
    const final = (result: AsrResult, segment: SpeechSegment): void => {
      if (!ctx.signal.aborted) out.push({ kind: 'asr_final', result, segment, at: performance.now() });
    };

    const speechStart = (startMs: number): void => {
      const stream = guard(() => recognizer?.createStream?.());
      if (!stream) return;
      open = stream;
      partial = '';
      const from = Math.round(((startMs - preRollMs) * INGEST_RATE) / 1000);
      newPartial(guard(() => stream.accept(history.slice(from, heard))));
    };

    const speechPause = (segment: SpeechSegment, pauseId: number): void => {
      if (open) {
        if (partial) out.push({ kind: 'asr_tentative', pauseId, text: partial, at: performance.now() });
        return;
      }
      if (!recognizer) return;
      dropTentative();
      const controller = new AbortController();
      const result = recognizer.transcribe(segment.samples, controller.signal);
      tentative = { pauseId, result, controller };
      track(
        result.then(
          (r) => {
            if (tentative?.pauseId === pauseId && r.text && !ctx.signal.aborted) out.push({ kind: 'asr_tentative', pauseId, text: r.text, at: performance.now() });
          },
          // The end decodes again (or reports the failure) if this one failed.
          () => undefined,
        ),
      );
    };

    const speechEnd = (segment: SpeechSegment): void => {
      const stream = open;
      open = undefined;
      partial = '';
      const held = tentative;
      tentative = undefined;
      const reuse = held !== undefined && held.pauseId === segment.pauseId;
      if (!reuse) held?.controller.abort();
      if (stream) {
        const result = guard(() => stream.finish());
        if (result) final(result, segment);
        return;
      }
      if (!recognizer) return;
      const decode = (): Promise<AsrResult> => recognizer.transcribe(segment.samples);
      // A failed decode at the pause is retried on the whole segment.
      const result = reuse ? held.result.catch(decode) : decode();
      track(result.then((r) => final(r, segment)).catch((err: unknown) => !ctx.signal.aborted && failed(err)));
    };

    const pump = async (): Promise<void> => {
      try {
        for await (const frame of input) {
          switch (frame.kind) {
            case 'audio':
              heard = history.end;
              if (open) {
                const stream = open;
                newPartial(guard(() => stream.accept(frame.samples)));
              }
              continue;
            case 'speech_start':
              out.push(frame);
              if (streaming) speechStart(frame.startMs);
              continue;
            case 'speech_pause':
              out.push(frame);
              speechPause(frame.segment, frame.pauseId);
              continue;
            case 'speech_resume':
              out.push(frame);
              if (tentative?.pauseId === frame.pauseId) dropTentative();
              continue;
            case 'speech_end':
              out.push(frame);
              speechEnd(frame.segment);
              continue;
            default:
              out.push(frame);
          }
        }
        while (pending.size > 0 && !ctx.signal.aborted) await Promise.all([...pending]);
      } catch (err) {
        ctx.log.error({ event: 'voice.pipeline_failed', err }, 'voice pipeline failed');
      } finally {
        dropTentative();
        out.close();
      }
    };
    void pump();
    return out;
  };
}
