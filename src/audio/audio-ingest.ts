import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';
import type { EventBus } from '../core/bus.ts';
import type { Disposer } from '../core/disposable.ts';
import { INGEST_RATE, INGEST_WINDOW } from './audio-events.ts';
import { int16ToFloat32 } from './pcm.ts';
import { StreamingResampler } from './resample.ts';

interface ClientStream {
  resampler: StreamingResampler;
  pending: Float32Array;
  pendingLength: number;
  emitted: number;
}

export interface AudioIngestOptions {
  /** Most microphone streams handled at once; further `audio-start`s are refused. */
  maxStreams: number;
  /** Called when a stream is refused, so the client can be told. */
  onRefused?: (clientUid: string) => void;
}

/**
 * Turns client microphone audio (`audio.start|frame|end`, PCM16 at any rate, frames of any length)
 * into 16 kHz float windows of exactly 512 samples (`audio.window`), which is what Silero VAD and
 * the recognizers consume. Resampling is streaming, so no audio is delayed by more than the
 * filter's half-width (about 1 ms at 48 kHz).
 */
export class AudioIngest {
  private readonly streams = new Map<string, ClientStream>();

  constructor(
    private readonly bus: EventBus,
    private readonly log: Logger,
    private readonly opts: AudioIngestOptions,
  ) {}

  get activeStreams(): number {
    return this.streams.size;
  }

  /** Subscribes to the bus; the returned disposer ends every stream and unsubscribes. */
  start(): Disposer {
    const offs = [
      this.bus.on('audio.start', (e) => this.begin(e.clientUid, e.sampleRate)),
      this.bus.on('audio.frame', (e) => this.frame(e.clientUid, e.sampleRate, e.pcm)),
      this.bus.on('audio.end', (e) => this.end(e.clientUid)),
      this.bus.on('client.disconnected', (e) => this.end(e.clientUid)),
    ];
    return () => {
      for (const off of offs) off();
      for (const uid of [...this.streams.keys()]) this.end(uid);
    };
  }

  begin(clientUid: string, sampleRate: number): void {
    if (this.streams.has(clientUid)) this.end(clientUid);
    if (this.streams.size >= this.opts.maxStreams) {
      this.log.warn({ event: 'audio.stream_refused', client_uid: clientUid, active: this.streams.size }, 'too many microphone streams');
      this.opts.onRefused?.(clientUid);
      return;
    }
    this.streams.set(clientUid, { resampler: new StreamingResampler(sampleRate, INGEST_RATE), pending: new Float32Array(INGEST_WINDOW), pendingLength: 0, emitted: 0 });
    this.log.debug({ event: 'audio.stream_start', client_uid: clientUid, sample_rate: sampleRate }, 'microphone stream started');
    this.bus.emit('audio.stream_start', { clientUid, sourceRate: sampleRate, at: performance.now() });
  }

  frame(clientUid: string, sampleRate: number, pcm: Int16Array): void {
    const stream = this.streams.get(clientUid);
    if (!stream || stream.resampler.fromRate !== sampleRate) return;
    this.feed(clientUid, stream, stream.resampler.push(int16ToFloat32(pcm)));
  }

  end(clientUid: string): void {
    const stream = this.streams.get(clientUid);
    if (!stream) return;
    this.feed(clientUid, stream, stream.resampler.flush());
    if (stream.pendingLength > 0) this.emitWindow(clientUid, stream, stream.pending.slice(0, stream.pendingLength));
    this.streams.delete(clientUid);
    this.log.debug({ event: 'audio.stream_end', client_uid: clientUid, samples: stream.emitted }, 'microphone stream ended');
    this.bus.emit('audio.stream_end', { clientUid, samples: stream.emitted, at: performance.now() });
  }

  private feed(clientUid: string, stream: ClientStream, samples: Float32Array): void {
    let at = 0;
    while (at < samples.length) {
      const take = Math.min(INGEST_WINDOW - stream.pendingLength, samples.length - at);
      stream.pending.set(samples.subarray(at, at + take), stream.pendingLength);
      stream.pendingLength += take;
      at += take;
      if (stream.pendingLength === INGEST_WINDOW) {
        const window = stream.pending;
        stream.pending = new Float32Array(INGEST_WINDOW);
        stream.pendingLength = 0;
        this.emitWindow(clientUid, stream, window);
      }
    }
  }

  private emitWindow(clientUid: string, stream: ClientStream, samples: Float32Array): void {
    const offset = stream.emitted;
    stream.emitted += samples.length;
    this.bus.emit('audio.window', { clientUid, samples, offset, at: performance.now() });
  }
}
