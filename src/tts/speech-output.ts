import type { Logger } from 'pino';
import { performance } from 'node:perf_hooks';
import { computeEnvelope, ENVELOPE_MS, pcmDurationMs } from '../audio/envelope.ts';
import type { ReplySegment, SpeakResult, SpeechOutput } from '../core/speech.ts';
import type { Turn } from '../core/turn.ts';
import type { TurnOutput } from '../server/ws/turn-output.ts';
import type { AudioChunk } from './engine.ts';
import { encodeAudioMessage } from './audio-message.ts';
import { PcmRechunker } from './pcm-rechunker.ts';
import type { SegmentSink, TtsTaskManager } from './tts-task-manager.ts';

const SILENCE_RATE = 24_000;

/**
 * The 'speech' service: runs a turn's segments through the task manager and streams the audio
 * through the turn-output port as `audio` messages, each segment's `reply-text` / `emotion` /
 * `motion` going out right before its first chunk. Once the turn aborts, nothing more of it is sent.
 */
export class HubSpeechOutput implements SpeechOutput {
  constructor(
    private manager: TtsTaskManager,
    private readonly output: TurnOutput,
    private readonly log: Logger,
    private readonly chunkMs: number,
  ) {}

  /** The next character's voice (a runtime switch); a turn already speaking keeps the one it started with. */
  setManager(manager: TtsTaskManager): void {
    this.manager = manager;
  }

  async speak(turn: Turn, segments: AsyncIterable<ReplySegment>): Promise<SpeakResult> {
    const result: SpeakResult = { segmentsSent: 0, audioMs: 0 };
    const signal = turn.signal;
    const turnId = turn.id;
    let seq = 0;
    let rechunker = new PcmRechunker(this.chunkMs);
    let lastRate = SILENCE_RATE;

    const send = (segment: ReplySegment, pcm: Int16Array, sampleRate: number): void => {
      if (signal.aborted || pcm.length === 0) return;
      const durationMs = pcmDurationMs(pcm.length, sampleRate);
      const envelope = computeEnvelope(pcm, sampleRate, ENVELOPE_MS);
      const fields = { type: 'audio', turnId, seq: seq++, segment: segment.index, format: 'pcm16', sampleRate, durationMs, envelope, envelopeMs: ENVELOPE_MS } as const;
      if (!this.output.audio(turnId, fields, encodeAudioMessage(fields, pcm))) return;
      result.audioMs += durationMs;
      if (seq === 1) turn.mark('first_audio_sent');
    };

    const sink: SegmentSink = {
      segmentStart: (segment, info) => {
        if (signal.aborted) return;
        rechunker = new PcmRechunker(this.chunkMs);
        this.output.segment(turnId, segment, { showText: info.outcome !== 'repeat' });
      },
      chunk: (segment, chunk: AudioChunk) => {
        if (signal.aborted) return;
        turn.mark('tts_first_audio');
        lastRate = chunk.sampleRate;
        for (const piece of rechunker.push(chunk.pcm, chunk.sampleRate)) send(segment, piece.pcm, piece.sampleRate);
      },
      segmentFailed: (segment, error, silenceMs) => {
        if (signal.aborted) return;
        for (const piece of rechunker.flush()) send(segment, piece.pcm, piece.sampleRate);
        this.output.error({ code: error.code, message: `segment ${segment.index} could not be spoken: ${error.message}`, retryable: error.retryable }, turnId);
        const total = Math.round((lastRate * silenceMs) / 1000);
        const per = Math.max(1, Math.round((lastRate * this.chunkMs) / 1000));
        for (let off = 0; off < total; off += per) send(segment, new Int16Array(Math.min(per, total - off)), lastRate);
      },
      segmentEnd: (segment) => {
        if (signal.aborted) return;
        for (const piece of rechunker.flush()) send(segment, piece.pcm, piece.sampleRate);
        // Every outcome counts (a skipped repeat too): the agent reads this as "the first N segments got out".
        result.segmentsSent++;
      },
    };

    const started = performance.now();
    // Control before data: clients drop this turn's queued audio the moment it is aborted. When the
    // agent interrupted it, the port already sent the stop (with the reason) and this one is a no-op.
    const onAbort = (): void => {
      if (seq > 0) this.output.stop(turnId, 'interrupted');
    };
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      const manager = this.manager;
      await manager.run(segments, sink, signal);
      turn.mark('tts_done');
    } catch (err) {
      if (!signal.aborted) {
        this.log.error({ event: 'tts.turn_failed', turn_id: turnId, err }, 'speaking a turn failed');
        throw err;
      }
    } finally {
      signal.removeEventListener('abort', onAbort);
      this.log.debug({ event: 'tts.turn_spoken', turn_id: turnId, segments: result.segmentsSent, audio_ms: Math.round(result.audioMs), wall_ms: Math.round(performance.now() - started), aborted: signal.aborted }, 'turn spoken');
    }
    result.audioMs = Math.round(result.audioMs * 100) / 100;
    return result;
  }
}
