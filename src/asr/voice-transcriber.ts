import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';
import { INGEST_RATE } from '../audio/audio-events.ts';
import { SampleHistory } from '../audio/sample-history.ts';
import type { EventBus } from '../core/bus.ts';
import type { Disposer } from '../core/disposable.ts';
import { isEngineError } from '../core/errors.ts';
import { STREAMER } from '../core/input.ts';
import type { InputQueue } from '../core/input-queue.ts';
import type { ClientHub } from '../server/ws/client-hub.ts';
import type { BusEvents } from '../core/bus-events.ts';
import type { AsrEngine, AsrResult, AsrStream } from './asr-engine.ts';
import type { DecodeQueue } from './decode-queue.ts';
import './asr-events.ts';
import '../vad/vad-events.ts';

export interface VoiceTranscriberDeps {
  bus: EventBus;
  hub: ClientHub;
  input: InputQueue;
  log: Logger;
  engine: AsrEngine;
  queue: DecodeQueue;
  partials: boolean;
  /** Audio fed to a streaming recognizer before the detected start (matches the VAD's pre-roll). */
  preRollMs: number;
}

/** How much recent audio is kept per client to replay into a streaming recognizer at speech start. */
const HISTORY_SECONDS = 2;

/** A decode started at a tentative pause, kept for the utterance's end if the voice does not come back. */
interface Tentative {
  pauseId: number;
  result: Promise<AsrResult>;
  /** Withdraws the decode (skipped if it is still queued). */
  controller: AbortController;
}

/**
 * Turns VAD utterances into transcripts. With a streaming engine, audio flows into the recognizer
 * from speech start (plus pre-roll), partials go out as they change, and the final is ready right
 * at speech end. With an offline engine, the VAD segment is decoded at speech end — or already at
 * the VAD's tentative pause, whose decode the end then reuses. Tentative texts go to the bus
 * (`asr.tentative`, for work that can start early); finals go to clients (`transcript`), to the bus
 * (`asr.final`) and, when not empty, into the input queue.
 */
export class VoiceTranscriber {
  private readonly histories = new Map<string, SampleHistory>();
  private readonly open = new Map<string, AsrStream>();
  private readonly tentatives = new Map<string, Tentative>();
  /** The latest partial of each open streaming utterance. */
  private readonly partials = new Map<string, string>();
  private disposed = false;

  constructor(private readonly deps: VoiceTranscriberDeps) {}

  start(): Disposer {
    const { bus } = this.deps;
    const offs = [
      bus.on('audio.stream_start', (e) => {
        if (this.deps.engine.streaming) this.histories.set(e.clientUid, new SampleHistory(HISTORY_SECONDS * INGEST_RATE));
      }),
      bus.on('audio.window', (e) => this.window(e.clientUid, e.samples)),
      bus.on('audio.stream_end', (e) => this.histories.delete(e.clientUid)),
      bus.on('vad.speech_start', (e) => this.speechStart(e.clientUid, e.startMs)),
      bus.on('vad.speech_end', (e) => this.speechEnd(e)),
      bus.on('vad.speech_pause', (e) => this.speechPause(e)),
      bus.on('vad.speech_resume', (e) => {
        if (this.tentatives.get(e.clientUid)?.pauseId === e.pauseId) this.dropTentative(e.clientUid);
      }),
    ];
    return () => {
      this.disposed = true;
      for (const off of offs) off();
      this.open.clear();
      for (const t of this.tentatives.values()) t.controller.abort();
      this.tentatives.clear();
      this.partials.clear();
      this.histories.clear();
    };
  }

  private window(clientUid: string, samples: Float32Array): void {
    this.histories.get(clientUid)?.push(samples);
    const stream = this.open.get(clientUid);
    if (!stream) return;
    const partial = this.guard(clientUid, () => stream.accept(samples));
    if (partial !== undefined) this.partial(clientUid, partial);
  }

  private speechStart(clientUid: string, startMs: number): void {
    const { engine } = this.deps;
    if (!engine.streaming || !engine.createStream) return;
    const history = this.histories.get(clientUid);
    const stream = this.guard(clientUid, () => engine.createStream?.());
    if (!stream) return;
    this.open.set(clientUid, stream);
    if (history) {
      const from = Math.round(((startMs - this.deps.preRollMs) * INGEST_RATE) / 1000);
      const backlog = history.slice(from, history.end);
      const partial = this.guard(clientUid, () => stream.accept(backlog));
      if (partial !== undefined) this.partial(clientUid, partial);
    }
  }

  /**
   * A tentative end: a streaming engine's latest partial is the text so far; an offline engine
   * decodes the segment now, and the end reuses that decode if no voice came back in between.
   */
  private speechPause(seg: BusEvents['vad.speech_pause']): void {
    const { clientUid, pauseId } = seg;
    if (this.open.has(clientUid)) {
      const text = this.partials.get(clientUid);
      if (text) this.tentative(clientUid, pauseId, text);
      return;
    }
    this.dropTentative(clientUid);
    const controller = new AbortController();
    const result = this.deps.queue.run(() => this.deps.engine.transcribe(seg.samples, controller.signal));
    this.tentatives.set(clientUid, { pauseId, result, controller });
    result.then(
      (r) => {
        if (this.tentatives.get(clientUid)?.pauseId === pauseId && r.text) this.tentative(clientUid, pauseId, r.text);
      },
      // The end decodes again (or reports the failure) if this one failed.
      () => undefined,
    );
  }

  private dropTentative(clientUid: string): void {
    this.tentatives.get(clientUid)?.controller.abort();
    this.tentatives.delete(clientUid);
  }

  private tentative(clientUid: string, pauseId: number, text: string): void {
    if (!this.disposed) this.deps.bus.emit('asr.tentative', { clientUid, pauseId, text, at: performance.now() });
  }

  private speechEnd(seg: BusEvents['vad.speech_end']): void {
    const { clientUid } = seg;
    const stream = this.open.get(clientUid);
    this.open.delete(clientUid);
    this.partials.delete(clientUid);
    const tentative = this.tentatives.get(clientUid);
    this.tentatives.delete(clientUid);
    const reuse = tentative !== undefined && tentative.pauseId === seg.pauseId;
    if (!reuse) tentative?.controller.abort();
    if (stream) {
      const result = this.guard(clientUid, () => stream.finish());
      if (result) this.final(clientUid, result, seg);
      return;
    }
    const decode = (): Promise<AsrResult> => this.deps.queue.run(() => this.deps.engine.transcribe(seg.samples));
    // A failed decode at the pause is retried on the whole segment.
    const result = reuse ? tentative.result.catch(decode) : decode();
    result.then((r) => this.final(clientUid, r, seg)).catch((err: unknown) => this.failed(clientUid, err));
  }

  private partial(clientUid: string, text: string): void {
    this.partials.set(clientUid, text);
    if (!this.deps.partials) return;
    this.deps.hub.broadcast({ type: 'transcript', text, final: false, clientUid });
    this.deps.bus.emit('asr.partial', { clientUid, text, at: performance.now() });
  }

  private final(clientUid: string, result: AsrResult, seg: BusEvents['vad.speech_end']): void {
    if (this.disposed) return;
    const timings = { speech_end: seg.speechEndAt, vad_end: seg.at, asr_final: performance.now() };
    const { log, hub, bus, input } = this.deps;
    log.info(
      { event: 'asr.final', client_uid: clientUid, chars: result.text.length, speech_ms: seg.endMs - seg.startMs, final_after_vad_ms: round(timings.asr_final - timings.vad_end) },
      'utterance transcribed',
    );
    hub.broadcast({ type: 'transcript', text: result.text, final: true, clientUid });
    bus.emit('asr.final', { clientUid, text: result.text, ...(result.language ? { language: result.language } : {}), timings });
    if (!result.text) return;
    try {
      input.push({ kind: 'voice', text: result.text, user: STREAMER, clientUid, timings, ...(result.language ? { language: result.language } : {}) });
    } catch (err) {
      this.failed(clientUid, err);
    }
  }

  private failed(clientUid: string, err: unknown): void {
    if (this.disposed) return;
    const code = isEngineError(err) ? err.code : 'ASR_FAILED';
    this.deps.log.warn({ event: 'asr.failed', client_uid: clientUid, code, err }, 'speech recognition failed');
    this.deps.hub.send(clientUid, { type: 'error', code, message: isEngineError(err) ? err.message : 'speech recognition failed', retryable: true });
  }

  private guard<T>(clientUid: string, fn: () => T): T | undefined {
    try {
      return fn();
    } catch (err) {
      this.open.delete(clientUid);
      this.failed(clientUid, err);
      return undefined;
    }
  }
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
